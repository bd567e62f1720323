"""Which retrieved passages say the same thing as the top one.

An FAQ entry, a page section and an ordinance article about one procedure are not rivals: they
support one answer. A *rival* is a passage whose text is not close to the top passage's
(cosine of their head+body vectors below the agreement level, fitted on dev gold where both
were judged as answering the same questions).
"""

from __future__ import annotations

from bot.retrieval.hybrid import Retrieval

SUPPORT_WINDOW = 5  # hits after the top one that can support it


def agrees(r: Retrieval, i: int, j: int, level: float) -> bool:
    """Hits i and j are about the same thing (same document, or close passages)."""
    if r.hits[i].passage.doc_id == r.hits[j].passage.doc_id:
        return True
    return r.similar(i, j) >= level


def rival_margin(r: Retrieval, level: float) -> float:
    """Fused-score lead of the top hit over the best hit that does not agree with it."""
    if not r.hits:
        return 0.0
    rival = next((h.fused for i, h in enumerate(r.hits[1:], start=1)
                  if not agrees(r, 0, i, level)), 0.0)
    return r.hits[0].fused - rival


def support(r: Retrieval, level: float) -> float:
    """Share of the next few hits that agree with the top one."""
    window = range(1, min(len(r.hits), SUPPORT_WINDOW + 1))
    if not window:
        return 0.0
    return sum(agrees(r, 0, i, level) for i in window) / len(window)


def supporters(r: Retrieval, level: float, limit: int) -> list[int]:
    """Indexes of the top hit and the hits that agree with it, best first, up to `limit`:
    the passages an answer quotes together (e.g. the FAQ and the ordinance article)."""
    chosen = [0]
    for i in range(1, min(len(r.hits), SUPPORT_WINDOW + 1)):
        if len(chosen) >= limit:
            break
        if r.hits[i].passage.doc_id != r.hits[0].passage.doc_id and agrees(r, 0, i, level):
            chosen.append(i)
    return chosen


def _sections(r: Retrieval, i: int, j: int) -> bool:
    """Hits i and j are different sections of one page or ordinance."""
    a, b = r.hits[i].passage.doc_id, r.hits[j].passage.doc_id
    return a != b and "#" in a and a.split("#", 1)[0] == b.split("#", 1)[0]


def _questions(r: Retrieval, i: int, j: int) -> bool:
    """Hits i and j are two FAQ entries: the city wrote them as separate questions."""
    a, b = r.hits[i].passage, r.hits[j].passage
    return bool(a.question and b.question and a.doc_id != b.doc_id)


def distinct(r: Retrieval, level: float, limit: int) -> list[int]:
    """Indexes of up to `limit` hits, best first, none agreeing with an earlier one: clarify
    choices that are real alternatives, never near-duplicates. Two sections of one page are
    alternatives however close (its 概要 and its 開庁時間): a page is cut where its topics
    change. So are two FAQ entries (児童扶養手当 and its 現況届; マイナ保険証 and its
    registration): the city answered them separately, and skipping the second one left the
    resident without its answer."""
    chosen: list[int] = []
    for i in range(len(r.hits)):
        if all(_sections(r, i, j) or _questions(r, i, j) or not agrees(r, i, j, level)
               for j in chosen):
            chosen.append(i)
        if len(chosen) == limit:
            break
    return chosen
