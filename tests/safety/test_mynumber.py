import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.safety.mynumber import check_digit, is_valid, with_check_digit

ELEVEN = st.text(alphabet="0123456789", min_size=11, max_size=11)


@pytest.mark.parametrize("number", ["123456789018", "111122223333", "987654321093",
                                    "100000000005"])
def test_known_valid_numbers(number):
    assert is_valid(number)


@pytest.mark.parametrize("number", ["123456789012", "987654321098", "12345678901",
                                    "1234567890189", "12345678901a", "１２３４５６７８９０１８",
                                    ""])
def test_invalid_numbers(number):
    assert not is_valid(number)


def test_remainder_zero_or_one_gives_zero():
    # 00000000000 sums to 0; 00000000001 gives 1*2 = 2 → 9; 10000000000 gives 1*6 = 6 → 5
    assert check_digit("00000000000") == 0
    assert check_digit("00000000001") == 9
    assert check_digit("10000000000") == 5
    assert check_digit("00000000006") == 0  # 6*2 = 12, remainder 1


def test_check_digit_rejects_bad_input():
    with pytest.raises(ValueError):
        check_digit("1234")


@given(ELEVEN)
def test_generated_numbers_are_valid(first11):
    assert is_valid(with_check_digit(first11))


@given(ELEVEN, st.integers(1, 9))
def test_any_other_last_digit_is_invalid(first11, shift):
    number = with_check_digit(first11)
    wrong = number[:11] + str((int(number[11]) + shift) % 10)
    assert not is_valid(wrong)
