"""Probes the injection rules do not recognise: a message worded like an attempt on the bot
(a flag-only rule matched) that the documents cannot answer is not 自動応答不可 — staff see it
as suspected abuse (ChatService hands it over at most once per conversation)."""

from __future__ import annotations

from bot.pipeline.outcome import Outcome

UNANSWERABLE = (Outcome.HANDOFF_LOW_CONFIDENCE, Outcome.HANDOFF_NO_SOURCE)


def overrule(outcome: Outcome, why: str, suspected: tuple[str, ...]) -> tuple[Outcome, str]:
    """The decision, or HANDOFF_SUSPECTED_ABUSE for an unanswerable suspected probe."""
    if outcome in UNANSWERABLE and suspected:
        return (Outcome.HANDOFF_SUSPECTED_ABUSE,
                f"{why}; 不正利用の疑い（{', '.join(suspected)}）")
    return outcome, why
