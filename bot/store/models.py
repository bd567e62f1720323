"""SQLAlchemy 2 models of the conversation store (SQLite by default, PostgreSQL via
DATABASE_URL). Every text from a resident is stored already masked of personal data."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Float, ForeignKey, Index, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


class Base(DeclarativeBase):
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON}


class Role(StrEnum):
    RESIDENT = "resident"
    BOT = "bot"
    STAFF = "staff"
    SYSTEM = "system"


class EscalationStatus(StrEnum):
    OPEN = "open"
    ASSIGNED = "assigned"
    ANSWERED = "answered"
    CLOSED = "closed"


class Priority:
    EMERGENCY = 0
    REQUESTED = 1
    FEEDBACK = 2
    LOW_CONFIDENCE = 3
    SUSPECTED_ABUSE = 4  # last in the queue: a probe the injection rules did not recognise


class Conversation(Base):
    __tablename__ = "conversations"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64))
    channel: Mapped[str] = mapped_column(String(16), default="web")
    line_user_id: Mapped[str | None] = mapped_column(String(64), index=True, default=None)
    created_at: Mapped[datetime] = mapped_column(default=now)
    updated_at: Mapped[datetime] = mapped_column(default=now, onupdate=now)
    negative_feedback: Mapped[int] = mapped_column(default=0)
    messages: Mapped[list[Message]] = relationship(back_populates="conversation",
                                                   order_by="Message.id",
                                                   cascade="all, delete-orphan")
    escalations: Mapped[list[Escalation]] = relationship(back_populates="conversation",
                                                         order_by="Escalation.id",
                                                         cascade="all, delete-orphan")


class Message(Base):
    __tablename__ = "messages"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id"), index=True)
    role: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)
    decision: Mapped[str | None] = mapped_column(String(16), default=None)
    outcome: Mapped[str | None] = mapped_column(String(32), default=None)
    confidence: Mapped[float | None] = mapped_column(default=None)
    citations: Mapped[list[Any]] = mapped_column(default=list)
    choices: Mapped[list[Any]] = mapped_column(default=list)
    trace: Mapped[dict[str, Any]] = mapped_column(default=dict)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), default=None)
    created_at: Mapped[datetime] = mapped_column(default=now)
    conversation: Mapped[Conversation] = relationship(back_populates="messages")


class Escalation(Base):
    __tablename__ = "escalations"
    __table_args__ = (Index("ix_escalations_queue", "status", "priority", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id"), index=True)
    message_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id"), default=None)
    status: Mapped[str] = mapped_column(String(16), default=EscalationStatus.OPEN.value)
    priority: Mapped[int] = mapped_column(default=Priority.LOW_CONFIDENCE)
    reason: Mapped[str] = mapped_column(String(64))
    department: Mapped[str] = mapped_column(String(128), default="")
    trace: Mapped[dict[str, Any]] = mapped_column(default=dict)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), default=None)
    created_at: Mapped[datetime] = mapped_column(default=now)
    updated_at: Mapped[datetime] = mapped_column(default=now, onupdate=now)
    conversation: Mapped[Conversation] = relationship(back_populates="escalations")
    assignee: Mapped[Staff | None] = relationship()


class ResumeCode(Base):
    """A short one-time code that moves a web conversation to another device. Only the code's
    hash and the conversation it opens are kept: no personal data."""

    __tablename__ = "resume_codes"

    code_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=now)
    expires_at: Mapped[datetime] = mapped_column(default=now)


class Feedback(Base):
    __tablename__ = "feedback"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("messages.id"), index=True)
    helpful: Mapped[bool]
    created_at: Mapped[datetime] = mapped_column(default=now)


class Staff(Base):
    __tablename__ = "staff"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(256))
    role: Mapped[str] = mapped_column(String(16), default="staff")
    department: Mapped[str] = mapped_column(String(128), default="")
    failed_logins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None] = mapped_column(default=None)
    active: Mapped[bool] = mapped_column(default=True)
    must_change_password: Mapped[bool] = mapped_column(default=False)
    # Part of every session cookie; bumping it (logout, password reset or change, disabling)
    # ends every session of the member, copied cookies included.
    session_version: Mapped[int] = mapped_column(default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(default=now)


class FaqCandidate(Base):
    __tablename__ = "faq_candidates"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    question: Mapped[str] = mapped_column(Text)
    answer: Mapped[str] = mapped_column(Text)
    category: Mapped[str] = mapped_column(String(128), default="")
    department: Mapped[str] = mapped_column(String(128), default="")
    contact: Mapped[str] = mapped_column(String(64), default="")
    source_message_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id"),
                                                          default=None)
    status: Mapped[str] = mapped_column(String(16), default="proposed")
    doc_id: Mapped[str | None] = mapped_column(String(64), default=None)
    created_by: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), default=None)
    created_at: Mapped[datetime] = mapped_column(default=now)
    decided_at: Mapped[datetime | None] = mapped_column(default=None)
    # new | replace | withdraw; replace and withdraw name the approved FAQ in target_doc_id.
    kind: Mapped[str] = mapped_column(String(16), default="new")
    target_doc_id: Mapped[str | None] = mapped_column(String(64), default=None)
    variants: Mapped[list[Any]] = mapped_column(default=list)
    review_comment: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(default=now, onupdate=now)


class ApprovedFaq(Base):
    """An FAQ entry published by the four-eyes process; the approved FAQ CSV is written from
    these rows (withdrawn rows stay, for the history, but leave the index)."""

    __tablename__ = "approved_faqs"

    doc_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    question: Mapped[str] = mapped_column(Text)
    answer: Mapped[str] = mapped_column(Text)
    category: Mapped[str] = mapped_column(String(128), default="")
    department: Mapped[str] = mapped_column(String(128), default="")
    contact: Mapped[str] = mapped_column(String(64), default="")
    url: Mapped[str] = mapped_column(String(512), default="")
    variants: Mapped[list[Any]] = mapped_column(default=list)
    status: Mapped[str] = mapped_column(String(16), default="active")
    candidate_id: Mapped[int | None] = mapped_column(ForeignKey("faq_candidates.id"),
                                                     default=None)
    approved_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), default=None)
    approved_at: Mapped[datetime] = mapped_column(default=now)
    withdrawn_at: Mapped[datetime | None] = mapped_column(default=None)


class FaqEvent(Base):
    """The history of an FAQ candidate: each save, submission and decision, with a snapshot."""

    __tablename__ = "faq_events"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("faq_candidates.id"), index=True)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), default=None)
    action: Mapped[str] = mapped_column(String(32))
    comment: Mapped[str] = mapped_column(Text, default="")
    snapshot: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=now)


class QuestionVariant(Base):
    """Another way residents ask an FAQ's question (言い換え), or a proposal to remove one.

    Proposed by a resident's behaviour (clarify pick, 役に立った, 役に立たなかった) or by staff,
    decided by a *different* staff member; only approved `add` rows reach the index. Keeps who,
    when and why for every step, and survives re-ingest (the index is rebuilt from these rows).
    """

    __tablename__ = "question_variants"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    doc_id: Mapped[str] = mapped_column(String(128), index=True)
    text: Mapped[str] = mapped_column(Text)
    # add: a variant to serve; remove: a proposal to stop serving variant `target_id`.
    kind: Mapped[str] = mapped_column(String(8), default="add")
    target_id: Mapped[int | None] = mapped_column(ForeignKey("question_variants.id"),
                                                  default=None)
    # proposed → approved | rejected; an approved add becomes removed when a removal passes.
    status: Mapped[str] = mapped_column(String(16), default="proposed", index=True)
    origin: Mapped[str] = mapped_column(String(16), default="console")
    reason: Mapped[str] = mapped_column(Text, default="")
    message_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id"), default=None)
    proposed_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), default=None)
    created_at: Mapped[datetime] = mapped_column(default=now)
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), default=None)
    decided_at: Mapped[datetime | None] = mapped_column(default=None)
    decision_comment: Mapped[str] = mapped_column(Text, default="")


class AuditLog(Base):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), default=None)
    staff_name: Mapped[str] = mapped_column(String(64), default="")
    action: Mapped[str] = mapped_column(String(64))
    target: Mapped[str] = mapped_column(String(128), default="")
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=now, index=True)


class LineEvent(Base):
    """A LINE webhook event, stored (text masked) before LINE got its 200 and marked done only
    after its answer was sent; pending ones are resumed after a crash (bot/channels/
    line_intake.py). A stored id is never processed again (LINE redelivers)."""

    __tablename__ = "line_events"

    event_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    chat: Mapped[str] = mapped_column(String(128), default="")
    body: Mapped[str] = mapped_column(Text, default="")
    # pending → done | refused (invalid characters) | failed (given up after retries)
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    received: Mapped[float] = mapped_column(Float, default=0.0)  # epoch s: reply token age
    owner: Mapped[str] = mapped_column(String(32), default="")
    lease_until: Mapped[float] = mapped_column(Float, default=0.0)
    attempts: Mapped[int] = mapped_column(default=0)
    error: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(default=now, index=True)
    processed_at: Mapped[datetime | None] = mapped_column(default=None)


class ChatRequest(Base):
    """A web chat request sent with an Idempotency-Key: a retry with the same key in the same
    conversation gets the stored reply instead of a second turn."""

    __tablename__ = "chat_requests"

    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id"),
                                                 primary_key=True)
    key: Mapped[str] = mapped_column(String(128), primary_key=True)
    resident_message_id: Mapped[int | None] = mapped_column(default=None)
    bot_message_id: Mapped[int | None] = mapped_column(default=None)
    created_at: Mapped[datetime] = mapped_column(default=now)
