"""Security headers on every response: a strict Content-Security-Policy (the pages load only
their own scripts and styles), no MIME sniffing, no framing, no referrer beyond the origin, and
HSTS on HTTPS (the scheme uvicorn took from a trusted proxy's X-Forwarded-Proto).

The API docs pages get their own policy: ReDoc injects style elements and runs a blob: worker,
and Swagger UI's start-up script is allowed by its hash, never by 'unsafe-inline'.
"""

from __future__ import annotations

from typing import Any

STRICT_CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
              "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
              "form-action 'self'; frame-ancestors 'none'")


def docs_csp(script_hashes: list[str]) -> str:
    """The docs pages' policy: their inline start-up scripts by hash."""
    scripts = " ".join(["'self'", *(f"'{h}'" for h in script_hashes)])
    return (f"default-src 'self'; script-src {scripts}; style-src 'self' 'unsafe-inline'; "
            "img-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; "
            "font-src 'self' data:; object-src 'none'; "
            "base-uri 'none'; form-action 'self'; frame-ancestors 'none'")


class SecurityHeaders:
    """ASGI middleware: adds the headers a response has not set itself."""

    def __init__(self, app: Any, hsts_seconds: int, per_path: dict[str, str] | None = None
                 ) -> None:
        self.app, self.hsts_seconds = app, hsts_seconds
        self.per_path = per_path or {}

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        csp = self.per_path.get(scope.get("path", ""), STRICT_CSP)
        fixed = [(b"content-security-policy", csp.encode()),
                 (b"x-content-type-options", b"nosniff"),
                 (b"x-frame-options", b"DENY"),
                 (b"referrer-policy", b"strict-origin-when-cross-origin"),
                 (b"cross-origin-opener-policy", b"same-origin"),
                 (b"permissions-policy", b"camera=(), microphone=(), geolocation=()")]
        if scope.get("scheme") == "https" and self.hsts_seconds:
            fixed.append((b"strict-transport-security",
                          f"max-age={self.hsts_seconds}; includeSubDomains".encode()))

        async def sending(message: Any) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers") or [])
                present = {k.lower() for k, _ in headers}
                message["headers"] = headers + [(k, v) for k, v in fixed if k not in present]
            await send(message)

        await self.app(scope, receive, sending)
