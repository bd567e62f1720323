"""Comparing two runs: metric deltas with their direction, and changed questions."""

import json

from eval.compare import RunFile, compare, load_run, quality, render, to_json, verdict
from eval.rows import ResultRow, question_metrics


def row(qid: str, decision: str, cited: list[str], expect: str = "answer",
        latency: float = 10.0) -> ResultRow:
    r = ResultRow(id=qid, question=f"question {qid}", type="faq", expect=expect,
                  relevant={"A": 2, "B": 1} if expect == "answer" else {}, decision=decision,
                  outcome={"answer": "answered", "handoff": "handoff_low_confidence"}[decision],
                  confidence=0.7, citations=cited, latency_ms=latency)
    return r.model_copy(update={"metrics": question_metrics(r)})


BEFORE = [row("q1", "answer", ["A"]), row("q2", "handoff", []),
          row("q3", "handoff", [], "handoff")]
AFTER = [row("q1", "answer", ["B"]), row("q2", "answer", ["A"]),
         row("q3", "handoff", [], "handoff")]


def test_verdict_knows_which_way_is_better():
    assert verdict("hit@1", 0.5, 0.6).verdict == "better"
    assert verdict("false_handoff_rate", 0.5, 0.6).verdict == "worse"
    assert verdict("latency_p95_ms", 20.0, 10.0).verdict == "better"
    assert verdict("hit@1", 0.5, 0.5).verdict == "same"
    assert verdict("faithfulness", "not run", "not run").delta is None


def test_metric_deltas_and_changed_questions(tmp_path):
    result = compare(RunFile(tmp_path / "a", BEFORE), RunFile(tmp_path / "b", AFTER))
    deltas = {d.metric: d for d in result.overall}
    assert deltas["answered_precision"].a == 1.0 and deltas["answered_precision"].b == 0.5
    assert deltas["answered_precision"].verdict == "worse"
    assert deltas["coverage"].verdict == "better"  # 1/2 → 2/2
    assert deltas["false_handoff_rate"].delta == -0.5
    assert deltas["false_handoff_rate"].verdict == "better"
    assert [(c.id, c.verdict) for c in result.changes] == [("q1", "worse"), ("q2", "better")]
    assert result.regressions >= 2
    text = render(result)
    assert "| answered_precision | 1.000 | 0.500 | -0.500 | worse |" in text
    assert "q1" in text and "answered → B" in text
    assert json.loads(json.dumps(to_json(result)))["changed"][0]["id"] == "q1"


def test_quality():
    assert [quality(r) for r in BEFORE] == [2, 0, 2]
    assert quality(row("q4", "answer", ["A"], expect="handoff")) == 0


def test_load_either_report_json_or_results_jsonl(mini_report):
    paths = mini_report
    from_json, from_jsonl = load_run(paths["report.json"]), load_run(paths["results.jsonl"])
    assert [r.id for r in from_json.rows] == [r.id for r in from_jsonl.rows]
    assert set(from_json.ablations) == {"keyword", "dense", "hybrid"} and not from_jsonl.ablations
    same = compare(from_json, from_jsonl)
    assert not same.changes and all(d.verdict in {"same", ""} for d in same.overall)
