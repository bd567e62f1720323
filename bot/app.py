"""`create_app(settings, **overrides)`: the FastAPI service with every dependency built in one
place. Tests build the real app with overrides; nothing lives in module globals."""

from __future__ import annotations

import logging
import secrets
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.middleware.sessions import SessionMiddleware

from bot import factory
from bot.safety.ratelimit import RateLimiter, parse_limits
from bot.service.chat import ChatService
from bot.service.notifier import ChannelNotifier, Notifier, WebNotifier
from bot.service.office_hours import OfficeHours
from bot.service.staff import StaffService
from bot.settings import Settings
from bot.store.db import Database

log = logging.getLogger(__name__)
WEB = Path(__file__).resolve().parent / "web"


@dataclass
class Services:
    """Everything a route may need, reachable as `request.app.state.services`."""

    settings: Settings
    db: Database
    components: factory.Components
    chat: ChatService
    staff: StaffService
    notifier: ChannelNotifier
    templates: Jinja2Templates
    extra: dict[str, Any]
    resident_limiter: RateLimiter
    ip_limiter: RateLimiter


def build_services(settings: Settings, **overrides: Any) -> Services:
    components = overrides.get("components") or factory.build(settings)
    db = overrides.get("db") or Database(settings.database_url)
    db.migrate()
    h = settings.handoff
    hours = OfficeHours.from_settings(h.weekdays, h.opens, h.closes, h.holidays_path, h.timezone)
    adapters: dict[str, Notifier] = {"web": WebNotifier(), **overrides.get("notifiers", {})}
    notifier = ChannelNotifier(adapters)
    chat = ChatService(components.pipeline, hours, settings.city_phone,
                       h.negative_feedback_limit)
    faq_csv = settings.data_dir / "approved_faq" / "approved_faq.csv"

    def reindex(path: Path) -> None:
        from ingest.index import ingest

        report = ingest([path], components.retriever.index.index_dir, components.embedder,
                        factory.chroma_config(settings), progress=False)
        if not report.ok:
            raise RuntimeError("; ".join(str(p) for p in report.rejected))

    st = settings.staff
    staff = StaffService(notifier, faq_csv, overrides.get("reindex") or reindex,
                         st.max_failed_logins, st.lock_minutes, st.faq_id_prefix)
    templates = Jinja2Templates(directory=str(WEB / "templates"))
    clock = overrides.get("clock", time.monotonic)
    lim = settings.limits
    return Services(settings, db, components, chat, staff, notifier, templates,
                    dict(overrides.get("extra", {})),
                    RateLimiter(parse_limits(lim.per_resident), clock=clock),
                    RateLimiter(parse_limits(lim.per_ip), clock=clock))


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
    from bot.channels import line, web
    from bot.staff import routes as staff_routes

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
