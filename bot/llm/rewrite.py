"""Multi-turn (optional, `MADOGUCHI_LLM__REWRITE_FOLLOWUPS`): the model rewrites a follow-up
such as 「それはどこで出せますか」 into a standalone question for retrieval. The rewrite is used
only when it passes checks against the masked input — it may only recombine the resident's own
words (no new content word), carries no personal data, and is one short line — otherwise the
keyword contextualizer's query stands. Both are traced."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import HumanMessage, SystemMessage

from bot.llm.model import fault_reason, invoke, model_name
from bot.llm.prompt import Prompt, quoted
from bot.safety.pii import Masker, without_placeholders
from ingest.text import Tokenizer

MAX_CHARS = 200


@dataclass
class Rewriter:
    model: BaseChatModel
    prompt: Prompt
    masker: Masker
    tokenizer: Tokenizer
    timeout_s: float = 8.0

    def query(self, question: str, previous: str, fallback: str, trace: dict[str, Any]) -> str:
        """The standalone question to search with, or `fallback` (the keyword query)."""
        if not previous:
            return fallback
        messages = [SystemMessage(self.prompt.texts["rewrite.system"]),
                    HumanMessage(self.prompt.texts["rewrite.user"].format(
                        previous=quoted(previous), question=quoted(question)))]
        step: dict[str, Any] = {"step": "rewrite", "model": model_name(self.model),
                                "prompt": [{"role": m.type, "content": m.content}
                                           for m in messages], "fallback_query": fallback}
        trace["steps"].append(step)
        started = time.perf_counter()
        try:
            raw = invoke(self.model, messages, self.timeout_s).text.strip()
        except Exception as exc:  # noqa: BLE001 - any model fault keeps the keyword query
            step.update(used=False, reason=fault_reason(exc), error=repr(exc)[:300])
            return fallback
        problems = self.problems(raw, question, previous)
        step.update(raw_output=raw, latency_ms=round((time.perf_counter() - started) * 1000, 2),
                    used=not problems, problems=problems)
        return fallback if problems else without_placeholders(raw, self.masker.config)

    def problems(self, rewrite: str, question: str, previous: str) -> list[str]:
        """Why a rewrite may not be searched with (empty when it may)."""
        out = []
        if not rewrite or "\n" in rewrite or len(rewrite) > MAX_CHARS:
            out.append("空・複数行・長すぎる書き換え")
        own = set(self.tokenizer.query_tokens(f"{previous} {question}"))
        new = [t for t in self.tokenizer.query_tokens(rewrite) if t not in own]
        if new:
            out.append("入力にない語: " + "・".join(sorted(set(new))[:5]))
        if self.masker.find(rewrite):
            out.append("個人情報らしき記載")
        return out
