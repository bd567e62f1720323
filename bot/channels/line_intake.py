"""Durable LINE intake: every webhook event is stored (its text already masked) before LINE gets
its 200, marked done only after its reply or push succeeded, and resumed after a crash.

Each stored event is *leased* by the process working on it (`owner`, `lease_until`); a live
process renews the leases of what it holds, so only the events of a process that died — or
whose try failed — become due again, for whichever process sweeps first. A redelivery of a
stored event id (LINE retries, or two replicas racing) is not stored twice and not processed
again. The one window left is between LINE accepting a reply and the row being marked done: a
crash exactly there sends that answer again (at least once, never lost).
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from bot.store.db import Database
from bot.store.models import LineEvent, now

PENDING, DONE, REFUSED, FAILED = "pending", "done", "refused", "failed"
MAX_ATTEMPTS = 5  # tries of one event before it is given up (logged, kept for staff)


@dataclass(frozen=True)
class Stored:
    """An event read back for another try: what the channel needs to rebuild its context."""

    event_id: str
    chat: str
    data: dict[str, Any]
    received: float


class Intake:
    def __init__(self, db: Database, lease_s: float,
                 clock: Callable[[], float] = time.time) -> None:
        self.db, self.lease_s, self.clock = db, lease_s, clock
        self.owner = uuid.uuid4().hex

    def store(self, event_id: str, chat: str, data: dict[str, Any], received: float) -> bool:
        """Store a new event, leased to this process; False when it was stored before."""
        try:
            with self.db.session() as s:
                if s.get(LineEvent, event_id) is not None:
                    return False
                s.add(LineEvent(event_id=event_id, chat=chat, received=received,
                                body=json.dumps(data, ensure_ascii=True),
                                owner=self.owner, lease_until=received + self.lease_s))
        except IntegrityError:  # a concurrent delivery of the same event stored it first
            return False
        return True

    def finish(self, event_id: str, status: str = DONE) -> None:
        """The event was answered (or refused with its reason): never again."""
        with self.db.session() as s:
            s.execute(update(LineEvent).where(LineEvent.event_id == event_id)
                      .values(status=status, owner="", error="", processed_at=now()))

    def failed(self, event_id: str, error: str) -> bool:
        """Give the event back for another try after the lease; False once it is given up."""
        with self.db.session() as s:
            row = s.get(LineEvent, event_id)
            if row is None:
                return False
            row.attempts += 1
            row.error, row.owner = error[:200], ""
            row.lease_until = self.clock() + self.lease_s
            if row.attempts >= MAX_ATTEMPTS:
                row.status = FAILED
            return row.status == PENDING

    def renew(self) -> None:
        """Keep the leases of the events this process holds (queued or in work)."""
        with self.db.session() as s:
            s.execute(update(LineEvent).where(LineEvent.owner == self.owner,
                                              LineEvent.status == PENDING)
                      .values(lease_until=self.clock() + self.lease_s))

    def due(self, limit: int = 200) -> list[Stored]:
        """Claim pending events whose lease ran out, oldest first."""
        at = self.clock()
        with self.db.session() as s:
            ids = list(s.scalars(select(LineEvent.event_id)
                                 .where(LineEvent.status == PENDING, LineEvent.lease_until < at)
                                 .order_by(LineEvent.received, LineEvent.created_at)
                                 .limit(limit)))
        return [e for e in map(self._claim, ids) if e is not None]

    def _claim(self, event_id: str) -> Stored | None:
        at = self.clock()
        with self.db.session() as s:
            taken = s.execute(update(LineEvent).where(
                LineEvent.event_id == event_id, LineEvent.status == PENDING,
                LineEvent.lease_until < at).values(owner=self.owner,
                                                   lease_until=at + self.lease_s))
            if getattr(taken, "rowcount", 0) != 1:
                return None  # another process claimed it first
            row = s.get(LineEvent, event_id)
            assert row is not None
            return Stored(row.event_id, row.chat, json.loads(row.body), row.received)
