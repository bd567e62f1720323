"""Fit the logistic confidence model (bot/pipeline/confidence.py) on the dev split.

Label = the question is answerable (expect answer) and the top retrieved passage has grade 2.
Features = the confidence step's signals, recomputed by running the pipeline. Plain numpy
gradient descent with L2 on standardised features; weights are mapped back to raw features
so `Calibration.score` uses them as they are."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from bot.pipeline.confidence import FEATURES
from eval import metrics as m
from eval.rows import ResultRow


class CalibrationError(ValueError):
    """The dev rows cannot support a fit (e.g. only one class)."""


def training_set(rows: Sequence[ResultRow]) -> tuple[np.ndarray, np.ndarray]:
    """Feature matrix (FEATURES order) and labels of the rows that reached the confidence step."""
    scored = [r for r in rows if r.signals is not None]
    x = np.array([[(r.signals or {}).get(f, 0.0) for f in FEATURES] for r in scored],
                 dtype=float).reshape(len(scored), len(FEATURES))
    y = np.array([r.expect == "answer" and r.top_grade == 2 for r in scored], dtype=float)
    return x, y


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(z, -30.0, 30.0)))


def current_auroc(rows: Sequence[ResultRow]) -> float | None:
    """AUROC on these rows of the confidence the pipeline gave (the weights in use)."""
    scored = [r for r in rows if r.signals is not None]
    _, y = training_set(scored)
    return m.auroc([r.confidence for r in scored], [bool(v) for v in y])


def fit_logistic(x: np.ndarray, y: np.ndarray, l2: float = 0.05, lr: float = 0.5,
                 iterations: int = 4000) -> tuple[np.ndarray, float]:
    """Weights and bias minimising mean log-loss + l2/2·‖w‖² (on standardised features),
    returned for the raw features."""
    if len(y) == 0 or y.min() == y.max():
        raise CalibrationError(
            f"need both answerable-with-a-grade-2-top-passage and other questions; got "
            f"{int(y.sum())} positive of {len(y)}")
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
    """Probabilities, as Calibration.score computes them."""
    return _sigmoid(x @ weights + bias)


@dataclass(frozen=True)
class Fit:
    weights: dict[str, float]
    bias: float
    n: int
    positives: int
    auroc: float | None
    l2: float


def fit(rows: Sequence[ResultRow], l2: float = 0.05) -> Fit:
    """Fit on the rows (the dev split), reporting the AUROC on those rows."""
    x, y = training_set(rows)
    w, b = fit_logistic(x, y, l2)
    auc = m.auroc(predict(x, w, b).tolist(), [bool(v) for v in y])
    return Fit({f: round(float(v), 4) for f, v in zip(FEATURES, w, strict=True)},
               round(b, 4), len(y), int(y.sum()), auc, l2)


def calibration_json(f: Fit, source: str, today: dt.date | None = None) -> dict[str, Any]:
    """The file bot/pipeline/confidence.Calibration.load reads, with how it was made."""
    day = (today or dt.date.today()).isoformat()
    auc = f"{f.auroc:.3f}" if f.auroc is not None else "n/a"
    return {"note": f"Fitted by `madoguchi eval calibrate` on {source} (dev split) on {day}: "
                    f"n={f.n}, positives={f.positives}, AUROC on dev={auc}, L2={f.l2}.",
            "weights": f.weights, "bias": f.bias,
            "fitted": {"date": day, "gold": source, "split": "dev", "n": f.n,
                       "positives": f.positives, "auroc_dev": f.auroc, "l2": f.l2}}


@dataclass(frozen=True)
class Suggestion:
    answer: m.SweepPoint | None
    handoff: m.HandoffPoint | None


def suggest_thresholds(rows: Sequence[ResultRow], f: Fit,
                       target_precision: float = 0.9) -> Suggestion:
    """Thresholds under the new weights: answer at the lowest confidence whose answers reach the
    target precision (else max F1); hand off below the confidence that best separates the
    questions no top-3 passage helps (capped at the answer threshold)."""
    x, y = training_set(rows)
    scored = [r for r in rows if r.signals is not None]
    conf = predict(x, np.array([f.weights[k] for k in FEATURES]), f.bias).tolist()
    points = m.confidence_sweep(conf, [r.expect == "answer" for r in scored],
                                [bool(v) for v in y])
    answer = m.best_threshold(points, target_precision) or m.best_threshold(points)
    helpable = [r.expect == "answer" and m.hit_at_k(r.ranking, r.relevant, 3, 2) == 1.0
                for r in scored]
    handoff = m.handoff_threshold(conf, helpable)
    if handoff is not None and answer is not None and handoff.threshold > answer.threshold:
        handoff = m.handoff_point(conf, helpable, answer.threshold)
    return Suggestion(answer, handoff)
