"""`create_app(settings, **overrides)`: the FastAPI service with every dependency built in one
place. Tests build the real app with overrides; nothing lives in module globals."""

from __future__ import annotations

import logging
import secrets
from typing import Any

import anyio.to_thread
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from sqlalchemy.exc import DataError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from bot.admission import Admission
from bot.channels import line, web, web_thread
from bot.ops import docs as api_docs
from bot.ops import routes as ops_routes
from bot.ops.headers import SecurityHeaders
from bot.ops.observe import Observe
from bot.pipeline.outcome import Outcome
from bot.services import WEB, build_services
from bot.settings import Settings
from bot.staff import accounts, analytics_routes, faq_routes, variant_routes
from bot.staff import routes as staff_routes
from bot.staff.sessions import StaffSessions
from bot.store.startup import reason
from ingest.store import IndexBusy

INDEX_BUSY = ("索引の更新（取り込み）が実行中のため、いまは反映できませんでした。変更は保存されて"
              "いません。しばらくしてから、もう一度お試しください。")
log = logging.getLogger(__name__)


class BodyLimit:
    """Refuse request bodies above a size with 413 before any route reads them."""

    def __init__(self, app: Any, max_bytes: int, per_path: dict[str, int] | None = None) -> None:
        self.app, self.max_bytes, self.per_path = app, max_bytes, per_path or {}

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.per_path.get(scope.get("path", ""), self.max_bytes)
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            await _too_large(scope, receive, send)
            return
        seen = 0

        async def limited() -> Any:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > limit:
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


async def invalid_request(request: Request, exc: Exception) -> JSONResponse:
    """422 with where and why, never the input itself: it may hold personal data, and a lone
    surrogate in it cannot be encoded (FastAPI's own handler then fails with a 500)."""
    errors = exc.errors() if isinstance(exc, RequestValidationError) else []
    detail = [{"loc": [_printable(part) for part in e.get("loc", ())],
               "msg": _printable(e.get("msg", "")), "type": _printable(e.get("type", ""))}
              for e in errors]
    return JSONResponse({"detail": detail or "リクエストを読めません"}, status_code=422)


async def out_of_range(request: Request, exc: Exception) -> JSONResponse:
    """A number the database cannot hold (an id past 2**63 on a route without its own bound)
    is the client's mistake, not a fault."""
    log.info("value out of range on %s: %s", request.url.path, type(exc).__name__)
    return JSONResponse({"detail": "値が範囲外です"}, status_code=422)


def _printable(value: Any) -> Any:
    if isinstance(value, int):
        return value
    return str(value).encode("utf-8", "replace").decode("utf-8")


def create_app(settings: Settings | None = None, **overrides: Any) -> FastAPI:
    """The service: resident web chat, JSON API, staff console (and LINE when configured)."""
    settings = settings or Settings()
    services = build_services(settings, **overrides)
    app = FastAPI(title="madoguchi", version="0.1.0",
                  description="自治体向け問い合わせチャットボット madoguchi の API",
                  docs_url=None, redoc_url=None)
    app.state.services = services
    secret = settings.staff.session_secret or secrets.token_urlsafe(32)
    if not settings.staff.session_secret:
        log.warning("MADOGUCHI_STAFF__SESSION_SECRET is unset: staff sessions end on restart")
    app.add_middleware(StaffSessions, secret_key=secret, secure=settings.staff.cookie_secure,
                       max_age=settings.staff.session_hours * 3600)
    app.add_middleware(BodyLimit, max_bytes=settings.limits.max_body_bytes,
                       per_path={"/line/webhook": line.MAX_BODY})
    srv = settings.server
    busy = services.components.pipeline.replies.text(Outcome.BUSY)
    app.add_middleware(Admission, message=busy, slots=srv.answering, queue=srv.queue,
                       max_wait_s=srv.max_wait_s, retry_after_s=srv.retry_after_s)
    docs_policies = api_docs.install(app)
    app.add_middleware(SecurityHeaders, hsts_seconds=srv.hsts_seconds, per_path=docs_policies)
    app.add_middleware(Observe, metrics=services.metrics)  # outermost: sees every response

    async def _threads() -> None:  # answers are bounded by Admission; the rest need few threads
        anyio.to_thread.current_default_thread_limiter().total_tokens = srv.answering + 8

    app.router.add_event_handler("startup", _threads)
    app.router.add_event_handler("shutdown", services.components.retriever.index.close)
    app.router.add_event_handler("shutdown", services.db.engine.dispose)
    if services.chat.lane is not None:
        app.router.add_event_handler("shutdown", services.chat.lane.close)
    app.mount("/static", StaticFiles(directory=str(WEB / "static")), name="static")
    app.include_router(web.router)
    app.include_router(web_thread.router)
    app.include_router(ops_routes.router)
    app.include_router(staff_routes.router)
    for module in (faq_routes, variant_routes, accounts, analytics_routes):
        app.include_router(module.router)
    if settings.line_channel_secret and settings.line_channel_access_token:
        line.install(app, services, **overrides.get("line", {}))
    else:
        log.warning(line.DISABLED)

    app.add_exception_handler(RequestValidationError, invalid_request)
    app.add_exception_handler(OverflowError, out_of_range)
    app.add_exception_handler(DataError, out_of_range)

    @app.exception_handler(PoolTimeout)
    @app.exception_handler(OperationalError)
    async def _busy(request: Request, exc: Exception) -> JSONResponse:
        # A busy, unreachable or timed-out database (the PostgreSQL limits of
        # `server.db_*`): a clean 503 that a client retries, never a 500 or a hang.
        log.warning("database unavailable on %s: %s", request.url.path, reason(exc))
        return JSONResponse({"detail": busy}, status_code=503,
                            headers={"Retry-After": str(srv.retry_after_s)})

    @app.exception_handler(IndexBusy)
    async def _index_busy(request: Request, exc: Exception) -> JSONResponse:
        log.warning("index busy on %s: %s", request.url.path, exc)
        return JSONResponse({"detail": INDEX_BUSY}, status_code=409,
                            headers={"Retry-After": "30"})

    @app.exception_handler(Exception)
    async def _fault(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s", request.url.path)
        detail = "内部エラーが発生しました。時間をおいて再度お試しください。"
        return JSONResponse({"detail": detail}, status_code=500)

    return app


def app_from_environment() -> FastAPI:
    """The app of each worker process of `madoguchi serve --workers N` (settings from the
    environment, which the parent process prepared)."""
    return create_app(Settings())
