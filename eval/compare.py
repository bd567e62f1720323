"""Compare two runs: metric deltas (better / worse) and the questions whose outcome changed.

Either side may be a report.json or a results.jsonl; aggregates are recomputed from the rows,
so both sides are measured the same way."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from eval.document import Block, Heading, Para, Table, to_markdown
from eval.rows import HEADLINE, LOWER_IS_BETTER, RETRIEVAL_METRICS, ResultRow, Value
from eval.runner import aggregate


@dataclass
class RunFile:
    path: Path
    rows: list[ResultRow]
    ablations: dict[str, dict[str, Value]] = field(default_factory=dict)


def load_run(path: Path) -> RunFile:
    """Rows (and ablations, from a report.json) of a finished run."""
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".jsonl":
        rows = [ResultRow.model_validate_json(line) for line in text.splitlines() if line.strip()]
        return RunFile(path, rows)
    data = json.loads(text)
    if not isinstance(data, dict) or "rows" not in data:
        raise ValueError(f"{path}: not a madoguchi eval report.json (no \"rows\")")
    rows = [ResultRow.model_validate(r) for r in data["rows"]]
    return RunFile(path, rows, {a["name"]: a["metrics"] for a in data.get("ablations", [])})


@dataclass(frozen=True)
class Delta:
    metric: str
    a: Value
    b: Value
    delta: float | None
    verdict: str


def verdict(metric: str, a: Value, b: Value) -> Delta:
    """b against a: better / worse / same (direction known per metric), or n/a."""
    if not isinstance(a, int | float) or not isinstance(b, int | float):
        return Delta(metric, a, b, None, "n/a" if a != b else "")
    d = float(b) - float(a)
    if abs(d) < 1e-9:
        return Delta(metric, a, b, 0.0, "same")
    improved = (d < 0) if metric in LOWER_IS_BETTER else (d > 0)
    return Delta(metric, a, b, d, "better" if improved else "worse")


def metric_deltas(a: dict[str, Value], b: dict[str, Value],
                  names: Sequence[str]) -> list[Delta]:
    """One Delta per metric name."""
    return [verdict(n, a.get(n), b.get(n)) for n in names]


def quality(row: ResultRow) -> int:
    """How good a question's outcome is: 2 right, 1 partly (clarify with the answer among the
    choices, or clarify instead of a handoff), 0 wrong."""
    if row.expect == "answer":
        if row.decision == "answer":
            return 2 * int(row.metrics.get("answer_correct") == 1.0)
        return int(row.metrics.get("clarify_resolved") == 1.0)
    if row.decision == row.expect:
        return 2
    return int(row.expect == "handoff" and row.decision == "clarify")


def _signature(row: ResultRow) -> tuple[str, str, str]:
    return row.decision, row.outcome, row.citations[0] if row.citations else ""


@dataclass(frozen=True)
class Change:
    id: str
    question: str
    expect: str
    before: str
    after: str
    verdict: str


def _describe(row: ResultRow) -> str:
    cited = f" → {row.citations[0]}" if row.citations else ""
    return f"{row.outcome}{cited} ({row.confidence:.2f})"


def changed_questions(a: Sequence[ResultRow], b: Sequence[ResultRow]) -> list[Change]:
    """Questions (by id, in both runs) whose decision, outcome or main citation changed,
    worse first."""
    before = {r.id: r for r in a}
    out = []
    for r in b:
        old = before.get(r.id)
        if old is None or _signature(old) == _signature(r):
            continue
        q0, q1 = quality(old), quality(r)
        word = "better" if q1 > q0 else "worse" if q1 < q0 else "changed"
        out.append(Change(r.id, r.question, r.expect, _describe(old), _describe(r), word))
    order = {"worse": 0, "changed": 1, "better": 2}
    return sorted(out, key=lambda c: (order[c.verdict], c.id))


@dataclass
class Comparison:
    a: RunFile
    b: RunFile
    overall: list[Delta]
    ablations: dict[str, list[Delta]]
    changes: list[Change]
    only_a: list[str]
    only_b: list[str]

    @property
    def regressions(self) -> int:
        return sum(d.verdict == "worse" for d in self.overall) + sum(
            c.verdict == "worse" for c in self.changes)


def compare(a: RunFile, b: RunFile) -> Comparison:
    """All differences between run a (before) and run b (after)."""
    ids_a, ids_b = {r.id for r in a.rows}, {r.id for r in b.rows}
    return Comparison(
        a, b, metric_deltas(aggregate(a.rows), aggregate(b.rows), list(HEADLINE)),
        {name: metric_deltas(a.ablations[name], b.ablations[name], RETRIEVAL_METRICS)
         for name in a.ablations if name in b.ablations},
        changed_questions(a.rows, b.rows), sorted(ids_a - ids_b), sorted(ids_b - ids_a))


def _num(v: Value | float | None, signed: bool = False) -> str:
    if v is None:
        return "n/a"
    if isinstance(v, str):
        return v
    return f"{v:+.3f}" if signed else f"{v:.3f}"


def _delta_table(deltas: Sequence[Delta]) -> Table:
    return Table(["metric", "A", "B", "Δ", ""],
                 [[d.metric, _num(d.a), _num(d.b), _num(d.delta, signed=True), d.verdict]
                  for d in deltas])


def to_blocks(c: Comparison) -> list[Block]:
    """The comparison as a document (printed as Markdown)."""
    out: list[Block] = [Heading("madoguchi eval compare", 1),
                        Para(f"A = {c.a.path} ({len(c.a.rows)} questions), "
                             f"B = {c.b.path} ({len(c.b.rows)} questions)"),
                        Heading("Metrics"), _delta_table(c.overall)]
    for name, deltas in c.ablations.items():
        out += [Heading(f"Ablation: {name}", 3), _delta_table(deltas)]
    out.append(Heading(f"Questions whose outcome changed ({len(c.changes)})"))
    out.append(Table(["id", "expect", "A", "B", "", "question"],
                     [[x.id, x.expect, x.before, x.after, x.verdict, x.question]
                      for x in c.changes]) if c.changes else Para("None."))
    if c.only_a or c.only_b:
        out.append(Para(f"Only in A: {', '.join(c.only_a) or '—'}; "
                        f"only in B: {', '.join(c.only_b) or '—'}"))
    return out


def to_json(c: Comparison) -> dict[str, Any]:
    """The comparison as plain data."""
    return {"a": str(c.a.path), "b": str(c.b.path),
            "metrics": [d.__dict__ for d in c.overall],
            "ablations": {k: [d.__dict__ for d in v] for k, v in c.ablations.items()},
            "changed": [x.__dict__ for x in c.changes], "only_a": c.only_a, "only_b": c.only_b}


def render(c: Comparison) -> str:
    """Markdown text of the comparison."""
    return to_markdown(to_blocks(c))
