"""Acknowledged LINE events survive `kill -9` (issue 14): a real `madoguchi serve` stores every
event before it answers 200, so after a crash and a restart each acknowledged event is answered
exactly once, and LINE's redelivery of one already answered is not answered again."""

from __future__ import annotations

import os
import signal
import threading
from collections import Counter
from typing import Any

import httpx
import pytest

from bench.load import Server
from bot.channels.line_fake import Call, FakeLineApi
from bot.channels.line_sim import make_event, sign, webhook_body
from tests.ops.test_scale_out import wait_for

pytestmark = [pytest.mark.slow]
SECRET, TOKEN = "crash-test-channel-secret-012345", "crash-test-access-token"
QUESTIONS = ["住民票の写しはどこで取れますか", "燃やすごみの収集日はいつですか",
             "粗大ごみの出し方を教えてください", "図書館の休館日は"]
EVENTS, BATCH = 40, 5


def deliver(server: Server, events: list[dict[str, Any]]) -> None:
    for i in range(0, len(events), BATCH):
        body = webhook_body(events[i:i + BATCH])
        r = httpx.post(f"{server.base}/line/webhook", content=body, timeout=60,
                       headers={"X-Line-Signature": sign(body, SECRET),
                                "Content-Type": "application/json"})
        assert r.status_code == 200, r.text


def answered(fake: FakeLineApi, owner: dict[str, str]) -> Counter[str]:
    """Answers per LINE user: replies (by the event's reply token) and pushes."""
    users = [owner.get(c.body.get("replyToken", ""), "?") for c in fake.replies]
    return Counter(users + [c.body.get("to", "?") for c in fake.pushes])


def test_acknowledged_events_are_answered_once_after_kill_9(database_url, mini_index,
                                                             tmp_path):
    released = threading.Event()

    def hold_loading(call: Call) -> None:
        # The worker shows the loading indicator before it answers: holding that call keeps
        # every acknowledged event unanswered until the process is killed.
        if call.kind == "loading":
            released.wait(60)

    with FakeLineApi(access_token=TOKEN) as fake:
        fake.on_call = hold_loading
        server = Server(index=mini_index, database_url=database_url, workers=1,
                        data_dir=tmp_path / "data",
                        settings={"LINE_CHANNEL_SECRET": SECRET,
                                  "LINE_CHANNEL_ACCESS_TOKEN": TOKEN,
                                  "MADOGUCHI_LINE__API_BASE": fake.url,
                                  "MADOGUCHI_LINE__LEASE_S": "2",
                                  "MADOGUCHI_SERVER__LOG_FORMAT": "text"})
        events = [make_event(text=QUESTIONS[i % len(QUESTIONS)], user=f"U{i:032x}")
                  for i in range(EVENTS)]
        owner = {ev["replyToken"]: ev["source"]["userId"] for ev in events}
        server.start(tmp_path / "before-crash.log")
        try:
            deliver(server, events)  # all 40 acknowledged
            assert server.proc is not None
            os.killpg(server.proc.pid, signal.SIGKILL)
            server.proc.wait()
            assert sum(answered(fake, owner).values()) == 0
            released.set()
            server.start(tmp_path / "after-restart.log")
            assert wait_for(lambda: sum(answered(fake, owner).values()) >= EVENTS, 180), (
                f"{sum(answered(fake, owner).values())} of {EVENTS} acknowledged events answered")
            # LINE redelivers five answered events, then the same users ask once more:
            # their chats are worked in order, so the redeliveries came first.
            again = [{**ev, "deliveryContext": {"isRedelivery": True}} for ev in events[:5]]
            later = [make_event(text=QUESTIONS[0], user=ev["source"]["userId"])
                     for ev in events[:5]]
            owner.update({ev["replyToken"]: ev["source"]["userId"] for ev in later})
            deliver(server, again + later)
            assert wait_for(lambda: sum(answered(fake, owner).values()) >= EVENTS + 5, 120)
        finally:
            server.stop()
        first = {ev["source"]["userId"] for ev in events[:5]}
        assert answered(fake, owner) == Counter({ev["source"]["userId"]: 2 if ev["source"][
            "userId"] in first else 1 for ev in events})
