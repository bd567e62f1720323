"""The resident JSON API: contract, thread authorisation, SSE, handoff triggers, feedback,
multi-turn, and clear 4xx errors for malformed requests."""

import json
import uuid

import pytest
from fastapi.testclient import TestClient


@pytest.fixture
def client(app_factory):
    return TestClient(app_factory())


def start(client, message="燃やすごみの収集日はいつですか"):
    r = client.post("/api/chat", json={"message": message})
    assert r.status_code == 200, r.text
    data = r.json()
    return data, {"X-Conversation-Token": data["token"]}


def test_new_conversation_contract(client):
    data, _ = start(client, "住民票の写しはどこで取れますか")
    assert uuid.UUID(data["conversation_id"]) and len(data["token"]) >= 40
    assert data["decision"] in ("answer", "clarify")
    assert set(data) >= {"conversation_id", "token", "message_id", "decision", "outcome", "answer",
                         "citations", "choices", "confidence", "handoff_status"}
    if data["decision"] == "answer":
        c = data["citations"][0]
        assert c["doc_id"] == "T-SHIMIN-001" and c["url"] and c["department"] == "市民課"


def test_thread_needs_the_conversations_token(client):
    data, auth = start(client)
    cid = data["conversation_id"]
    assert client.get(f"/api/conversations/{cid}").status_code == 403
    assert client.get(f"/api/conversations/{cid}",
                      headers={"X-Conversation-Token": "x" * 43}).status_code == 403
    other, _ = start(client)
    assert client.get(f"/api/conversations/{cid}",
                      headers={"X-Conversation-Token": other["token"]}).status_code == 403
    r = client.get(f"/api/conversations/{cid}", headers=auth)
    assert r.status_code == 200
    roles = [m["role"] for m in r.json()["messages"]]
    assert roles == ["resident", "bot"]
    assert client.get(f"/api/conversations/{uuid.uuid4()}", headers=auth).status_code == 404
    assert client.get("/api/conversations/not-a-uuid", headers=auth).status_code == 422


def test_follow_up_message_without_token_is_refused(client):
    data, _ = start(client)
    r = client.post("/api/chat", json={"conversation_id": data["conversation_id"],
                                       "message": "続きです"})
    assert r.status_code == 403 and "トークン" in r.json()["detail"]


@pytest.mark.parametrize("body", [
    {}, {"message": ""}, {"message": "   "}, {"message": "あ" * 1001},
    {"message": "ok\x00bad"}, {"message": 123}, {"conversation_id": "nope", "message": "x"},
    [], "text"])
def test_malformed_requests_get_4xx_with_a_reason(client, body):
    r = client.post("/api/chat", json=body)
    assert r.status_code == 422
    assert r.json()["detail"]


def test_malformed_json(client):
    r = client.post("/api/chat", content=b"{not json", headers={"content-type": "application/json"})
    assert r.status_code == 422


def test_sse_stream(client):
    r = client.post("/api/chat/stream", json={"message": "図書館で本は何冊借りられますか"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/event-stream")
    events = [block.split("\n") for block in r.text.strip().split("\n\n")]
    names = [e[0].removeprefix("event: ") for e in events]
    assert names[0] == "meta" and names[-1] == "done" and "delta" in names
    done = json.loads(events[-1][1].removeprefix("data: "))
    deltas = "".join(json.loads(e[1].removeprefix("data: "))["text"] for e in events
                     if e[0] == "event: delta")
    assert deltas == done["answer"]


def test_request_for_a_person_escalates(client):
    data, auth = start(client)
    r = client.post("/api/chat", headers=auth, json={"conversation_id": data["conversation_id"],
                                                     "message": "職員と話したいです"})
    body = r.json()
    assert body["decision"] == "handoff" and body["handoff_status"] == "open"
    assert "職員" in body["answer"]


def test_handoff_button(client):
    data, auth = start(client)
    r = client.post(f"/api/conversations/{data['conversation_id']}/handoff", headers=auth)
    assert r.status_code == 200 and r.json()["handoff_status"] == "open"


def test_emergency_reply_and_escalation(client):
    data, _ = start(client, "父が倒れて意識がない")
    assert data["decision"] == "emergency" and "119" in data["answer"]
    assert data["handoff_status"] == "open"


def test_repeated_negative_feedback_escalates(client):
    data, auth = start(client)
    cid = data["conversation_id"]
    second = client.post("/api/chat", headers=auth, json={"conversation_id": cid,
                                                          "message": "粗大ごみの料金"}).json()
    r1 = client.post(f"/api/conversations/{cid}/feedback", headers=auth,
                     json={"message_id": data["message_id"], "helpful": False})
    assert r1.json()["handoff_status"] == ""
    r2 = client.post(f"/api/conversations/{cid}/feedback", headers=auth,
                     json={"message_id": second["message_id"], "helpful": False})
    assert r2.json()["handoff_status"] == "open"
    assert "職員" in r2.json()["message"]["text"]


def test_feedback_on_someone_elses_message_is_404(client):
    data, auth = start(client)
    other, _ = start(client)
    r = client.post(f"/api/conversations/{data['conversation_id']}/feedback", headers=auth,
                    json={"message_id": other["message_id"], "helpful": True})
    assert r.status_code == 404


def test_follow_up_is_understood_in_context(client):
    from bot.store import repo

    data, auth = start(client, "粗大ごみはどうやって出せばいいですか")
    r = client.post("/api/chat", headers=auth, json={"conversation_id": data["conversation_id"],
                                                     "message": "それはいくらかかりますか"})
    assert r.status_code == 200
    with client.app.state.services.db.session() as s:
        bot = repo.messages_after(s, data["conversation_id"])[-1]
        understand = next(st for st in bot.trace["steps"] if st["step"] == "understand")
    assert understand["chosen"] == "context"  # searched within the earlier turn's topic
    assert understand["readings"][-1]["topic"]["query"] == "粗大ごみはどうやって出せばいいですか"
    assert r.json()["choices"] or r.json()["citations"]
    top = (r.json()["citations"] or r.json()["choices"])[0]["doc_id"]
    assert top in {"T-GOMI-001", "gomi-sodai#ryokin", "gomi-sodai#moushikomi"}


def test_page_and_openapi(client):
    page = client.get("/")
    assert page.status_code == 200 and 'lang="ja"' in page.text
    assert "職員に相談する" in page.text and 'aria-live="polite"' in page.text
    spec = client.get("/openapi.json").json()
    assert {"/api/chat", "/api/chat/stream", "/api/conversations/{conversation_id}"} <= set(
        spec["paths"])
    assert client.get("/docs").status_code == 200
    assert client.get("/healthz").json()["passages"] > 0


def test_personal_data_is_warned_about_and_never_stored(client):
    data, auth = start(client, "山田花子です。電話は090-1234-5678。住民票の写しはどこで取れますか")
    assert "個人情報" in data["answer"]
    assert data["answer"].count("ご入力の内容に個人情報") == 1  # warned once, not twice
    thread = client.get(f"/api/conversations/{data['conversation_id']}", headers=auth).json()
    stored = " ".join(m["text"] for m in thread["messages"])
    assert "090-1234-5678" not in stored and "山田花子" not in stored


def test_a_picked_choice_is_answered_with_that_passage(client):
    from bot.store import repo

    data, auth = start(client, "粗大ごみ")
    assert data["decision"] == "clarify"
    fee = next(c for c in data["choices"] if c["doc_id"] == "gomi-sodai#ryokin")
    r = client.post("/api/chat", headers=auth, json={"conversation_id": data["conversation_id"],
                                                     "message": fee["label"]})
    assert r.status_code == 200
    assert r.json()["decision"] == "answer"
    assert [c["doc_id"] for c in r.json()["citations"]] == ["gomi-sodai#ryokin"]
    with client.app.state.services.db.session() as s:
        bot = repo.messages_after(s, data["conversation_id"])[-1]
    pick = next(st for st in bot.trace["steps"] if st["step"] == "pick")
    assert pick["doc_id"] == "gomi-sodai#ryokin"
    # The same words in a conversation that was offered no such choice are searched as usual
    # (and a pick's reply, which depends on the offer, is never kept in the answer cache).
    other, _ = start(client, fee["label"])
    with client.app.state.services.db.session() as s:
        bot = repo.messages_after(s, other["conversation_id"])[-1]
    assert "pick" not in [st["step"] for st in bot.trace["steps"]]
