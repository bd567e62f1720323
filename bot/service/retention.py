"""Retention: conversations older than the configured period are deleted or anonymised
(`madoguchi purge`), and what is kept is masked again with today's masker (`scrub`: messages,
their traces and the escalations' traces, so data an older masker missed goes too). An admin
can erase one conversation's remaining free text (`erase`). Audit entries stay; they never
hold a resident's words."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from bot.store import repo
from bot.store.models import (
    ChatRequest,
    Conversation,
    Escalation,
    FaqCandidate,
    Feedback,
    LineEvent,
    Message,
    QuestionVariant,
    ResumeCode,
    Role,
    Staff,
    now,
)

REMOVED = "［保存期間を過ぎたため削除しました］"
ERASED = "［管理者が個人情報を削除しました］"
FREE_TEXT_ROLES = (Role.RESIDENT.value, Role.STAFF.value)


@dataclass
class PurgeReport:
    conversations: int
    messages: int
    mode: str
    scrubbed: int = 0


def purge(s: Session, days: int, mode: str = "delete",
          mask: Callable[[str], str] | None = None) -> PurgeReport:
    """Delete (or anonymise) every conversation whose last activity is older than `days`;
    with `mask`, then `scrub` what is kept."""
    report = _expire(s, days, mode)
    if mask is not None:
        report.scrubbed = scrub(s, mask)
        repo.audit(s, None, "purge.scrub", f"{report.scrubbed} rows")
    return report


def scrub(s: Session, mask: Callable[[str], str]) -> int:
    """Mask again every resident and staff text, every message trace and every escalation
    trace; returns how many rows changed. Idempotent."""
    changed = 0
    for msg in s.scalars(select(Message)):
        text = mask(msg.text) if msg.role in FREE_TEXT_ROLES else msg.text
        trace = _masked_tree(msg.trace, mask)
        if text != msg.text or trace != msg.trace:
            msg.text, msg.trace = text, trace
            changed += 1
    for esc in s.scalars(select(Escalation)):
        trace = _masked_tree(esc.trace, mask)
        if trace != esc.trace:
            esc.trace = trace
            changed += 1
    return changed


def erase(s: Session, staff: Staff, conv: Conversation) -> int:
    """「この会話の個人情報を削除」: the conversation's resident and staff texts and every trace
    (messages and escalations) are removed; the bot's own replies, times and statuses stay.
    Audited; returns how many messages lost their text."""
    erased = 0
    for msg in s.scalars(select(Message).where(Message.conversation_id == conv.id,
                                               Message.role.in_(FREE_TEXT_ROLES))):
        erased += msg.text != ERASED
        msg.text = ERASED
    s.flush()
    s.execute(update(Message).where(Message.conversation_id == conv.id).values(trace={}))
    s.execute(update(Escalation).where(Escalation.conversation_id == conv.id).values(trace={}))
    repo.audit(s, staff, "conversation.erase", f"conversation:{conv.id}", messages=erased)
    return erased


def _masked_tree(value: Any, mask: Callable[[str], str]) -> Any:
    if isinstance(value, str):
        return mask(value)
    if isinstance(value, list):
        return [_masked_tree(v, mask) for v in value]
    if isinstance(value, dict):
        return {k: _masked_tree(v, mask) for k, v in value.items()}
    return value


def _expire(s: Session, days: int, mode: str) -> PurgeReport:
    if mode not in ("delete", "anonymise"):
        raise ValueError("mode は delete か anonymise です")
    if days < 1:
        raise ValueError("保存期間は 1 日以上にしてください")
    cutoff = now() - timedelta(days=days)
    # Stored LINE events hold the (masked) words too: answered ones go with the same period.
    s.execute(delete(LineEvent).where(LineEvent.status != "pending",
                                      LineEvent.created_at < cutoff))
    ids = list(s.scalars(select(Conversation.id).where(Conversation.updated_at < cutoff)))
    if not ids:
        return PurgeReport(0, 0, mode)
    message_ids = select(Message.id).where(Message.conversation_id.in_(ids))
    s.execute(delete(ResumeCode).where(ResumeCode.conversation_id.in_(ids)))
    count = len(list(s.scalars(message_ids)))
    if mode == "anonymise":
        s.execute(update(Message).where(Message.conversation_id.in_(ids), Message.role.in_(
            ("resident", "staff"))).values(text=REMOVED))
        s.execute(update(Message).where(Message.conversation_id.in_(ids)).values(trace={}))
        s.execute(update(Escalation).where(Escalation.conversation_id.in_(ids)).values(trace={}))
        for conv in s.scalars(select(Conversation).where(Conversation.id.in_(ids))):
            conv.line_user_id = None
            conv.token_hash = secrets.token_hex(32)  # nobody can open it any more
    else:
        s.execute(update(FaqCandidate).where(FaqCandidate.source_message_id.in_(message_ids))
                  .values(source_message_id=None))
        s.execute(update(QuestionVariant).where(QuestionVariant.message_id.in_(message_ids))
                  .values(message_id=None))
        s.execute(delete(Feedback).where(Feedback.message_id.in_(message_ids)))
        s.execute(update(Escalation).where(Escalation.conversation_id.in_(ids))
                  .values(message_id=None))
        s.execute(delete(Escalation).where(Escalation.conversation_id.in_(ids)))
        s.execute(delete(ChatRequest).where(ChatRequest.conversation_id.in_(ids)))
        s.execute(delete(Message).where(Message.conversation_id.in_(ids)))
        s.execute(delete(Conversation).where(Conversation.id.in_(ids)))
    repo.audit(s, None, f"purge.{mode}", f"{len(ids)} conversations", days=days,
               messages=count)
    return PurgeReport(len(ids), count, mode)
