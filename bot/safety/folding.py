"""A normalized view of a message that remembers where each character came from, so detectors
can work on NFKC text (full-width digits, ＠, －) and still report spans of the original."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from ingest.text import INVISIBLE

# Dash look-alikes typed between digits (090ー1234ー5678, 03−1234−5678); one char each, so the
# replacement keeps the index map intact.
_DIGIT_DASH = re.compile(r"(?<=\d)[ー‐‑‒–—―−ｰ－](?=\d)")
_HALFWIDTH_MARKS = "\uff9e\uff9f"


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


def fold(text: str) -> Folded:
    """NFKC per character cluster, invisible characters dropped, digit dashes made '-'."""
    chars: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for start, end in _clusters(text):
        piece = unicodedata.normalize("NFKC", INVISIBLE.sub("", text[start:end]))
        chars.extend(piece)
        starts.extend([start] * len(piece))
        ends.extend([end] * len(piece))
    folded = _DIGIT_DASH.sub("-", "".join(chars))
    return Folded(text, folded, tuple(starts), tuple(ends))
