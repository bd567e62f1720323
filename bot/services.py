"""The services a request may need, built in one place from the settings.

Its own module so routes, channels and dependencies can name `Services` without importing the
app (which imports them): no import cycle.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi.templating import Jinja2Templates

from bot import factory
from bot.ops.answers import MeteredChat
from bot.ops.metrics import Metrics, record_ingest
from bot.ops.priority import Lane
from bot.safety.intake import CleanTexts
from bot.safety.ratelimit import Limiter, RateLimiter, parse_limits
from bot.safety.shared_ratelimit import SharedRateLimiter
from bot.service import faq_index
from bot.service.answer_cache import AnswerCache, fingerprint
from bot.service.chat import ChatService
from bot.service.faq import FaqService
from bot.service.languages import Languages
from bot.service.learning import Learning
from bot.service.notifier import ChannelNotifier, Notifier, WebNotifier
from bot.service.office_hours import OfficeHours
from bot.service.resume import ResumeService
from bot.service.staff import StaffService
from bot.service.start import StartPage
from bot.service.variants import VariantService
from bot.settings import Settings
from bot.staff import view
from bot.store.db import Database
from bot.store.startup import migrate_when_ready, timeouts
from bot.web.phones import tel_links
from bot.web.ruby import Furigana

WEB = Path(__file__).resolve().parent / "web"


@dataclass
class Services:
    """Everything a route may need, reachable as `request.app.state.services`."""

    settings: Settings
    db: Database
    components: factory.Components
    chat: ChatService
    staff: StaffService
    faq: FaqService
    variants: VariantService
    notifier: ChannelNotifier
    templates: Jinja2Templates
    extra: dict[str, Any]
    resident_limiter: Limiter
    ip_limiter: Limiter
    metrics: Metrics
    resume: ResumeService
    resume_limiter: Limiter
    start: StartPage
    languages: Languages
    furigana: Furigana


def build_services(settings: Settings, **overrides: Any) -> Services:
    components = overrides.get("components") or factory.build(settings)
    srv = settings.server
    db = overrides.get("db") or Database(settings.database_url, srv.db_pool, srv.db_timeout_s,
                                         timeouts(srv))
    migrate_when_ready(db, srv.db_start_wait_s)
    h = settings.handoff
    hours = OfficeHours.from_settings(h.weekdays, h.opens, h.closes, h.holidays_path, h.timezone)
    adapters: dict[str, Notifier] = {"web": WebNotifier(), **overrides.get("notifiers", {})}
    notifier = ChannelNotifier(adapters)
    metrics = overrides.get("metrics") or Metrics()
    chat = MeteredChat(components.pipeline, hours, settings.city_phone,
                       h.negative_feedback_limit, metrics=metrics,
                       lane=Lane(srv.answering, srv.answer_nice),
                       cache=answer_cache(settings, components, metrics),
                       clean=CleanTexts(srv.answer_cache))
    faq_csv = faq_index.export_path(settings.data_dir)

    def reindex(path: Path) -> None:
        from ingest.index import ingest

        index_dir = components.retriever.index.index_dir
        report = ingest([path], index_dir, components.embedder,
                        factory.chroma_config(settings), progress=False,
                        lock_wait_s=settings.staff.publish_wait_s)
        metrics.ingest.labels("faq_publish").observe(report.seconds)
        record_ingest(index_dir, report.generation, report.seconds, report.passages,
                      report.swapped)
        if not report.ok:
            raise RuntimeError("; ".join(str(p) for p in report.rejected))

    st = settings.staff
    staff = StaffService(notifier, st.max_failed_logins, st.lock_minutes)
    def catalog() -> tuple[str, Any]:
        generation = components.retriever.index.get()
        return generation.name, generation.passages

    faq = FaqService(faq_csv, overrides.get("reindex") or reindex, catalog, st.faq_id_prefix)

    def apply_variants(variants: list[Any]) -> None:
        from ingest.delta import apply_variants as apply

        apply(components.retriever.index.index_dir, variants, components.embedder,
              factory.chroma_config(settings), settings.staff.publish_wait_s)

    def passage(doc_id: str) -> Any:
        generation = components.retriever.index.get()
        row = generation.rows.get(doc_id)
        return generation.passages[row] if row is not None else None

    variants = VariantService(overrides.get("apply_variants") or apply_variants, passage)
    chat.learning = Learning(variants)
    chat.languages = Languages.load(settings.resident.languages_dir, components.pipeline.replies)
    templates = Jinja2Templates(directory=str(WEB / "templates"))
    view.install(templates, st.timezone)
    templates.env.filters["tel_links"] = tel_links
    clock = overrides.get("clock", time.monotonic)
    lim = settings.limits

    def limiter(spec: str) -> Limiter:
        if lim.redis_url:  # one window for every replica
            return SharedRateLimiter(parse_limits(spec), lim.redis_url, lim.redis_prefix,
                                     on_error=metrics.rate_limit_errors.inc)
        return RateLimiter(parse_limits(spec), clock=clock)

    return Services(settings, db, components, chat, staff, faq, variants, notifier,
                    templates,
                    dict(overrides.get("extra", {})), limiter(lim.per_resident),
                    limiter(lim.per_ip), metrics, ResumeService(settings.resident.resume_minutes),
                    limiter(settings.resident.resume_limit), start_page(settings),
                    chat.languages, Furigana())


def answer_cache(settings: Settings, components: factory.Components, metrics: Metrics
                 ) -> AnswerCache:
    """The worker's answer cache, keyed by everything the pipeline was built from."""
    settings_key = fingerprint(*(g.model_dump_json() for g in (
        settings.retrieval, settings.answer, settings.llm)), settings.embedder,
        settings.city_name, settings.city_phone)
    return AnswerCache(settings.server.answer_cache, settings_key,
                       lambda: components.retriever.index.get().name,
                       on_lookup=lambda result: metrics.answer_cache.labels(result).inc())


def start_page(settings: Settings) -> StartPage:
    return StartPage.load(settings.resident.start_path)
