"""Idempotency-Key on /api/chat: a resident's app that retries after a timeout sends the same
key, and gets the reply of the first request instead of a second turn.

The key is claimed (a row keyed by conversation and key) in the same transaction that stores
the resident's message, so of two requests racing with one key only one is answered; the other
sees the stored reply, or `RequestInFlight` while the first is still being answered. A claim
whose request died before its reply was stored is given up after `STALE`.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.service.chat import Turn
from bot.store import repo
from bot.store.models import ChatRequest, Conversation, Message, now

STALE = timedelta(minutes=2)


class RequestInFlight(RuntimeError):
    """The first request with this key is still being answered."""


def replay(s: Session, conv: Conversation, key: str) -> Turn | None:
    """The stored turn of an earlier request with this key, or None when there is none."""
    row = s.get(ChatRequest, (conv.id, key))
    if row is None:
        return None
    bot = s.get(Message, row.bot_message_id) if row.bot_message_id else None
    resident = s.get(Message, row.resident_message_id) if row.resident_message_id else None
    if bot is None or resident is None:
        if now() - row.created_at < STALE:
            raise RequestInFlight(key)
        s.delete(row)  # the first request died before answering: this one takes over
        s.flush()
        return None
    esc = repo.active_escalation(s, conv.id)
    return Turn(conv, None, resident, bot, None, esc.status if esc else "")


def claim(s: Session, conv: Conversation, key: str) -> Turn | None:
    """Claim the key for this request (None), or return the turn of whoever holds it."""
    s.add(ChatRequest(conversation_id=conv.id, key=key))
    try:
        s.flush()
    except IntegrityError:
        s.rollback()
        return replay(s, conv, key)
    return None


def finish(s: Session, conv: Conversation, key: str, turn: Turn) -> None:
    """Remember which messages answered the key."""
    row = s.get(ChatRequest, (conv.id, key))
    if row is not None and turn.bot_message is not None:
        row.resident_message_id = turn.resident_message.id
        row.bot_message_id = turn.bot_message.id
