"""Continue a web conversation on another device: a short one-time code that moves the thread.

The code maps only to the conversation (its hash is stored, never the code). Redeeming it gives
the new device a fresh token and retires the old one, so a thread lives on one device at a time
(a shared or lost device loses access once the resident has moved on)."""

from __future__ import annotations

import secrets
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bot.store import repo
from bot.store.models import Conversation, ResumeCode, now

# No 0/O, 1/I/L: read aloud or copied by hand without mistakes. 31^8 ≈ 8.5e11 codes.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
LENGTH = 8


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def shown(code: str) -> str:
    """The code as residents read it: ABCD-EFGH."""
    return f"{code[:4]}-{code[4:]}"


def normalise(typed: str) -> str:
    """What a resident typed (full-width, lower case, spaces or hyphens) → the bare code."""
    folded = unicodedata.normalize("NFKC", typed).upper()
    return "".join(c for c in folded if c not in " -ー－‐")


@dataclass
class ResumeService:
    minutes: int

    def issue(self, s: Session, conv: Conversation, at: datetime | None = None) -> str:
        """A new code for the conversation (earlier unused codes stop working)."""
        at = at or now()
        self.revoke(s, conv)
        code = new_code()
        s.add(ResumeCode(code_hash=repo.token_hash(code), conversation_id=conv.id,
                         created_at=at, expires_at=at + timedelta(minutes=self.minutes)))
        s.flush()
        return shown(code)

    def redeem(self, s: Session, typed: str,
               at: datetime | None = None) -> tuple[Conversation, str] | None:
        """The conversation and its new token, or None for an unknown or expired code."""
        code = normalise(typed)
        if len(code) != LENGTH:
            return None
        row = s.get(ResumeCode, repo.token_hash(code))
        if row is None:
            return None
        s.delete(row)
        if row.expires_at < (at or now()):
            return None
        conv = s.get(Conversation, row.conversation_id)
        if conv is None:
            return None
        return conv, repo.new_token(conv)

    def revoke(self, s: Session, conv: Conversation) -> None:
        s.execute(delete(ResumeCode).where(ResumeCode.conversation_id == conv.id))

    def end(self, s: Session, conv: Conversation) -> None:
        """「会話を終了して消す」: no device can open the thread any more; the record itself
        stays for staff until the retention period ends."""
        self.revoke(s, conv)
        repo.new_token(conv)

    def pending(self, s: Session, conv: Conversation) -> int:
        return len(list(s.scalars(select(ResumeCode.code_hash)
                                  .where(ResumeCode.conversation_id == conv.id))))
