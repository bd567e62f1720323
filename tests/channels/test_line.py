"""POST /line/webhook end to end through the real line-bot-sdk: signature, fast 200, every
event type, groups, redelivery, the loading indicator and the late-reply rule."""

from __future__ import annotations

import logging
import threading
import time
from urllib.parse import parse_qs

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.channels import line_format as fmt
from bot.channels.line_sim import DEFAULT_USER, make_event, sign, webhook_body
from bot.pipeline.outcome import Choice, Citation, Outcome, Reply
from bot.store.models import (
    AuditLog,
    Conversation,
    Escalation,
    Feedback,
    LineEvent,
    Message,
    Priority,
)

from .conftest import SECRET, Gate, Line, Scripted, Wrapped

QUESTION = "住民票の写しはどこで取れますか"
OTHER = "U" + "b" * 32


def count(line: Line, model) -> int:
    with line.services.db.session() as s:
        return s.scalar(select(func.count()).select_from(model)) or 0


def nothing_stored(line: Line) -> bool:
    return all(count(line, m) == 0 for m in (LineEvent, Conversation, Message, AuditLog))


def quick_labels(call) -> list[str]:
    items = (call.messages[-1].get("quickReply") or {}).get("items") or []
    return [i["action"]["label"] for i in items]


def postback_data(call, label: str) -> str:
    items = call.messages[-1]["quickReply"]["items"]
    return next(i["action"]["data"] for i in items if i["action"]["label"] == label)


# -- signature ------------------------------------------------------------------------------

def test_valid_signature_is_answered_through_the_sdk(line, fake):
    call = line.say(QUESTION)
    assert call.kind == "reply" and call.body["replyToken"]
    assert "市民課窓口" in call.texts[0] and "【出典】" not in call.texts[0]
    flex = call.messages[-1]
    assert flex["type"] == "flex" and "juminhyo.html" in flex["altText"]
    assert quick_labels(call) == ["役に立った", "役に立たなかった", "職員に相談"]


@pytest.mark.parametrize("case", ["wrong_secret", "missing", "altered", "garbage", "empty"])
def test_bad_signature_is_refused_and_nothing_is_stored(line, fake, case):
    body = webhook_body([make_event(text=QUESTION)])
    if case == "wrong_secret":
        r = line.post(body=body, signature=sign(body, "another-secret"))
    elif case == "missing":
        r = line.client.post("/line/webhook", content=body,
                             headers={"Content-Type": "application/json"})
    elif case == "altered":
        sig = sign(body, SECRET)
        r = line.post(body=body.replace("住民票".encode(), "戸籍謄本".encode()), signature=sig)
    elif case == "garbage":
        r = line.post(body=body, signature="not-base64!!")
    else:
        r = line.post(body=body, signature="")
    assert r.status_code == 400 and "署名" in r.json()["detail"]
    assert line.channel.join(5)
    assert fake.calls(ok_only=False) == [] and nothing_stored(line)


def test_signed_but_unreadable_body_is_400(line, fake):
    for raw in (b"{not json", b'{"destination": "U1"}', "\udcff".encode("utf-8", "surrogatepass")):
        r = line.post(body=raw)
        assert r.status_code == 400
    assert fake.calls(ok_only=False) == [] and nothing_stored(line)


def test_verify_button_with_no_events_is_200(line, fake):
    line.send()
    assert fake.calls(ok_only=False) == []


def test_oversized_body_is_refused(line):
    r = line.post(body=b"x" * 1_000_001, signature="x")
    assert r.status_code == 413


def test_route_absent_and_startup_message_when_unconfigured(app_factory, monkeypatch, caplog):
    monkeypatch.delenv("LINE_CHANNEL_SECRET", raising=False)
    monkeypatch.delenv("LINE_CHANNEL_ACCESS_TOKEN", raising=False)
    with caplog.at_level(logging.WARNING, logger="bot.app"):
        app = app_factory()
    r = TestClient(app).post("/line/webhook", content=b"{}", headers={"X-Line-Signature": "x"})
    assert r.status_code == 404
    assert "line" not in app.state.services.notifier.adapters
    text = caplog.text
    assert "LINE_CHANNEL_SECRET" in text and "LINE 連携は無効" in text and "disabled" in text


def test_only_one_of_secret_and_token_keeps_line_off(line_app_factory, line_settings, fake):
    app = line_app_factory(line_settings(line_channel_access_token=""))
    assert "line" not in app.state.services.extra
    assert TestClient(app).post("/line/webhook", content=b"{}").status_code == 404


# -- fast 200, background work --------------------------------------------------------------

def test_webhook_answers_200_before_the_answer_is_ready(line, fake):
    gate = Gate(line.services.chat.pipeline)
    line.services.chat.pipeline = gate
    r = line.post(make_event(text=QUESTION))
    # No wall-clock bound: the answer is held at the gate, so a 200 with no reply sent yet
    # shows the webhook did not wait for it (a synchronous webhook would time the gate out
    # and send an apology first).
    assert r.status_code == 200
    assert gate.entered.wait(10)
    assert fake.replies == []  # still answering in the background
    assert fake.loadings and fake.loadings[0].body["chatId"] == DEFAULT_USER
    gate.release.set()
    assert line.channel.join(10)
    assert len(fake.replies) == 1


def test_events_of_one_user_are_answered_in_order(line, fake):
    questions = ["住民票の写しはどこで取れますか", "図書館で本は何冊借りられますか",
                 "燃やすごみの収集日はいつですか"]
    line.send(*[make_event(text=q) for q in questions])
    with line.services.db.session() as s:
        texts = [m.text for m in s.scalars(select(Message).where(Message.role == "resident")
                                           .order_by(Message.id))]
    assert texts == questions
    assert len(fake.replies) == 3


def test_loading_indicator_only_for_text_in_1to1(line, fake):
    line.say(QUESTION)
    kinds = [c.kind for c in fake.calls()]
    assert kinds == ["loading", "reply"]
    body = fake.loadings[0].body
    assert body["chatId"] == DEFAULT_USER and body["loadingSeconds"] % 5 == 0
    fake.clear()
    line.send(make_event("sticker"), make_event("follow"))
    line.send(make_event("text", text=QUESTION, group="G1", mention=True))
    assert fake.loadings == []


def test_failed_loading_indicator_does_not_cost_the_answer(line, fake):
    line.channel.options.loading_seconds = 7  # not a multiple of 5: LINE refuses it
    call = line.say(QUESTION)
    assert call.kind == "reply"
    assert [c.status for c in fake.calls("loading", ok_only=False)] == [400]


# -- event types ----------------------------------------------------------------------------

def test_text_creates_the_users_line_conversation(line):
    line.say(QUESTION)
    line.say("図書館で本は何冊借りられますか")
    with line.services.db.session() as s:
        convs = list(s.scalars(select(Conversation)))
        assert len(convs) == 1
        conv = convs[0]
        assert conv.channel == "line" and conv.line_user_id == DEFAULT_USER
        assert [m.role for m in conv.messages] == ["resident", "bot", "resident", "bot"]


def clarify(question: str, labels: list[str]) -> Reply:
    text = "知りたいものを選んでください。\n" + "\n".join(
        f"{i}. {label}" for i, label in enumerate(labels, start=1))
    return Reply(question=question, decision="clarify", outcome=Outcome.CLARIFY, answer=text,
                 confidence=0.4, choices=[Choice(doc_id=f"D{i}", label=label)
                                          for i, label in enumerate(labels)])


def test_clarify_offers_the_candidates_as_quick_replies(line):
    labels = ["住民票の写しはどこで取れますか",
              "印鑑登録をしたいのですが何が必要ですか（代理人の場合）"]
    line.services.chat.pipeline = Scripted(line.services.chat.pipeline,
                                           {"証明書": clarify("証明書", labels)})
    call = line.say("証明書")
    assert "1. 住民票の写しはどこで取れますか" in call.texts[0]
    items = [i["action"] for i in call.messages[-1]["quickReply"]["items"]]
    cut = "印鑑登録をしたいのですが何が必要ですか…"  # LINE allows 20 characters
    assert [a["label"] for a in items] == [labels[0], cut, "職員に相談"]
    assert items[1] == {"type": "message", "label": cut, "text": labels[1]}
    answered = line.say(items[0]["text"])  # the resident taps one
    assert "市民課窓口" in answered.texts[0]


def test_a_tapped_choice_is_answered_with_that_passage(line):
    call = line.say("粗大ごみ")  # the real pipeline: a clarify over the mini index
    items = [i["action"] for i in call.messages[-1]["quickReply"]["items"]]
    fee = next(a for a in items if a.get("text", "").startswith("料金"))
    answered = line.say(fee["text"])  # searched again, this label was another clarify
    assert "1,000円" in answered.texts[0]
    assert "選んでください" not in answered.texts[0]


# -- LINE's limits, through the SDK and the fake's checks ----------------------------------

def test_long_answer_is_split_and_cut_gracefully(line, fake):
    paragraphs = [f"第{i}項 " + "粗大ごみは事前に申し込んでください。" * 250 for i in range(8)]
    long = Reply(question="長い", decision="answer", outcome=Outcome.ANSWERED,
                 answer="\n\n".join(paragraphs) + "\n\n【出典】\n[1] 規則", confidence=0.9,
                 citations=[Citation(n=1, doc_id="R1", title="規則", locator="規則 第3条",
                                     url="https://city.example.jp/r1.html", department="生活環境課",
                                     contact="0199-25-5310", source_type="ordinance")])
    line.services.chat.pipeline = Scripted(line.services.chat.pipeline, {"長い": long})
    call = line.say("長い")  # the fake refuses anything over LINE's limits
    kinds = [m["type"] for m in call.messages]
    assert kinds == ["text"] * 4 + ["flex"]
    assert call.texts[0].startswith("第0項") and call.texts[-1].endswith(fmt.TRUNCATED)
    assert all(fmt.units(t) <= 5000 for t in call.texts)
    assert "【出典】" not in "".join(call.texts)


def test_many_choices_fit_in_13_quick_replies(line, fake):
    labels = [f"候補{i}：粗大ごみの収集を申し込む方法と手数料を知りたい" for i in range(25)]
    line.services.chat.pipeline = Scripted(line.services.chat.pipeline,
                                           {"ごみ": clarify("ごみ", labels)})
    call = line.say("ごみ")
    items = call.messages[-1]["quickReply"]["items"]
    assert len(items) == 13 and items[-1]["action"]["label"] == "職員に相談"
    assert all(fmt.units(i["action"]["label"]) <= 20 for i in items)


def test_follow_greets_and_explains_how_to_reach_a_person(line, fake):
    line.send(make_event("follow"))
    (call,) = fake.replies
    text = call.texts[0]
    assert "職員に相談" in text and "出典" in text and line.services.settings.city_phone in text
    with line.services.db.session() as s:
        assert s.scalars(select(AuditLog.action)).all() == ["line.follow"]


def test_unfollow_is_recorded_without_any_call(line, fake):
    line.send(make_event("unfollow"))
    assert fake.calls(ok_only=False) == []
    with line.services.db.session() as s:
        row = s.scalars(select(AuditLog)).one()
        assert row.action == "line.unfollow" and row.target == f"line_user:{DEFAULT_USER}"


@pytest.mark.parametrize("kind", ["sticker", "image", "video", "audio", "location", "file"])
def test_non_text_gets_a_polite_note(line, fake, kind):
    line.send(make_event(kind))
    (call,) = fake.replies
    assert call.texts == [fmt.ONLY_TEXT]
    assert count(line, Conversation) == 0 and count(line, Message) == 0


def test_postback_helpful_feedback(line):
    answer = line.say(QUESTION)
    data = postback_data(answer, "役に立った")
    message_id = int(parse_qs(data)["message_id"][0])
    call = line.postback(data)
    assert call.texts == [fmt.FEEDBACK_THANKS]
    with line.services.db.session() as s:
        fb = s.scalars(select(Feedback)).one()
        assert fb.message_id == message_id and fb.helpful


def test_repeated_negative_feedback_hands_off(line):
    first = line.say(QUESTION)
    call = line.postback(postback_data(first, "役に立たなかった"))
    assert call.texts == [fmt.FEEDBACK_SORRY] and quick_labels(call) == ["職員に相談"]
    second = line.say(QUESTION)
    call = line.postback(postback_data(second, "役に立たなかった"))
    assert "職員におつなぎします" in call.texts[0]
    with line.services.db.session() as s:
        esc = s.scalars(select(Escalation)).one()
        assert esc.priority == Priority.FEEDBACK and esc.reason == "negative_feedback"


def test_feedback_on_someone_elses_message_is_refused(line):
    theirs = line.say(QUESTION, user=OTHER)
    call = line.postback(postback_data(theirs, "役に立った"))  # as DEFAULT_USER
    assert call.texts == [fmt.FEEDBACK_UNKNOWN]
    assert count(line, Feedback) == 0


def test_postback_person_opens_an_escalation(line):
    answer = line.say(QUESTION)
    call = line.postback(postback_data(answer, "職員に相談"))
    assert "職員におつなぎします" in call.texts[0]
    labels = quick_labels(call)  # call buttons only (off hours the reply also names 119 / 110)
    assert "0199-21-1111に電話" in labels and all(lb.endswith("に電話") for lb in labels)
    with line.services.db.session() as s:
        esc = s.scalars(select(Escalation)).one()
        assert esc.priority == Priority.REQUESTED
        assert esc.conversation.line_user_id == DEFAULT_USER


def test_unknown_postback_is_ignored(line, fake):
    line.send(make_event("postback", data="action=launch-rocket"),
              make_event("postback", data="action=feedback&message_id=x&helpful=1"))
    assert fake.calls(ok_only=False) == []


def test_standby_mode_events_are_left_alone(line, fake):
    line.send(make_event(text=QUESTION, mode="standby"))
    assert fake.calls(ok_only=False) == [] and count(line, Message) == 0


# -- groups and rooms -----------------------------------------------------------------------

def test_group_join_gets_the_1to1_note(line, fake):
    line.send(make_event("join", group="G1"))
    (call,) = fake.replies
    assert call.texts == [fmt.GROUP_NOTE]


def test_group_messages_are_not_answered_unless_the_bot_is_mentioned(line, fake):
    line.send(make_event(text=QUESTION, group="G1"), make_event("sticker", group="G1"))
    assert fake.calls(ok_only=False) == []
    line.send(make_event(text=QUESTION, group="G1", mention=True))
    (call,) = fake.replies
    assert call.texts == [fmt.GROUP_NOTE]
    assert count(line, Conversation) == 0 and count(line, Message) == 0


def test_room_is_treated_like_a_group(line, fake):
    ev = make_event(text=QUESTION, mention=True)
    ev["source"] = {"type": "room", "roomId": "R1", "userId": DEFAULT_USER}
    line.send(ev)
    (call,) = fake.replies
    assert call.texts == [fmt.GROUP_NOTE] and count(line, Message) == 0


# -- idempotency ----------------------------------------------------------------------------

def test_redelivered_event_is_processed_once(line, fake):
    ev = make_event(text=QUESTION)
    line.send(ev)
    again = {**ev, "deliveryContext": {"isRedelivery": True}}
    line.send(again)
    line.send(ev, ev)  # the same event twice in one delivery
    assert len(fake.replies) == 1 and len(fake.pushes) == 0
    assert count(line, Message) == 2 and count(line, LineEvent) == 1


# -- reply token first, push when late ------------------------------------------------------

def test_expired_reply_token_falls_back_to_push(line, fake):
    fake.expire_all_reply_tokens = True
    line.send(make_event(text=QUESTION))
    assert [c.status for c in fake.calls("reply", ok_only=False)] == [400]
    (push,) = fake.pushes
    assert push.body["to"] == DEFAULT_USER and "市民課窓口" in push.texts[0]
    assert quick_labels(push) == ["役に立った", "役に立たなかった", "職員に相談"]


def test_slow_answer_is_pushed_without_trying_the_token(line_app_factory, fake):
    line = Line(line_app_factory(reply_token_max_age=0.05), fake)

    class Slow(Wrapped):
        def answer(self, question, filters=None, previous="", screen=None, picked=None,
                   clean=False):
            time.sleep(0.2)
            return super().answer(question, filters, previous, screen, picked, clean)

    line.services.chat.pipeline = Slow(line.services.chat.pipeline)
    line.send(make_event(text=QUESTION))
    assert fake.calls("reply", ok_only=False) == []
    assert len(fake.pushes) == 1


def test_late_redelivery_is_pushed(line, fake):
    old = int((time.time() - 120) * 1000)
    line.send(make_event(text=QUESTION, redelivery=True, timestamp_ms=old))
    assert fake.calls("reply", ok_only=False) == [] and len(fake.pushes) == 1


def test_prompt_redelivery_still_uses_its_token(line, fake):
    line.send(make_event(text=QUESTION, redelivery=True))
    assert len(fake.replies) == 1 and fake.pushes == []


def test_other_api_errors_are_not_retried_as_push(line, fake, caplog):
    fake.access_token = "rotated-token"  # our token no longer works: 401
    with caplog.at_level(logging.ERROR):
        line.send(make_event(text=QUESTION))
    assert fake.calls("push", ok_only=False) == []
    assert [c.status for c in fake.calls("reply", ok_only=False)] == [401]
    assert "LINE event processing failed" in caplog.text
    fake.access_token = line.services.settings.line_channel_access_token
    assert line.say(QUESTION, user=OTHER).kind == "reply"  # the worker carries on


def test_a_fault_while_answering_gets_an_apology(line, fake):
    class Broken(Wrapped):
        def answer(self, *a, **k):
            raise RuntimeError("boom")

    line.services.chat.pipeline = Broken(line.services.chat.pipeline)
    line.send(make_event(text=QUESTION))
    (call,) = fake.replies
    assert "システムで問題" in call.texts[0]


def test_shutdown_drains_and_closes(line_app_factory, fake):
    app = line_app_factory()
    with TestClient(app) as client:
        body = webhook_body([make_event(text=QUESTION)])
        assert client.post("/line/webhook", content=body,
                           headers={"X-Line-Signature": sign(body, SECRET)}).status_code == 200
    assert len(fake.replies) == 1  # shutdown waited for the answer


def test_concurrent_deliveries_race_safely_on_sqlite_and_postgresql(
        line_app_factory, line_settings, fake, database_url, monkeypatch):
    line = Line(line_app_factory(line_settings(database_url=database_url)), fake)
    ev = make_event(text=QUESTION)
    statuses: list[int] = []
    threads = [threading.Thread(target=lambda: statuses.append(line.post(ev).status_code))
               for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert line.channel.join(30) and statuses == [200] * 4
    line.send({**ev, "deliveryContext": {"isRedelivery": True}})
    assert len(fake.replies) == 1 and count(line, Message) == 2

    def racing_get(self, *args, **kwargs):  # another replica stored it after our check
        return None

    monkeypatch.setattr(Session, "get", racing_get)
    assert line.channel.intake.store(ev["webhookEventId"], "U", {}, 0.0) is False
