"""Question variants through the console and the resident API: a clarify pick, 役に立った and
「このFAQで回答できる」 propose the resident's masked question; one member confirms, a second
approves (four eyes); the variant is served at once; 役に立たなかった proposes its removal;
export and import keep who, when and why."""

from __future__ import annotations

import csv
import io

from fastapi.testclient import TestClient
from sqlalchemy import select

from bot.store import repo
from bot.store.models import QuestionVariant
from tests.staff.conftest import csrf

ASKED = "古いタンスを処分したい"
FAQ = "T-GOMI-001"


def _chat(client: TestClient, message: str, conv: dict | None = None) -> dict:
    body = {"message": message}
    headers = {}
    if conv:
        body["conversation_id"] = conv["conversation_id"]
        headers["X-Conversation-Token"] = conv["token"]
    r = client.post("/api/chat", json=body, headers=headers)
    assert r.status_code == 200, r.text
    data = r.json()
    if conv:
        data["token"] = conv["token"]
    return data


def _rows(app) -> list[QuestionVariant]:
    with app.state.services.db.session() as s:
        rows = list(s.scalars(select(QuestionVariant).order_by(QuestionVariant.id)))
        s.expunge_all()
        return rows


def _served(app) -> set[tuple[str, str]]:
    gen = app.state.services.components.retriever.index.get()
    return {(v.doc_id, v.text) for v in gen.variants.variants}


def test_pick_then_two_members_then_served_then_removed(app, login):
    resident = TestClient(app)
    first = _chat(resident, ASKED)
    assert first["decision"] == "clarify"
    label = next(c["label"] for c in first["choices"] if c["doc_id"] == FAQ)
    picked = _chat(resident, label, first)
    assert picked["decision"] == "answer"
    [row] = _rows(app)
    assert (row.doc_id, row.text, row.status, row.origin) == (FAQ, ASKED, "suggested", "clarify")
    assert row.message_id is not None and row.proposed_by is None
    # picking the same again adds nothing
    _chat(resident, label, _chat(TestClient(app), ASKED))
    assert len(_rows(app)) == 1

    suzuki, tanaka = login("suzuki"), login("tanaka")
    page = suzuki.get("/staff/variants")
    assert ASKED in page.text and "選択肢で選ばれた" in page.text
    token = csrf(page.text)
    r = suzuki.post(f"/staff/variants/{row.id}/approve", data={"csrf": token})
    assert "承認待ちの提案ではありません" in r.text and (FAQ, ASKED) not in _served(app)
    suzuki.post(f"/staff/variants/{row.id}/endorse", data={"csrf": token})
    r = suzuki.post(f"/staff/variants/{row.id}/approve", data={"csrf": token})
    assert "別の職員の確認が必要" in r.text and (FAQ, ASKED) not in _served(app)
    t_token = csrf(tanaka.get("/staff/variants").text)
    r = tanaka.post(f"/staff/variants/{row.id}/approve",
                    data={"csrf": t_token, "comment": "粗大ごみの質問です"})
    assert "承認しました" in r.text
    assert (FAQ, ASKED) in _served(app)
    [row] = _rows(app)
    assert row.status == "approved" and row.decided_by and row.decision_comment

    again = _chat(TestClient(app), ASKED)
    assert again["decision"] == "answer" and again["citations"][0]["doc_id"] == FAQ
    with app.state.services.db.session() as s:
        trace = s.get(repo.Message, again["message_id"]).trace
    top = next(st for st in trace["steps"] if st["step"] == "retrieve")["fused_top"][0]
    assert top["variant"] == ASKED and top["variant_origin"] == f"db:{row.id}"

    # 役に立たなかった on that answer proposes removing the variant that led there
    r = TestClient(app).post(f"/api/conversations/{again['conversation_id']}/feedback",
                             json={"message_id": again["message_id"], "helpful": False},
                             headers={"X-Conversation-Token": again["token"]})
    assert r.status_code == 200
    removal = [r for r in _rows(app) if r.kind == "remove"]
    assert [(r.target_id, r.status, r.origin) for r in removal] == [
        (row.id, "suggested", "not_helpful")]
    tanaka.post(f"/staff/variants/{removal[0].id}/endorse", data={"csrf": t_token})
    suzuki.post(f"/staff/variants/{removal[0].id}/approve", data={"csrf": token})
    assert (FAQ, ASKED) not in _served(app)
    assert {r.id: r.status for r in _rows(app)} == {row.id: "removed", removal[0].id: "approved"}


def test_helpful_suggests_and_escalation_link_proposes(app, login):
    resident = TestClient(app)
    answered = _chat(resident, "図書館の本って何冊借りられるの")
    assert answered["decision"] == "answer"
    doc = answered["citations"][0]["doc_id"]
    resident.post(f"/api/conversations/{answered['conversation_id']}/feedback",
                  json={"message_id": answered["message_id"], "helpful": True},
                  headers={"X-Conversation-Token": answered["token"]})
    [row] = _rows(app)
    assert (row.doc_id, row.text, row.origin, row.status) == (
        doc, "図書館の本って何冊借りられるの", "helpful", "suggested")

    _chat(TestClient(app), "ベッドを捨てたいので職員と話したい")
    with app.state.services.db.session() as s:
        esc = repo.queue(s)[0]
        esc_id = esc.id
    suzuki = login("suzuki")
    page = suzuki.get(f"/staff/escalations/{esc_id}?faq_q=粗大ごみ")
    assert "このFAQで回答できる" in page.text and FAQ in page.text
    r = suzuki.post("/staff/variants/link", data={"csrf": csrf(page.text), "doc_id": FAQ,
                                                  "escalation_id": esc_id})
    assert "承認依頼しました" in r.text
    linked = _rows(app)[-1]
    assert (linked.doc_id, linked.origin, linked.status) == (FAQ, "escalation", "proposed")
    assert "ベッド" in linked.text and linked.proposed_by is not None
    bad = suzuki.post("/staff/variants/link", data={"csrf": csrf(page.text), "doc_id": "NOPE",
                                                    "escalation_id": esc_id})
    assert "索引にありません" in bad.text
    assert suzuki.post("/staff/variants/link", data={"csrf": csrf(page.text), "doc_id": FAQ,
                                                     "escalation_id": 0}).status_code == 422


def test_export_import_round_trip(app, login, app_factory, tmp_path):
    suzuki, tanaka = login("suzuki"), login("tanaka")
    token = csrf(suzuki.get("/staff/variants").text)
    r = suzuki.post("/staff/variants", data={"csrf": token, "doc_id": FAQ,
                                             "text": "冷蔵庫は粗大ごみで出せる？",
                                             "reason": "窓口でよく聞かれる"})
    assert "承認を依頼しました" in r.text
    [row] = _rows(app)
    tanaka.post(f"/staff/variants/{row.id}/approve",
                data={"csrf": csrf(tanaka.get("/staff/variants").text)})
    exported = suzuki.get("/staff/variants/export.csv")
    assert exported.status_code == 200
    text = exported.content.decode("utf-8-sig")
    [line] = list(csv.DictReader(io.StringIO(text)))
    assert (line["doc_id"], line["言い換え"], line["状態"], line["提案者"], line["承認者"],
            line["理由"]) == (FAQ, "冷蔵庫は粗大ごみで出せる？", "approved", "suzuki", "tanaka",
                             "窓口でよく聞かれる")

    fresh = app_factory(database_url=f"sqlite:///{tmp_path}/fresh.db")
    services = fresh.state.services
    with services.db.session() as s:
        services.staff.add(s, "suzuki", "correct-horse-battery", "staff")
        assert services.variants.import_csv(s, text) == (1, [])
        assert services.variants.import_csv(s, text) == (0, [])
        services.variants.publish(s)
    with services.db.session() as s:
        [restored] = list(s.scalars(select(QuestionVariant)))
        assert (restored.status, restored.origin, restored.proposed_by is not None,
                restored.decided_by) == ("approved", "import", True, None)
    gen = services.components.retriever.index.get()
    served = {(v.doc_id, v.text) for v in gen.variants.variants}
    assert (FAQ, "冷蔵庫は粗大ごみで出せる？") in served
