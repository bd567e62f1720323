"""Report files: results.jsonl, report.json, report.md and a self-contained report.html."""

import json

from eval.report import fmt, report_data, write_report


def test_report_files(mini_run, mini_report):
    paths = mini_report
    assert sorted(p.name for p in paths.values()) == [
        "report.html", "report.json", "report.md", "results.jsonl"]
    rows = [json.loads(x) for x in paths["results.jsonl"].read_text("utf-8").splitlines()]
    assert [r["id"] for r in rows] == [r.id for r in mini_run.rows]
    assert all("trace" in r and "metrics" in r and "candidates" in r for r in rows)


def test_html_is_self_contained_with_charts(mini_report):
    page = mini_report["report.html"].read_text("utf-8")
    assert page.count("data:image/png;base64,") >= 4  # ablations, sweep, by type, latency
    assert "<script" not in page and 'src="http' not in page and "<link" not in page
    assert "not run" in page and "faithfulness" in page and "answer_relevance" in page
    assert "Worst failures" in page and "<details>" in page


def test_markdown_has_every_section(mini_report):
    text = mini_report["report.md"].read_text("utf-8")
    for heading in ("## Headline", "## Retrieval ablations", "## Decisions",
                    "## Confidence sweep", "## By type", "## By category", "## Worst failures"):
        assert heading in text
    assert "| faithfulness | not run |" in text and "| answer_relevance | not run |" in text


def test_json_for_machines(mini_run):
    data = json.loads(json.dumps(report_data(mini_run)))
    assert data["aggregates"]["overall"]["faithfulness"] == "not run"
    assert [a["name"] for a in data["ablations"]] == ["keyword", "dense", "hybrid"]
    assert len(data["sweep"]["points"]) == 101
    assert all("trace" not in r for r in data["rows"])
    assert set(data["failures"]) >= {"answered_wrongly", "missed_emergencies", "false_handoffs"}
    for entries in data["failures"].values():
        assert all(e["trace"] is not None for e in entries)


def test_fmt():
    assert fmt("hit@1", None) == "n/a" and fmt("hit@1", 0.5) == "0.500"
    assert fmt("latency_p95_ms", 12.345) == "12.3" and fmt("n", 3) == "3"
    assert fmt("faithfulness", "not run") == "not run"


def test_a_gold_set_with_nothing_to_retrieve_still_reports(pipeline, mini_gold, tmp_path):
    from eval.runner import evaluate

    guarded = [i for i in mini_gold if i.type in {"emergency", "person"}]
    run = evaluate(pipeline, guarded, {"gold": "subset"})
    overall = run.aggregates["overall"]
    assert overall["hit@1"] is None and overall["coverage"] is None
    assert overall["emergency_recall"] == 1.0
    text = write_report(run, tmp_path)["report.md"].read_text("utf-8")
    assert "| hit@1 | n/a |" in text
