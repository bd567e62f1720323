"""The fake Messaging API refuses what LINE refuses, so passing tests mean LINE would accept
our calls; and the real SDK client talks to it like to api.line.me."""

from __future__ import annotations

import httpx
import pytest
from linebot.v3.messaging import ApiException, TextMessage

from bot.channels.line_fake import FakeLineApi
from bot.channels.line_notifier import LineApi, invalid_reply_token

from .conftest import TOKEN

AUTH = {"Authorization": f"Bearer {TOKEN}"}


def text(t: str, **kw) -> dict:
    return {"type": "text", "text": t, **kw}


def quick(*labels: str) -> dict:
    return {"items": [{"type": "action", "action": {"type": "postback", "label": label,
                                                    "data": "x"}} for label in labels]}


@pytest.mark.parametrize(("body", "error"), [
    ({"to": "U1", "messages": []}, "1 to 5 messages"),
    ({"to": "U1", "messages": [text("a")] * 6}, "1 to 5 messages"),
    ({"to": "U1", "messages": [text("あ" * 5001)]}, "text: 1 to 5000"),
    ({"to": "U1", "messages": [text("🙂" * 2501)]}, "text: 1 to 5000"),
    ({"to": "U1", "messages": [text("")]}, "text: 1 to 5000"),
    ({"to": "U1", "messages": [text("a", quickReply=quick(*"abcdefghijklmn"))]}, "1 to 13"),
    ({"to": "U1", "messages": [text("a", quickReply=quick("あ" * 21))]}, "label: 1 to 20"),
    ({"to": "U1", "messages": [{"type": "flex", "altText": "a" * 1501,
                                "contents": {"type": "bubble"}}]}, "altText"),
    ({"messages": [text("a")]}, "to is required"),
])
def test_fake_refuses_what_line_refuses(fake, body, error):
    r = httpx.post(f"{fake.url}/v2/bot/message/push", json=body, headers=AUTH)
    assert r.status_code == 400
    assert any(error in d["message"] for d in r.json()["details"]), r.json()
    assert fake.pushes == [] and len(fake.rejected) == 1


def test_fake_checks_the_access_token_and_paths(fake):
    r = httpx.post(f"{fake.url}/v2/bot/message/push", json={"to": "U1",
                                                           "messages": [text("a")]})
    assert r.status_code == 401
    assert httpx.post(f"{fake.url}/v2/bot/nothing", json={}, headers=AUTH).status_code == 404
    r = httpx.post(f"{fake.url}/v2/bot/chat/loading/start", json={"chatId": "U1",
                                                                 "loadingSeconds": 7},
                   headers=AUTH)
    assert r.status_code == 400


def test_sdk_client_against_the_fake(fake):
    api = LineApi(TOKEN, fake.url + "/v2")
    try:
        api.loading("U1", 20)
        api.reply("token-1", [TextMessage(text="こんにちは")])
        api.push("U1", [TextMessage(text="職員からです")])
        with pytest.raises(ApiException) as used:
            api.reply("token-1", [TextMessage(text="二度目")])
        assert invalid_reply_token(used.value)
        fake.expired_reply_tokens.add("token-2")
        with pytest.raises(ApiException) as expired:
            api.reply("token-2", [TextMessage(text="遅すぎ")])
        assert invalid_reply_token(expired.value)
    finally:
        api.close()
    assert [c.kind for c in fake.calls()] == ["loading", "reply", "push"]
    assert fake.replies[0].texts == ["こんにちは"]
    push = fake.pushes[0]
    assert push.body["to"] == "U1" and push.texts == ["職員からです"]


def test_calls_are_readable_over_http_for_line_sim(fake):
    httpx.post(f"{fake.url}/v2/bot/message/push", json={"to": "U1", "messages": [text("a")]},
               headers=AUTH)
    calls = httpx.get(f"{fake.url}/_fake/calls").json()["calls"]
    assert [(c["kind"], c["status"]) for c in calls] == [("push", 200)]
    assert httpx.get(f"{fake.url}/_fake/calls?after=1").json()["calls"] == []
    httpx.delete(f"{fake.url}/_fake/calls")
    assert fake.calls(ok_only=False) == []


def test_wait_for():
    with FakeLineApi() as f:
        assert not f.wait_for(1, "push", timeout=0.05)
        httpx.post(f"{f.url}/v2/bot/message/push", json={"to": "U1", "messages": [text("a")]})
        assert f.wait_for(1, "push", timeout=2)
