"""Fit the two confidence models (bot/pipeline/confidence.py) on the dev split(s).

- top: label = the question is answerable and the first passage has grade 2.
- choices: label = the question is answerable and a grade-2 passage is among the choices the
  pipeline would offer (recorded in the trace even when it answered or handed off).

Features = the confidence step's signals, recomputed by running the pipeline. Plain numpy
gradient descent with L2 on standardised features; weights are mapped back to raw features so
`Logistic.p` uses them as they are. The file also keeps the dev precision–coverage curve of
`p_top` (the answer level is read off it for the configured target precision) and the clarify
level that best balances resolved questions against needless clarifies on dev.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from bot.pipeline.confidence import FEATURES, Calibration, CurvePoint, Logistic
from eval import metrics as m
from eval.rows import ResultRow


class CalibrationError(ValueError):
    """The dev rows cannot support a fit (e.g. only one class)."""


def scored_rows(rows: Sequence[ResultRow]) -> list[ResultRow]:
    """The rows that reached the confidence step (past the guard)."""
    return [r for r in rows if r.signals is not None]


def features(rows: Sequence[ResultRow]) -> np.ndarray:
    return np.array([[(r.signals or {}).get(f, 0.0) for f in FEATURES] for r in rows],
                    dtype=float).reshape(len(rows), len(FEATURES))


def top_right(r: ResultRow) -> bool:
    return r.expect == "answer" and r.top_grade == 2


def choice_right(r: ResultRow) -> bool:
    return r.expect == "answer" and any(r.relevant.get(d) == 2 for d in r.options)


def training_set(rows: Sequence[ResultRow]) -> tuple[np.ndarray, np.ndarray]:
    """Feature matrix (FEATURES order) and top-1 labels of the rows that reached confidence."""
    scored = scored_rows(rows)
    return features(scored), np.array([top_right(r) for r in scored], dtype=float)


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(z, -30.0, 30.0)))


def current_auroc(rows: Sequence[ResultRow]) -> float | None:
    """AUROC on these rows of the p_top the pipeline gave (the weights in use)."""
    scored = scored_rows(rows)
    return m.auroc([r.confidence for r in scored], [top_right(r) for r in scored])


def fit_logistic(x: np.ndarray, y: np.ndarray, l2: float = 0.05, lr: float = 0.5,
                 iterations: int = 4000) -> tuple[np.ndarray, float]:
    """Weights and bias minimising mean log-loss + l2/2·‖w‖² (on standardised features),
    returned for the raw features."""
    if len(y) == 0 or y.min() == y.max():
        raise CalibrationError(
            f"need both right and wrong cases; got {int(y.sum())} positive of {len(y)}")
    mu, sd = x.mean(axis=0), x.std(axis=0)
    sd = np.where(sd > 1e-9, sd, 1.0)
    z = (x - mu) / sd
    w, b = np.zeros(x.shape[1]), 0.0
    for _ in range(iterations):
        err = _sigmoid(z @ w + b) - y
        w -= lr * (z.T @ err / len(y) + l2 * w)
        b -= lr * float(err.mean())
    return w / sd, b - float((w * mu / sd).sum())


def predict(x: np.ndarray, weights: np.ndarray, bias: float) -> np.ndarray:
    """Probabilities, as Logistic.p computes them."""
    return _sigmoid(x @ weights + bias)


@dataclass(frozen=True)
class Model:
    weights: dict[str, float]
    bias: float
    n: int
    positives: int
    auroc: float | None

    def logistic(self) -> Logistic:
        return Logistic(self.weights, self.bias)


def fit_model(x: np.ndarray, y: np.ndarray, l2: float) -> Model:
    w, b = fit_logistic(x, y, l2)
    auc = m.auroc(predict(x, w, b).tolist(), [bool(v) for v in y])
    return Model({f: round(float(v), 4) for f, v in zip(FEATURES, w, strict=True)},
                 round(b, 4), len(y), int(y.sum()), auc)


@dataclass(frozen=True)
class Fit:
    top: Model
    choices: Model
    curve: list[CurvePoint]
    clarify: float
    l2: float

    @property
    def calibration(self) -> Calibration:
        return Calibration(self.top.logistic(), self.choices.logistic(), self.curve,
                           self.clarify)


def curve(p_top: Sequence[float], rows: Sequence[ResultRow], steps: int = 100
          ) -> list[CurvePoint]:
    """Answering at p_top ≥ t for t = 0 … 1: precision of the answers, coverage of the
    answerable questions (points where nothing would be answered are left out)."""
    points = m.confidence_sweep(p_top, [r.expect == "answer" for r in rows],
                                [top_right(r) for r in rows], steps)
    return [CurvePoint(p.threshold, round(p.precision, 4), round(p.coverage or 0.0, 4))
            for p in points if p.precision is not None]


def clarify_level(p_top: Sequence[float], p_choices: Sequence[float],
                  rows: Sequence[ResultRow], answer_at: float, steps: int = 100) -> float:
    """The p_choices level (below the answer level, clarify at ≥ it) that maximises the share of
    answerable questions resolved (right answer or a right choice offered) plus the handoff F1
    against the questions that expect a person; the lowest such level on ties."""
    def score(t: float) -> float:
        decisions = ["answer" if pt >= answer_at else "clarify" if pc >= t else "handoff"
                     for pt, pc in zip(p_top, p_choices, strict=True)]
        resolved = m.mean(
            float((d == "answer" and top_right(r)) or (d == "clarify" and choice_right(r)))
            for d, r in zip(decisions, rows, strict=True) if r.expect == "answer")
        f1 = m.handoff_prf([r.expect for r in rows], decisions).f1
        return (resolved or 0.0) + (f1 or 0.0)

    levels = [round(i / steps, 6) for i in range(steps + 1)]
    return max(levels, key=lambda t: (round(score(t), 6), -t))


def fit(rows: Sequence[ResultRow], l2: float = 0.05, target_precision: float = 0.95,
        choice_rows: Sequence[ResultRow] | None = None) -> Fit:
    """Fit both models on the rows (the dev split), then the curve and the clarify level.

    `choice_rows` (default: `rows`) are the rows P(a right choice) and the clarify level are
    fitted on: `--learn-folds` gives the answer model every row, learnt variants included (a
    variant match must not pass for an official question), and the choice model the rows as
    the index is (with the learnt ones it cost handoff F1 on dev: 0.654 → 0.632)."""
    scored = scored_rows(rows)
    x = features(scored)
    top = fit_model(x, np.array([top_right(r) for r in scored], dtype=float), l2)
    p_top = predict(x, np.array([top.weights[f] for f in FEATURES]), top.bias).tolist()
    points = curve(p_top, scored)
    chosen = scored_rows(choice_rows) if choice_rows is not None else scored
    xc = features(chosen)
    choices = fit_model(xc, np.array([choice_right(r) for r in chosen], dtype=float), l2)
    pc_top = predict(xc, np.array([top.weights[f] for f in FEATURES]), top.bias).tolist()
    p_ch = predict(xc, np.array([choices.weights[f] for f in FEATURES]), choices.bias).tolist()
    provisional = Calibration(top.logistic(), choices.logistic(), points)
    answer_at = provisional.answer_threshold(target_precision)
    return Fit(top, choices, points, clarify_level(pc_top, p_ch, chosen, answer_at), l2)


def calibration_json(f: Fit, source: str, today: dt.date | None = None) -> dict[str, Any]:
    """The file bot/pipeline/confidence.Calibration.load reads, with how it was made."""
    day = (today or dt.date.today()).isoformat()

    def auc(model: Model) -> str:
        return f"{model.auroc:.3f}" if model.auroc is not None else "n/a"

    def model(mo: Model) -> dict[str, Any]:
        return {"weights": mo.weights, "bias": mo.bias, "n": mo.n, "positives": mo.positives,
                "auroc_dev": mo.auroc}

    return {"note": f"Fitted by `madoguchi eval calibrate` on {source} (dev split) on {day}: "
                    f"n={f.top.n} (choices: {f.choices.n}), AUROC on dev: top {auc(f.top)}, "
                    f"choices {auc(f.choices)}; "
                    f"L2={f.l2}.",
            "top": model(f.top), "choices": model(f.choices), "clarify": f.clarify,
            "curve": [{"threshold": c.threshold, "precision": c.precision,
                       "coverage": c.coverage} for c in f.curve],
            "fitted": {"date": day, "gold": source, "split": "dev", "l2": f.l2,
                       "choices_n": f.choices.n}}
