"""LINE out: the few Messaging API calls madoguchi makes, through the official SDK, and the
Notifier adapter of channel "line" (staff answers and "bot resumes" notes arrive as pushes).

Who has unfollowed (blocked) the account is recorded in the audit log (`line.unfollow` /
`line.follow`, target `line_user:<id>`); nothing is ever pushed to them."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from typing import Any

from linebot.v3.messaging import (
    ApiClient,
    ApiException,
    Configuration,
    MessagingApi,
    PushMessageRequest,
    ReplyMessageRequest,
    ShowLoadingAnimationRequest,
)
from sqlalchemy import event, select
from sqlalchemy.orm import Session, object_session

from bot.channels import line_format
from bot.store import repo
from bot.store.db import Database
from bot.store.models import AuditLog, Conversation, Message

log = logging.getLogger(__name__)
FOLLOW, UNFOLLOW = "line.follow", "line.unfollow"
Submit = Callable[[str, Callable[[], None]], None]


def api_host(api_base: str) -> str:
    """The SDK wants the host only: it appends /v2/bot/... itself."""
    host = api_base.strip().rstrip("/")
    return host.removesuffix("/v2").rstrip("/")


class LineApi:
    """Reply, push and the loading indicator over one long-lived SDK client."""

    def __init__(self, access_token: str, api_base: str, timeout: float = 10.0) -> None:
        self._client = ApiClient(Configuration(host=api_host(api_base),
                                               access_token=access_token))
        self._api = MessagingApi(self._client)
        self.timeout = timeout

    def reply(self, reply_token: str, messages: list[Any]) -> None:
        self._api.reply_message(ReplyMessageRequest(reply_token=reply_token, messages=messages),
                                _request_timeout=self.timeout)

    def push(self, to: str, messages: list[Any]) -> None:
        # The retry key makes a retried push (by urllib3 or LINE) deliver once.
        self._api.push_message(PushMessageRequest(to=to, messages=messages),
                               x_line_retry_key=str(uuid.uuid4()),
                               _request_timeout=self.timeout)

    def loading(self, chat_id: str, seconds: int) -> None:
        self._api.show_loading_animation(
            ShowLoadingAnimationRequest(chat_id=chat_id, loading_seconds=seconds),
            _request_timeout=self.timeout)

    def close(self) -> None:
        self._client.close()


def invalid_reply_token(exc: ApiException) -> bool:
    """LINE's answer to an expired or already used reply token."""
    body = exc.body.decode("utf-8", "replace") if isinstance(exc.body, bytes) else str(exc.body)
    return exc.status == 400 and "reply token" in body.lower()


def _target(user_id: str) -> str:
    return f"line_user:{user_id}"


def record_follow(s: Session, user_id: str, following: bool) -> None:
    repo.audit(s, None, FOLLOW if following else UNFOLLOW, _target(user_id))
    s.flush()


def has_unfollowed(s: Session, user_id: str) -> bool:
    last = s.scalars(select(AuditLog.action)
                     .where(AuditLog.target == _target(user_id),
                            AuditLog.action.in_((FOLLOW, UNFOLLOW)))
                     .order_by(AuditLog.id.desc()).limit(1)).first()
    return last == UNFOLLOW


class LineNotifier:
    """Notifier for channel "line": pushes once the staff's transaction has committed (never a
    message that was rolled back), in the background, and never to a user who unfollowed."""

    def __init__(self, api: LineApi, db: Database, submit: Submit) -> None:
        self.api, self.db, self.submit = api, db, submit

    def notify(self, conversation: Conversation, message: Message) -> None:
        user = conversation.line_user_id
        if not user:
            return
        out = line_format.push_messages(message.role, message.text)

        def job() -> None:
            self.push(user, out)

        def send() -> None:
            self.submit(user, job)

        _after_commit(object_session(message), send)

    def push(self, user_id: str, messages: list[Any]) -> bool:
        """Push now unless the user unfollowed; True when sent."""
        with self.db.session() as s:
            if has_unfollowed(s, user_id):
                log.info("LINE user has unfollowed: push skipped")
                return False
        self.api.push(user_id, messages)
        return True


def _after_commit(session: Session | None, fn: Callable[[], None]) -> None:
    if session is None:
        fn()
        return
    state = {"done": False}

    def committed(_s: Session) -> None:
        if not state["done"]:
            state["done"] = True
            fn()

    def rolled_back(_s: Session) -> None:
        state["done"] = True

    event.listen(session, "after_commit", committed, once=True)
    event.listen(session, "after_rollback", rolled_back, once=True)
