"""Count every bot reply by channel, decision and outcome, and every unused LLM answer, at the
one place all channels pass through (`ChatService.ask`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.ops.metrics import Metrics
from bot.service.chat import ChatService, Turn


@dataclass
class MeteredChat(ChatService):
    """`ChatService` that reports each turn to the metrics."""

    metrics: Metrics = field(default_factory=Metrics)

    def ask(self, *args: Any, **kwargs: Any) -> Turn:
        turn = super().ask(*args, **kwargs)
        bot = turn.bot_message
        if bot is not None:
            self.metrics.answers.labels(turn.conversation.channel, bot.decision or "",
                                        bot.outcome or "").inc()
        if turn.reply is not None and turn.reply.fallback_reason:
            # The composers' reasons are short codes (timeout, invalid_citation …).
            self.metrics.llm_fallbacks.labels(turn.reply.fallback_reason[:40]).inc()
        return turn
