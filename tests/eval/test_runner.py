"""The runner over the mini corpus: one row per gold question, in order, and aggregates
computed from the rows (overall, per type, per category)."""

from eval.rows import LLM_JUDGED, NOT_RUN, RETRIEVAL_METRICS
from eval.runner import unknown_doc_ids


def test_one_row_per_question_in_gold_order(mini_run, mini_gold):
    assert [r.id for r in mini_run.rows] == [i.id for i in mini_gold]
    row = mini_run.rows[0]
    assert row.question == mini_gold[0].question and row.type == mini_gold[0].type
    assert row.decision in {"answer", "clarify", "handoff", "emergency"}
    assert row.candidates and row.candidates[0].doc_id == "T-SHIMIN-001"
    assert row.latency_ms > 0 and {"guard", "retrieve", "confidence", "decide"} <= set(row.timings)
    assert row.signals is not None and set(row.signals) >= {"cos_head", "keyword_ratio"}
    assert row.metrics["hit@1"] == 1.0


def test_guarded_questions_skip_retrieval(mini_run):
    emergencies = [r for r in mini_run.rows if r.expect == "emergency"]
    assert emergencies and all(r.decision == "emergency" for r in emergencies)
    assert all(r.signals is None and not r.candidates for r in emergencies)
    assert all(r.metrics["hit@1"] is None for r in emergencies)  # nothing relevant to find


def test_aggregates_overall_per_type_and_category(mini_run, mini_gold):
    agg = mini_run.aggregates
    overall = agg["overall"]
    assert overall["n"] == len(mini_gold)
    assert overall["n_judged"] == sum(1 for i in mini_gold if i.relevant)
    assert overall["emergency_recall"] == 1.0
    assert overall["privacy_echo_rate"] == 0.0
    assert all(overall[k] == NOT_RUN for k in LLM_JUDGED)
    for k in (*RETRIEVAL_METRICS, "answered_precision", "coverage", "handoff_f1"):
        assert 0.0 <= overall[k] <= 1.0
    assert overall["latency_p50_ms"] <= overall["latency_p95_ms"]
    assert set(agg["by_type"]) == {i.type for i in mini_gold}
    assert sum(g["n"] for g in agg["by_category"].values()) == len(mini_gold)
    assert agg["by_type"]["emergency"]["hit@1"] is None


def test_judged_doc_ids_missing_from_the_index_are_reported(mini_run, mini_gold):
    assert mini_run.meta["unknown_doc_ids"] == []
    typo = mini_gold[0].model_copy(update={"relevant": {"T-SHIMIN-01": 2, "T-SHIMIN-001": 2}})
    assert unknown_doc_ids([typo], {"T-SHIMIN-001"}) == ["T-SHIMIN-01"]
