"""The My Number (個人番号) check digit, as defined by 行政手続における特定の個人を識別するための
番号の利用等に関する法律施行令 第8条 and the 総務省令 that gives the formula."""

from __future__ import annotations


def check_digit(first11: str) -> int:
    """The 12th digit for the given first 11 digits.

    With P(n) the n-th digit counted from the right of the 11 (n = 1..11) and
    Q(n) = n + 1 for n ≤ 6, n - 5 for n ≥ 7: remainder = Σ P(n)·Q(n) mod 11, and the check
    digit is 0 when the remainder is 0 or 1, else 11 - remainder.
    """
    if len(first11) != 11 or not first11.isascii() or not first11.isdigit():
        raise ValueError("11 ASCII digits expected")
    total = 0
    for n, ch in enumerate(reversed(first11), start=1):
        total += int(ch) * (n + 1 if n <= 6 else n - 5)
    remainder = total % 11
    return 0 if remainder <= 1 else 11 - remainder


def is_valid(number: str) -> bool:
    """True for 12 ASCII digits whose last digit is the check digit of the first 11."""
    if len(number) != 12 or not number.isascii() or not number.isdigit():
        return False
    return check_digit(number[:11]) == int(number[11])


def with_check_digit(first11: str) -> str:
    """The full 12-digit number (handy for building test data)."""
    return first11 + str(check_digit(first11))
