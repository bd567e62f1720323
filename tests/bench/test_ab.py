"""The lockstep comparison of two builds: both answer every question, beside their floor and
LangChain default, and report medians per runner (never timed here)."""

from __future__ import annotations

from bench.ab import RUNNERS, lockstep
from bench.corpus import ROOT


def test_two_builds_answer_in_turns_and_report_each_runner(mini_index):
    ms = lockstep({"before": ROOT, "after": ROOT}, mini_index, 3)
    assert set(ms) == {"before", "after"}
    for build in ms.values():
        assert set(build) == set(RUNNERS)
        assert all(v["wall_p50"] > 0 and v["cpu_p50"] >= 0 for v in build.values())
