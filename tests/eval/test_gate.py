"""The regression gate: floors and ceilings on headline metrics."""

import json
from pathlib import Path

import pytest

from eval.gate import FloorsError, Limits, check, load_limits, parse_limits

REPO_FLOORS = Path(__file__).resolve().parents[2] / "eval" / "floors.json"


def test_check_names_each_metric_out_of_bounds():
    overall = {"hit@1": 0.5, "ndcg@10": 0.9, "privacy_echo_rate": 0.1, "handoff_f1": None}
    limits = Limits(floors={"hit@1": 0.6, "ndcg@10": 0.8, "handoff_f1": 0.5},
                    ceilings={"privacy_echo_rate": 0.0})
    assert check(overall, limits) == [
        "hit@1: 0.500 is below its floor 0.6",
        "handoff_f1: not measured (None), floor 0.5",
        "privacy_echo_rate: 0.100 is above its ceiling 0",
    ]
    assert check({"hit@1": 0.6}, Limits(floors={"hit@1": 0.6})) == []


def test_unknown_metric_is_an_error():
    with pytest.raises(FloorsError, match="unknown metric.*hit@4"):
        parse_limits({"floors": {"hit@4": 0.5}})
    with pytest.raises(FloorsError, match="must be numbers"):
        parse_limits({"floors": {"hit@1": "high"}})


@pytest.mark.parametrize("name", ["floors.json", "floors_resident.json", "floors_foreign.json",
                                  "floors_minamiura.json", "floors_resident_fresh3.json",
                                  "floors_minamiura_fresh.json", "floors_kitaoka.json"])
def test_the_repo_floors_files_are_valid(name):
    path = REPO_FLOORS.parent / name
    limits = load_limits(path)
    assert limits.floors and limits.ceilings["privacy_echo_rate"] == 0.0
    data = json.loads(path.read_text("utf-8"))
    assert data["split"] == "dev"
