"""A bounded queue of answering work per worker process: beyond it, refuse at once.

On a surge, waiting in an unbounded queue only turns every answer into a timeout. Requests to
the answering routes (web chat, its stream, the handoff button) take one of `slots` places to
run (the answer is CPU work: more at once only adds contention); the others wait in line. A
newcomer is refused straight away — 503, `Retry-After` and a friendly Japanese message that the
web page shows — when `queue` are already waiting or when the line would keep it longer than
`max_wait_s`, judged from how long recent answers took. Everything else, `/healthz` above all,
passes untouched. It all runs on the event loop, so the counters need no lock.
"""

from __future__ import annotations

import asyncio
import re
import time
from typing import Any

from fastapi.responses import JSONResponse

ANSWERING = re.compile(r"^/api/(chat(/stream)?|conversations/[^/]+/handoff)$")


class Admission:
    """ASGI middleware: `slots` answering requests at a time, a bounded line behind them."""

    def __init__(self, app: Any, message: str, slots: int = 2, queue: int = 32,
                 max_wait_s: float = 2.0, retry_after_s: int = 5) -> None:
        self.app, self.message = app, message
        self.slots, self.queue, self.max_wait_s = max(1, slots), queue, max_wait_s
        self.retry_after_s = retry_after_s
        self.waiting = self.running = self.refused = 0
        self.service_s = 0.05  # moving average of one answer's time in its slot
        self._free: asyncio.Semaphore | None = None

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["method"] != "POST" or not ANSWERING.match(
                scope["path"]):
            await self.app(scope, receive, send)
            return
        if self._full():
            self.refused += 1
            response = JSONResponse({"detail": self.message}, status_code=503,
                                    headers={"Retry-After": str(self.retry_after_s)})
            await response(scope, receive, send)
            return
        free = self._free = self._free or asyncio.Semaphore(self.slots)
        self.waiting += 1
        try:
            await free.acquire()
        finally:
            self.waiting -= 1
        self.running += 1
        started = time.monotonic()
        try:
            await self.app(scope, receive, send)
        finally:
            self.running -= 1
            free.release()
            self.service_s += 0.1 * (time.monotonic() - started - self.service_s)

    def expected_wait_s(self) -> float:
        """How long a newcomer would wait for a slot, judged from recent answers."""
        ahead = self.waiting + max(0, self.running - self.slots + 1)
        return ahead * self.service_s / self.slots

    def _full(self) -> bool:
        if self.running < self.slots and not self.waiting:
            return False
        return self.waiting >= self.queue or self.expected_wait_s() > self.max_wait_s
