"""Retention: conversations older than the configured period are deleted or anonymised
(`madoguchi purge`). Audit entries stay; they never hold a resident's words."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from bot.store import repo
from bot.store.models import Conversation, Escalation, FaqCandidate, Feedback, Message, now

REMOVED = "［保存期間を過ぎたため削除しました］"


@dataclass
class PurgeReport:
    conversations: int
    messages: int
    mode: str


def purge(s: Session, days: int, mode: str = "delete") -> PurgeReport:
    """Delete (or anonymise) every conversation whose last activity is older than `days`."""
    if mode not in ("delete", "anonymise"):
        raise ValueError("mode は delete か anonymise です")
    if days < 1:
        raise ValueError("保存期間は 1 日以上にしてください")
    cutoff = now() - timedelta(days=days)
    ids = list(s.scalars(select(Conversation.id).where(Conversation.updated_at < cutoff)))
    if not ids:
        return PurgeReport(0, 0, mode)
    message_ids = select(Message.id).where(Message.conversation_id.in_(ids))
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
        s.execute(delete(Feedback).where(Feedback.message_id.in_(message_ids)))
        s.execute(update(Escalation).where(Escalation.conversation_id.in_(ids))
                  .values(message_id=None))
        s.execute(delete(Escalation).where(Escalation.conversation_id.in_(ids)))
        s.execute(delete(Message).where(Message.conversation_id.in_(ids)))
        s.execute(delete(Conversation).where(Conversation.id.in_(ids)))
    repo.audit(s, None, f"purge.{mode}", f"{len(ids)} conversations", days=days,
               messages=count)
    return PurgeReport(len(ids), count, mode)
