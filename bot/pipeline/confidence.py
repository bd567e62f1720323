"""How likely the bot is to be right: two calibrated probabilities from absolute retrieval
signals, each a logistic model fitted on the dev splits of the gold files
(`madoguchi eval calibrate`).

- `p_top`: the first passage answers the question (grade 2) — decides `answer`.
- `p_choices`: a passage that answers is among the clarify choices — decides `clarify`.

Per-query min–max normalised fused scores carry no absolute meaning, so none are used alone;
margins are measured against the best *rival* (a passage that does not say the same thing as the
top one), so an FAQ and a page section on the same procedure support each other instead of
looking like a tie.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path

from bot.pipeline.agreement import rival_margin, support
from bot.retrieval.hybrid import Retrieval

FEATURES = ("cos_head", "cos_body", "keyword_ratio", "head_ratio", "margin", "rival_margin",
            "support", "agree", "coverage", "head_coverage", "known", "short", "foreign",
            "foreign_cos", "variant", "contextual", "topic")
DEFAULT_AGREE = 0.8


def signals(r: Retrieval, agree_at: float = DEFAULT_AGREE) -> dict[str, float]:
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
        "rival_margin": rival_margin(r, agree_at),
        "support": support(r, agree_at),
        "agree": float(top.passage.doc_id == kw_top == dense_top),
        "coverage": top.coverage,
        "head_coverage": top.head_coverage,
        "known": r.known_share,
        "short": 1.0 / (1.0 + len(set(r.tokens))),
        "foreign": float(not r.japanese),
        "foreign_cos": top.cos_head if not r.japanese else 0.0,
        # The top passage's question side was won by an approved variant (言い換え).
        "variant": float(bool(top.variant)),
        # A follow-up searched within the previous turn's topic, and how close the top passage
        # is to that topic.
        "contextual": float(r.topic_cos is not None),
        "topic": r.topic_cos or 0.0,
    }


@dataclass(frozen=True)
class Logistic:
    """p = σ(bias + Σ weight·feature) over the raw features."""

    weights: dict[str, float]
    bias: float

    @classmethod
    def from_json(cls, data: dict[str, object]) -> Logistic:
        raw = data.get("weights", {})
        weights = raw if isinstance(raw, dict) else {}
        return cls({f: float(weights.get(f, 0.0)) for f in FEATURES}, float(str(data["bias"])))

    def p(self, features: dict[str, float]) -> float:
        z = self.bias + sum(self.weights.get(f, 0.0) * features.get(f, 0.0) for f in FEATURES)
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


@dataclass(frozen=True)
class CurvePoint:
    """On the dev split: answering at p_top ≥ threshold gave this precision and coverage."""

    threshold: float
    precision: float
    coverage: float


@dataclass(frozen=True)
class Estimate:
    """The confidence step's output for one query."""

    p_top: float
    p_choices: float
    features: dict[str, float]

    def trace(self) -> dict[str, object]:
        return {"p_top": round(self.p_top, 4), "p_choices": round(self.p_choices, 4),
                "signals": {k: round(v, 4) for k, v in self.features.items()}}


@dataclass(frozen=True)
class Calibration:
    """Both models, the dev precision–coverage curve of `p_top`, and the chosen clarify level."""

    top: Logistic
    choices: Logistic
    curve: list[CurvePoint] = field(default_factory=list)
    clarify: float = 0.5
    agree: float = DEFAULT_AGREE

    @classmethod
    def load(cls, path: Path) -> Calibration:
        data = json.loads(path.read_text(encoding="utf-8"))
        curve = [CurvePoint(float(c["threshold"]), float(c["precision"]), float(c["coverage"]))
                 for c in data.get("curve", [])]
        return cls(Logistic.from_json(data["top"]), Logistic.from_json(data["choices"]),
                   sorted(curve, key=lambda c: c.threshold), float(data.get("clarify", 0.5)),
                   float(data.get("agree", DEFAULT_AGREE)))

    def estimate(self, r: Retrieval) -> Estimate:
        features = signals(r, self.agree)
        return Estimate(self.top.p(features), self.choices.p(features), features)

    def answer_threshold(self, target_precision: float) -> float:
        """The lowest p_top from which every stricter threshold kept dev precision ≥ target.

        Without a curve the calibrated probability itself is the bar (p_top ≥ target)."""
        if not self.curve:
            return target_precision
        chosen = 1.0
        for point in reversed(self.curve):  # strictest first
            if point.coverage > 0 and point.precision < target_precision:
                break
            chosen = point.threshold
        return chosen
