"""Retrieval ablations side by side: keyword only, dense only and hybrid, sharing the loaded
index, embedder, tokenizer and synonyms of the pipeline's retriever."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from bot.retrieval.hybrid import FusionWeights, HybridRetriever
from eval import metrics as m
from eval.gold import GoldItem
from eval.rows import RETRIEVAL_METRICS, Value, ranking_metrics


def ablation_retrievers(base: HybridRetriever, weights: FusionWeights
                        ) -> dict[str, HybridRetriever]:
    """keyword only, dense only and hybrid, sharing the base retriever's index, embedder,
    tokenizer and synonyms (the model loads once)."""
    def make(w: FusionWeights) -> HybridRetriever:
        return HybridRetriever(base.index, base.embedder, base.tokenizer, base.synonyms, w,
                               base.candidates)
    return {"keyword": make(FusionWeights(1.0, 0.0, 0.0)),
            "dense": make(FusionWeights(0.0, 0.0, 1.0)), "hybrid": make(weights)}


def ablation_ranking(retriever: HybridRetriever, question: str, top_k: int) -> list[str]:
    """The retriever's ranking; without a dense weight, passages with no keyword score are
    not retrieved at all (they would otherwise trail in doc_id order)."""
    hits = retriever.retrieve(question, top_k).hits
    if retriever.weights.dense == 0:
        hits = [h for h in hits if h.fused > 0]
    return [h.passage.doc_id for h in hits]


@dataclass
class Ablation:
    """Retrieval metrics of one retriever variant over the judged questions."""

    name: str
    weights: FusionWeights
    metrics: dict[str, Value] = field(default_factory=dict)


def run_ablations(retrievers: dict[str, HybridRetriever], items: Sequence[GoldItem],
                  top_k: int = 20) -> list[Ablation]:
    """Retrieval metrics per variant, on every judged question (the guard is not applied)."""
    judged = [i for i in items if any(g >= 1 for g in i.relevant.values())]
    out = []
    for name, retriever in retrievers.items():
        per_q = [ranking_metrics(ablation_ranking(retriever, i.question, top_k), dict(i.relevant))
                 for i in judged]
        values: dict[str, Value] = {"n_judged": len(judged)}
        values |= {k: m.mean(q[k] for q in per_q) for k in RETRIEVAL_METRICS}
        out.append(Ablation(name, retriever.weights, values))
    return out
