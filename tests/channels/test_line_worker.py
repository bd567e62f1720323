"""The background worker: per-chat order, parallel chats, a deterministic join, and a failing
job that does not stop the others."""

from __future__ import annotations

import os
import threading

import pytest

from bot.channels.line import KeyedWorker


def test_same_key_in_order_other_keys_in_parallel():
    worker = KeyedWorker(4)
    seen: list[int] = []
    gate = threading.Event()
    worker.submit("A", lambda: gate.wait(5))
    for i in range(20):
        worker.submit("A", lambda i=i: seen.append(i))
    other = threading.Event()
    worker.submit("B", other.set)
    assert other.wait(5) and seen == []  # B ran while A was still blocked
    gate.set()
    assert worker.join(5) and seen == list(range(20))
    worker.close()


def test_a_failing_job_is_logged_and_the_queue_goes_on(caplog):
    worker = KeyedWorker(1)
    done = []

    def boom():
        raise RuntimeError("boom")

    worker.submit("A", boom)
    worker.submit("A", lambda: done.append(1))
    assert worker.join(5) and done == [1]
    assert "LINE event processing failed" in caplog.text
    worker.close()


def test_join_times_out_and_submit_after_close_is_dropped():
    worker = KeyedWorker(1)
    gate = threading.Event()
    worker.submit("A", lambda: gate.wait(5))
    assert worker.join(0.05) is False
    gate.set()
    worker.close()
    worker.submit("A", lambda: None)
    assert worker.join(1)


@pytest.mark.skipif(not hasattr(os, "setpriority"), reason="POSIX thread priorities")
def test_answer_threads_yield_the_cpu_to_acknowledgements():
    """The answer threads run `nice` steps below the thread that created the worker."""
    mine = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    seen: list[int] = []

    def job() -> None:
        seen.append(os.getpriority(os.PRIO_PROCESS, threading.get_native_id()))

    worker = KeyedWorker(1, nice=3)
    worker.submit("chat", job)
    assert worker.join(5)
    worker.close()
    assert seen == [min(19, mine + 3)]
    assert os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) == mine  # caller unchanged
