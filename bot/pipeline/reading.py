"""Which reading of a message to answer: the whole message, its question sentences, or the
question together with the previous turn — chosen from retrieval evidence, not from length or
word lists.

Each reading is retrieved and scored with the calibrated confidence. The previous turns are
used only when the message cannot stand alone (its own best reading is not answerable), and
then not as words but as a topic: the follow-up is searched as written, with the passage the
earlier turns retrieved first as a fourth retrieval signal (`HybridRetriever.retrieve`,
`topic=`). The follow-up's own words still carry most of the weight, so a new topic that
names itself (「ところで保育園の申し込みっていつから？」) is not pulled back to the old one,
while 「いくら？」 after 「所得証明ってどこで出してもらえる？」 ranks the fees near 所得証明.
Gluing the two questions together (the earlier rule) let the first one's words outweigh the
follow-up's: on the realistic gold's dev follow-ups hit@1 0.53 glued, 0.73 with the topic.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from bot.pipeline.confidence import Estimate
from bot.pipeline.question import Focus
from bot.retrieval.hybrid import Retrieval

# P a glossary (bridge) reading of a foreign message must add before it replaces the
# message's own: generic terms alone (ごみ, 図書館) must not outrank a specific question.
BRIDGE_GAIN = 0.1

@dataclass(frozen=True)
class Reading:
    label: str  # "message", "question" or "context"
    query: str
    retrieval: Retrieval
    estimate: Estimate
    # A contextual reading's topic: the earlier turns searched, and the passage they found.
    topic: dict[str, str | None] | None = None
    # ... and their retrieval, whose top passage is that topic.
    within: Retrieval | None = None

    def trace(self) -> dict[str, object]:
        out: dict[str, object] = {
            "label": self.label, "query": self.query, "p_top": round(self.estimate.p_top, 4),
            "p_choices": round(self.estimate.p_choices, 4), "top": _top(self.retrieval)}
        return out | ({"topic": self.topic} if self.topic is not None else {})


def _top(r: Retrieval) -> str | None:
    return r.hits[0].passage.doc_id if r.hits else None


class Search(Protocol):
    def __call__(self, query: str, topic: np.ndarray | None = None
                 ) -> tuple[Retrieval, Estimate]: ...


def read(search: Search, label: str, query: str, within: Retrieval | None = None) -> Reading:
    """One reading; `within` is the earlier turns' retrieval whose top passage is the topic."""
    retrieval, estimate = search(query, within.topic if within is not None else None)
    topic = {"query": within.query, "top": _top(within)} if within is not None else None
    return Reading(label, query, retrieval, estimate, topic, within)


def _strength(r: Reading) -> tuple[float, float]:
    return (r.estimate.p_top, r.estimate.p_choices)


def _gains(new: Reading, old: Reading, gain: float) -> bool:
    """Whether `new` is clearly stronger: `gain` more P(top right) or P(a right choice)."""
    return (new.estimate.p_top >= old.estimate.p_top + gain
            or new.estimate.p_choices >= old.estimate.p_choices + gain)


def choose(search: Search, searchable: Callable[[str], str], focus: Focus, previous: str,
           answer_at: float, rewrite: Callable[[str], str | None] | None = None,
           bridge: str = "", clarify_at: float = 0.0) -> tuple[Reading, list[Reading]]:
    """The reading to answer, and every reading tried (for the trace). `bridge` is a
    foreign-language message's Japanese query terms (from the glossary), tried as a reading.

    `previous` is the conversation so far (the resident's earlier messages); `rewrite` may
    turn the question into a standalone one using them (a checked LLM rewrite; None when it
    has none); it is called only when the context is needed."""
    best, tried = own(search, searchable, focus, bridge, clarify_at)
    if context_use(best, previous, answer_at) == CONTEXT_USED:
        best = in_context(search, searchable, focus, previous, rewrite)
        tried.append(best)
    return best, tried


# Whether an answer depended on the earlier turns (recorded in the trace's "understand" step):
CONTEXT_UNUSED = "unused"  # the message stands alone: the earlier turns change nothing
CONTEXT_NEEDED = "needed"  # it does not stand alone, and there were no earlier turns
CONTEXT_USED = "used"  # read within the earlier turns' topic


def own(search: Search, searchable: Callable[[str], str], focus: Focus, bridge: str = "",
        clarify_at: float = 0.0) -> tuple[Reading, list[Reading]]:
    """The best reading of the message on its own (the whole message, its question, a
    foreign message's glossary terms), and every reading tried. `clarify_at` is the P(a right
    choice) from which a reply offers choices rather than a person."""
    tried = [read(search, "message", searchable(focus.text))]
    if focus.changed:
        tried.append(read(search, "question", searchable(focus.question)))
    best = max(tried, key=_strength)
    # When the question sentence alone finds another first passage, the whole message is kept
    # (the sentences the focus drops often name the topic: 「家の水道代、…1万円を超えてました。
    # …何が考えられますか。」; on the dev golds the question's passage was right in 7 of the 30
    # such messages where it won, the message's in 16) — unless the message alone would be
    # handed off while the question offers likely choices: a person only when no reading can
    # offer any.
    if not _agree(tried) and tried[0].estimate.p_choices >= clarify_at:
        best = tried[0]
    if bridge:
        bridged = read(search, "bridge", bridge)
        tried.append(bridged)
        if _gains(bridged, best, BRIDGE_GAIN):
            best = bridged
    return best, tried


def _agree(readings: list[Reading]) -> bool:
    """Whether the readings find the same first passage."""
    return len({_top(r.retrieval) for r in readings}) == 1


def context_use(own_best: Reading, previous: str, answer_at: float) -> str:
    """Whether the earlier turns are read: only when the message cannot stand alone."""
    if own_best.estimate.p_top >= answer_at:
        return CONTEXT_UNUSED
    return CONTEXT_USED if previous else CONTEXT_NEEDED


def in_context(search: Search, searchable: Callable[[str], str], focus: Focus, previous: str,
               rewrite: Callable[[str], str | None] | None = None) -> Reading:
    """The follow-up read within the earlier turns: rewritten into a standalone question when
    a checked rewrite is available, else searched with their top passage as its topic."""
    question = focus.question or focus.text
    rewritten = rewrite(question) if rewrite is not None else None
    if rewritten is not None:
        return read(search, "context", searchable(rewritten))
    before, _ = search(searchable(previous))
    # the topic only re-weights: the follow-up's own evidence still counts
    return read(search, "context", searchable(question), before)


def two_topics(search: Search, searchable: Callable[[str], str], focus: Focus,
               stands_at: float, answer_at: float,
               context: Retrieval | None = None) -> list[Reading]:
    """The first two question sentences as separate readings, when each stands (P(a right
    choice) ≥ `stands_at`) and they are about different things; else []. The second one is
    read within the first one's topic unless it is answerable alone, as a follow-up is read
    within the earlier turn's (「粗大ごみの券はどこで売ってる？値段も知りたい」: the price of
    the tickets, not of every fee in the city). `context` is the earlier turns' retrieval
    when the message itself was read within them (「値段は？窓口より安い？」 after a question
    on certificates at convenience stores): the first one is then read within it by the
    message's rule — whenever it is not answerable alone."""
    if len(focus.parts) < 2:
        return []
    first = read(search, "part", searchable(focus.parts[0]))
    if context is not None and context.hits and first.estimate.p_top < answer_at:
        first = read(search, "part", first.query, context)
    second = _within(search, read(search, "part", searchable(focus.parts[1])),
                     first.retrieval, answer_at)
    parts = [first, second]
    if any(not p.retrieval.hits or p.estimate.p_choices < stands_at for p in parts):
        return []
    a, b = ([h.passage.doc_id for h in p.retrieval.hits[:3]] for p in parts)
    # One topic asked twice (「予防接種について。予約は必要？」). Read within the first one's
    # topic, the second one ranks that topic's passages high by design: only the same first
    # passage says it is the same question.
    if a[0] == b[0] or (second.topic is None and (a[0] in b or b[0] in a)):
        return []
    return parts


def _within(search: Search, alone: Reading, topic: Retrieval | None, answer_at: float
            ) -> Reading:
    """`alone`, or the same words read within `topic`'s top passage when they are not
    answerable alone and the topic gives the stronger evidence of a right choice."""
    if topic is None or not topic.hits or alone.estimate.p_top >= answer_at:
        return alone
    within = read(search, alone.label, alone.query, topic)
    return within if within.estimate.p_choices > alone.estimate.p_choices else alone
