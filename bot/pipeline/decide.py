"""Choose the outcome from the calibrated probability of being right.

`answer` only when P(the first passage answers) reaches the level at which dev answers kept the
target precision; `clarify` when a passage that answers is likely among the choices; otherwise
hand off. No tie rule: passages that agree support each other (bot/pipeline/agreement.py)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.pipeline.confidence import Estimate
from bot.pipeline.outcome import Outcome
from bot.retrieval.hybrid import Hit


@dataclass(frozen=True)
class Thresholds:
    """Operating point: answer at p_top ≥ answer, clarify at p_choices ≥ clarify."""

    answer: float = 0.9
    clarify: float = 0.5
    department: float = 0.5  # p_choices from which a handoff names the top hit's department


def decide(hits: list[Hit], e: Estimate, t: Thresholds) -> tuple[Outcome, str]:
    """answer when likely right; clarify when a right choice is likely offered; else hand off."""
    if not hits:
        return Outcome.HANDOFF_NO_SOURCE, "関連する文書が見つからない"
    if e.p_top >= t.answer:
        return Outcome.ANSWERED, f"P(1位が正しい) {e.p_top:.2f} ≥ {t.answer:.2f}"
    if len(hits) > 1 and e.p_choices >= t.clarify:
        return Outcome.CLARIFY, (f"P(1位が正しい) {e.p_top:.2f} < {t.answer:.2f}, "
                                 f"P(選択肢に正解) {e.p_choices:.2f} ≥ {t.clarify:.2f}")
    return Outcome.HANDOFF_LOW_CONFIDENCE, (f"P(1位が正しい) {e.p_top:.2f}, "
                                            f"P(選択肢に正解) {e.p_choices:.2f} < {t.clarify:.2f}")


def names_department(e: Estimate, t: Thresholds) -> bool:
    """A handoff names the top hit's department only when the topic is known with confidence;
    otherwise the city's main contact is given."""
    return e.p_choices >= t.department
