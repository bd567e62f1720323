"""Retrieval ablations: keyword only, dense only, hybrid, on the same loaded objects."""

import pytest

from bot.retrieval.hybrid import FusionWeights
from eval.ablations import ablation_ranking, ablation_retrievers
from eval.rows import RETRIEVAL_METRICS


def test_ablations_side_by_side(mini_run):
    names = [a.name for a in mini_run.ablations]
    assert names == ["keyword", "dense", "hybrid"]
    weights = {a.name: a.weights for a in mini_run.ablations}
    assert weights["keyword"] == FusionWeights(1.0, 0.0, 0.0)
    assert weights["dense"] == FusionWeights(0.0, 0.0, 1.0)
    # no judged mini question is guarded, so the hybrid ablation is the pipeline's retrieval
    hybrid = next(a for a in mini_run.ablations if a.name == "hybrid")
    overall = mini_run.aggregates["overall"]
    for k in RETRIEVAL_METRICS:
        assert hybrid.metrics[k] == pytest.approx(overall[k])


def test_ablations_share_the_loaded_objects(pipeline):
    variants = ablation_retrievers(pipeline.retriever, pipeline.retriever.weights)
    for r in variants.values():
        assert r.embedder is pipeline.retriever.embedder and r.index is pipeline.retriever.index
        assert r.tokenizer is pipeline.retriever.tokenizer


def test_keyword_only_drops_passages_without_a_keyword_score(pipeline):
    keyword = ablation_retrievers(pipeline.retriever, pipeline.retriever.weights)["keyword"]
    ranking = ablation_ranking(keyword, "How many books can I borrow?", 20)
    full = [h.passage.doc_id for h in keyword.retrieve("How many books can I borrow?", 20).hits]
    assert len(ranking) < len(full)
