"""The safety gate runs first in every conversation state, through the resident API: bot
answering, clarify pending, staff-owned, closed and rate-limited."""

from fastapi.testclient import TestClient
from sqlalchemy import select

from bot.pipeline.emergency import EmergencyDetector
from bot.safety.ratelimit import RateLimiter, parse_limits
from bot.settings import AnswerSettings
from bot.store import repo
from bot.store.models import AuditLog, Escalation, Priority
from tests.channels.conftest import Scripted
from tests.channels.test_line import clarify
from tests.staff.test_console import csrf, login

FIRE = "家が燃えてる！火事です！"
SMELL = "最近ちょっと胸が痛い気がする"  # a cue only: possible for the lexical gate


def lexical_gate(app) -> None:
    """The gate without its embedder, so a cue alone decides the tier (independent of the
    similarity thresholds, which are tuned on the safety gold)."""
    app.state.services.chat.pipeline.emergency = EmergencyDetector.load(
        AnswerSettings().emergency_path)


def staff_client(app) -> tuple[TestClient, str]:
    c = login(app, "suzuki")
    return c, csrf(c.get("/staff").text)


def start(client: TestClient, message: str) -> tuple[dict, dict]:
    r = client.post("/api/chat", json={"message": message})
    assert r.status_code == 200, r.text
    data = r.json()
    return data, {"X-Conversation-Token": data["token"]}


def say(client: TestClient, cid: str, auth: dict, message: str):
    return client.post("/api/chat", headers=auth, json={"conversation_id": cid,
                                                        "message": message})


def staff_owned(app) -> tuple[TestClient, str, dict, TestClient, str, int]:
    resident = TestClient(app)
    data, auth = start(resident, "粗大ごみのことで職員と話したい")
    staff, token = staff_client(app)
    with app.state.services.db.session() as s:
        esc = repo.queue(s)[0].id
    staff.post(f"/staff/escalations/{esc}/assign", data={"csrf": token})
    return resident, data["conversation_id"], auth, staff, token, esc


def escalation(app, esc_id: int) -> Escalation:
    with app.state.services.db.session() as s:
        esc = s.get(Escalation, esc_id)
        s.expunge(esc)
        return esc


def test_emergency_while_staff_own_the_conversation(app):
    resident, cid, auth, staff, _, esc = staff_owned(app)
    before = escalation(app, esc)
    assert before.status == "assigned" and before.priority == Priority.REQUESTED
    r = say(resident, cid, auth, FIRE).json()
    assert r["decision"] == "emergency" and r["emergency"] == "certain"
    assert "119" in r["answer"] and "職員が対応しています" not in r["answer"]
    after = escalation(app, esc)
    assert after.priority == Priority.EMERGENCY and after.status == "assigned"
    with app.state.services.db.session() as s:
        alert = s.scalars(select(AuditLog).where(AuditLog.action == "escalation.emergency")).one()
        assert alert.target == f"escalation:{esc}" and alert.detail["kind"] == "fire"
    page = staff.get("/staff").text  # the assigned staff member sees the alert on every page
    assert 'class="alert-emergency" role="alert"' in page and f"#{esc}" in page
    assert staff.get(f"/staff/escalations/{esc}").text.count("alert-emergency") == 1


def test_possible_emergency_while_staff_own_the_conversation(app):
    lexical_gate(app)
    resident, cid, auth, *_ = staff_owned(app)
    r = say(resident, cid, auth, SMELL).json()
    assert r["outcome"] == "staff_handling" and r["emergency"] == "possible"
    first, _, rest = r["answer"].partition("\n\n")
    assert "119" in first and "職員が対応しています" in rest
    thread = resident.get(f"/api/conversations/{cid}", headers=auth).json()
    assert thread["messages"][-1]["emergency"] == "possible"


def test_ordinary_message_while_staff_own_the_conversation_stays_quiet(app):
    resident, cid, auth, *_ = staff_owned(app)
    r = say(resident, cid, auth, "燃やすごみの収集日は？").json()
    assert r["outcome"] == "staff_handling" and r["emergency"] == ""
    assert "119" not in r["answer"]


def test_emergency_after_the_conversation_was_closed(app):
    resident, cid, auth, staff, token, esc = staff_owned(app)
    staff.post(f"/staff/escalations/{esc}/close", data={"csrf": token, "confirm": "yes"})
    r = say(resident, cid, auth, "母が台所で倒れて意識がありません").json()
    assert r["decision"] == "emergency" and "119" in r["answer"]
    with app.state.services.db.session() as s:
        active = repo.active_escalation(s, cid)
        assert active is not None and active.id != esc
        assert active.priority == Priority.EMERGENCY and active.status == "open"


def test_emergency_while_a_clarify_is_pending(app):
    labels = ["住民票の写しはどこで取れますか", "印鑑登録の手続き"]
    chat = app.state.services.chat
    chat.pipeline = Scripted(chat.pipeline, {"証明書": clarify("証明書", labels)})
    resident = TestClient(app)
    data, auth = start(resident, "証明書")
    assert data["decision"] == "clarify" and data["choices"]
    r = say(resident, data["conversation_id"], auth, "子どもが息をしていない").json()
    assert r["decision"] == "emergency" and "119" in r["answer"]
    assert r["choices"] == []


def test_emergency_is_never_rate_limited(app):
    services = app.state.services
    services.ip_limiter = RateLimiter(parse_limits("2/minute"))
    lexical_gate(app)
    resident = TestClient(app)
    data, auth = start(resident, "図書館で本は何冊借りられますか")
    cid = data["conversation_id"]
    assert say(resident, cid, auth, "図書館の休館日は").status_code == 200
    refused = say(resident, cid, auth, "住民票の写しはどこで取れますか")
    assert refused.status_code == 429 and "Retry-After" in refused.headers
    r = say(resident, cid, auth, FIRE)
    assert r.status_code == 200 and r.json()["decision"] == "emergency"
    assert "119" in r.json()["answer"]
    r = say(resident, cid, auth, SMELL)
    assert r.status_code == 200 and r.json()["emergency"] == "possible"
    first, _, rest = r.json()["answer"].partition("\n\n")
    assert "119" in first and "しばらく受け付けを止めています" in rest
    with services.db.session() as s:
        assert repo.active_escalation(s, cid).priority == Priority.EMERGENCY


def test_possible_emergency_gets_the_line_and_the_answer(app):
    resident = TestClient(app)
    data, _ = start(resident, "住民票をDVの加害者に見せないようにしたい")
    assert data["emergency"] == "possible" and data["decision"] != "emergency"
    first, _, rest = data["answer"].partition("\n\n")
    assert "#8008" in first and rest
