from hypothesis import given
from hypothesis import strategies as st

from bot.safety.folding import fold


def test_full_width_and_dashes_fold_and_map_back():
    f = fold("電話０９０ー１２３４")
    assert f.text == "電話090-1234"
    assert f.source_span(2, 10) == (2, 10)


def test_one_character_can_become_two():
    f = fold("㍻元年")  # ㍻ is 平成 in one code point
    assert f.text == "平成元年"
    assert f.source_span(0, 2) == (0, 1) and f.source_span(2, 3) == (1, 2)


def test_invisible_characters_vanish_but_spans_cover_them():
    f = fold("09\u200b0")
    assert f.text == "090"
    assert f.source_span(0, 3) == (0, 4)


def test_half_width_voiced_kana_compose():
    assert fold("ｶﾞｽ").text == "ガス"


def test_long_vowel_mark_is_kept_in_words():
    assert fold("センター").text == "センター"


@given(st.text())
def test_every_folded_character_maps_into_the_original(text):
    f = fold(text)
    assert len(f.starts) == len(f.ends) == len(f.text)
    assert all(0 <= s < e <= len(text) for s, e in zip(f.starts, f.ends, strict=True))
    assert list(f.starts) == sorted(f.starts)
