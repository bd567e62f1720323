"""`create_app(settings, **overrides)`: the FastAPI service with every dependency built in one
place. Tests build the real app with overrides; nothing lives in module globals."""

from __future__ import annotations

import logging
import secrets
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.middleware.sessions import SessionMiddleware

from bot.channels import line, web
from bot.services import WEB, build_services
from bot.settings import Settings
from bot.staff import routes as staff_routes

log = logging.getLogger(__name__)


class BodyLimit:
    """Refuse request bodies above a size with 413 before any route reads them."""

    def __init__(self, app: Any, max_bytes: int) -> None:
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_bytes):
            await _too_large(scope, receive, send)
            return
        seen = 0

        async def limited() -> Any:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.max_bytes:
                raise _BodyTooLarge
            return message

        try:
            await self.app(scope, limited, send)
        except _BodyTooLarge:
            await _too_large(scope, receive, send)


class _BodyTooLarge(Exception):
    pass


async def _too_large(scope: Any, receive: Any, send: Any) -> None:
    response = JSONResponse({"detail": "リクエストが大きすぎます"}, status_code=413)
    await response(scope, receive, send)


def create_app(settings: Settings | None = None, **overrides: Any) -> FastAPI:
    """The service: resident web chat, JSON API, staff console (and LINE when configured)."""
    settings = settings or Settings()
    services = build_services(settings, **overrides)
    app = FastAPI(title="madoguchi", version="0.1.0",
                  description="自治体向け問い合わせチャットボット madoguchi の API")
    app.state.services = services
    secret = settings.staff.session_secret or secrets.token_urlsafe(32)
    if not settings.staff.session_secret:
        log.warning("MADOGUCHI_STAFF__SESSION_SECRET is unset: staff sessions end on restart")
    app.add_middleware(SessionMiddleware, secret_key=secret, session_cookie="madoguchi_staff",
                       max_age=settings.staff.session_hours * 3600, same_site="strict",
                       https_only=settings.staff.cookie_secure, path="/staff")
    app.add_middleware(BodyLimit, max_bytes=settings.limits.max_body_bytes)
    app.mount("/static", StaticFiles(directory=str(WEB / "static")), name="static")
    app.include_router(web.router)
    app.include_router(staff_routes.router)
    if settings.line_channel_secret and settings.line_channel_access_token:
        line.install(app, services, **overrides.get("line", {}))
    else:
        log.warning(line.DISABLED)

    @app.exception_handler(Exception)
    async def _fault(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s", request.url.path)
        detail = "内部エラーが発生しました。時間をおいて再度お試しください。"
        return JSONResponse({"detail": detail}, status_code=500)

    return app
