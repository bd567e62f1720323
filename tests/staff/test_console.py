"""Staff console: login, lockout, CSRF, queue, reply delivered to the resident, bot silence
while staff own the conversation, close, four-eyes FAQ approval, audit log."""

from fastapi.testclient import TestClient

from bot.store import repo
from bot.store.models import AuditLog
from tests.staff.conftest import PASSWORD, csrf


def login(app, name: str) -> TestClient:
    c = TestClient(app, base_url="https://testserver")
    page = c.get("/staff/login")
    r = c.post("/staff/login", data={"name": name, "password": PASSWORD,
                                     "csrf": csrf(page.text)}, follow_redirects=False)
    assert r.status_code == 303, r.text
    return c


def resident_asks_for_person(app):
    c = TestClient(app, base_url="https://testserver")
    data = c.post("/api/chat", json={"message": "粗大ごみのことで職員と話したい"}).json()
    return c, data["conversation_id"], {"X-Conversation-Token": data["token"]}


def first_escalation_id(app) -> int:
    with app.state.services.db.session() as s:
        return repo.queue(s)[0].id


def test_console_requires_login(app):
    r = TestClient(app, base_url="https://testserver").get("/staff", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/staff/login"


def test_wrong_password_and_lockout(app):
    c = TestClient(app, base_url="https://testserver")
    token = csrf(c.get("/staff/login").text)
    for _ in range(5):
        r = c.post("/staff/login", data={"name": "suzuki", "password": "wrong-password!",
                                         "csrf": token})
        assert "職員名またはパスワードが違います" in r.text
    r = c.post("/staff/login", data={"name": "suzuki", "password": PASSWORD, "csrf": token})
    assert "職員名またはパスワードが違います" in r.text  # locked: the same answer (issue 14)
    assert c.get("/staff", follow_redirects=False).status_code == 303


def test_login_without_csrf_is_refused(app):
    c = TestClient(app, base_url="https://testserver")
    c.get("/staff/login")
    r = c.post("/staff/login", data={"name": "suzuki", "password": PASSWORD})
    assert r.status_code == 403
    r = c.post("/staff/login", data={"name": "suzuki", "password": PASSWORD, "csrf": "forged"})
    assert r.status_code == 403


def test_session_cookie_flags(app):
    c = TestClient(app, base_url="https://testserver")
    r = c.get("/staff/login")
    cookie = r.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie and "path=/staff" in cookie


def test_actions_need_csrf(app):
    _, _, _ = resident_asks_for_person(app)
    staff = login(app, "suzuki")
    esc = first_escalation_id(app)
    r = staff.post(f"/staff/escalations/{esc}/reply", data={"text": "こんにちは"})
    assert r.status_code == 403


def test_full_handoff_cycle(app):
    resident, cid, auth = resident_asks_for_person(app)
    emergency = TestClient(app).post("/api/chat", json={"message": "家が燃えてる！"}).json()
    staff = login(app, "suzuki")
    queue = staff.get("/staff")
    assert queue.status_code == 200
    assert queue.text.index("緊急") < queue.text.index("職員希望")  # emergency first
    with app.state.services.db.session() as s:
        items = repo.queue(s)
        assert items[0].conversation_id == emergency["conversation_id"]
        esc = next(e.id for e in items if e.conversation_id == cid)
    page = staff.get(f"/staff/escalations/{esc}")
    assert "途中経過（トレース）" in page.text and "粗大ごみ" in page.text
    token = csrf(page.text)
    staff.post(f"/staff/escalations/{esc}/assign", data={"csrf": token})
    # While staff own the conversation the bot does not answer over them.
    r = resident.post("/api/chat", headers=auth, json={"conversation_id": cid,
                                                      "message": "燃やすごみの収集日は？"})
    assert r.json()["outcome"] == "staff_handling" and r.json()["citations"] == []
    staff.post(f"/staff/escalations/{esc}/reply",
               data={"csrf": token, "text": "粗大ごみは受付センター 0199-25-5310 へどうぞ。"})
    thread = resident.get(f"/api/conversations/{cid}", headers=auth).json()
    assert thread["messages"][-1]["role"] == "staff"
    assert "0199-25-5310" in thread["messages"][-1]["text"]
    assert thread["handoff_status"] == "answered"
    # Closing asks first (the page works without script too).
    ask = staff.post(f"/staff/escalations/{esc}/close", data={"csrf": token})
    assert "完了にしますか" in ask.text
    assert resident.get(f"/api/conversations/{cid}", headers=auth).json()[
        "handoff_status"] == "answered"
    staff.post(f"/staff/escalations/{esc}/close", data={"csrf": token, "confirm": "yes"})
    thread = resident.get(f"/api/conversations/{cid}", headers=auth).json()
    last = thread["messages"][-1]
    assert last["role"] == "system" and "自動応答" in last["text"]
    r = resident.post("/api/chat", headers=auth, json={"conversation_id": cid,
                                                      "message": "燃やすごみの収集日は？"})
    assert r.json()["outcome"] != "staff_handling"


def test_department_and_status_filters(app):
    resident_asks_for_person(app)
    staff = login(app, "suzuki")
    assert "粗大ごみ" in staff.get("/staff?department=生活環境課").text
    assert "対応待ちの問い合わせはありません" in staff.get("/staff?department=市民課").text
    assert "対応待ちの問い合わせはありません" in staff.get("/staff?status=closed").text
    assert staff.get("/staff?status=bogus").status_code == 422


def test_four_eyes_faq_approval_then_the_bot_answers_from_it(app):
    _, cid, _ = resident_asks_for_person(app)
    suzuki = login(app, "suzuki")
    esc = first_escalation_id(app)
    token = csrf(suzuki.get(f"/staff/escalations/{esc}").text)
    answer = "ペット用の大型ケージは粗大ごみとして出せます。処理券は1,000円です。"
    suzuki.post(f"/staff/escalations/{esc}/reply", data={"csrf": token, "text": answer})
    with app.state.services.db.session() as s:
        staff_msg = [m for m in repo.messages_after(s, cid) if m.role == "staff"][0].id
    editor = suzuki.get(f"/staff/faq/new?message_id={staff_msg}")
    assert editor.status_code == 200 and answer in editor.text
    r = suzuki.post("/staff/faq/new", data={
        "csrf": token, "question": "ペットの大型ケージは粗大ごみで出せますか",
        "answer": answer, "category": "ごみ・リサイクル", "department": "生活環境課",
        "contact": "0199-25-5310", "variants": "", "source_message_id": staff_msg,
        "action": "submit"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/staff/faq/1")
    faq_page = suzuki.get("/staff/faq")
    assert "承認待ち" in faq_page.text
    # The author cannot approve their own candidate.
    r = suzuki.post("/staff/faq/1/approve", data={"csrf": csrf(faq_page.text)})
    assert "別の職員の確認が必要" in r.text
    pipeline = app.state.services.components.pipeline
    assert pipeline.answer("ペットの大型ケージ 捨て方").candidates[0].doc_id != "STAFF-FAQ-0001"
    tanaka = login(app, "tanaka")
    r = tanaka.post("/staff/faq/1/approve", data={"csrf": csrf(tanaka.get("/staff/faq").text)},
                    follow_redirects=False)
    assert r.status_code == 303
    assert "STAFF-FAQ-0001" in tanaka.get("/staff/faq").text
    reply = pipeline.answer("ペットの大型ケージは粗大ごみで出せる？")
    assert reply.candidates[0].doc_id == "STAFF-FAQ-0001"
    if reply.decision == "answer":
        assert reply.citations[0].doc_id == "STAFF-FAQ-0001" and answer in reply.answer


def test_audit_log_records_actions_and_is_admin_only(app):
    resident_asks_for_person(app)
    suzuki = login(app, "suzuki")
    esc = first_escalation_id(app)
    token = csrf(suzuki.get(f"/staff/escalations/{esc}").text)
    suzuki.post(f"/staff/escalations/{esc}/assign", data={"csrf": token})
    assert suzuki.get("/staff/audit").status_code == 403
    admin = login(app, "admin")
    page = admin.get("/staff/audit")
    assert page.status_code == 200
    for action in ("login", "escalation.view", "escalation.assign"):
        assert action in page.text
    with app.state.services.db.session() as s:
        rows = {(r.staff_name, r.action) for r in s.query(AuditLog)}
    assert ("suzuki", "escalation.assign") in rows


def test_logout(app):
    staff = login(app, "suzuki")
    token = csrf(staff.get("/staff").text)
    staff.post("/staff/logout", data={"csrf": token})
    assert staff.get("/staff", follow_redirects=False).status_code == 303


def test_staff_add_cli(tmp_path, monkeypatch, capsys):
    import io

    from bot.cli import main

    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/cli.db")
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert main(["staff", "add", "yamada", "--role", "admin", "--password-stdin"]) == 0
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    assert main(["staff", "add", "sato", "--password-stdin"]) == 64
    assert "10文字以上" in capsys.readouterr().err
