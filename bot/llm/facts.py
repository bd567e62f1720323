"""The facts a sentence asserts, in one canonical form, so a generated answer can be compared
with its sources: numbers with their unit (amounts, dates, periods, counts), phone numbers, URLs
and proper nouns.

Canonical form: NFKC (full/half width), lower case, kanji numerals as digits (三百円 → 300円,
1万5千円 → 15000円), 和暦 as 西暦 (令和6年 → 2024年), yen spelled 円 (¥300, 300 yen → 300円),
English months as 月/日, thousands separators removed.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from ingest.text import SudachiPerThread, fold_kana, kanji_number

MARKER = re.compile(r"\[(\d+)\]")
URL = re.compile(r"https?://[^\s<>\"'（）()「」、。]+")
PHONE = re.compile(r"(?<![\d-])(?:0\d{1,4}-\d{1,4}-\d{3,4}|0\d{9,10}|#\d{4}|0120-\d{2,3}-\d{3,4})"
                   r"(?![\d-])")
_ERAS = {"令和": 2018, "平成": 1988, "昭和": 1925, "大正": 1911, "明治": 1867}
_ERA = re.compile(r"(令和|平成|昭和|大正|明治)\s*(\d{1,2}|元)\s*年")
_LARGE = {"万": 10_000, "億": 100_000_000}
_COUNTER = (r"(?:円|年|か月|ヶ月|カ月|ケ月|箇月|月|週間|週|日間|日|時間|時(?!的|期|金|停)|分(?!の)"
            r"|秒|歳|才|回|人|件|枚|通|条|号|冊|割|点|個|名|項|倍|%|パーセント)")
_NUMERAL = r"[0-9〇一二三四五六七八九十百千万億]"
_KANJI_NUMBER = re.compile(rf"{_NUMERAL}*[〇一二三四五六七八九十百千万億]{_NUMERAL}*")
# Words built from numeral characters that are not numbers (万一 = "should it happen").
_NOT_NUMBERS = re.compile(r"万一|一時(?=的|期|停止|預)|十分(?!間|以内|前|後|程度)|一人ひとり|"
                          r"一つ一つ|一番|一律|一般|一部|一度|一緒|一方|一定|一旦|一括|一覧|一切")
_DECIMAL_LARGE = re.compile(r"(\d+\.\d+)\s*([万億])")
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")
_YEN = [(re.compile(r"[¥]\s*(\d+(?:\.\d+)?)"), r"\1円"),
        (re.compile(r"(\d+(?:\.\d+)?)\s*(?:yen|jpy)\b"), r"\1円"),
        (re.compile(r"\bjpy\s*(\d+(?:\.\d+)?)"), r"\1円")]
_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august",
           "september", "october", "november", "december")
_ENGLISH_DATE = re.compile(r"\b(" + "|".join(_MONTHS) + r")\s+(\d{1,2})(?:st|nd|rd|th)?"
                           r"(?:,?\s+(\d{4}))?\b")
_NUMBER = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)\s*(円|か月|ヶ月|カ月|ケ月|箇月|週間|日間|時間|"
                     r"パーセント|percent|minutes?|hours?|days?|weeks?|months?|years?|"
                     r"[年月週日時分秒歳才回人件枚通条号冊割点個名項倍%])?")
_FAMILY = {"か月": "月", "ヶ月": "月", "カ月": "月", "ケ月": "月", "箇月": "月", "months": "月",
           "month": "月", "週間": "週", "weeks": "週", "week": "週", "日間": "日", "days": "日",
           "day": "日", "時間": "時", "hours": "時", "hour": "時", "minutes": "分",
           "minute": "分", "years": "年", "year": "年", "才": "歳", "パーセント": "%",
           "percent": "%"}


@dataclass(frozen=True)
class Facts:
    """What a text asserts that a source must also say."""

    numbers: frozenset[tuple[str, str]]  # (value, unit family; "" when bare)
    phones: frozenset[str]                # digits only
    urls: frozenset[str]                  # without a trailing slash
    names: frozenset[str]                 # proper nouns, canonical


def _kanji_numbers(text: str) -> str:
    protected: list[str] = []

    def keep(m: re.Match[str]) -> str:
        protected.append(m.group(0))
        return f"\ue000{len(protected) - 1}\ue001"

    text = _NOT_NUMBERS.sub(keep, text)

    def convert(m: re.Match[str]) -> str:
        s = m.group(0)
        follows = re.match(_COUNTER, text[m.end():]) is not None
        multiplier = any(c in "十百千万億" for c in s) and len(s) >= 2
        return str(kanji_number(s)) if follows or multiplier else s

    text = _KANJI_NUMBER.sub(convert, text)
    return re.sub(r"\ue000(\d+)\ue001", lambda m: protected[int(m.group(1))], text)


def _large(m: re.Match[str]) -> str:
    value = float(m.group(1)) * _LARGE[m.group(2)]
    return str(int(value)) if value.is_integer() else str(value)


def _western_year(m: re.Match[str]) -> str:
    year = 1 if m.group(2) == "元" else int(m.group(2))
    return f"{_ERAS[m.group(1)] + year}年"


def _english_date(m: re.Match[str]) -> str:
    month = _MONTHS.index(m.group(1)) + 1
    year = f"{m.group(3)}年" if m.group(3) else ""
    return f"{year}{month}月{int(m.group(2))}日"


@lru_cache(maxsize=4096)
def canonical(text: str) -> str:
    """The form both sides are compared in (see the module docstring)."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = _THOUSANDS.sub("", text)
    text = _DECIMAL_LARGE.sub(_large, text)
    text = _kanji_numbers(text)
    text = _ERA.sub(_western_year, text)
    for pattern, repl in _YEN:
        text = pattern.sub(repl, text)
    return _ENGLISH_DATE.sub(_english_date, text)


def _value(raw: str) -> str:
    number = float(raw)
    return str(int(number)) if number.is_integer() else str(number)


def numbers(canonical_text: str) -> frozenset[tuple[str, str]]:
    """(value, unit family) of every number outside URLs and phone numbers."""
    rest = PHONE.sub(" ", URL.sub(" ", MARKER.sub(" ", canonical_text)))
    out = set()
    for m in _NUMBER.finditer(rest):
        unit = m.group(2) or ""
        out.add((_value(m.group(1)), _FAMILY.get(unit, unit)))
    return frozenset(out)


class NameFinder:
    """Proper nouns by Sudachi (SplitMode.C, 固有名詞), one tokenizer per thread."""

    def __init__(self) -> None:
        self._tokenizer = SudachiPerThread("C").get

    def names(self, text: str) -> frozenset[str]:
        out = set()
        for m in self._tokenizer().tokenize(text[:4000]):
            pos = m.part_of_speech()
            surface = m.surface()
            # ASCII names cannot be matched against Japanese sources; numbers cover dates.
            if (pos[0] == "名詞" and pos[1] == "固有名詞" and len(surface) >= 2
                    and not surface.isascii()):
                out.add(fold_kana(surface))
        return frozenset(out)


def facts(text: str, finder: NameFinder) -> Facts:
    """The facts one sentence (or passage) asserts."""
    c = canonical(text)
    urls = frozenset(u.rstrip("/.") for u in URL.findall(c))
    phones = frozenset(re.sub(r"\D", "", p) or p for p in PHONE.findall(URL.sub(" ", c)))
    return Facts(numbers(c), phones, urls, finder.names(MARKER.sub("", c)))


def haystack(text: str) -> str:
    """A source's text in canonical form with kana folded, for substring checks."""
    return fold_kana(canonical(text))
