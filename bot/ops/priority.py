"""Answers yield the CPU to everything else a worker does.

An answer is tens of milliseconds of CPU; acknowledging a LINE webhook, refusing a request with
503 or answering `/healthz` is a fraction of one. On a surge the answers fill both cores, and at
the same priority the quick work waits behind them. Linux gives each thread its own niceness,
so the threads that compute answers run a few steps below the rest of the process: the OS then
runs the event loop and the acknowledgements first, and the answers take whatever is left.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import ParamSpec, TypeVar

log = logging.getLogger(__name__)

P = ParamSpec("P")
R = TypeVar("R")

_lowered = threading.local()


def lower_thread_priority(nice: int) -> None:
    """Lower the calling thread's CPU priority by `nice` steps; where that is not possible
    (not Linux, not permitted) the thread keeps the process's priority."""
    if nice <= 0:
        return
    try:
        me = threading.get_native_id()
        os.setpriority(os.PRIO_PROCESS, me, min(19, os.getpriority(os.PRIO_PROCESS, me) + nice))
    except (OSError, AttributeError):
        log.info("answer threads keep the process's priority")
        return
    _lowered.active = True


def lowered() -> bool:
    """Whether the calling thread already runs at the lowered priority."""
    return bool(getattr(_lowered, "active", False))


class Lane:
    """A few threads at lowered priority where answers are computed; the caller waits.

    `threads` matches how many answers a worker computes at once (the admission's slots), so a
    call never queues here behind more than the admission already let in."""

    def __init__(self, threads: int, nice: int) -> None:
        self.nice = nice
        self._pool = ThreadPoolExecutor(max_workers=max(1, threads), thread_name_prefix="answer",
                                        initializer=partial(lower_thread_priority, nice))

    def run(self, fn: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
        if self.nice <= 0 or lowered():  # nothing to gain, or already in a lowered thread
            return fn(*args, **kwargs)
        return self._pool.submit(fn, *args, **kwargs).result()

    def close(self) -> None:
        self._pool.shutdown(wait=True)
