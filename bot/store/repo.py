"""Queries and updates of the conversation store, as small functions over a Session."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Row, Table, bindparam, case, insert, or_, select, update
from sqlalchemy.orm import Session, make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.sql.schema import ScalarElementColumnDefault

from bot.store.models import (
    AuditLog,
    Conversation,
    Escalation,
    EscalationStatus,
    Feedback,
    Message,
    Priority,
    Staff,
    now,
)

ACTIVE = (EscalationStatus.OPEN.value, EscalationStatus.ASSIGNED.value,
          EscalationStatus.ANSWERED.value)
STAFF_OWNED = (EscalationStatus.ASSIGNED.value, EscalationStatus.ANSWERED.value)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_conversation(s: Session, channel: str = "web",
                        line_user_id: str | None = None, flush: bool = True
                        ) -> tuple[Conversation, str]:
    """A new conversation and its unguessable token (only the token's hash is stored).
    `flush=False` leaves it pending: it is written with the turn's first write."""
    token = secrets.token_urlsafe(32)
    conv = Conversation(id=str(uuid.uuid4()), token_hash=token_hash(token), channel=channel,
                        line_user_id=line_user_id)
    s.add(conv)
    if flush:
        s.flush()
    return conv, token


def new_token(conv: Conversation) -> str:
    """Replace the conversation's token (the old one stops working); returns the new one."""
    token = secrets.token_urlsafe(32)
    conv.token_hash = token_hash(token)
    return token


def token_matches(conv: Conversation, token: str | None) -> bool:
    return bool(token) and hmac.compare_digest(conv.token_hash, token_hash(token or ""))


def conversation_for_line_user(s: Session, user_id: str) -> Conversation:
    conv = s.scalars(select(Conversation).where(Conversation.line_user_id == user_id)
                     .order_by(Conversation.created_at.desc())).first()
    if conv is None:
        conv, _ = create_conversation(s, "line", user_id)
    return conv


def add_message(s: Session, conv: Conversation, role: str, text: str, flush: bool = True,
                **fields: Any) -> Message:
    """Add a message; `flush=False` leaves it pending, so that the turn's messages are written
    together (one INSERT for several rows)."""
    # Every column given (None where unset), so a turn's rows share one parameter shape and
    # the flush writes them in one INSERT … RETURNING instead of one statement per row.
    unset: dict[str, Any] = {"decision": None, "outcome": None, "confidence": None,
                             "staff_id": None, "citations": [], "choices": [], "trace": {}}
    msg = Message(conversation_id=conv.id, role=role, text=text, **(unset | fields))
    s.add(msg)
    conv.updated_at = now()
    if flush:
        s.flush()
    return msg


_MESSAGES: Table = Message.__table__  # type: ignore[assignment]
_CONVERSATIONS: Table = Conversation.__table__  # type: ignore[assignment]
# One statement for every turn: cached once compiled. RETURNING in the order of the rows
# (on SQLite SQLAlchemy then sends them one by one; on PostgreSQL in one statement).
_INSERT_MESSAGES = insert(_MESSAGES).returning(_MESSAGES.c.id, sort_by_parameter_order=True)
_INSERT_CONVERSATION = insert(_CONVERSATIONS)
_TOUCH_CONVERSATION = (update(_CONVERSATIONS)
                       .where(_CONVERSATIONS.c.id == bindparam("conv_id"))
                       .values(updated_at=bindparam("at")))


def store_turn(s: Session, conv: Conversation, messages: list[Message]) -> None:
    """Write a turn's pending messages (and its conversation when new, or its `updated_at`)
    with SQLAlchemy Core — a few cached statements instead of the ORM's unit of work, which
    was most of a cached answer's CPU — and keep them in the session as stored rows, as a
    flush would (ids, every column loaded, nothing read back). Anything else pending (an
    idempotency record, an escalation) is left to the next flush."""
    pending = [m for m in messages if m in s.new]
    if not pending:
        return
    at = now()
    conn = s.connection()
    if conv in s.new:
        s.expunge(conv)
        conv.created_at = conv.created_at or at
        conv.updated_at = at
        for c in _CONVERSATIONS.columns:  # what a flush would fill in: the model's defaults
            if getattr(conv, c.key) is None and isinstance(c.default, ScalarElementColumnDefault):
                setattr(conv, c.key, c.default.arg)
        conn.execute(_INSERT_CONVERSATION, {c.key: getattr(conv, c.key)
                                            for c in _CONVERSATIONS.columns})
        make_transient_to_detached(conv)
        s.add(conv)
    else:
        conn.execute(_TOUCH_CONVERSATION, {"conv_id": conv.id, "at": at})
        set_committed_value(conv, "updated_at", at)
    for m in pending:
        s.expunge(m)
        m.created_at = at
    rows = [{c.key: getattr(m, c.key) for c in _MESSAGES.columns if c.key != "id"}
            for m in pending]
    for m, row in zip(pending, conn.execute(_INSERT_MESSAGES, rows).all(), strict=True):
        m.id = row.id
        make_transient_to_detached(m)
        s.add(m)


def messages_after(s: Session, conv_id: str, after: int = 0) -> list[Message]:
    return list(s.scalars(select(Message).where(Message.conversation_id == conv_id,
                                                Message.id > after).order_by(Message.id)))


def last_resident_text(s: Session, conv_id: str, before: int) -> str:
    texts = recent_resident_texts(s, conv_id, before, 1)
    return texts[0] if texts else ""


def recent_resident_texts(s: Session, conv_id: str, before: int | None, n: int) -> list[str]:
    """The resident's last `n` messages before message `before` (None: the latest), oldest
    first."""
    q = select(Message.text).where(Message.conversation_id == conv_id,
                                   Message.role == "resident")
    if before is not None:
        q = q.where(Message.id < before)
    texts = s.scalars(q.order_by(Message.id.desc()).limit(n)).all()
    return list(reversed(texts))


@dataclass(frozen=True)
class Recent:
    """What a new turn reads of its conversation: the resident's last messages (oldest first)
    and the latest bot message (id, decision, choices: what a pick answers)."""

    resident_texts: list[str]
    last_bot: Row[Any] | None


def recent(s: Session, conv_id: str, n: int) -> Recent:
    """The conversation's resident texts (last `n`) and latest bot message, in one query."""
    limit = 2 * n + 2
    rows = s.execute(select(Message.id, Message.role, Message.text, Message.decision,
                            Message.choices)
                     .where(Message.conversation_id == conv_id,
                            Message.role.in_(("resident", "bot")))
                     .order_by(Message.id.desc()).limit(limit)).all()
    texts = [r.text for r in rows if r.role == "resident"][:n]
    if len(texts) < n and len(rows) == limit:  # bot messages crowded them out: ask exactly
        return Recent(recent_resident_texts(s, conv_id, None, n),
                      next((r for r in rows if r.role == "bot"), None))
    return Recent(list(reversed(texts)), next((r for r in rows if r.role == "bot"), None))


def active_status(s: Session, conv_id: str) -> str:
    """The status of the conversation's active escalation ('' when none), without loading
    the escalation (its trace is kilobytes of JSON)."""
    return s.scalar(select(Escalation.status).where(Escalation.conversation_id == conv_id,
                                                    Escalation.status.in_(ACTIVE))
                    .order_by(Escalation.id.desc()).limit(1)) or ""


def active_escalation(s: Session, conv_id: str) -> Escalation | None:
    return s.scalars(select(Escalation).where(Escalation.conversation_id == conv_id,
                                              Escalation.status.in_(ACTIVE))
                     .order_by(Escalation.id.desc())).first()


def escalate(s: Session, conv: Conversation, message: Message | None, reason: str,
             priority: int, department: str, trace: dict[str, Any]) -> Escalation:
    """Open an escalation, or raise the priority of the one already open."""
    current = active_escalation(s, conv.id)
    if current is not None:
        if priority < current.priority:
            current.priority, current.reason = priority, reason
            # The queue shows what raised it (an emergency, not the earlier question).
            current.message_id = message.id if message else current.message_id
        return current
    esc = Escalation(conversation_id=conv.id, message_id=message.id if message else None,
                     reason=reason, priority=priority, department=department, trace=trace)
    s.add(esc)
    s.flush()
    return esc


def escalated_for(s: Session, conversation_id: str, reason: str) -> bool:
    """Whether the conversation was ever escalated for this reason (whatever the status)."""
    return s.scalar(select(Escalation.id).where(Escalation.conversation_id == conversation_id,
                                                Escalation.reason == reason).limit(1)) is not None


def queue(s: Session, department: str = "", status: str = "") -> list[Escalation]:
    """Escalations by priority (emergency first), then waiting time (oldest first)."""
    q = select(Escalation)
    q = q.where(Escalation.status == status) if status else q.where(Escalation.status.in_(ACTIVE))
    if department:
        q = q.where(Escalation.department == department)
    return list(s.scalars(q.order_by(Escalation.priority, Escalation.created_at)))


def trigger_text(s: Session, esc: Escalation) -> str:
    """The resident's words that caused the escalation (for feedback: the question the
    unhelpful answer was for). A bare request for a person ("職員に相談したい") carries the
    question asked just before it, which is what staff need to see."""
    msg = s.get(Message, esc.message_id) if esc.message_id else None
    if msg is None:
        return ""
    question = trigger_question(s, esc)
    if msg.role == "resident" and question != msg.text:
        return f"{msg.text}（直前の質問: {question}）"
    return question


def trigger_question(s: Session, esc: Escalation) -> str:
    """The question behind the escalation (what an FAQ written for it should answer)."""
    msg = s.get(Message, esc.message_id) if esc.message_id else None
    if msg is None:
        return ""
    if msg.role != "resident":
        return last_resident_text(s, esc.conversation_id, msg.id)
    if esc.reason == "handoff_requested":
        return last_resident_text(s, esc.conversation_id, msg.id) or msg.text
    return msg.text


def emergency_alerts(s: Session, staff_id: int) -> list[Escalation]:
    """The staff member's own conversations where the resident reported an emergency."""
    return list(s.scalars(select(Escalation).where(
        Escalation.assignee_id == staff_id, Escalation.status.in_(STAFF_OWNED),
        Escalation.priority == Priority.EMERGENCY).order_by(Escalation.updated_at.desc())))


def departments(s: Session) -> list[str]:
    rows = s.scalars(select(Escalation.department).distinct())
    return sorted(d for d in rows if d)


def feedback_given(s: Session, message_ids: list[int]) -> dict[int, bool]:
    """The latest 役に立った (True) / 役に立たなかった (False) for each of these messages."""
    rows = s.execute(select(Feedback.message_id, Feedback.helpful)
                     .where(Feedback.message_id.in_(message_ids)).order_by(Feedback.id))
    return {mid: helpful for mid, helpful in rows}


def record_feedback(s: Session, conv: Conversation, message: Message, helpful: bool) -> int:
    """Store feedback; returns the conversation's count of negative feedback so far."""
    s.add(Feedback(message_id=message.id, helpful=helpful))
    if not helpful:
        conv.negative_feedback += 1
    s.flush()
    return conv.negative_feedback


def audit(s: Session, staff: Staff | None, action: str, target: str = "",
          **detail: Any) -> None:
    s.add(AuditLog(staff_id=staff.id if staff else None, staff_name=staff.name if staff else "",
                   action=action, target=target, detail=detail))


def audit_log(s: Session, limit: int = 500) -> list[AuditLog]:
    return list(s.scalars(select(AuditLog).order_by(AuditLog.id.desc()).limit(limit)))


def staff_by_name(s: Session, name: str) -> Staff | None:
    return s.scalars(select(Staff).where(Staff.name == name)).first()


def take_login_attempt(s: Session, staff_id: int, max_failures: int, lock_minutes: int,
                       at: datetime | None = None) -> int | None:
    """Count one login attempt *before* its password is checked, in one UPDATE … RETURNING
    (the row lock orders parallel attempts, so none reads a stale count). Returns the attempt's
    number, or None when the account is locked; an attempt beyond `max_failures` locks it. A
    lock that has run out starts the count afresh."""
    at = at or now()
    count = s.execute(
        update(Staff)
        .where(Staff.id == staff_id, or_(Staff.locked_until.is_(None), Staff.locked_until <= at))
        .values(failed_logins=case((Staff.locked_until.is_not(None), 1),
                                   else_=Staff.failed_logins + 1),
                locked_until=None)
        .returning(Staff.failed_logins)).scalar_one_or_none()
    if count is not None and count > max_failures:
        lock_account(s, staff_id, lock_minutes, at)
        return None
    return count


def lock_account(s: Session, staff_id: int, lock_minutes: int, at: datetime | None = None) -> None:
    s.execute(update(Staff).where(Staff.id == staff_id)
              .values(locked_until=(at or now()) + timedelta(minutes=lock_minutes)))


def login_succeeded(s: Session, staff_id: int) -> None:
    s.execute(update(Staff).where(Staff.id == staff_id)
              .values(failed_logins=0, locked_until=None))


def end_sessions(s: Session, staff_id: int) -> int:
    """Invalidate every session cookie of the member; returns the new session version."""
    return int(s.execute(update(Staff).where(Staff.id == staff_id)
                         .values(session_version=Staff.session_version + 1)
                         .returning(Staff.session_version)).scalar_one())


def is_locked(staff: Staff, at: datetime | None = None) -> bool:
    return staff.locked_until is not None and staff.locked_until > (at or now())
