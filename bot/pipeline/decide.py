"""Choose the outcome from confidence and the shape of the top of the ranking."""

from __future__ import annotations

from dataclasses import dataclass

from bot.pipeline.outcome import Outcome
from bot.retrieval.hybrid import Hit


@dataclass(frozen=True)
class Thresholds:
    answer: float = 0.5
    handoff: float = 0.25
    clarify_margin: float = 0.08


def decide(hits: list[Hit], confidence: float, t: Thresholds) -> tuple[Outcome, str]:
    """answer when confident and clear; clarify when a few candidates tie; else hand off."""
    if not hits:
        return Outcome.HANDOFF_NO_SOURCE, "関連する文書が見つからない"
    if confidence < t.handoff:
        return Outcome.HANDOFF_LOW_CONFIDENCE, f"確信度 {confidence:.2f} < {t.handoff:.2f}"
    tie = len(hits) > 1 and hits[0].fused - hits[1].fused < t.clarify_margin \
        and hits[0].passage.title != hits[1].passage.title
    if confidence >= t.answer and not tie:
        return Outcome.ANSWERED, f"確信度 {confidence:.2f} ≥ {t.answer:.2f}"
    if len(hits) > 1:
        why = "上位の候補が拮抗" if tie else f"確信度 {confidence:.2f} が中間域"
        return Outcome.CLARIFY, why
    return Outcome.HANDOFF_LOW_CONFIDENCE, f"確信度 {confidence:.2f} < {t.answer:.2f}"


def supporting(hits: list[Hit], max_citations: int, margin: float) -> list[Hit]:
    """The top hit, plus close runners-up from other documents (two-source answers)."""
    chosen = [hits[0]]
    for h in hits[1:]:
        if len(chosen) >= max_citations:
            break
        same_doc = h.passage.title == hits[0].passage.title
        if not same_doc and hits[0].fused - h.fused < margin and h.dense >= hits[0].dense - 0.05:
            chosen.append(h)
    return chosen
