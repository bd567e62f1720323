"""The kept web thread: a resume code moves the conversation to another device (one time,
expiring, rate-limited, no personal data), 「会話を終了して消す」 closes it for every device,
and the thread reports the feedback already given."""

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from bot.safety.ratelimit import RateLimiter, parse_limits
from bot.service.resume import ALPHABET, normalise, shown
from bot.store.models import ResumeCode, now


@pytest.fixture
def client(app_factory):
    return TestClient(app_factory())


def start(client):
    r = client.post("/api/chat", json={"message": "住民票の写しはどこで取れますか"})
    assert r.status_code == 200, r.text
    data = r.json()
    return data["conversation_id"], {"X-Conversation-Token": data["token"]}


@pytest.fixture
def issued(app_factory):
    """(app, client, conversation id, its code): a thread with a resume code issued."""
    app = app_factory()
    client = TestClient(app)
    cid, auth = start(client)
    return app, client, cid, code_for(client, cid, auth)["code"]


def code_for(client, cid, auth):
    r = client.post(f"/api/conversations/{cid}/resume-code", headers=auth)
    assert r.status_code == 200, r.text
    return r.json()


def test_code_moves_the_thread_to_another_device(client):
    cid, old = start(client)
    issued = code_for(client, cid, old)
    assert len(issued["code"]) == 9 and issued["code"][4] == "-"
    assert set(issued["code"].replace("-", "")) <= set(ALPHABET)
    assert issued["expires_minutes"] == 1440
    typed = " " + issued["code"].lower().replace("-", "－") + " "  # as a resident types it
    r = client.post("/api/resume", json={"code": typed})
    assert r.status_code == 200, r.text
    moved = r.json()
    assert moved["conversation_id"] == cid
    new = {"X-Conversation-Token": moved["token"]}
    messages = client.get(f"/api/conversations/{cid}", headers=new).json()["messages"]
    assert [m["role"] for m in messages] == ["resident", "bot"]
    assert client.get(f"/api/conversations/{cid}", headers=old).status_code == 403
    again = client.post("/api/resume", json={"code": issued["code"]})
    assert again.status_code == 404 and "有効期限" in again.json()["detail"]


def test_only_the_code_hash_and_conversation_are_stored(issued):
    app, _, cid, code = issued
    with app.state.services.db.session() as s:
        rows = list(s.scalars(select(ResumeCode)))
    assert len(rows) == 1 and rows[0].conversation_id == cid
    assert code.replace("-", "") not in rows[0].code_hash
    assert set(ResumeCode.__table__.columns.keys()) == {"code_hash", "conversation_id",
                                                        "created_at", "expires_at"}


def test_a_new_code_replaces_the_previous_one(client):
    cid, auth = start(client)
    first = code_for(client, cid, auth)["code"]
    second = code_for(client, cid, auth)["code"]
    assert client.post("/api/resume", json={"code": first}).status_code == 404
    assert client.post("/api/resume", json={"code": second}).status_code == 200


def test_expired_code_is_refused(issued):
    app, client, _, code = issued
    with app.state.services.db.session() as s:
        for row in s.scalars(select(ResumeCode)):
            row.expires_at = now() - timedelta(minutes=1)
        s.commit()
    assert client.post("/api/resume", json={"code": code}).status_code == 404


def test_code_needs_the_token_and_guessing_is_rate_limited(app_factory):
    app = app_factory()
    app.state.services.resume_limiter = RateLimiter(parse_limits("3/minute"))
    client = TestClient(app)
    cid, _ = start(client)
    assert client.post(f"/api/conversations/{cid}/resume-code").status_code == 403
    codes = [client.post("/api/resume", json={"code": "ABCD-EFGH"}).status_code
             for _ in range(4)]
    assert codes == [404, 404, 404, 429]
    r = client.post("/api/resume", json={"code": "ABCD-EFGH"})
    assert r.status_code == 429 and int(r.headers["Retry-After"]) >= 1


def test_end_closes_the_thread_for_every_device(client):
    cid, auth = start(client)
    code = code_for(client, cid, auth)["code"]
    assert client.post(f"/api/conversations/{cid}/end", headers=auth).json() == {"ok": True}
    assert client.get(f"/api/conversations/{cid}", headers=auth).status_code == 403
    assert client.post("/api/resume", json={"code": code}).status_code == 404


def test_thread_reports_feedback_given(client):
    cid, auth = start(client)
    bot = client.get(f"/api/conversations/{cid}", headers=auth).json()["messages"][1]
    assert bot["feedback"] is None
    client.post(f"/api/conversations/{cid}/feedback", headers=auth,
                json={"message_id": bot["id"], "helpful": True})
    bot = client.get(f"/api/conversations/{cid}", headers=auth).json()["messages"][1]
    assert bot["feedback"] is True


def test_code_shapes():
    assert shown("ABCDEFGH") == "ABCD-EFGH"
    assert normalise("ａｂｃｄ－ｅｆｇｈ") == "ABCDEFGH"
    assert normalise("abcd efgh") == "ABCDEFGH"
