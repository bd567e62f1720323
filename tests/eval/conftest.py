"""The mini gold set run once through the real pipeline over the mini index (read-only)."""

from __future__ import annotations

from pathlib import Path

import pytest

MINI_GOLD = Path(__file__).resolve().parents[1] / "fixtures" / "mini_gold.jsonl"


@pytest.fixture(scope="session")
def mini_gold():
    from eval.gold import load_gold

    return load_gold(MINI_GOLD)


@pytest.fixture(scope="session")
def mini_run(pipeline, mini_gold):
    """An EvalRun of every mini gold question, with the three retrieval ablations."""
    from eval.runner import evaluate

    return evaluate(pipeline, mini_gold, {"gold": str(MINI_GOLD), "split": None,
                                          "started": "2026-01-01T00:00:00"})


@pytest.fixture(scope="session")
def mini_report(mini_run, tmp_path_factory):
    """The mini run's report files, written once: {name: path}."""
    from eval.report import write_report

    return write_report(mini_run, tmp_path_factory.mktemp("mini-report"))
