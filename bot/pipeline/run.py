"""One answering pipeline for every channel: safety → emergency → guard → retrieve → compose →
cite → confidence → decide. Each step records what it saw and decided in the turn's trace."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from typing import Any

from bot.llm.composer import Composer, Extractive
from bot.pipeline import compose, confidence
from bot.pipeline.cite import verify
from bot.pipeline.context import contextualize
from bot.pipeline.decide import Thresholds, decide, supporting
from bot.pipeline.emergency import Alarm, EmergencyDetector, Screen
from bot.pipeline.guard import Guard, GuardResult
from bot.pipeline.outcome import Candidate, Outcome, Reply
from bot.pipeline.replies import Replies
from bot.pipeline.safety import Safety, SafetyCheck
from bot.retrieval.hybrid import HybridRetriever, Retrieval

log = logging.getLogger(__name__)


@dataclass
class Pipeline:
    retriever: HybridRetriever
    guard: Guard
    replies: Replies
    calibration: confidence.Calibration
    thresholds: Thresholds
    city: dict[str, str]
    safety: Safety
    emergency: EmergencyDetector
    max_citations: int = 2
    top_k: int = 20
    composer: Composer = field(default_factory=Extractive)

    def answer(self, question: str, filters: dict[str, str] | None = None,
               previous: str = "", screen: Screen | None = None) -> Reply:
        """Answer one resident question; expected non-answers are outcomes, not exceptions.

        `previous` is the resident's previous question in the conversation (for follow-ups);
        `screen` is the safety gate's verdict when the caller already ran it (see `screen`).
        A fault anywhere below is caught here, once, and becomes ERROR_INTERNAL with a person
        offered.
        """
        try:
            return self._answer(question, filters, previous, screen)
        except Exception as exc:  # noqa: BLE001 - the one boundary for faults
            log.exception("pipeline failed")
            text = self.replies.text(Outcome.ERROR_INTERNAL) + "\n" + self.replies.fragment(
                "city_hint", **self.city)
            return Reply(question=question, decision="handoff", outcome=Outcome.ERROR_INTERNAL,
                         answer=text, confidence=0.0,
                         trace={"steps": [{"step": "error", "error": repr(exc)}]})

    def screen(self, masked: str) -> Screen:
        """The safety gate alone: is this (masked) message an emergency, and how sure?"""
        return Screen(self.emergency.detect(masked))

    def emergency_reply(self, question: str, alarm: Alarm,
                        trace: dict[str, Any] | None = None) -> Reply:
        """The fixed emergency reply with the numbers of the alarm's kind."""
        text = "\n".join([self.replies.text(Outcome.EMERGENCY),
                          *(f"・{c}" for c in alarm.contact_lines())])
        return Reply(question=question, decision="emergency", outcome=Outcome.EMERGENCY,
                     answer=text, confidence=1.0, emergency="certain",
                     trace=trace if trace is not None else {"steps": [alarm_step(alarm)]})

    def _answer(self, raw: str, filters: dict[str, str] | None, previous: str,
                screen: Screen | None) -> Reply:
        trace: dict[str, Any] = {"steps": []}
        started = time.perf_counter()
        safe = self.safety.check(raw)  # hidden characters stripped, personal data masked
        question = safe.masked
        _step(trace, "safety", started, **safe.trace())
        alarm = (screen or self.screen(question)).alarm  # the safety gate, before anything else
        _step(trace, "emergency", started, **(alarm.trace() if alarm else {"tier": "none"}))
        if alarm is not None and alarm.certain:
            return _first(self.emergency_reply(question, alarm, trace), "", safe.warning)
        reply = self._guarded_or_answered(question, safe, filters, previous, trace, started)
        if alarm is None:
            return _first(reply, safe.warning, "")
        return _first(reply.model_copy(update={"emergency": "possible"}),
                      self.emergency.line(alarm), safe.warning)

    def _guarded_or_answered(self, question: str, safe: SafetyCheck,
                             filters: dict[str, str] | None, previous: str,
                             trace: dict[str, Any], started: float) -> Reply:
        guarded = self.guard.check(question)
        if guarded is None and safe.injection:
            guarded = GuardResult(Outcome.GUARD_INJECTION, "指示の書き換え・抽出の試み: "
                                  + ", ".join(safe.injection))
        _step(trace, "guard", started, outcome=guarded.outcome.value if guarded else "pass",
              reason=guarded.reason if guarded else "")
        if guarded is not None and guarded.outcome is Outcome.HANDOFF_REQUESTED:
            return self._requested(question, guarded, trace, started)
        if guarded is not None:
            return self._guarded(question, guarded, trace)
        query = self.composer.standalone(  # a checked LLM rewrite of a follow-up, if enabled
            question, previous, contextualize(self.safety.searchable(question), previous), trace)
        retrieval = self.retriever.retrieve(query, self.top_k, filters)
        _step(trace, "retrieve", started, query=query, **_retrieval_trace(retrieval))
        features = confidence.signals(retrieval)
        score = self.calibration.score(features)
        _step(trace, "confidence", started, score=round(score, 4),
              signals={k: round(v, 4) for k, v in features.items()})
        outcome, why = decide(retrieval.hits, score, self.thresholds)
        _step(trace, "decide", started, outcome=outcome.value, reason=why)
        return self._reply(question, outcome, score, retrieval, trace)

    def _reply(self, question: str, outcome: Outcome, score: float, r: Retrieval,
               trace: dict[str, Any]) -> Reply:
        hits = r.hits
        candidates = _candidates(r)
        best = next((h.passage for h in hits if h.passage.department), None)
        reply = Reply(question=question, outcome=outcome, decision=outcome.decision, answer="",
                      confidence=round(score, 4), candidates=candidates,
                      department=best.department if best else "",
                      contact=best.contact if best else "", trace=trace)
        if outcome is Outcome.ANSWERED:
            chosen = supporting(hits, self.max_citations, self.thresholds.clarify_margin)
            draft = compose.answer(chosen, self.replies)
            draft = self.composer.compose(question, hits, draft, trace)  # checked, or as is
            verify(draft.text, draft.citations, hits)
            trace["steps"].append({"step": "cite", "cited": [c.doc_id for c in draft.citations]})
            return reply.model_copy(update={
                "answer": draft.text, "citations": draft.citations, "composer": draft.composer,
                "fallback_reason": draft.fallback_reason})
        if outcome is Outcome.CLARIFY:
            options = compose.choices(hits)
            text = compose.clarify_text(options, self.replies, self.replies.text(outcome))
            return reply.model_copy(update={"answer": text, "choices": options})
        text = compose.handoff_text(self.replies.text(outcome), hits[:3], self.replies, self.city)
        return reply.model_copy(update={"answer": text})

    def _requested(self, question: str, g: GuardResult, trace: dict[str, Any],
                   started: float) -> Reply:
        """A request for a person: still search, so staff get the topic and the department."""
        reply = self._guarded(question, g, trace)
        retrieval = self.retriever.retrieve(question, self.top_k)
        score = self.calibration.score(confidence.signals(retrieval))
        _step(trace, "retrieve", started, query=question, **_retrieval_trace(retrieval))
        if not retrieval.hits or score < self.thresholds.handoff:
            return reply
        top = retrieval.hits[0].passage
        return reply.model_copy(update={"department": top.department, "contact": top.contact,
                                        "candidates": _candidates(retrieval)})

    def _guarded(self, question: str, g: GuardResult, trace: dict[str, Any]) -> Reply:
        text = self.replies.text(g.outcome)
        if g.outcome is Outcome.HANDOFF_REQUESTED:
            text = f"{text}\n" + self.replies.fragment("city_hint", **self.city)
        return Reply(question=question, decision=g.outcome.decision, outcome=g.outcome,
                     answer=text, confidence=0.0, trace=trace)


def _first(reply: Reply, *parts: str) -> Reply:
    """The reply with `parts` (the emergency line, the personal-data warning) before it."""
    text = "\n\n".join(p for p in (*parts, reply.answer) if p)
    return reply.model_copy(update={"answer": text})


def alarm_step(alarm: Alarm) -> dict[str, Any]:
    return {"step": "emergency", **alarm.trace()}


def _step(trace: dict[str, Any], name: str, started: float, **data: Any) -> None:
    trace["steps"].append({"step": name, "ms": round((time.perf_counter() - started) * 1000, 2),
                           **data})


def _candidates(r: Retrieval) -> list[Candidate]:
    return [Candidate(doc_id=h.passage.doc_id, score=round(h.fused, 4),
                      label=h.passage.question or h.passage.label) for h in r.hits]


def _retrieval_trace(r: Retrieval) -> dict[str, Any]:
    return {"normalized": r.normalized, "tokens": r.tokens, "expansions": r.expansions,
            "keyword_top": r.keyword_top, "dense_top": r.dense_top,
            "fused_top": [h.trace() for h in r.hits[:10]], "timings_ms": r.timings_ms}
