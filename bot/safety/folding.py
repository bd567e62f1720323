"""A normalized view of a message that remembers where each character came from, so detectors
can work on NFKC text (full-width digits, ＠, －) and still report spans of the original.

`fold` removes every hidden character (format characters such as zero-width spaces, bidi
isolates, the soft hyphen, U+180E, variation selectors), applies NFKC and makes dashes between
digits '-'. `fold(text, numbers=True)` also writes kanji numerals as digits where they stand
for a number (昭和三十八年二月十一日 → 昭和38年2月11日, 〇九〇 → 090, 三丁目 → 3丁目) and a letter O
between digits as 0 (09o-1234), for the
detectors of structured data; names are looked for in the view without that step (三郎)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from ingest.text import INVISIBLE

# Dash look-alikes typed between digits (090ー1234ー5678, 03−1234−5678); one char each, so the
# replacement keeps the index map intact.
_DIGIT_DASH = re.compile(r"(?<=\d)[ー‐‑‒–—―−ｰ－](?=\d)")
# The letter O typed for a zero inside a number (09o-4412-7730): one char for one, too.
# Also one opening a number, before a digit (O9O-4471-…, o8o-…), where no letter precedes it.
_LETTER_ZERO = re.compile(r"(?<=[0-9])[oO](?=-?[0-9])|(?<=[0-9]-)[oO](?=[0-9])"
                          r"|(?<![A-Za-z0-9])[oO](?=[0-9][0-9oO\-])")
# Digits typed one by one with a space between them (口座は 7 1 2 3 4 5 6): five or more
# single digits are one number; the spaces go.
_SPACED_DIGITS = re.compile(r"(?<![0-9])[0-9](?:[ ][0-9]){4,}(?![0-9])")
_HALFWIDTH_MARKS = "\uff9e\uff9f"
# Characters that render as nothing (or as blank filler) but may sit between digits.
_HIDDEN_EXTRA = frozenset("\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b\u180c\u180d"
                          "\u180e\u180f\u3164\uffa0")
_KANJI_DIGITS = {c: str(i) for i, c in enumerate("〇一二三四五六七八九")} | {"零": "0", "○": "0"}
_UNITS = {"十": 10, "百": 100, "千": 1000}
# A kanji numeral that is a number: two or more digit characters in a row (〇九〇, 二〇〇六),
# a numeral with 十/百/千 (三十八, 千九百八十), or one digit before a counter (三丁目, 五号).
_KANJI_NUMBER = re.compile(
    r"(?P<seq>[〇零○一二三四五六七八九]{2,})"
    r"|(?P<val>[一二三四五六七八九]?千?[一二三四五六七八九]?百?[一二三四五六七八九]?十[一二三四五六七八九]?"
    r"|[一二三四五六七八九]?千[一二三四五六七八九]?百?[一二三四五六七八九]?十?[一二三四五六七八九]?"
    r"|[一二三四五六七八九]?百[一二三四五六七八九]?十?[一二三四五六七八九]?)"
    r"(?=年|月|日|歳|丁目|番|号|条|項|階|部屋|人|円)"
    r"|(?P<one>[〇一二三四五六七八九])(?=年|月|日|丁目|番地|番[0-9〇一二三四五六七八九十]|号|階)"
    r"|(?<=[明大昭平令]..)(?P<era>[〇一二三四五六七八九])"
    # the last number of an address: 十二番地五, 三丁目十二番地の五
    r"|(?:(?<=番地)|(?<=番地の)|(?<=丁目))(?P<house>[〇一二三四五六七八九])(?![〇一二三四五六七八九十])"
    # …and one with 十: 三番地の十, 二丁目十五
    r"|(?:(?<=番地)|(?<=番地の)|(?<=丁目))(?P<tens>[一二三四五六七八九]?十[一二三四五六七八九]?)"
    r"(?![〇一二三四五六七八九十])")


# Old and variant kanji of surnames and given names that NFKC leaves as they are (髙橋, 山﨑,
# 𠮷田, 齋藤, 渡邉, 濵田, 惠美): the dictionary reads a name written so as unknown characters,
# so they are looked for in their everyday form. One character for one: the index map holds.
_VARIANT_KANJI = str.maketrans("髙﨑𠮷濵邉邊齋齊惠廣彌實國澤嶋冨",
                               "高崎吉浜辺辺斎斉恵広弥実国沢島富")


@dataclass(frozen=True)
class Folded:
    """`text` is the normalized message; `starts[i]`/`ends[i]` bound the original characters
    that produced `text[i]`."""

    original: str
    text: str
    starts: tuple[int, ...]
    ends: tuple[int, ...]

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        """The original [start, end) that produced the folded [start, end) (end > start)."""
        return self.starts[start], self.ends[end - 1]


def _clusters(text: str) -> list[tuple[int, int]]:
    """Base characters with their combining marks, so NFKC can compose them (ｶﾞ → ガ)."""
    bounds: list[tuple[int, int]] = []
    for i, ch in enumerate(text):
        joins = unicodedata.combining(ch) or ch in _HALFWIDTH_MARKS
        if joins and bounds:
            bounds[-1] = (bounds[-1][0], i + 1)
        else:
            bounds.append((i, i + 1))
    return bounds


def is_hidden(ch: str) -> bool:
    """True for characters that show nothing: format controls (Cf), variation selectors,
    fillers."""
    return (unicodedata.category(ch) == "Cf" or ch in _HIDDEN_EXTRA
            or "\ufe00" <= ch <= "\ufe0f" or "\U000e0100" <= ch <= "\U000e01ef")


def strip_hidden(text: str) -> str:
    """`text` without hidden characters (see `is_hidden`)."""
    return "".join(ch for ch in INVISIBLE.sub("", text) if not is_hidden(ch))


def fold(text: str, numbers: bool = False) -> Folded:
    """NFKC per character cluster, hidden characters dropped, digit dashes made '-'; with
    `numbers`, kanji numerals written as digits too."""
    chars: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for start, end in _clusters(text):
        piece = unicodedata.normalize("NFKC", strip_hidden(text[start:end])).translate(
            _VARIANT_KANJI)
        chars.extend(piece)
        starts.extend([start] * len(piece))
        ends.extend([end] * len(piece))
    folded = Folded(text, "".join(chars), tuple(starts), tuple(ends))
    if numbers:
        folded = _rewrite(folded, _KANJI_NUMBER, _arabic)
        folded = _rewrite(folded, _DIGIT_DASH, lambda m: "-")  # 〇九〇ー一二三四 → 090-1234
        folded = _rewrite(folded, _LETTER_ZERO, lambda m: "0")
        folded = _rewrite(folded, _SPACED_DIGITS, lambda m: m.group(0).replace(" ", ""))
    else:
        folded = _rewrite(folded, _DIGIT_DASH, lambda m: "-")
    return folded


def _rewrite(folded: Folded, pattern: re.Pattern[str],
             replace: Callable[[re.Match[str]], str]) -> Folded:
    """Replace each match; every new character maps to the whole original of its match."""
    text, starts, ends = folded.text, folded.starts, folded.ends
    out: list[str] = []
    new_starts: list[int] = []
    new_ends: list[int] = []
    last = 0
    for m in pattern.finditer(text):
        if m.end() == m.start():
            continue
        out.append(text[last:m.start()])
        new_starts.extend(starts[last:m.start()])
        new_ends.extend(ends[last:m.start()])
        piece = replace(m)
        out.append(piece)
        new_starts.extend([starts[m.start()]] * len(piece))
        new_ends.extend([ends[m.end() - 1]] * len(piece))
        last = m.end()
    if not out:
        return folded
    out.append(text[last:])
    new_starts.extend(starts[last:])
    new_ends.extend(ends[last:])
    return Folded(folded.original, "".join(out), tuple(new_starts), tuple(new_ends))


def _arabic(m: re.Match[str]) -> str:
    """三十八 → 38, 〇九〇 → 090, 千九百八十 → 1980."""
    text = m.group(0)
    if any(m.group(g) is not None for g in ("seq", "one", "era", "house")):
        return "".join(_KANJI_DIGITS[c] for c in text)
    total, digit = 0, 0
    for ch in text:
        if ch in _UNITS:
            total += (digit or 1) * _UNITS[ch]
            digit = 0
        else:
            digit = int(_KANJI_DIGITS[ch])
    return str(total + digit)
