"""The durable LINE intake (issue 14): stored once, leased to one process at a time, renewed
while held, resumed by another process only when the lease ran out, retried a bounded number
of times; and invalid characters refused per event without losing the others."""

from __future__ import annotations

import json
import threading

import pytest
from sqlalchemy import select

from bot.channels import line_format as fmt
from bot.channels.line_intake import DONE, FAILED, MAX_ATTEMPTS, PENDING, Intake
from bot.channels.line_sim import make_event
from bot.store.db import Database
from bot.store.models import LineEvent, Message

from .conftest import Line
from .test_line import QUESTION, count


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def db(database_url):
    database = Database(database_url)
    database.migrate()
    yield database
    database.engine.dispose()


def status(db: Database, event_id: str) -> LineEvent:
    with db.session() as s:
        row = s.get(LineEvent, event_id)
        assert row is not None
        s.expunge(row)
        return row


def test_an_event_is_stored_once(db):
    a = Intake(db, 10, Clock())
    assert a.store("e1", "U1", {"event": {}}, 0.0)
    assert not a.store("e1", "U1", {"event": {}}, 0.0)
    assert not Intake(db, 10, Clock()).store("e1", "U1", {"event": {}}, 0.0)


def test_only_an_expired_lease_is_resumed_and_by_one_process(db):
    clock = Clock()
    a, b = Intake(db, 10, clock), Intake(db, 10, clock)
    a.store("e1", "U1", {"event": {"x": 1}}, clock.now)
    assert b.due() == []  # a holds it
    clock.now += 9
    a.renew()  # a is alive and still working on it
    clock.now += 9
    assert b.due() == []
    clock.now += 11  # a died: nobody renewed the lease
    [stored] = b.due()
    assert stored.event_id == "e1" and stored.data == {"event": {"x": 1}}
    assert a.due() == [] and status(db, "e1").owner == b.owner


def test_racing_sweepers_claim_each_event_once(db):
    clock = Clock()
    first = Intake(db, 10, clock)
    for i in range(20):
        first.store(f"e{i}", f"U{i}", {}, clock.now)
    clock.now += 60
    sweepers = [Intake(db, 10, clock) for _ in range(4)]
    claimed: list[str] = []

    def sweep(intake: Intake) -> None:
        claimed.extend(e.event_id for e in intake.due())

    threads = [threading.Thread(target=sweep, args=(i,)) for i in sweepers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(claimed) == sorted(f"e{i}" for i in range(20))


def test_a_failed_try_is_retried_then_given_up(db):
    clock = Clock()
    a = Intake(db, 10, clock)
    a.store("e1", "U1", {}, clock.now)
    assert a.failed("e1", "ApiException: 500")
    assert status(db, "e1").status == PENDING and a.due() == []
    clock.now += 11
    assert [e.event_id for e in a.due()] == ["e1"]  # its own failure: tried again
    for _ in range(MAX_ATTEMPTS - 2):
        assert a.failed("e1", "ApiException: 500")
    assert not a.failed("e1", "ApiException: 500")
    assert status(db, "e1").status == FAILED
    clock.now += 60
    assert a.due() == []


def test_a_finished_event_is_never_due(db):
    clock = Clock()
    a = Intake(db, 10, clock)
    a.store("e1", "U1", {}, clock.now)
    a.finish("e1")
    clock.now += 60
    assert a.due() == [] and status(db, "e1").status == DONE


def test_invalid_characters_are_refused_per_event_without_losing_the_others(
        line_app_factory, line_settings, fake, database_url):
    line = Line(line_app_factory(line_settings(database_url=database_url)), fake)
    nul = make_event(text="住民票\x00の写しは", user="U" + "1" * 32)
    lone = make_event(text="PLACEHOLDER", user="U" + "2" * 32)
    good = make_event(text=QUESTION, user="U" + "3" * 32)
    body = json.dumps({"destination": "Ubot", "events": [nul, lone, good]})
    body = body.replace("PLACEHOLDER", "\\ud800")  # a lone surrogate, as JSON may escape it
    r = line.post(body=body.encode("ascii"))
    assert r.status_code == 200, r.text
    assert line.channel.join(30)
    texts = {c.body["replyToken"]: c.texts for c in fake.replies}
    assert texts[nul["replyToken"]] == [fmt.INVALID]
    assert texts[lone["replyToken"]] == [fmt.INVALID]
    assert fmt.INVALID not in texts[good["replyToken"]] and texts[good["replyToken"]]
    assert count(line, Message) == 2  # only the good event became a turn
    with line.services.db.session() as s:
        rows = {e.event_id: (e.status, e.body) for e in s.scalars(select(LineEvent))}
    assert rows[nul["webhookEventId"]][0] == rows[lone["webhookEventId"]][0] == "refused"
    assert rows[good["webhookEventId"]][0] == "done"
    assert "\\u0000" not in rows[nul["webhookEventId"]][1]  # nothing of it was kept
