"""One answering pipeline for every channel: safety → emergency → guard → retrieve → compose →
cite → confidence → decide. Each step records what it saw and decided in the turn's trace."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from bot.llm.composer import Composer, Extractive
from bot.pipeline import compose, confidence, suspicion
from bot.pipeline.agreement import distinct, supporters
from bot.pipeline.cite import verify
from bot.pipeline.confidence import Estimate
from bot.pipeline.decide import Thresholds, decide, names_department
from bot.pipeline.emergency import Alarm, EmergencyDetector, Screen
from bot.pipeline.guard import Guard, GuardResult
from bot.pipeline.outcome import Candidate, Outcome, Reply
from bot.pipeline.question import Focus
from bot.pipeline.question import focus as question_focus
from bot.pipeline.reading import (
    CONTEXT_USED,
    Reading,
    Search,
    context_use,
    in_context,
    own,
    two_topics,
)
from bot.pipeline.replies import Replies
from bot.pipeline.safety import Safety, SafetyCheck
from bot.retrieval.hybrid import Hit, HybridRetriever, Retrieval
from bot.retrieval.language import is_japanese
from bot.retrieval.synonyms import Synonyms

CHOICES = 3  # options in a clarify reply
BRIDGE_TERMS = 2  # glossary terms a foreign message needs before it is also searched in Japanese
FOLLOWUP_TURNS = 3  # earlier resident messages a follow-up's topic is read from
PICKED = {"choice": "前の返信の選択肢から選ばれた", "article": "条例名と条番号で指定された"}

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
    # Foreign words → Japanese query terms (a cross-lingual "bridge" reading); None: off.
    glossary: Synonyms | None = None

    def answer(self, question: str, filters: dict[str, str] | None = None,
               previous: str = "", screen: Screen | None = None,
               picked: str | None = None, clean: bool = False) -> Reply:
        """Answer one resident question; expected non-answers are outcomes, not exceptions.

        `previous` is the resident's previous question in the conversation (for follow-ups);
        `screen` is the safety gate's verdict when the caller already ran it (see `screen`);
        `picked` is the doc_id of the previous clarify reply's choice this message picked
        (bot/service/picks.py): it is answered with that passage, not searched again.
        `clean`: the channel's masker found nothing in `question` (`Incoming.clean`), so the
        safety step does not mask it a second time.
        A fault anywhere below is caught here, once, and becomes ERROR_INTERNAL with a person
        offered.
        """
        try:
            with self.retriever.index.pinned():  # one generation for the whole answer
                return self._answer(question, filters, previous, screen, picked, clean)
        except Exception as exc:  # noqa: BLE001 - the one boundary for faults
            log.exception("pipeline failed")
            text = self.replies.text(Outcome.ERROR_INTERNAL) + "\n" + self.replies.fragment(
                "city_hint", **self.city)
            return Reply(question=question, decision="handoff", outcome=Outcome.ERROR_INTERNAL,
                         answer=text, confidence=0.0,
                         trace={"steps": [{"step": "error", "error": repr(exc)}]})

    def screen(self, masked: str) -> Screen:
        """The safety gate alone: is this (masked) message an emergency, and how sure?

        What answering the message will embed is embedded here too, in the gate's batch: a
        channel screens before it stores the message and asks for the answer."""
        self._embed_ahead(masked, question_focus(masked), screened=False)
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
                screen: Screen | None, picked: str | None, clean: bool = False) -> Reply:
        trace: dict[str, Any] = {"steps": []}
        started = time.perf_counter()
        safe = self.safety.check(raw, clean)  # hidden characters stripped, personal data masked
        question = safe.masked
        _step(trace, "safety", started, **safe.trace())
        focus = question_focus(question)
        self._embed_ahead(question, focus, screened=screen is not None)
        # The safety gate, before anything else (a caller that ran it passes its verdict).
        alarm = (screen or Screen(self.emergency.detect(question))).alarm
        _step(trace, "emergency", started, **(alarm.trace() if alarm else {"tier": "none"}))
        if alarm is not None and alarm.certain:
            return _first(self.emergency_reply(question, alarm, trace), "", safe.warning)
        reply = self._guarded_or_answered(question, focus, safe, filters, previous, trace,
                                          started, picked)
        if alarm is None:
            return _first(reply, safe.warning, "")
        return _first(reply.model_copy(update={"emergency": "possible"}),
                      self.emergency.line(alarm), safe.warning)

    def _embed_ahead(self, question: str, focus: Focus, screened: bool) -> None:
        """Embed in one batch what the safety gate and the readings below will embed (one
        batch costs far less than one call per text); decides nothing."""
        queries = [focus.text, *([focus.question] if focus.changed else []), *focus.parts[:2]]
        self.retriever.embed_ahead([self.safety.searchable(q) for q in queries],
                                   also=[] if screened else self.emergency.embedded(question))

    def _guarded_or_answered(self, question: str, focus: Focus, safe: SafetyCheck,
                             filters: dict[str, str] | None, previous: str,
                             trace: dict[str, Any], started: float,
                             picked: str | None = None) -> Reply:
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
        chosen = self.retriever.passage(picked, filters) if picked is not None else None
        if chosen is not None:
            return self._picked(question, chosen, trace, started, "choice")
        named = self.retriever.named_article(question, filters)
        if named is not None:
            return self._picked(question, named, trace, started, "article")
        search = self._searcher(filters)
        best, tried = own(search, self.safety.searchable, focus, self._bridge(focus.text),
                          self.thresholds.clarify)
        context = context_use(best, previous, self.thresholds.answer)
        if context == CONTEXT_USED:
            best = in_context(search, self.safety.searchable, focus, previous,
                              self._rewrite(question, previous, trace))
            tried.append(best)
        _step(trace, "understand", started, **focus.trace(), readings=[r.trace() for r in tried],
              chosen=best.label, context=context)
        _step(trace, "retrieve", started, query=best.query, **_retrieval_trace(best.retrieval))
        options = distinct(best.retrieval, self.calibration.agree, CHOICES)
        _step(trace, "confidence", started, **best.estimate.trace(),
              options=[best.retrieval.hits[i].passage.doc_id for i in options])
        parts = two_topics(search, self.safety.searchable, focus, self.thresholds.clarify,
                           self.thresholds.answer, best.within)
        if parts:
            return self._two(question, parts, trace, started)
        outcome, why = decide(best.retrieval.hits, best.estimate, self.thresholds)
        outcome, why = suspicion.overrule(outcome, why, safe.suspected)
        _step(trace, "decide", started, outcome=outcome.value, reason=why)
        return self._reply(question, outcome, best.estimate, best.retrieval, options, trace)

    def _bridge(self, text: str) -> str:
        """A foreign-language message's Japanese query terms, or '' (Japanese, or fewer than
        two terms: one generic word such as ごみ or 図書館 outranks the specific question)."""
        if self.glossary is None or is_japanese(text):
            return ""
        terms = self.glossary.expand(text)
        return " ".join(terms) if len(terms) >= BRIDGE_TERMS else ""

    def _rewrite(self, question: str, previous: str, trace: dict[str, Any]
                 ) -> Callable[[str], str | None]:
        """A checked LLM rewrite of the follow-up into a standalone question, when one is
        enabled (asked only if the follow-up cannot stand alone); None otherwise."""
        def rewrite(q: str) -> str | None:
            glued = f"{previous} {q}"
            out = self.composer.standalone(question, previous, glued, trace)
            return None if out == glued else out
        return rewrite

    def _searcher(self, filters: dict[str, str] | None) -> Search:
        def search(query: str, topic: np.ndarray | None = None) -> tuple[Retrieval, Estimate]:
            retrieval = self.retriever.retrieve(query, self.top_k, filters, topic)
            return retrieval, self.calibration.estimate(retrieval)
        return search

    def _reply(self, question: str, outcome: Outcome, e: Estimate, r: Retrieval,
               options: list[int], trace: dict[str, Any]) -> Reply:
        """`options` are the indexes of the distinct hits a clarify offers."""
        hits, level = r.hits, self.calibration.agree
        known = names_department(e, self.thresholds)
        best = next((h.passage for h in hits if h.passage.department), None) if known else None
        reply = Reply(question=question, outcome=outcome, decision=outcome.decision, answer="",
                      confidence=round(e.p_top, 4), candidates=_candidates(r),
                      department=best.department if best else "",
                      contact=best.contact if best else "", trace=trace)
        if outcome is Outcome.ANSWERED:
            chosen = [hits[i] for i in supporters(r, level, self.max_citations)]
            return self._answered(reply, chosen, hits, trace)
        if outcome is Outcome.CLARIFY:
            choices = compose.choices([hits[i] for i in options])
            text = compose.clarify_text(choices, self.replies, self.replies.text(outcome))
            return reply.model_copy(update={"answer": text, "choices": choices})
        text = compose.handoff_text(self.replies.text(outcome), hits[:3] if known else [],
                                    self.replies, self.city)
        return reply.model_copy(update={"answer": text})

    def _answered(self, reply: Reply, chosen: list[Hit], hits: list[Hit],
                  trace: dict[str, Any]) -> Reply:
        draft = compose.answer(chosen, self.replies)
        draft = self.composer.compose(reply.question, hits, draft, trace)  # checked, or as is
        verify(draft.text, draft.citations, hits)
        trace["steps"].append({"step": "cite", "cited": [c.doc_id for c in draft.citations]})
        return reply.model_copy(update={
            "answer": draft.text, "citations": draft.citations, "composer": draft.composer,
            "fallback_reason": draft.fallback_reason})

    def _picked(self, question: str, chosen: Hit, trace: dict[str, Any], started: float,
                by: str) -> Reply:
        """The resident named this passage — picked it from the previous reply's choices
        (`by` "choice": passages the bot offered, the resident the judge of which one), or
        named an ordinance article (「図書館条例の第5条」, `by` "article"): answer with it."""
        p = chosen.passage
        _step(trace, "pick", started, by=by, doc_id=p.doc_id, label=compose.readable_label(p))
        _step(trace, "decide", started, outcome=Outcome.ANSWERED.value,
              reason=PICKED[by])
        reply = Reply(question=question, outcome=Outcome.ANSWERED, decision="answer", answer="",
                      confidence=1.0, candidates=[Candidate(doc_id=p.doc_id, score=1.0,
                                                            label=p.question or p.label)],
                      department=p.department, contact=p.contact, trace=trace)
        return self._answered(reply, [chosen], [chosen], trace)

    def _two(self, question: str, parts: list[Reading], trace: dict[str, Any],
             started: float) -> Reply:
        """A message asking two things: answer both when each is answerable, else offer the
        best choices of each and name both topics."""
        p_top = min(p.estimate.p_top for p in parts)
        hits = [h for p in parts for h in p.retrieval.hits]
        reply = Reply(question=question, outcome=Outcome.ANSWERED, decision="answer", answer="",
                      confidence=round(p_top, 4), candidates=_candidates(parts[0].retrieval),
                      trace=trace)
        if p_top >= self.thresholds.answer:
            _step(trace, "decide", started, outcome=Outcome.ANSWERED.value,
                  reason=f"2 つの質問とも P(1位が正しい) ≥ {self.thresholds.answer:.2f}")
            first = [p.retrieval.hits[0] for p in parts]
            top = first[0].passage
            reply = reply.model_copy(update={"department": top.department,
                                             "contact": top.contact})
            return self._answered(reply, first, hits, trace)
        _step(trace, "decide", started, outcome=Outcome.CLARIFY.value,
              reason="2 つの質問のうち確実に答えられないものがある")
        options = compose.choices(_alternating(parts, self.calibration.agree), CHOICES)
        intro = self.replies.fragment("clarify_two", first=parts[0].query,
                                      second=parts[1].query)
        return reply.model_copy(update={
            "outcome": Outcome.CLARIFY, "decision": "clarify", "choices": options,
            "answer": compose.clarify_text(options, self.replies, intro)})

    def _requested(self, question: str, g: GuardResult, trace: dict[str, Any],
                   started: float) -> Reply:
        """A request for a person: still search, so staff get the topic and the department."""
        reply = self._guarded(question, g, trace)
        retrieval = self.retriever.retrieve(self.safety.searchable(question), self.top_k)
        estimate = self.calibration.estimate(retrieval)
        _step(trace, "retrieve", started, query=question, **_retrieval_trace(retrieval))
        if not retrieval.hits or not names_department(estimate, self.thresholds):
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


def _alternating(parts: list[Reading], level: float) -> list[Hit]:
    """Each part's distinct choices, taken in turns (1st of each, then 2nd of each …): a
    two-question clarify fills its choices instead of offering one per question."""
    picked = [[p.retrieval.hits[i] for i in distinct(p.retrieval, level, CHOICES)]
              for p in parts]
    return [hs[rank] for rank in range(CHOICES) for hs in picked if rank < len(hs)]


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
            "spelled": r.spelled,
            "keyword_top": r.keyword_top, "dense_top": r.dense_top,
            "fused_top": [h.trace() for h in r.hits[:10]], "timings_ms": r.timings_ms}
