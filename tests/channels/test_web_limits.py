"""Rate limits that cannot be turned against residents (issue 14): the per-conversation limit
counts only requests with the conversation's token, per-address limits see the client behind a
trusted proxy (and only there), and an Idempotency-Key makes a retry safe."""

from __future__ import annotations

import threading
import uuid

import pytest
from fastapi.testclient import TestClient

from bot.store.models import Message
from tests.safety.test_shared_ratelimit import redis_url  # noqa: F401 - a fixture

QUESTION = "燃やすごみの収集日はいつですか"


@pytest.fixture(params=["memory", "redis"])
def limits(request, monkeypatch):
    """The per-process limiter, and the Redis one shared by replicas."""
    if request.param == "redis":
        monkeypatch.setenv("MADOGUCHI_LIMITS__REDIS_URL", request.getfixturevalue("redis_url"))
        monkeypatch.setenv("MADOGUCHI_LIMITS__REDIS_PREFIX", f"t:{uuid.uuid4().hex}:")
    return request.param


def start(client: TestClient, message: str = QUESTION, **headers: str) -> tuple[str, dict]:
    r = client.post("/api/chat", json={"message": message}, headers=headers)
    assert r.status_code == 200, r.text
    return r.json()["conversation_id"], {"X-Conversation-Token": r.json()["token"]}


def post(client: TestClient, cid: str, headers: dict, message: str = QUESTION):
    return client.post("/api/chat", json={"conversation_id": cid, "message": message},
                       headers=headers)


def test_strangers_without_the_token_cannot_use_up_a_residents_limit(app_factory, limits):
    client = TestClient(app_factory())
    cid, auth = start(client)
    for _ in range(14):  # the default per-conversation limit is 12 a minute
        assert post(client, cid, {}).status_code == 403
        assert post(client, cid, {"X-Conversation-Token": "x" * 43}).status_code == 403
    r = post(client, cid, auth)
    assert r.status_code == 200, r.text


def test_the_conversation_limit_still_holds_for_its_owner(app_factory, limits, monkeypatch):
    monkeypatch.setenv("MADOGUCHI_LIMITS__PER_RESIDENT", "2/minute")
    client = TestClient(app_factory())
    cid, auth = start(client)  # the first message counts too
    assert post(client, cid, auth).status_code == 200
    refused = post(client, cid, auth)
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) >= 1


def test_residents_behind_a_trusted_proxy_have_their_own_limits(app_factory, limits,
                                                                 monkeypatch):
    monkeypatch.setenv("MADOGUCHI_LIMITS__PER_IP", "2/minute")
    monkeypatch.setenv("MADOGUCHI_SERVER__FORWARDED_ALLOW_IPS", "testclient, 10.0.0.0/8")
    client = TestClient(app_factory())  # its peer address is "testclient": the proxy
    first = {"X-Forwarded-For": "203.0.113.5, 10.1.2.3"}
    start(client, **first)
    start(client, **first)
    assert client.post("/api/chat", json={"message": QUESTION},
                       headers=first).status_code == 429
    start(client, **{"X-Forwarded-For": "203.0.113.6"})
    # the client's own claim in front of the proxy's entry is not believed
    spoofed = {"X-Forwarded-For": "198.51.100.1, 203.0.113.5"}
    assert client.post("/api/chat", json={"message": QUESTION},
                       headers=spoofed).status_code == 429


def test_forwarded_for_from_an_untrusted_peer_is_ignored(app_factory, limits, monkeypatch):
    monkeypatch.setenv("MADOGUCHI_LIMITS__PER_IP", "2/minute")
    client = TestClient(app_factory())  # default: only 127.0.0.1 is a trusted proxy
    for i in range(2):
        start(client, **{"X-Forwarded-For": f"203.0.113.{i}"})
    refused = client.post("/api/chat", json={"message": QUESTION},
                          headers={"X-Forwarded-For": "203.0.113.99"})
    assert refused.status_code == 429


def stored(app, cid: str) -> list[Message]:
    with app.state.services.db.session() as s:
        rows = s.query(Message).filter(Message.conversation_id == cid).order_by(Message.id)
        return list(rows)


def test_a_retry_with_the_same_key_gets_the_same_reply_and_one_turn(app_factory,
                                                                     database_url):
    app = app_factory(database_url)
    client = TestClient(app)
    cid, auth = start(client)
    keyed = {**auth, "Idempotency-Key": "retry-1"}
    first = post(client, cid, keyed, "粗大ごみの出し方を教えてください")
    again = post(client, cid, keyed, "粗大ごみの出し方を教えてください")
    assert first.status_code == again.status_code == 200
    assert again.json()["message_id"] == first.json()["message_id"]
    assert again.json()["answer"] == first.json()["answer"]
    assert len(stored(app, cid)) == 4  # the first question and the keyed one, each answered
    other = post(client, cid, {**auth, "Idempotency-Key": "retry-2"}, "図書館の休館日は")
    assert other.json()["message_id"] != first.json()["message_id"]
    assert len(stored(app, cid)) == 6


def test_the_key_belongs_to_its_conversation(app_factory):
    app = app_factory()
    client = TestClient(app)
    one, auth_one = start(client)
    two, auth_two = start(client)
    a = post(client, one, {**auth_one, "Idempotency-Key": "same"})
    b = post(client, two, {**auth_two, "Idempotency-Key": "same"})
    assert a.json()["message_id"] != b.json()["message_id"]
    assert b.json()["conversation_id"] == two
    # someone else's key cannot fetch a reply without the conversation's token
    assert post(client, one, {"Idempotency-Key": "same"}).status_code == 403


def test_parallel_retries_make_one_turn(app_factory, database_url):
    app = app_factory(database_url)
    codes: list[int] = []
    ids: set[int] = set()
    with TestClient(app) as client:  # one event loop for every thread's requests
        cid, auth = start(client)
        keyed = {**auth, "Idempotency-Key": "parallel"}

        def send() -> None:
            r = post(client, cid, keyed, "図書館の休館日は")
            codes.append(r.status_code)
            if r.status_code == 200:
                ids.add(r.json()["message_id"])

        threads = [threading.Thread(target=send) for _ in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert set(codes) <= {200, 409} and 200 in codes, codes
    assert len(ids) == 1
    assert len(stored(app, cid)) == 4
    from bot.store.models import ChatRequest

    with app.state.services.db.session() as s:
        assert s.query(ChatRequest).count() == 1


@pytest.mark.parametrize("key", ["", "x" * 129, "鍵".encode(), "a b"])
def test_a_malformed_key_is_a_422(app_factory, key):
    client = TestClient(app_factory())
    cid, auth = start(client)
    r = post(client, cid, {**auth, "Idempotency-Key": key})
    assert r.status_code == 422
