"""Citations may only point at passages this turn actually retrieved, and every [n] marker in
the text must have its citation. Checked in code, whatever composed the text."""

from __future__ import annotations

import re

from bot.pipeline.outcome import Citation
from bot.retrieval.hybrid import Hit

MARKER = re.compile(r"\[(\d+)\]")


class CitationError(ValueError):
    """A reply cites something that was not retrieved, or a marker has no source."""


def verify(text: str, citations: list[Citation], hits: list[Hit]) -> None:
    retrieved = {h.passage.doc_id for h in hits}
    numbers = {c.n for c in citations}
    for c in citations:
        if c.doc_id not in retrieved:
            raise CitationError(f"取得していない文書を引用しています: {c.doc_id}")
        if not c.doc_id or not c.locator:
            raise CitationError(f"出典の情報が不足しています: {c.doc_id}")
    markers = {int(m) for m in MARKER.findall(text)}
    if markers - numbers:
        raise CitationError(f"出典のない引用番号があります: {sorted(markers - numbers)}")
    if numbers - markers:
        raise CitationError(f"本文で使われていない出典があります: {sorted(numbers - markers)}")
