"""Fitting the logistic confidence model on the dev split."""

import datetime as dt

import numpy as np
import pytest

from bot.pipeline.confidence import FEATURES, Calibration, CurvePoint, Logistic
from eval.calibrate import (
    CalibrationError,
    calibration_json,
    fit,
    fit_logistic,
    predict,
    training_set,
)
from eval.metrics import auroc


def test_fit_logistic_separates_a_separable_set():
    rng = np.random.default_rng(0)
    x = rng.uniform(0, 1, size=(200, 2))
    y = (x[:, 0] > 0.5).astype(float)
    w, b = fit_logistic(x, y, l2=0.01)
    assert w[0] > 5 and abs(w[1]) < 1  # only the first feature matters
    assert auroc(predict(x, w, b).tolist(), [bool(v) for v in y]) > 0.99
    assert predict(np.array([[0.9, 0.5]]), w, b)[0] > 0.8
    assert predict(np.array([[0.1, 0.5]]), w, b)[0] < 0.2


def test_a_single_class_cannot_be_fitted():
    with pytest.raises(CalibrationError, match="2 positive of 2"):
        fit_logistic(np.ones((2, 3)), np.ones(2))


def test_fit_on_the_mini_dev_split(mini_run):
    dev = [r for r in mini_run.rows if r.split == "dev"]
    x, y = training_set(dev)
    assert x.shape == (sum(r.signals is not None for r in dev), len(FEATURES))
    assert 0 < y.sum() < len(y)
    fitted = fit(dev)
    assert list(fitted.top.weights) == list(FEATURES) == list(fitted.choices.weights)
    assert fitted.top.n == len(y) and fitted.top.auroc is not None and fitted.top.auroc >= 0.5
    assert fitted.choices.positives >= fitted.top.positives  # a right top is a right choice
    assert 0.0 <= fitted.clarify <= 1.0 and fitted.curve
    data = calibration_json(fitted, "mini_gold.jsonl", dt.date(2026, 1, 2))
    assert "2026-01-02" in data["note"] and f"n={fitted.top.n}" in data["note"]
    assert data["top"]["auroc_dev"] == fitted.top.auroc


def test_the_written_file_is_what_the_pipeline_loads(mini_run, tmp_path):
    import json

    fitted = fit([r for r in mini_run.rows if r.split == "dev"])
    path = tmp_path / "confidence.json"
    path.write_text(json.dumps(calibration_json(fitted, "g")), encoding="utf-8")
    loaded = Calibration.load(path)
    assert loaded.top.weights == fitted.top.weights and loaded.top.bias == fitted.top.bias
    assert loaded.clarify == fitted.clarify and loaded.curve == fitted.curve
    signals = next(r.signals for r in mini_run.rows if r.signals)
    expected = predict(np.array([[signals[f] for f in FEATURES]]),
                       np.array([fitted.top.weights[f] for f in FEATURES]), fitted.top.bias)[0]
    assert loaded.top.p(signals) == pytest.approx(expected)


def test_the_answer_level_keeps_the_target_precision_from_there_up():
    curve = [CurvePoint(0.5, 0.80, 0.9), CurvePoint(0.7, 0.96, 0.5), CurvePoint(0.8, 0.93, 0.4),
             CurvePoint(0.9, 0.97, 0.2), CurvePoint(0.95, 1.0, 0.1)]
    cal = Calibration(Logistic({}, 0.0), Logistic({}, 0.0), curve)
    assert cal.answer_threshold(0.95) == 0.9  # 0.7 reaches it, but 0.8 falls below again
    assert cal.answer_threshold(0.9) == 0.7
    assert Calibration(Logistic({}, 0.0), Logistic({}, 0.0)).answer_threshold(0.95) == 0.95


def test_current_auroc_uses_the_confidence_in_use(mini_run):
    from eval.calibrate import current_auroc

    dev = [r for r in mini_run.rows if r.split == "dev"]
    value = current_auroc(dev)
    assert value is not None and 0.0 <= value <= 1.0
