"""Malformed or extreme input is a 4xx with a reason, never a 500: lone surrogates, integers
beyond what the database stores, and LINE bodies as large as LINE itself may send."""

import json
import uuid

import pytest
from fastapi.testclient import TestClient


@pytest.fixture
def client(app_factory):
    return TestClient(app_factory(), raise_server_exceptions=False)


def _start(client):
    r = client.post("/api/chat", json={"message": "燃やすごみの収集日はいつですか"})
    assert r.status_code == 200, r.text
    data = r.json()
    return data, {"X-Conversation-Token": data["token"]}


@pytest.mark.parametrize("raw", [
    '{"message": "\\ud800"}', '{"message": "ab\\udfffcd"}', '{"message": "\\ud800\\ud800"}',
    '{"conversation_id": "\\ud800", "message": "x"}', '{"message": ["\\ud800"]}',
])
def test_a_lone_surrogate_is_refused_with_a_reason(client, raw):
    r = client.post("/api/chat", content=raw.encode(), headers={"Content-Type": "application/json"})
    assert r.status_code == 422, r.text
    assert r.json()["detail"]
    assert "\\ud800" not in r.text


def test_a_lone_surrogate_in_an_ignored_key_does_no_harm(client):
    r = client.post("/api/chat", content=b'{"\\ud800": 1, "message": "x"}',
                    headers={"Content-Type": "application/json"})
    assert r.status_code == 200, r.text


@pytest.mark.parametrize("after", ["1e23", str(2**63), str(2**31), "-1", "1.5", "nan", "inf"])
def test_thread_after_beyond_any_id_is_a_4xx(client, after):
    data, auth = _start(client)
    r = client.get(f"/api/conversations/{data['conversation_id']}?after={after}", headers=auth)
    assert r.status_code == 422, r.text


@pytest.mark.parametrize("message_id", [1e20, 2**63, 2**31, -1, 0, 1.5, "1e20"])
def test_feedback_on_an_impossible_message_id_is_a_4xx(client, message_id):
    data, auth = _start(client)
    r = client.post(f"/api/conversations/{data['conversation_id']}/feedback", headers=auth,
                    content=json.dumps({"message_id": message_id, "helpful": True}),
                    )
    assert r.status_code == 422, r.text


def test_largest_legal_id_is_just_not_found(client):
    data, auth = _start(client)
    cid = data["conversation_id"]
    r = client.post(f"/api/conversations/{cid}/feedback", headers=auth,
                    json={"message_id": 2**31 - 1, "helpful": True})
    assert r.status_code == 404
    r = client.get(f"/api/conversations/{cid}?after={2**31 - 1}", headers=auth)
    assert r.status_code == 200 and r.json()["messages"] == []


def test_validation_errors_do_not_echo_the_input(client):
    secret = "090-1234-5678 山田花子 " + "あ" * 1000
    r = client.post("/api/chat", json={"message": secret})
    assert r.status_code == 422
    assert "090-1234-5678" not in r.text and "山田花子" not in r.text


def test_openapi_documents_the_4xx_answers(client):
    spec = client.get("/openapi.json").json()
    thread = spec["paths"]["/api/conversations/{conversation_id}"]["get"]["responses"]
    feedback = spec["paths"]["/api/conversations/{conversation_id}/feedback"]["post"]["responses"]
    chat = spec["paths"]["/api/chat"]["post"]["responses"]
    for responses in (thread, feedback, chat):
        assert {"403", "404", "422"} <= set(responses), responses
    assert {"413", "429"} <= set(chat)


def test_unknown_conversation_is_404_not_500(client):
    r = client.get(f"/api/conversations/{uuid.uuid4()}",
                   headers={"X-Conversation-Token": "x" * 43})
    assert r.status_code == 404
