"""The safety gate on LINE: an emergency gets its numbers as call buttons in every state —
bot answering, clarify pending, staff-owned and rate-limited."""

from __future__ import annotations

from sqlalchemy import select

from bot.channels import line_format as fmt
from bot.safety.ratelimit import RateLimiter, parse_limits
from bot.store import repo
from bot.store.models import AuditLog, Escalation, Priority

from .conftest import Scripted
from .test_line import QUESTION, clarify, postback_data

FIRE = "家が燃えてる！火事です！"


def call_uris(call) -> dict[str, str]:
    items = (call.messages[-1].get("quickReply") or {}).get("items") or []
    return {i["action"]["label"]: i["action"]["uri"] for i in items
            if i["action"]["type"] == "uri"}


def assert_emergency(call, number: str = "119") -> None:
    bubble = call.messages[0]
    assert bubble["type"] == "flex" and number in bubble["altText"]
    header = bubble["contents"]["header"]["contents"][0]
    assert header["text"] == "緊急"
    buttons = [c["action"] for c in bubble["contents"]["body"]["contents"]
               if c["type"] == "button"]
    assert {"type": "uri", "label": f"{number} に電話する", "uri": f"tel:{number}"} in buttons
    assert call_uris(call)[f"{number}に電話"] == f"tel:{number}"


def test_emergency_is_a_red_bubble_with_call_buttons(line):
    call = line.say("母が息をしていない")
    assert_emergency(call)
    uris = call_uris(call)
    assert uris["#7119に電話"] == "tel:%237119"


def test_emergency_while_staff_own_the_conversation(line):
    answer = line.say(QUESTION)
    line.postback(postback_data(answer, "職員に相談"))
    services = line.services
    with services.db.session() as s:
        staff = services.staff.add(s, "suzuki", "correct-horse-battery")
        esc = s.scalars(select(Escalation)).one()
        services.staff.assign(s, staff, esc)
        esc_id = esc.id
    quiet = line.say("燃やすごみの収集日は？")
    assert "職員が対応しています" in quiet.texts[0] and call_uris(quiet) == {}
    assert_emergency(line.say(FIRE))
    with services.db.session() as s:
        esc = s.get(Escalation, esc_id)
        assert esc.priority == Priority.EMERGENCY and esc.status == "assigned"
        assert s.scalars(select(AuditLog).where(AuditLog.action == "escalation.emergency")).one()
        assert [e.id for e in repo.emergency_alerts(s, staff.id)] == [esc_id]


def test_emergency_while_a_clarify_is_pending(line):
    labels = ["住民票の写しはどこで取れますか", "印鑑登録の手続き"]
    line.services.chat.pipeline = Scripted(line.services.chat.pipeline,
                                           {"証明書": clarify("証明書", labels)})
    assert "1. 住民票" in line.say("証明書").texts[0]
    assert_emergency(line.say("子どもが息をしていない"))


def test_emergency_is_never_rate_limited(line):
    line.services.resident_limiter = RateLimiter(parse_limits("1/minute"))
    line.say(QUESTION)
    refused = line.say("図書館で本は何冊借りられますか")
    assert "しばらく受け付けを止めています" in refused.texts[0]
    assert_emergency(line.say(FIRE))
    with line.services.db.session() as s:
        esc = s.scalars(select(Escalation)).one()
        assert esc.priority == Priority.EMERGENCY


def test_phone_numbers_in_an_ordinary_reply_become_call_buttons():
    out = fmt.Outgoing(body="お急ぎの場合は代表電話（0199-21-1111）へ。第119条による。",
                       decision="answer", message_id=7)
    items = [i.action for i in fmt.quick_items(out)]
    assert [(a.label, getattr(a, "uri", None)) for a in items][0] == (
        "0199-21-1111に電話", "tel:0199211111")
    assert [a.label for a in items[1:]] == [fmt.HELPFUL, fmt.NOT_HELPFUL, fmt.PERSON]


def test_phone_numbers_are_found_as_replies_write_them():
    text = ("・火事・救急: 119\n・#7119（救急安心センター）\n・DV相談+: 0120-279-889\n"
            "110番へ。第119条、1190円、電話 0199-26-6199")
    assert fmt.phone_numbers(text) == ["119", "#7119", "0120-279-889", "110", "0199-26-6199"]
