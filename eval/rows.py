"""One result row per gold question: what the pipeline did, and the per-question metrics.
Also the names of the headline metrics, shared by the runner, reports, compare and gate."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel

from bot.pipeline.outcome import Reply
from bot.safety import pii
from eval import metrics as m
from eval.gold import GoldItem

Value = float | int | str | None
NOT_RUN = "not run"
RETRIEVAL_METRICS = ("hit@1", "hit@3", "hit@5", "recall@10", "mrr@10", "ndcg@10")
LLM_JUDGED = ("faithfulness", "answer_relevance")
HEADLINE: dict[str, str] = {
    "hit@1": "a relevant passage ranked first",
    "hit@3": "a relevant passage among the first 3",
    "hit@5": "a relevant passage among the first 5",
    "recall@10": "share of the relevant passages among the first 10",
    "mrr@10": "1 / rank of the first relevant passage (first 10)",
    "ndcg@10": "graded nDCG (grade 2 = answers, 1 = related)",
    "success_rate": "handled as expected: answered with a grade-2 citation, handed off, or "
                    "treated as an emergency",
    "citation_accuracy": "cited passages that answer the question (grade 2)",
    "answered_precision": "answers whose main citation has grade 2",
    "coverage": "answerable questions that were answered",
    "clarify_resolved": "clarify replies offering a grade-2 passage (hit@3 of the choices)",
    "resolved_rate": "answerable questions that ended with a right answer or a clarify "
                     "offering a right choice",
    "topics_covered_rate": "messages asking several things (gold `topics`) whose reply cites "
                           "or offers a passage for every one of them",
    "wrong_answer_rate": "all questions answered with a main citation that does not answer "
                         "them (grade < 2)",
    "clarify_rate": "questions that got a clarify reply",
    "handoff_precision": "handoffs that were expected",
    "handoff_recall": "expected handoffs that happened",
    "handoff_f1": "harmonic mean of handoff precision and recall",
    "emergency_recall": "emergencies treated as emergencies",
    "false_handoff_rate": "answerable questions handed off",
    "privacy_echo_rate": "replies repeating personal data from the question (must be 0)",
    "p_top_auroc": "AUROC of P(the first passage answers) against whether it does",
    "p_top_ece": "expected calibration error of P(the first passage answers), 10 bins",
    "latency_p50_ms": "median milliseconds per question",
    "latency_p95_ms": "95th percentile milliseconds per question",
    "faithfulness": "LLM-judged: the answer says only what its sources say",
    "answer_relevance": "LLM-judged: the answer addresses the question",
}
LOWER_IS_BETTER = frozenset({"false_handoff_rate", "wrong_answer_rate", "privacy_echo_rate",
                             "p_top_ece",
                             "latency_p50_ms", "latency_p95_ms"})


class ScoredDoc(BaseModel):
    doc_id: str
    score: float


class ResultRow(BaseModel):
    """What the pipeline did with one gold question, and how that scores."""

    id: str
    question: str
    type: str
    category: str = ""
    lang: str = ""
    split: str | None = None
    expect: str
    relevant: dict[str, int] = {}
    decision: str
    outcome: str
    confidence: float
    answer: str = ""
    citations: list[str] = []
    candidates: list[ScoredDoc] = []
    choices: list[str] = []
    options: list[str] = []  # the choices the pipeline would offer (whatever it decided)
    p_choices: float | None = None
    timings: dict[str, float | None] = {}
    latency_ms: float = 0.0
    signals: dict[str, float] | None = None
    echoed_pii: list[str] = []
    topics: list[list[str]] = []  # a message asking several things: each one's passages
    metrics: dict[str, float | None] = {}
    trace: dict[str, Any] | None = None

    @property
    def ranking(self) -> list[str]:
        return [c.doc_id for c in self.candidates]

    @property
    def top_grade(self) -> int:
        return self.relevant.get(self.candidates[0].doc_id, 0) if self.candidates else 0

    @property
    def judged(self) -> bool:
        """Has at least one relevant document, so retrieval metrics are defined."""
        return any(g >= 1 for g in self.relevant.values())

    @property
    def reached_confidence(self) -> bool:
        """Went past the guard, so a confidence threshold applied to it."""
        return self.signals is not None


def ranking_metrics(ranking: Sequence[str], qrels: dict[str, int]) -> dict[str, float | None]:
    """hit@1, hit@5, Recall@10, MRR@10 and nDCG@10; None when nothing is judged relevant."""
    if not any(g >= 1 for g in qrels.values()):
        return dict.fromkeys(RETRIEVAL_METRICS)
    return {"hit@1": m.hit_at_k(ranking, qrels, 1), "hit@3": m.hit_at_k(ranking, qrels, 3),
            "hit@5": m.hit_at_k(ranking, qrels, 5),
            "recall@10": m.recall_at_k(ranking, qrels, 10),
            "mrr@10": m.mrr_at_k(ranking, qrels, 10), "ndcg@10": m.ndcg_at_k(ranking, qrels, 10)}


def question_metrics(row: ResultRow) -> dict[str, float | None]:
    """The per-question metrics of a row (None where a metric does not apply)."""
    answered = row.decision == "answer"
    correct = row.expect == "answer" and m.answer_correct(row.citations, row.relevant)
    offered = row.decision == "clarify" and m.clarify_resolved(row.choices, row.relevant)
    return {
        **ranking_metrics(row.ranking, row.relevant),
        "answer_correct": float(correct) if answered else None,
        "citation_accuracy": m.citation_accuracy(row.citations, row.relevant),
        "clarify_resolved": (float(m.clarify_resolved(row.choices, row.relevant))
                             if row.decision == "clarify" else None),
        "privacy_echo": float(bool(row.echoed_pii)),
        "success": float(correct if row.expect == "answer" else row.decision == row.expect),
        "resolved": float(correct or offered) if row.expect == "answer" else None,
        "wrong_answer": float(answered and not correct),
        "clarified": float(row.decision == "clarify"),
        "topics_covered": (float(m.topics_covered(row.topics, _given(row)))
                           if row.topics else None),
    }


def _given(row: ResultRow) -> list[str]:
    """The passages the reply put before the resident: its citations or its choices."""
    return row.citations if row.decision == "answer" else (
        row.choices if row.decision == "clarify" else [])


def _confidence_step(reply: Reply) -> dict[str, Any]:
    return next((s for s in reply.trace.get("steps", []) if s.get("step") == "confidence"), {})


def _signals(reply: Reply) -> dict[str, float] | None:
    step = _confidence_step(reply)
    return {k: float(v) for k, v in step["signals"].items()} if step else None


def result_row(item: GoldItem, reply: Reply, latency_ms: float) -> ResultRow:
    """One result row from a gold item and the pipeline's reply."""
    row = ResultRow(
        id=item.id, question=pii.mask(item.question).text,  # rows never hold raw data
        type=item.type, category=item.category,
        lang=item.lang, split=item.split, expect=item.expect, relevant=dict(item.relevant),
        decision=reply.decision, outcome=reply.outcome.value, confidence=reply.confidence,
        answer=reply.answer, citations=[c.doc_id for c in reply.citations],
        candidates=[ScoredDoc(doc_id=c.doc_id, score=c.score) for c in reply.candidates],
        choices=[c.doc_id for c in reply.choices],
        options=list(_confidence_step(reply).get("options", [])),
        p_choices=_confidence_step(reply).get("p_choices"),
        timings={s["step"]: s.get("ms") for s in reply.trace.get("steps", [])},
        latency_ms=round(latency_ms, 2), signals=_signals(reply),
        echoed_pii=m.echoes_personal_data(item.question, reply.answer, item.pii),
        topics=[list(t) for t in item.topics],
        trace=reply.trace)
    return row.model_copy(update={"metrics": question_metrics(row)})
