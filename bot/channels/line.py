"""LINE in: `POST /line/webhook`. The route checks the signature, stores the events (durably,
`line_intake`) and only then answers 200; a small worker translates each event into a
ChatService call and the turn into LINE messages, and marks the event done once LINE took the
answer. Events a crash left undone are resumed. Only 1:1 chats are answered (see docs/line.md
for groups and rooms)."""

from __future__ import annotations

import json
import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from functools import partial
from typing import Any

from fastapi import APIRouter, FastAPI, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from linebot.v3 import WebhookParser
from linebot.v3.exceptions import InvalidSignatureError
from linebot.v3.messaging import ApiException
from linebot.v3.webhooks import (
    Event,
    EventMode,
    FollowEvent,
    GroupSource,
    JoinEvent,
    MessageEvent,
    PostbackEvent,
    RoomSource,
    TextMessageContent,
    UnfollowEvent,
)
from sqlalchemy.orm import Session

from bot.channels import line_format as fmt
from bot.channels.line_intake import DONE, REFUSED, Intake, Stored
from bot.channels.line_notifier import LineApi, LineNotifier, invalid_reply_token, record_follow
from bot.deps import ServicesDep
from bot.ops.priority import lower_thread_priority
from bot.pipeline.outcome import Outcome
from bot.safety import characters
from bot.safety.intake import Incoming
from bot.service.chat import ConversationNotFound, Turn
from bot.services import Services
from bot.store import repo
from bot.store.models import Conversation

log = logging.getLogger(__name__)
router = APIRouter()
# LINE's own maxima size the webhook body: a text message holds up to 5,000 characters,
# which JSON may spell as \uXXXX escapes (12 bytes for a character outside the BMP), plus the
# event's envelope (ids, source, mention and emoji lists: a few KiB). LINE batches events; 15
# such worst-case events fit, and real bodies are far smaller.
LINE_MAX_TEXT = 5000
MAX_EVENT_BYTES = LINE_MAX_TEXT * 12 + 4096
MAX_BODY = 15 * MAX_EVENT_BYTES  # 961,440 bytes
MAX_QUESTION = 1000
DISABLED = ("LINE 連携は無効です: LINE_CHANNEL_SECRET と LINE_CHANNEL_ACCESS_TOKEN を設定すると "
            "/line/webhook が有効になります。 / LINE channel disabled: set LINE_CHANNEL_SECRET "
            "and LINE_CHANNEL_ACCESS_TOKEN to enable /line/webhook.")


@dataclass
class LineOptions:
    reply_token_max_age: float = 50.0  # seconds; LINE guarantees a reply token for 1 minute
    loading_seconds: int = 20  # 5–60, a multiple of 5; the indicator ends at our reply
    workers: int = 4
    flex_sources: bool = True
    lease_s: float = 60.0  # an unfinished event of a dead process is resumed after this
    # Niceness of the answer threads: on a busy machine the OS runs the webhook's
    # acknowledgements (store, then 200) before the answers (0: the same priority).
    answer_nice: int = 5
    clock: Callable[[], float] = time.time


class KeyedWorker:
    """A small thread pool where jobs with the same key (one LINE chat) run one at a time, in
    arrival order; `join()` waits until every queued job has finished."""

    def __init__(self, workers: int, nice: int = 0) -> None:
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="line",
                                        initializer=partial(lower_thread_priority, nice))
        self._queues: dict[str, deque[Callable[[], None]]] = {}
        self._pending = 0
        self._idle = threading.Condition()

    def submit(self, key: str, job: Callable[[], None]) -> None:
        with self._idle:
            self._pending += 1
            queue = self._queues.setdefault(key, deque())
            queue.append(job)
            if len(queue) == 1:
                try:
                    self._pool.submit(self._run, key)
                except RuntimeError:  # shut down: drop the job rather than hang join()
                    self._pending -= 1
                    del self._queues[key]
                    log.warning("LINE worker is shut down: job dropped")

    def _run(self, key: str) -> None:
        while True:
            with self._idle:
                job = self._queues[key][0]
            try:
                job()
            except Exception:  # noqa: BLE001 - the one boundary of background work
                log.exception("LINE event processing failed")
            with self._idle:
                queue = self._queues[key]
                queue.popleft()
                self._pending -= 1
                if self._pending == 0:
                    self._idle.notify_all()
                if not queue:
                    del self._queues[key]
                    return

    def join(self, timeout: float | None = None) -> bool:
        """Wait for all queued work; False if it was still running after `timeout` seconds."""
        with self._idle:
            return self._idle.wait_for(lambda: self._pending == 0, timeout)

    def close(self) -> None:
        self._pool.shutdown(wait=True)


@dataclass
class Context:
    """One event as it arrived: when, and how to answer it."""

    event: Any
    received: float
    incoming: Incoming | None = None
    refused: str = ""  # why the event cannot be taken (invalid characters), "" when it can

    @property
    def reply_token(self) -> str | None:
        return getattr(self.event, "reply_token", None)

    @property
    def issued(self) -> float:
        """When the reply token was issued: for a redelivery, the original event time."""
        ctx = getattr(self.event, "delivery_context", None)
        if ctx is not None and ctx.is_redelivery:
            return self.event.timestamp / 1000
        return self.received


class LineChannel:
    """Translates LINE events into ChatService calls and turns into LINE messages."""

    def __init__(self, services: Services, api: LineApi, secret: str,
                 options: LineOptions | None = None) -> None:
        self.services, self.api = services, api
        self.options = options or LineOptions()
        self.parser = WebhookParser(secret)
        self.worker = KeyedWorker(self.options.workers, self.options.answer_nice)
        self.notifier = LineNotifier(api, services.db, self.worker.submit)
        self.intake = Intake(services.db, self.options.lease_s, self.options.clock)
        self._stopping = threading.Event()
        self._sweeper: threading.Thread | None = None

    # -- in ---------------------------------------------------------------------------------

    def parse(self, body: bytes, signature: str) -> list[Event]:
        """Verify the signature, then read the events (InvalidSignatureError, ValueError)."""
        return list(self.parser.parse(body.decode("utf-8"), signature))

    def accept(self, events: list[Event]) -> None:
        """Store each new event (masked) before LINE gets its 200, then queue it. A
        redelivery of a stored event is neither stored nor processed again."""
        received = self.options.clock()
        for ev in events:
            event_id = getattr(ev, "webhook_event_id", None)
            if not event_id or getattr(ev, "mode", EventMode.ACTIVE) != EventMode.ACTIVE:
                continue  # standby: another channel answers this chat
            ctx = self.context(ev, received)
            if self.intake.store(event_id, _chat_key(ev), _stored(ctx), received):
                self.worker.submit(_chat_key(ev), partial(self.handle, ctx))

    def context(self, ev: Event, received: float) -> Context:
        """The event as this channel keeps it: masked text, or the reason it is refused."""
        refused = characters.first_problem(ev.to_dict()) or ""
        if refused:  # nothing of it may reach the store; the resident gets the reason
            if isinstance(ev, MessageEvent) and isinstance(ev.message, TextMessageContent):
                ev.message.text = ""
            return Context(ev, received, None, refused)
        return Context(ev, received, self.receive(ev))

    def receive(self, ev: Event) -> Incoming | None:
        """The channel boundary: a text message is masked as it arrives, and the event keeps
        only the masked text (nothing queued, logged or stored holds the raw words)."""
        if not (isinstance(ev, MessageEvent) and isinstance(ev.message, TextMessageContent)):
            return None
        incoming = self.services.chat.receive(ev.message.text.strip() or ev.message.text)
        ev.message.text = incoming.text
        return incoming

    def resume(self) -> int:
        """Queue the stored events that are due (a dead process's, or a failed try's)."""
        due = self.intake.due()
        for stored in due:
            self.worker.submit(stored.chat, partial(self.handle, self._restored(stored)))
        if due:
            log.info("LINE: %d stored event(s) resumed", len(due))
        return len(due)

    def _restored(self, stored: Stored) -> Context:
        ev = Event.from_dict(stored.data["event"])
        incoming = None
        if isinstance(ev, MessageEvent) and isinstance(ev.message, TextMessageContent):
            incoming = replace(self.services.chat.receive(ev.message.text),
                               warning=stored.data.get("warning", ""))
        return Context(ev, stored.received, incoming, stored.data.get("refused", ""))

    def start(self) -> None:
        """Resume what a crash left undone, then keep leases fresh and sweep for more."""
        if self._sweeper is None:
            self._sweeper = threading.Thread(target=self._sweep, daemon=True,
                                             name="line-intake")
            self._sweeper.start()

    def _sweep(self) -> None:
        every = max(self.options.lease_s / 3, 0.2)
        while True:
            try:
                self.intake.renew()
                self.resume()
            except Exception:  # noqa: BLE001 - a database hiccup must not end the sweeper
                log.warning("LINE intake sweep failed", exc_info=True)
            if self._stopping.wait(every):
                return

    def join(self, timeout: float | None = 30.0) -> bool:
        return self.worker.join(timeout)

    def close(self) -> None:
        self._stopping.set()
        if self._sweeper is not None:
            self._sweeper.join(10)
        self.worker.close()
        self.api.close()

    # -- one event --------------------------------------------------------------------------

    def handle(self, ctx: Context) -> None:
        """Answer one stored event; it is done only once LINE took the answer. A failure to
        send gives it back for another try (by any process, after the lease)."""
        event_id = ctx.event.webhook_event_id
        try:
            status = self._answer(ctx)
        except Exception as exc:
            if self.intake.failed(event_id, f"{type(exc).__name__}: {exc}"):
                log.warning("LINE event not answered yet (%s): it will be tried again",
                            type(exc).__name__)
            else:
                log.error("LINE event %s given up after repeated failures", event_id)
            raise
        self.intake.finish(event_id, status)

    def _answer(self, ctx: Context) -> str:
        ev = ctx.event
        source = getattr(ev, "source", None)
        user = getattr(source, "user_id", None)
        if ctx.refused:
            log.info("LINE event refused: %s", ctx.refused)
            pushable = user if user and not characters.problem(user) else None
            self.send(ctx, pushable, fmt.text_messages(fmt.INVALID))
            return REFUSED
        if isinstance(source, GroupSource | RoomSource):
            self._group(ctx)
            return DONE
        if not user:
            return DONE
        try:
            out = self._dispatch(ctx, user)
        except Exception:  # noqa: BLE001 - say sorry rather than nothing, then report it
            log.exception("LINE event %s failed", getattr(ev, "type", "?"))
            out = fmt.text_messages(fmt.FAULT.format(city_phone=self.services.settings.city_phone))
        if out:
            self.send(ctx, user, out)
        return DONE

    def _dispatch(self, ctx: Context, user: str) -> list[Any]:
        """The messages that answer one event of a 1:1 chat (none for some events)."""
        ev = ctx.event
        if isinstance(ev, MessageEvent) and isinstance(ev.message, TextMessageContent):
            return self._text(user, ctx.incoming or self.receive(ev))
        if isinstance(ev, MessageEvent):
            return fmt.text_messages(fmt.ONLY_TEXT)
        if isinstance(ev, PostbackEvent):
            return self._postback(user, ev.postback.data)
        if isinstance(ev, FollowEvent):
            return self._follow(user)
        if isinstance(ev, UnfollowEvent):
            with self.services.db.session() as s:
                record_follow(s, user, following=False)
        return []

    def _text(self, user: str, message: Incoming | None) -> list[Any]:
        assert message is not None
        question = replace(message, text=message.text[:MAX_QUESTION])
        chat = self.services.chat
        lang = self.services.languages.choose(None, question.text)
        limited = not self.services.resident_limiter.hit(f"line:{user}").allowed
        if limited and not chat.urgent(question):  # an emergency is never rate-limited
            return fmt.text_messages(
                self.services.languages.get(lang).reply(Outcome.RATE_LIMITED.value))
        self._loading(user)
        with self.services.db.session() as s:
            conv = repo.conversation_for_line_user(s, user)
            out = self._outgoing(chat.ask(s, conv, question, limited=limited, lang=lang))
        return fmt.messages(out, flex=self.options.flex_sources)

    def _postback(self, user: str, data: str) -> list[Any]:
        pb = fmt.parse_postback(data)
        if pb is None:
            return []
        with self.services.db.session() as s:
            conv = repo.conversation_for_line_user(s, user)
            if pb.action == "handoff":
                out = self._outgoing(self.services.chat.request_person(s, conv, lang=pb.lang))
                return fmt.messages(out, flex=self.options.flex_sources)
            if pb.action == "languages":
                return fmt.text_messages(self._languages_note())
            return self._feedback(s, conv, pb)

    def _feedback(self, s: Session, conv: Conversation, pb: fmt.Postback) -> list[Any]:
        assert pb.message_id is not None
        try:
            turn = self.services.chat.feedback(s, conv, pb.message_id, bool(pb.helpful),
                                               lang=pb.lang)
        except ConversationNotFound:
            return fmt.text_messages(fmt.FEEDBACK_UNKNOWN)
        if turn is not None and turn.bot_message is not None:
            return fmt.text_messages(turn.bot_message.text)
        if pb.helpful:
            return fmt.text_messages(fmt.FEEDBACK_THANKS)
        return fmt.text_messages(fmt.FEEDBACK_SORRY, [fmt.person_item()])

    def _languages_note(self) -> str:
        """The rich menu's 言語 / Language: each language's greeting (write in it to be
        answered in it)."""
        table = self.services.languages.table
        return "\n\n".join(f"{lang.name}: {lang.chrome['greeting']}"
                             for code, lang in table.items() if code != "ja")

    def _follow(self, user: str) -> list[Any]:
        with self.services.db.session() as s:
            record_follow(s, user, following=True)
        st = self.services.settings
        return fmt.text_messages(fmt.GREETING.format(city_name=st.city_name,
                                                     city_phone=st.city_phone))

    def _group(self, ctx: Context) -> None:
        """Groups and rooms: a note pointing to 1:1 chat on joining and when mentioned;
        nothing else is answered or stored."""
        ev = ctx.event
        if isinstance(ev, JoinEvent) or (isinstance(ev, MessageEvent)
                                         and _mentions_bot(ev.message)):
            self.send(ctx, None, fmt.text_messages(fmt.GROUP_NOTE))

    def _outgoing(self, turn: Turn) -> fmt.Outgoing:
        bot = turn.bot_message
        assert bot is not None
        if turn.reply is None:
            return fmt.Outgoing(body=bot.text, decision=bot.decision or "",
                                outcome=bot.outcome or "", message_id=bot.id)
        lang = self.services.languages.get(turn.lang)
        heading = lang.reply("sources_heading")
        labels = {} if lang.code == "ja" else {  # Japanese keeps LINE's own short labels
            k: lang.chrome[k] for k in ("helpful", "not_helpful", "person", "person_request")}
        return fmt.Outgoing(body=fmt.strip_sources(turn.said or turn.reply.answer, heading),
                            citations=list(bot.citations or []), choices=list(bot.choices or []),
                            notices=list(turn.notices), decision=bot.decision or "",
                            outcome=bot.outcome or "", message_id=bot.id,
                            emergency=turn.reply.emergency, lang=turn.lang, labels=labels)

    # -- out --------------------------------------------------------------------------------

    def send(self, ctx: Context, user: str | None, messages: list[Any]) -> None:
        """Reply with the token while it is fresh; otherwise (or when LINE says it expired)
        push to the user — pushes go to 1:1 chats only, and never to someone who unfollowed."""
        token = ctx.reply_token
        if token and not self.late(ctx):
            try:
                self.api.reply(token, messages)
                return
            except ApiException as exc:
                if not invalid_reply_token(exc):
                    raise
                log.info("LINE reply token no longer valid: pushing instead")
        if user:
            self.notifier.push(user, messages)

    def late(self, ctx: Context) -> bool:
        return self.options.clock() - ctx.issued > self.options.reply_token_max_age

    def _loading(self, user: str) -> None:
        try:
            self.api.loading(user, self.options.loading_seconds)
        except Exception:  # noqa: BLE001 - a missing indicator must not cost the answer
            log.warning("LINE loading indicator failed", exc_info=True)


def _chat_key(ev: Any) -> str:
    source = getattr(ev, "source", None)
    for name in ("group_id", "room_id", "user_id"):
        value = getattr(source, name, None)
        if value:
            return str(value)
    return ""


def _stored(ctx: Context) -> dict[str, Any]:
    """What is kept of an event: the event with its text masked (or blanked when refused)
    and the personal-data warning the resident is still owed."""
    return {"event": json.loads(ctx.event.to_json()),
            "warning": ctx.incoming.warning if ctx.incoming else "", "refused": ctx.refused}


def _mentions_bot(message: Any) -> bool:
    mention = getattr(message, "mention", None)
    return any(getattr(m, "is_self", False) for m in getattr(mention, "mentionees", None) or [])


@router.post("/line/webhook", tags=["line"], summary="LINE Messaging API webhook")
async def webhook(request: Request, services: ServicesDep) -> dict[str, bool]:
    """LINE プラットフォームからの Webhook。署名（X-Line-Signature）を検証し、イベントを
    データベースに保存してから 200 を返します（応答は裏で送ります）。署名がない・違う場合は
    400 です。"""
    channel: LineChannel = services.extra["line"]
    signature = request.headers.get("x-line-signature")
    if not signature:
        raise HTTPException(400, "署名（X-Line-Signature）がありません")
    body = await request.body()
    if len(body) > MAX_BODY:
        raise HTTPException(413, "Webhook の本文が大きすぎます")
    try:
        events = channel.parse(body, signature)
    except InvalidSignatureError as exc:
        raise HTTPException(400, "署名（X-Line-Signature）が正しくありません") from exc
    except (ValueError, KeyError, TypeError) as exc:
        raise HTTPException(400, "Webhook の本文を読めません") from exc
    await run_in_threadpool(channel.accept, events)  # stored before LINE hears 200
    return {"ok": True}


def install(app: FastAPI, services: Services, **options: Any) -> LineChannel:
    """Mount /line/webhook and register the "line" notifier (staff replies become pushes)."""
    st = services.settings
    api = options.pop("api", None) or LineApi(st.line_channel_access_token, st.line.api_base)
    options.setdefault("lease_s", st.line.lease_s)
    options.setdefault("answer_nice", st.server.answer_nice)
    channel = LineChannel(services, api, st.line_channel_secret, LineOptions(**options))
    services.notifier.adapters["line"] = channel.notifier
    services.extra["line"] = channel
    app.include_router(router)
    app.router.add_event_handler("startup", channel.start)
    app.router.add_event_handler("shutdown", channel.close)
    log.info("LINE channel enabled: POST /line/webhook (Messaging API %s)", st.line.api_base)
    return channel
