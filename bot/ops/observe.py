"""One ASGI middleware per request: its id (X-Request-ID in and out, in every log line), the
request metrics by route template, and one access log line without personal data."""

from __future__ import annotations

import logging
import time
from typing import Any

from bot.ops.logs import REQUEST_ID, request_id
from bot.ops.metrics import Metrics

log = logging.getLogger("madoguchi.access")
QUIET = frozenset({"/healthz", "/readyz", "/metrics"})  # probes: counted, not logged


def route_of(scope: dict[str, Any]) -> str:
    """The matched route's template (`/api/conversations/{conversation_id}`), never the raw
    path: ids must not become labels."""
    route = scope.get("route")
    path = getattr(route, "path", None)
    return str(path) if path else "unmatched"


class Observe:
    def __init__(self, app: Any, metrics: Metrics) -> None:
        self.app, self.metrics = app, metrics

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        rid = request_id(dict(scope.get("headers") or []).get(b"x-request-id"))
        # Not reset afterwards: the app's fault handler runs outside this middleware and its log
        # line must still carry the id; the connection's next request sets its own.
        REQUEST_ID.set(rid)
        started = time.perf_counter()
        status = 500

        async def sending(message: Any) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (b"x-request-id", rid.encode())]
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            self._record(scope, status, time.perf_counter() - started)

    def _record(self, scope: Any, status: int, seconds: float) -> None:
        method, route = scope["method"], route_of(scope)
        self.metrics.requests.labels(method, route, str(status)).inc()
        self.metrics.latency.labels(method, route).observe(seconds)
        if scope.get("path") not in QUIET or status >= 500:
            log.info("request", extra={"fields": {
                "method": method, "route": route, "status": status,
                "ms": round(seconds * 1000, 1)}})
