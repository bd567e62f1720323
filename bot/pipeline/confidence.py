"""Confidence in [0, 1] from absolute retrieval signals, combined by a logistic model whose
weights are fitted on the dev split of the gold set (see `madoguchi eval calibrate`).

Per-query min–max normalised fused scores carry no absolute meaning, so none are used here.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path

from bot.retrieval.hybrid import Retrieval

FEATURES = ("cos_head", "cos_body", "keyword_ratio", "head_ratio", "margin", "agree", "known",
            "foreign", "foreign_cos")


def signals(r: Retrieval) -> dict[str, float]:
    """The raw evidence for the top hit, each in roughly [0, 1]."""
    if not r.hits:
        return dict.fromkeys(FEATURES, 0.0)
    top = r.hits[0]
    second = r.hits[1].fused if len(r.hits) > 1 else 0.0
    kw_top = r.keyword_top[0][0] if r.keyword_top else ""
    dense_top = r.dense_top[0][0] if r.dense_top else ""
    return {
        "cos_head": top.cos_head,
        "cos_body": top.cos_body,
        "keyword_ratio": top.keyword / r.keyword_ceiling if r.keyword_ceiling else 0.0,
        "head_ratio": top.head / r.head_ceiling if r.head_ceiling else 0.0,
        "margin": top.fused - second,
        "agree": float(top.passage.doc_id == kw_top == dense_top),
        "known": r.known_share,
        "foreign": float(not r.japanese),
        "foreign_cos": top.cos_head if not r.japanese else 0.0,
    }


@dataclass(frozen=True)
class Calibration:
    weights: dict[str, float]
    bias: float

    @classmethod
    def load(cls, path: Path) -> Calibration:
        data = json.loads(path.read_text(encoding="utf-8"))
        weights = {f: float(data["weights"].get(f, 0.0)) for f in FEATURES}
        return cls(weights, float(data["bias"]))

    def score(self, features: dict[str, float]) -> float:
        z = self.bias + sum(self.weights[f] * features.get(f, 0.0) for f in FEATURES)
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))
