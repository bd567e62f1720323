"""Retention beyond deletion: `purge` masks again what it keeps (texts, message traces,
escalation traces) with today's masker, and an admin can erase one conversation's remaining
free text from the console (audited; staff cannot)."""

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from bot.safety.pii import Masker
from bot.service.retention import ERASED, purge, scrub
from bot.store import repo
from bot.store.models import AuditLog, Escalation, Priority

PASSWORD = "correct-horse-battery"
RAW = "山田花子です。電話は090.3382.1194、住所は風見野市本町三丁目十二番五号"


def _mask(text: str) -> str:
    return Masker.load().mask(text).text


@pytest.fixture
def db(tmp_path):
    from bot.store.db import Database

    database = Database(f"sqlite:///{tmp_path}/r.db")
    database.migrate()
    yield database
    database.engine.dispose()


def _stored_raw(db):
    """A conversation stored by an older masker that missed everything."""
    with db.session() as s:
        conv, _ = repo.create_conversation(s)
        msg = repo.add_message(s, conv, "resident", RAW)
        repo.add_message(s, conv, "bot", "ご案内です", trace={"steps": [{"query": RAW}]})
        repo.escalate(s, conv, msg, "handoff_requested", Priority.REQUESTED, "",
                      {"steps": [{"question": RAW, "n": 3}]})
        return conv.id


def test_purge_masks_again_what_it_keeps(db):
    conv_id = _stored_raw(db)
    masker = Masker.load()
    with db.session() as s:
        report = purge(s, 365, "delete", lambda t: masker.mask(t).text)
        assert report.conversations == 0 and report.scrubbed == 3
    with db.session() as s:
        texts = [m.text for m in repo.messages_after(s, conv_id)]
        traces = [m.trace for m in repo.messages_after(s, conv_id)]
        esc = s.scalars(select(Escalation)).one()
        dump = repr((texts, traces, esc.trace))
        for value in ("山田花子", "090.3382.1194", "三丁目十二番五号"):
            assert value not in dump
        assert esc.trace["steps"][0]["n"] == 3 and "［電話番号］" in dump
        assert {a.action for a in s.scalars(select(AuditLog))} >= {"purge.scrub"}
        assert scrub(s, lambda t: masker.mask(t).text) == 0  # idempotent


def test_purge_without_a_masker_keeps_rows_as_they_are(db):
    conv_id = _stored_raw(db)
    with db.session() as s:
        assert purge(s, 365, "delete").scrubbed == 0
    with db.session() as s:
        assert repo.messages_after(s, conv_id)[0].text == RAW


def _login(app, name):
    c = TestClient(app, base_url="https://testserver")
    token = re.search(r'name="csrf" value="([^"]+)"', c.get("/staff/login").text).group(1)
    r = c.post("/staff/login", data={"name": name, "password": PASSWORD, "csrf": token},
               follow_redirects=False)
    assert r.status_code == 303
    return c


def _csrf(html):
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


def test_admin_erases_a_conversations_free_text(app_factory):
    app = app_factory()
    services = app.state.services
    with services.db.session() as s:
        services.staff.add(s, "admin", PASSWORD, "admin")
        services.staff.add(s, "suzuki", PASSWORD, "staff", "市民課")
    resident = TestClient(app)
    data = resident.post("/api/chat", json={"message": "粗大ごみのことで職員と話したい"}).json()
    with services.db.session() as s:
        esc_id = repo.queue(s)[0].id
    staff = _login(app, "suzuki")
    page = staff.get(f"/staff/escalations/{esc_id}")
    assert "この会話の個人情報を削除" not in page.text
    r = staff.post(f"/staff/escalations/{esc_id}/erase", data={"csrf": _csrf(page.text)})
    assert r.status_code == 403
    admin = _login(app, "admin")
    page = admin.get(f"/staff/escalations/{esc_id}")
    assert "この会話の個人情報を削除" in page.text
    r = admin.post(f"/staff/escalations/{esc_id}/erase", data={"csrf": _csrf(page.text)},
                   follow_redirects=False)
    assert r.status_code == 303
    with services.db.session() as s:
        msgs = repo.messages_after(s, data["conversation_id"])
        assert [m.text for m in msgs if m.role == "resident"] == [ERASED]
        assert all(m.trace == {} for m in msgs)
        assert s.get(Escalation, esc_id).trace == {}
        audit = [a for a in s.scalars(select(AuditLog)) if a.action == "conversation.erase"]
        assert len(audit) == 1 and audit[0].staff_name == "admin"
        assert audit[0].detail["messages"] == 1
    assert admin.post(f"/staff/escalations/{esc_id}/erase",
                      data={"csrf": "wrong"}).status_code == 403


def test_an_id_past_what_the_database_holds_is_not_a_500(app_factory):
    app = app_factory()
    services = app.state.services
    with services.db.session() as s:
        services.staff.add(s, "admin", PASSWORD, "admin")
    admin = _login(app, "admin")
    r = admin.get(f"/staff/escalations/{2**63}")
    assert r.status_code in (404, 422)
