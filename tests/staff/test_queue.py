"""Queue and conversation view: local time with the zone, the message that triggered the
escalation with a Japanese reason, assign / release, department reassignment (audited),
close with confirmation, and the live-update stream."""

import asyncio
from datetime import datetime

from fastapi.testclient import TestClient

from bot.staff import live
from bot.staff.view import local_time, zone
from bot.store import repo
from bot.store.models import AuditLog, Escalation
from tests.staff.conftest import csrf


def _escalation(app) -> Escalation:
    with app.state.services.db.session() as s:
        return repo.queue(s)[0]


def test_local_time_shows_the_zone():
    tz = zone("Asia/Tokyo")
    assert local_time(datetime(2026, 11, 30, 3, 53), tz) == "2026-11-30 12:53 JST"
    assert local_time(None, tz) == "—"


def test_queue_shows_trigger_japanese_reason_and_jst(app, login):
    resident = TestClient(app)
    first = resident.post("/api/chat", json={"message": "ゴミ袋どこで売ってる？"}).json()
    auth = {"X-Conversation-Token": first["token"]}
    resident.post("/api/chat", headers=auth, json={"conversation_id": first["conversation_id"],
                                                  "message": "隣の家が燃えてる！"})
    page = login("suzuki").get("/staff")
    assert page.status_code == 200
    assert "隣の家が燃えてる" in page.text  # the message that raised it, not the first one
    assert "ゴミ袋どこで売ってる" not in page.text
    assert "緊急の内容" in page.text and "emergency" not in page.text.split("<tbody>")[1]
    assert "JST" in page.text and "Asia/Tokyo" in page.text
    esc = _escalation(app)
    conv = login("suzuki").get(f"/staff/escalations/{esc.id}")
    assert "引き継ぎのきっかけ" in conv.text and "JST" in conv.text
    assert "handoff_low_confidence" not in conv.text


def test_assign_release_and_department_are_audited(app, login):
    TestClient(app).post("/api/chat", json={"message": "粗大ごみのことで職員と話したい"})
    esc = _escalation(app)
    suzuki = login("suzuki")
    page = suzuki.get(f"/staff/escalations/{esc.id}")
    token = csrf(page.text)
    assert "自分が担当する" in page.text and "担当を外れる" not in page.text
    suzuki.post(f"/staff/escalations/{esc.id}/assign", data={"csrf": token})
    page = suzuki.get(f"/staff/escalations/{esc.id}")
    assert "自分が担当する" not in page.text and "担当を外れる" in page.text
    # Another member sees who has it and may take it over.
    tanaka = login("tanaka")
    assert "担当を引き継ぐ" in tanaka.get(f"/staff/escalations/{esc.id}").text
    suzuki.post(f"/staff/escalations/{esc.id}/release", data={"csrf": token})
    with app.state.services.db.session() as s:
        row = s.get(Escalation, esc.id)
        assert row.status == "open" and row.assignee_id is None
    r = suzuki.post(f"/staff/escalations/{esc.id}/department",
                    data={"csrf": token, "department": "市民課"}, follow_redirects=False)
    assert r.status_code == 303
    assert "市民課" in suzuki.get("/staff?department=市民課").text
    with app.state.services.db.session() as s:
        audit = s.query(AuditLog).filter_by(action="escalation.department").one()
        assert audit.detail == {"old": "生活環境課", "new": "市民課"}
        assert audit.staff_name == "suzuki"
        assert {a.action for a in s.query(AuditLog)} >= {"escalation.assign",
                                                        "escalation.release"}


def test_closing_twice_is_a_clear_error(app, login):
    TestClient(app).post("/api/chat", json={"message": "粗大ごみのことで職員と話したい"})
    esc = _escalation(app)
    suzuki = login("suzuki")
    token = csrf(suzuki.get(f"/staff/escalations/{esc.id}").text)
    done = suzuki.post(f"/staff/escalations/{esc.id}/close",
                       data={"csrf": token, "confirm": "yes"})
    assert "完了にしました" in done.text
    again = suzuki.post(f"/staff/escalations/{esc.id}/close",
                        data={"csrf": token, "confirm": "yes"})
    assert again.status_code == 200 and "すでに完了" in again.text


def test_live_version_changes_with_new_messages(app):
    db = app.state.services.db
    before = live.version(db)
    TestClient(app).post("/api/chat", json={"message": "粗大ごみのことで職員と話したい"})
    assert live.version(db) != before


def test_event_stream_sends_ready_then_change():
    values = iter(["a", "a", "b"])

    class Req:
        async def is_disconnected(self):
            return False

    async def collect():
        out = []
        async for chunk in live.changes(Req(), lambda: next(values), 0.0, 60.0):
            out.append(chunk)
            if "change" in chunk:
                break
        return out

    chunks = asyncio.run(collect())
    assert chunks[0].startswith("retry:") and "event: ready" in chunks[0]
    assert chunks[-1] == "event: change\ndata: b\n\n"


def test_event_stream_needs_login(app):
    r = TestClient(app, base_url="https://testserver").get("/staff/events", follow_redirects=False)
    assert r.status_code == 303
