"""Handoff on LINE: staff answers from the console arrive as pushes through the notifier, the
bot keeps quiet while staff own the conversation, and unfollowed users are never pushed to."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.channels import line_format as fmt
from bot.channels.line_notifier import api_host, has_unfollowed
from bot.channels.line_sim import DEFAULT_USER, make_event
from bot.service.chat import RESUMED_TEXT, STAFF_HANDLING_TEXT
from bot.store import repo
from bot.store.models import Escalation, Message, Role
from tests.staff.test_console import PASSWORD, csrf, login

from .conftest import Line

ASK_PERSON = "粗大ごみのことで職員と話したい"
STAFF_ANSWER = "粗大ごみは受付センター 0199-25-5310 へどうぞ。"


@pytest.fixture
def line(line_app_factory, fake) -> Line:
    app = line_app_factory()
    with app.state.services.db.session() as s:
        app.state.services.staff.add(s, "suzuki", PASSWORD, "staff", "生活環境課")
    return Line(app, fake)


def escalation_id(line: Line) -> int:
    with line.services.db.session() as s:
        return s.scalars(select(Escalation.id)).one()


def staff_page(line: Line):
    staff = login(line.app, "suzuki")
    esc = escalation_id(line)
    return staff, esc, csrf(staff.get(f"/staff/escalations/{esc}").text)


def test_full_handoff_cycle_on_line(line, fake):
    handoff = line.say(ASK_PERSON)
    assert "職員におつなぎします" in handoff.texts[0]
    items = handoff.messages[-1]["quickReply"]["items"]
    assert items and {i["action"]["type"] for i in items} == {"uri"}  # only call buttons
    staff, esc, token = staff_page(line)
    assert "<dt>経路</dt><dd>LINE</dd>" in staff.get(f"/staff/escalations/{esc}").text
    staff.post(f"/staff/escalations/{esc}/assign", data={"csrf": token})

    # While staff own the conversation the bot says a person is on it, and nothing more.
    held = line.say("燃やすごみの収集日は？")
    assert held.texts == [STAFF_HANDLING_TEXT] and len(held.messages) == 1

    staff.post(f"/staff/escalations/{esc}/reply", data={"csrf": token, "text": STAFF_ANSWER})
    assert line.channel.join(10)
    (push,) = fake.pushes
    assert push.body["to"] == DEFAULT_USER
    assert push.texts == [f"{fmt.STAFF_HEADING}\n{STAFF_ANSWER}"]

    assert line.say("ありがとうございます").texts == [STAFF_HANDLING_TEXT]  # answered: still staff

    staff.post(f"/staff/escalations/{esc}/close", data={"csrf": token, "confirm": "yes"})
    assert line.channel.join(10)
    assert fake.pushes[-1].texts == [RESUMED_TEXT]

    back = line.say("住民票の写しはどこで取れますか")
    assert back.texts[0] != STAFF_HANDLING_TEXT and back.messages[-1].get("quickReply")


def test_unfollowed_user_gets_no_push(line, fake):
    line.say(ASK_PERSON)
    line.send(make_event("unfollow"))
    staff, esc, token = staff_page(line)
    staff.post(f"/staff/escalations/{esc}/reply", data={"csrf": token, "text": STAFF_ANSWER})
    assert line.channel.join(10)
    assert fake.calls("push", ok_only=False) == []
    with line.services.db.session() as s:  # the answer is kept for the record all the same
        assert s.scalars(select(Message).where(Message.role == Role.STAFF.value)).one()

    line.send(make_event("follow"))  # the resident unblocks the account
    staff.post(f"/staff/escalations/{esc}/close", data={"csrf": token, "confirm": "yes"})
    assert line.channel.join(10)
    assert [p.texts for p in fake.pushes] == [[RESUMED_TEXT]]


def test_push_waits_for_the_commit_and_skips_a_rollback(line, fake):
    notifier = line.services.notifier
    with pytest.raises(RuntimeError), line.services.db.session() as s:
        conv = repo.conversation_for_line_user(s, DEFAULT_USER)
        notifier.notify(conv, repo.add_message(s, conv, Role.STAFF.value, "取り消される返信"))
        raise RuntimeError("the staff action failed after notifying")
    assert line.channel.join(10) and fake.calls(ok_only=False) == []

    with line.services.db.session() as s:
        conv = repo.conversation_for_line_user(s, DEFAULT_USER)
        notifier.notify(conv, repo.add_message(s, conv, Role.STAFF.value, "確定した返信"))
        assert line.channel.join(1) and fake.pushes == []  # not before the commit
    assert line.channel.join(10)
    assert [p.texts for p in fake.pushes] == [[f"{fmt.STAFF_HEADING}\n確定した返信"]]


def test_web_conversations_are_not_pushed_to_line(line, fake):
    with line.services.db.session() as s:
        conv, _ = repo.create_conversation(s, "web")
        line.services.notifier.notify(conv, repo.add_message(s, conv, "staff", "web の返信"))
    assert line.channel.join(10) and fake.calls(ok_only=False) == []


def test_follow_state_is_the_latest_event(line):
    with line.services.db.session() as s:
        assert not has_unfollowed(s, DEFAULT_USER)
    line.send(make_event("unfollow"))
    with line.services.db.session() as s:
        assert has_unfollowed(s, DEFAULT_USER)
    line.send(make_event("follow"))
    with line.services.db.session() as s:
        assert not has_unfollowed(s, DEFAULT_USER)


@pytest.mark.parametrize(("base", "host"), [
    ("https://api.line.me", "https://api.line.me"),
    ("http://127.0.0.1:8090/", "http://127.0.0.1:8090"),
    ("http://127.0.0.1:8090/v2", "http://127.0.0.1:8090"),
    ("http://127.0.0.1:8090/v2/", "http://127.0.0.1:8090")])
def test_api_host_is_given_to_the_sdk_without_v2(base, host):
    assert api_host(base) == host
