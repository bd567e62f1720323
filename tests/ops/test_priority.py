"""Answers run in threads at lowered priority; the caller waits for the result."""

from __future__ import annotations

import os
import threading

import pytest

from bot.ops.priority import Lane, lowered

pytestmark = pytest.mark.skipif(not hasattr(os, "setpriority"), reason="POSIX priorities")


def _priority() -> int:
    return os.getpriority(os.PRIO_PROCESS, threading.get_native_id())


def test_the_work_runs_lowered_and_the_caller_keeps_its_priority():
    mine = _priority()
    lane = Lane(2, nice=4)
    try:
        where = lane.run(lambda: (_priority(), lowered(), threading.current_thread().name))
    finally:
        lane.close()
    assert where[0] == min(19, mine + 4) and where[1] is True
    assert where[2].startswith("answer")
    assert _priority() == mine and not lowered()


def test_results_and_errors_reach_the_caller():
    lane = Lane(1, nice=3)
    try:
        assert lane.run(lambda a, b=0: a + b, 2, b=3) == 5
        with pytest.raises(ZeroDivisionError):
            lane.run(lambda: 1 / 0)
    finally:
        lane.close()


def test_no_hop_when_there_is_nothing_to_gain():
    """At niceness 0, and from a thread already lowered (a LINE answer thread), the call runs
    in the caller's own thread."""
    caller = threading.get_ident()
    plain = Lane(1, nice=0)
    assert plain.run(threading.get_ident) == caller
    plain.close()
    lane = Lane(1, nice=2)
    try:
        inner = lane.run(lambda: lane.run(threading.get_ident) == threading.get_ident())
    finally:
        lane.close()
    assert inner is True
