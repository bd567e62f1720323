"""Staff session cookies: signed (Starlette's SessionMiddleware), `Secure` unless configured
otherwise or the console is opened on this machine itself (local development over
http://127.0.0.1 or http://localhost, where a browser would not send a Secure cookie back
over plain HTTP). Whether a session still counts is decided on every request against the
member's session version (bot/staff/routes.py `current_staff`)."""

from __future__ import annotations

from typing import Any

from starlette.middleware.sessions import SessionMiddleware
from starlette.types import Scope

LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1", "[::1]")


class StaffSessions:
    """Two SessionMiddleware over one secret: Secure cookies, and plain ones for local use."""

    def __init__(self, app: Any, secret_key: str, secure: bool | None = None,
                 max_age: int = 8 * 3600, cookie: str = "madoguchi_staff",
                 path: str = "/staff") -> None:
        self.secure = secure
        options: dict[str, Any] = {"secret_key": secret_key, "session_cookie": cookie,
                                   "max_age": max_age, "path": path, "same_site": "strict"}
        self._secure = SessionMiddleware(app, https_only=True, **options)
        self._plain = SessionMiddleware(app, https_only=False, **options)

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        plain = self.secure is False or (self.secure is None and _local(scope))
        await (self._plain if plain else self._secure)(scope, receive, send)


def _local(scope: Scope) -> bool:
    """The request names this machine as its host (the Host header, not the peer address: a
    reverse proxy on the same machine forwards the public host name)."""
    host = ""
    for key, value in scope.get("headers") or []:
        if key == b"host":
            host = value.decode("latin-1")
            break
    if not host and scope.get("server"):
        host = str(scope["server"][0])
    name = host.rsplit(":", 1)[0] if not host.startswith("[") else host.split("]")[0] + "]"
    return name.lower() in LOCAL_HOSTS or name.lower().endswith(".localhost")
