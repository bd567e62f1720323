"""The evaluation report: JSON for machines, Markdown, and a self-contained HTML page with
charts, all rendered from one data dict so they agree."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from eval import charts
from eval.document import Block, Details, Heading, Image, Para, Table, to_html, to_markdown
from eval.failures import FAILURE_KINDS, trace_summary, trace_text, worst_failures
from eval.metrics import SweepPoint, best_threshold
from eval.rows import HEADLINE, LLM_JUDGED, NOT_RUN, RETRIEVAL_METRICS, ResultRow
from eval.runner import EvalRun, sweep

DECISIONS = ("answer", "clarify", "handoff", "emergency")
GROUP_COLUMNS = ("success_rate", "hit@1", "recall@10", "ndcg@10", "citation_accuracy",
                 "answered_precision", "coverage", "false_handoff_rate", "handoff_f1",
                 "emergency_recall", "privacy_echo_rate", *LLM_JUDGED)
TYPE_CHART = ("success_rate", "hit@1", "ndcg@10", "answered_precision", "coverage")
TARGET_PRECISIONS = (0.9, 0.95)


def fmt(name: str, value: Any) -> str:
    """A metric value as shown in tables: n/a for undefined, 3 decimals, latency in ms."""
    if value is None:
        return "n/a"
    if isinstance(value, str | bool) or isinstance(value, int):
        return str(value)
    return f"{value:.1f}" if name.endswith("_ms") else f"{value:.3f}"


def _point(p: SweepPoint | None) -> dict[str, Any] | None:
    return asdict(p) if p is not None else None


def sweep_data(points: Sequence[SweepPoint]) -> dict[str, Any]:
    """The sweep and the thresholds it suggests (max F1, and each target precision)."""
    return {"points": [asdict(p) for p in points], "max_f1": _point(best_threshold(points)),
            **{f"precision_{t:.2f}": _point(best_threshold(points, t))
               for t in TARGET_PRECISIONS}}


def decision_matrix(rows: Sequence[ResultRow]) -> dict[str, dict[str, int]]:
    """Counts of expect × decision."""
    out: dict[str, dict[str, int]] = {}
    for r in rows:
        out.setdefault(r.expect, dict.fromkeys(DECISIONS, 0))
        out[r.expect][r.decision] = out[r.expect].get(r.decision, 0) + 1
    return out


def failure_entry(row: ResultRow) -> dict[str, Any]:
    """A failure as the report shows it: what was asked, expected, done, and the trace."""
    return {"id": row.id, "question": row.question, "type": row.type, "expect": row.expect,
            "decision": row.decision, "outcome": row.outcome, "confidence": row.confidence,
            "citations": row.citations, "choices": row.choices, "echoed_pii": row.echoed_pii,
            "relevant": row.relevant,
            "top": [{"doc_id": c.doc_id, "score": c.score, "grade": row.relevant.get(c.doc_id, 0)}
                    for c in row.candidates[:5]],
            "trace": trace_summary(row)}


def report_data(run: EvalRun, failure_limit: int = 10) -> dict[str, Any]:
    """Everything the reports show, as plain JSON-able data."""
    return {
        "meta": run.meta,
        "headline": HEADLINE,
        "aggregates": run.aggregates,
        "ablations": [{"name": a.name, "weights": asdict(a.weights), "metrics": a.metrics}
                      for a in run.ablations],
        "decisions": decision_matrix(run.rows),
        "sweep": sweep_data(sweep(run.rows)),
        "failures": {kind: [failure_entry(r) for r in rows]
                     for kind, rows in worst_failures(run.rows, failure_limit).items()},
        "rows": [r.model_dump(mode="json", exclude={"trace"}) for r in run.rows],
    }


def _run_paragraph(meta: dict[str, Any]) -> str:
    w, t = meta.get("fusion_weights", {}), meta.get("thresholds", {})
    return (f"Gold: {meta.get('gold', '?')} (split: {meta.get('split') or 'all'}), "
            f"{meta.get('n', 0)} questions, run {meta.get('started', '?')} in "
            f"{meta.get('duration_s', '?')} s. Index: {meta.get('index_dir', '?')} "
            f"(generation {meta.get('generation', '?')}), embedder {meta.get('embedder', '?')}. "
            f"Fusion weights keyword/head/dense = {w.get('keyword')}/{w.get('head')}/"
            f"{w.get('dense')}; answer threshold {t.get('answer')}, handoff threshold "
            f"{t.get('handoff')}.")


def _warnings(meta: dict[str, Any]) -> list[Block]:
    unknown = meta.get("unknown_doc_ids") or []
    if not unknown:
        return []
    shown = ", ".join(unknown[:20]) + (" …" if len(unknown) > 20 else "")
    return [Para(f"Warning: {len(unknown)} doc_id(s) judged in the gold file are not in the "
                 f"index, so no ranking can find them (a typo, or a source not ingested): "
                 f"{shown}")]


def _headline(data: dict[str, Any]) -> list[Block]:
    overall = data["aggregates"]["overall"]
    rows = [[name, fmt(name, overall.get(name)), meaning]
            for name, meaning in data["headline"].items()]
    return [Heading("Headline"), Table(["metric", "value", "meaning"], rows),
            Para(f"Retrieval metrics are averaged over the {overall.get('n_judged')} questions "
                 "with at least one relevant passage; guarded questions count with an empty "
                 "ranking. n/a = nothing to measure. LLM-judged columns say "
                 f"“{NOT_RUN}” because no LLM is configured; no number is made up.")]


def _ablations(data: dict[str, Any]) -> list[Block]:
    if not data["ablations"]:
        return []
    rows = [[a["name"], "/".join(f"{a['weights'][k]:g}" for k in ("keyword", "head", "dense")),
             *(fmt(k, a["metrics"].get(k)) for k in RETRIEVAL_METRICS)]
            for a in data["ablations"]]
    groups = {a["name"]: {"n": a["metrics"].get("n_judged"), **a["metrics"]}
              for a in data["ablations"]}
    return [Heading("Retrieval ablations"),
            Para("The same retriever with other fusion weights, on every judged question "
                 "(guard not applied): keyword = BM25 over the full text only, dense = "
                 "embedding similarity only, hybrid = the configured weights."),
            Table(["retriever", "weights kw/head/dense", *RETRIEVAL_METRICS], rows),
            Image("retrieval ablations",
                  charts.metrics_by_group(groups, RETRIEVAL_METRICS, "Retrieval ablations"))]


def _decisions(data: dict[str, Any]) -> list[Block]:
    rows = [[expect, *(str(counts.get(d, 0)) for d in DECISIONS)]
            for expect, counts in sorted(data["decisions"].items())]
    return [Heading("Decisions"), Para("Rows: what the gold item expects; columns: what the "
                                       "bot decided."),
            Table(["expect \\ decision", *DECISIONS], rows)]


def _sweep(data: dict[str, Any]) -> list[Block]:
    s = data["sweep"]
    points = [SweepPoint(**p) for p in s["points"]]
    current = data["meta"].get("thresholds", {}).get("answer")
    rows = []
    for label, key in [("max F1", "max_f1"), *((f"precision ≥ {t:.2f}", f"precision_{t:.2f}")
                                              for t in TARGET_PRECISIONS)]:
        p = s.get(key)
        rows.append([label, *(fmt("", p[k]) if p else "n/a"
                              for k in ("threshold", "precision", "coverage", "f1"))])
    if current is not None:
        here = min(points, key=lambda p: abs(p.threshold - current), default=None)
        if here is not None:
            rows.append(["current answer threshold", fmt("", here.threshold),
                         fmt("", here.precision), fmt("", here.coverage), fmt("", here.f1)])
    return [Heading("Confidence sweep"),
            Para("Questions that reached the confidence step, answered when confidence ≥ t. "
                 "Precision = share of those answered whose top passage has grade 2 (and the "
                 "question is answerable); coverage = share of answerable questions answered."),
            Table(["where", "threshold", "precision", "coverage", "F1"], rows),
            Image("precision–coverage curve", charts.precision_coverage(points, current))]


def _groups(title: str, groups: dict[str, dict[str, Any]], chart: bool) -> list[Block]:
    rows = [[name, str(g.get("n")), *(fmt(c, g.get(c)) for c in GROUP_COLUMNS)]
            for name, g in groups.items()]
    blocks: list[Block] = [Heading(title), Table(["group", "n", *GROUP_COLUMNS], rows)]
    if chart and groups:
        blocks.append(Image(title, charts.metrics_by_group(groups, TYPE_CHART, title)))
    return blocks


def _latency(data: dict[str, Any]) -> list[Block]:
    latencies = [r["latency_ms"] for r in data["rows"]]
    return [Heading("Latency"), Image("latency histogram", charts.latency_histogram(latencies))]


def _failure_block(f: dict[str, Any]) -> list[Block]:
    top = ", ".join(f"{t['doc_id']} (grade {t['grade']}, {t['score']:.3f})" for t in f["top"])
    cited = ", ".join(f["citations"]) or "—"
    text = (f"{f['id']} [{f['type']}] 「{f['question']}」 — expected {f['expect']}, got "
            f"{f['decision']} ({f['outcome']}), confidence {f['confidence']:.2f}; cited: {cited}"
            f"; top: {top or '—'}")
    if f["choices"]:
        text += "; choices: " + ", ".join(f["choices"])
    if f["echoed_pii"]:
        text += "; echoed: " + ", ".join(f["echoed_pii"])
    relevant = ", ".join(f"{d}={g}" for d, g in f["relevant"].items()) or "none"
    return [Para(text + f"; relevant: {relevant}"),
            Details(f"trace of {f['id']}", trace_text(f["trace"]))]


def _failures(data: dict[str, Any]) -> list[Block]:
    blocks: list[Block] = [Heading("Worst failures")]
    for kind, entries in data["failures"].items():
        blocks.append(Heading(f"{FAILURE_KINDS[kind]} ({len(entries)} shown)", 3))
        for f in entries:
            blocks += _failure_block(f)
        if not entries:
            blocks.append(Para("None."))
    return blocks


def blocks(data: dict[str, Any]) -> list[Block]:
    """The whole report, in reading order."""
    agg = data["aggregates"]
    return [Heading("madoguchi evaluation", 1), Para(_run_paragraph(data["meta"])),
            *_warnings(data["meta"]), *_headline(data), *_ablations(data), *_decisions(data),
            *_sweep(data),
            *_groups("By type", agg["by_type"], chart=True),
            *_groups("By category", agg["by_category"], chart=False),
            *_groups("By language", agg.get("by_lang", {}), chart=False),
            *_latency(data), *_failures(data)]


def write_report(run: EvalRun, out_dir: Path, failure_limit: int = 10) -> dict[str, Path]:
    """Write results.jsonl (one row per question, with traces), report.json, report.md and
    report.html into out_dir; returns their paths by name."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {name: out_dir / name
             for name in ("results.jsonl", "report.json", "report.md", "report.html")}
    with open(paths["results.jsonl"], "w", encoding="utf-8") as fh:
        for r in run.rows:
            fh.write(json.dumps(r.model_dump(mode="json"), ensure_ascii=False) + "\n")
    data = report_data(run, failure_limit)
    paths["report.json"].write_text(json.dumps(data, ensure_ascii=False, indent=1),
                                    encoding="utf-8")
    doc = blocks(data)
    paths["report.md"].write_text(to_markdown(doc), encoding="utf-8")
    paths["report.html"].write_text(to_html("madoguchi evaluation", doc), encoding="utf-8")
    return paths
