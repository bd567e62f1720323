"""Run gold questions through the real answering pipeline: one result row per question,
aggregates computed from the rows (overall, per type, per category), and the ablations."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from bot.pipeline.run import FOLLOWUP_TURNS, Pipeline
from eval import metrics as m
from eval.ablations import Ablation, ablation_retrievers, run_ablations
from eval.gold import GoldItem
from eval.rows import LLM_JUDGED, NOT_RUN, RETRIEVAL_METRICS, ResultRow, Value, result_row


def run_gold(pipeline: Pipeline, items: Iterable[GoldItem],
             progress: Callable[[int], None] | None = None) -> list[ResultRow]:
    """Answer every gold question with the pipeline, in gold order, timing each."""
    rows: list[ResultRow] = []
    items = list(items)
    if items:  # one untimed warm-up so one-time loading does not count as latency
        pipeline.retriever.retrieve(items[0].question, pipeline.top_k)
    for n, item in enumerate(items, start=1):
        started = time.perf_counter()
        reply = pipeline.answer(item.question, previous=conversation_so_far(item.history))
        rows.append(result_row(item, reply, (time.perf_counter() - started) * 1000))
        if progress is not None:
            progress(n)
    return rows


def conversation_so_far(history: Sequence[str]) -> str:
    """What a follow-up's topic is read from: the resident's earlier turns, as the chat service
    passes them (`ChatService`: the last `FOLLOWUP_TURNS` resident messages)."""
    return " ".join(history[-FOLLOWUP_TURNS:])


def aggregate(rows: Sequence[ResultRow]) -> dict[str, Value]:
    """Every headline metric over a set of rows (None where undefined)."""
    judged = [r for r in rows if r.judged]
    expected, decided = [r.expect for r in rows], [r.decision for r in rows]
    answered = [r.decision == "answer" for r in rows]
    correct = [r.metrics.get("answer_correct") == 1.0 for r in rows]
    handoff = m.handoff_prf(expected, decided)
    latency = [r.latency_ms for r in rows]
    scored = [r for r in rows if r.reached_confidence]
    p_top = [r.confidence for r in scored]
    top_right = [r.expect == "answer" and r.top_grade == 2 for r in scored]
    out: dict[str, Value] = {"n": len(rows), "n_judged": len(judged)}
    out |= {k: m.mean(r.metrics.get(k) for r in judged) for k in RETRIEVAL_METRICS}
    out |= {
        "success_rate": m.mean(r.metrics.get("success") for r in rows),
        "citation_accuracy": m.mean(r.metrics.get("citation_accuracy") for r in rows),
        "answered_precision": m.answered_precision(answered, correct),
        "coverage": m.coverage(answered, [e == "answer" for e in expected]),
        "clarify_resolved": m.mean(r.metrics.get("clarify_resolved") for r in rows),
        "resolved_rate": m.mean(r.metrics.get("resolved") for r in rows),
        "topics_covered_rate": m.mean(r.metrics.get("topics_covered") for r in rows),
        "wrong_answer_rate": m.mean(r.metrics.get("wrong_answer") for r in rows),
        "clarify_rate": m.mean(r.metrics.get("clarified") for r in rows),
        "handoff_precision": handoff.precision, "handoff_recall": handoff.recall,
        "handoff_f1": handoff.f1,
        "emergency_recall": m.emergency_recall(expected, decided),
        "false_handoff_rate": m.false_handoff_rate(expected, decided),
        "privacy_echo_rate": m.rate(bool(r.echoed_pii) for r in rows),
        "p_top_auroc": m.auroc(p_top, top_right),
        "p_top_ece": m.calibration_error(p_top, top_right),
        "latency_p50_ms": m.percentile(latency, 50), "latency_p95_ms": m.percentile(latency, 95),
    }
    return out | dict.fromkeys(LLM_JUDGED, NOT_RUN)


def grouped(rows: Sequence[ResultRow], key: Callable[[ResultRow], str]
            ) -> dict[str, dict[str, Value]]:
    """Aggregates per group (type, category …), groups sorted by name."""
    groups: dict[str, list[ResultRow]] = {}
    for r in rows:
        groups.setdefault(key(r) or "(none)", []).append(r)
    return {name: aggregate(groups[name]) for name in sorted(groups)}


def aggregates(rows: Sequence[ResultRow]) -> dict[str, Any]:
    """Overall, per type and per category."""
    return {"overall": aggregate(rows), "by_type": grouped(rows, lambda r: r.type),
            "by_category": grouped(rows, lambda r: r.category),
            "by_lang": grouped(rows, lambda r: r.lang or "ja")}


def sweep(rows: Sequence[ResultRow], steps: int = 100) -> list[m.SweepPoint]:
    """The confidence sweep over the questions that reached the confidence step."""
    scored = [r for r in rows if r.reached_confidence]
    return m.confidence_sweep([r.confidence for r in scored],
                              [r.expect == "answer" for r in scored],
                              [r.expect == "answer" and r.top_grade == 2 for r in scored], steps)


@dataclass
class EvalRun:
    """Everything one `madoguchi eval` produces, before rendering."""

    meta: dict[str, Any]
    rows: list[ResultRow]
    ablations: list[Ablation] = field(default_factory=list)

    @property
    def aggregates(self) -> dict[str, Any]:
        return aggregates(self.rows)


def unknown_doc_ids(items: Iterable[GoldItem], known: set[str]) -> list[str]:
    """Judged doc_ids that the index does not hold (typos, or sources not ingested)."""
    return sorted({d for i in items for d in i.relevant if d not in known})


def pipeline_meta(pipeline: Pipeline) -> dict[str, Any]:
    """What a run was measured against: index, embedder, fusion weights, thresholds."""
    r, t, c = pipeline.retriever, pipeline.thresholds, pipeline.calibration
    return {"index_dir": str(r.index.index_dir), "generation": r.index.get().name,
            "embedder": r.embedder.name, "fusion_weights": asdict(r.weights),
            "thresholds": asdict(t),
            "calibration": {"top": asdict(c.top), "choices": asdict(c.choices),
                            "clarify": c.clarify, "agree": c.agree},
            "dev_curve": [asdict(p) for p in c.curve]}


def evaluate(pipeline: Pipeline, items: Sequence[GoldItem], meta: dict[str, Any],
             with_ablations: bool = True,
             progress: Callable[[int], None] | None = None) -> EvalRun:
    """Run the gold items through the pipeline and, side by side, the retrieval ablations."""
    started = time.perf_counter()
    rows = run_gold(pipeline, items, progress)
    ablations = []
    if with_ablations:
        base = pipeline.retriever
        ablations = run_ablations(ablation_retrievers(base, base.weights), items, pipeline.top_k)
    known = {p.doc_id for p in pipeline.retriever.index.get().passages}
    meta = {**pipeline_meta(pipeline), **meta, "n": len(rows),
            "duration_s": round(time.perf_counter() - started, 2),
            "unknown_doc_ids": unknown_doc_ids(items, known)}
    return EvalRun(meta, rows, ablations)
