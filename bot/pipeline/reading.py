"""Which reading of a message to answer: the whole message, its question sentences, or the
question together with the previous turn — chosen from retrieval evidence, not from length or
word lists.

Each reading is retrieved and scored with the calibrated confidence. The previous turn is used
only when the message cannot stand alone: its own best reading is not answerable and the
contextual reading is clearly stronger. A new topic therefore never inherits the old one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bot.pipeline.confidence import Estimate
from bot.pipeline.question import Focus
from bot.retrieval.hybrid import Retrieval

CONTEXT_GAIN = 0.15  # p_top the previous turn must add before a follow-up borrows its topic


@dataclass(frozen=True)
class Reading:
    label: str  # "message", "question" or "context"
    query: str
    retrieval: Retrieval
    estimate: Estimate

    def trace(self) -> dict[str, object]:
        return {"label": self.label, "query": self.query, "p_top": round(self.estimate.p_top, 4),
                "p_choices": round(self.estimate.p_choices, 4),
                "top": self.retrieval.hits[0].passage.doc_id if self.retrieval.hits else None}


Search = Callable[[str], tuple[Retrieval, Estimate]]


def read(search: Search, label: str, query: str) -> Reading:
    retrieval, estimate = search(query)
    return Reading(label, query, retrieval, estimate)


def _strength(r: Reading) -> tuple[float, float]:
    return (r.estimate.p_top, r.estimate.p_choices)


def choose(search: Search, searchable: Callable[[str], str], focus: Focus, previous: str,
           answer_at: float, contextual: Callable[[str], str] | None = None
           ) -> tuple[Reading, list[Reading]]:
    """The reading to answer, and every reading tried (for the trace).

    `contextual` turns the question into a standalone one using the previous turn (default:
    the previous question in front of it); it is called only when the context is needed."""
    tried = [read(search, "message", searchable(focus.text))]
    if focus.changed:
        tried.append(read(search, "question", searchable(focus.question)))
    best = max(tried, key=_strength)  # the message wins a tie (max keeps the first)
    if previous and best.estimate.p_top < answer_at:
        with_topic = contextual or (lambda q: f"{previous} {q}")
        context = read(search, "context", searchable(with_topic(focus.question or focus.text)))
        tried.append(context)
        if context.estimate.p_top >= best.estimate.p_top + CONTEXT_GAIN:
            best = context
    return best, tried


def two_topics(search: Search, searchable: Callable[[str], str], focus: Focus,
               stands_at: float) -> list[Reading]:
    """The first two question sentences as separate readings, when each stands on its own
    (P(a right choice) ≥ `stands_at`) and they are about different things; else []."""
    if len(focus.parts) < 2:
        return []
    parts = [read(search, "part", searchable(p)) for p in focus.parts[:2]]
    if any(not p.retrieval.hits or p.estimate.p_choices < stands_at for p in parts):
        return []
    first, second = ([h.passage.doc_id for h in p.retrieval.hits[:3]] for p in parts)
    if first[0] in second or second[0] in first:
        return []  # one topic asked twice (「予防接種について。予約は必要？」)
    return parts
