"""Who writes the answer once the decision is `answer`.

`Extractive` (the default) keeps the quoted official wording. `Generative` asks a chat model for
a short answer from the passages retrieved in this turn, checks it in code (bot/llm/checks.py)
and uses it only when every check passes; on a failure, timeout, error or refusal the resident
gets the extractive reply and the trace says why.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Protocol

from langchain_core.language_models import BaseChatModel

from bot.llm import checks
from bot.llm.facts import MARKER, NameFinder
from bot.llm.model import chat_model, fault_reason, invoke, model_name
from bot.llm.prompt import Prompt, target_language
from bot.llm.rewrite import Rewriter
from bot.pipeline.compose import Draft, citation, sources_block
from bot.pipeline.replies import Replies
from bot.retrieval.hybrid import Hit
from bot.safety.pii import Masker
from bot.settings import LLMSettings
from ingest.schema import Passage
from ingest.text import Tokenizer


class Composer(Protocol):
    def compose(self, question: str, hits: list[Hit], draft: Draft,
                trace: dict[str, Any]) -> Draft:
        """The answer to show: `draft` (extractive) or a checked generated one."""

    def standalone(self, question: str, previous: str, query: str,
                   trace: dict[str, Any]) -> str:
        """The query to search with: `query` (the keyword one) or a checked rewrite."""


class Extractive:
    """The default composer: the extractive draft, unchanged. Calls nothing."""

    def standalone(self, question: str, previous: str, query: str,
                   trace: dict[str, Any]) -> str:
        return query

    def compose(self, question: str, hits: list[Hit], draft: Draft,
                trace: dict[str, Any]) -> Draft:
        return draft


@dataclass
class Generative:
    model: BaseChatModel
    prompt: Prompt
    replies: Replies
    masker: Masker
    passages: int = 3
    max_chars: int = 400
    timeout_s: float = 8.0
    names: NameFinder = field(default_factory=NameFinder)
    rewriter: Rewriter | None = None

    def standalone(self, question: str, previous: str, query: str,
                   trace: dict[str, Any]) -> str:
        """A follow-up rewritten by the model (when enabled and it passes its checks)."""
        if self.rewriter is None:
            return query
        return self.rewriter.query(question, previous, query, trace)

    def compose(self, question: str, hits: list[Hit], draft: Draft,
                trace: dict[str, Any]) -> Draft:
        """Generate from this turn's passages, check, and use it or fall back (traced)."""
        passages = self.sources(hits, draft)
        language = target_language(question)
        messages = self.prompt.messages(question, passages, language, self.max_chars)
        prior = trace["steps"][-1].get("ms", 0.0) if trace["steps"] else 0.0
        step: dict[str, Any] = {
            "step": "generate", "composer": "llm", "model": model_name(self.model),
            "language": language, "passages": [p.doc_id for p in passages],
            "prompt": [{"role": m.type, "content": m.content} for m in messages]}
        trace["steps"].append(step)
        started = time.perf_counter()
        try:
            out = invoke(self.model, messages, self.timeout_s)
        except Exception as exc:  # noqa: BLE001 - any model fault means the extractive reply
            _timed(step, prior, started, error=f"{type(exc).__name__}: {exc}"[:500])
            return _fallback(draft, step, fault_reason(exc))
        raw = out.text
        finish = (out.response_metadata or {}).get("finish_reason")
        _timed(step, prior, started, raw_output=raw, finish_reason=finish,
               tokens=dict(out.usage_metadata or {}))
        ctx = checks.Context(passages, question, language, self.max_chars, self.masker,
                             self.names)
        results = checks.run_checks(raw, ctx)
        if finish == "length":
            results.append(checks.Check("complete", False, "出力が上限で途切れました"))
        step["checks"] = [asdict(c) for c in results]
        failed = checks.first_failure(results)
        if failed is not None:
            return _fallback(draft, step, checks.REASONS[failed.name])
        step["used"] = True
        return self._draft(raw, passages)

    def sources(self, hits: Sequence[Hit], draft: Draft) -> list[Passage]:
        """The passages the model sees: the extractive choice first, then the next best hits."""
        by_id = {h.passage.doc_id: h.passage for h in hits}
        chosen = [by_id[c.doc_id] for c in draft.citations if c.doc_id in by_id]
        rest = [h.passage for h in hits if h.passage not in chosen]
        return (chosen + rest)[:max(self.passages, len(chosen))]

    def _draft(self, raw: str, passages: list[Passage]) -> Draft:
        """Renumber citations in order of first use, then append the label and the sources."""
        order: dict[int, int] = {}
        for n in checks.markers(raw):
            order.setdefault(n, len(order) + 1)
        body = MARKER.sub(lambda m: f"[{order[int(m.group(1))]}]", raw.strip())
        cites = [citation(new, passages[old - 1]) for old, new in order.items()]
        text = f"{body}\n\n{self.prompt.label}\n\n{sources_block(cites, self.replies)}"
        return Draft(text, cites, composer="llm")


def _timed(step: dict[str, Any], prior: float, started: float, **data: Any) -> None:
    latency = (time.perf_counter() - started) * 1000
    step.update(latency_ms=round(latency, 2), ms=round(prior + latency, 2), **data)


def _fallback(draft: Draft, step: dict[str, Any], reason: str) -> Draft:
    step.update(used=False, fallback_reason=reason)
    return Draft(draft.text, draft.citations, composer="extractive", fallback_reason=reason)


def make_composer(s: LLMSettings, replies: Replies, masker: Masker,
                  model: BaseChatModel | None = None) -> Composer:
    """Extractive for provider `none` (nothing is built or called); otherwise generative."""
    model = model or chat_model(s)
    if model is None:
        return Extractive()
    prompt = Prompt.load(s.prompt_path)
    rewriter = (Rewriter(model, prompt, masker, Tokenizer(), s.timeout_s)
                if s.rewrite_followups else None)
    return Generative(model, prompt, replies, masker, s.passages, s.max_chars, s.timeout_s,
                      rewriter=rewriter)
