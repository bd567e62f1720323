"""FAQ candidates end to end through the console: prefilled editor without courtesies, edit,
submit, send back with a comment, approval by a second member into the index (from the
database), replacement with a diff, withdrawal, history, and survival of a corpus re-ingest."""

import csv

from fastapi.testclient import TestClient

from bot.service.faq_text import Courtesies, faq_answer, variants_from_text
from bot.store import repo
from bot.store.models import ApprovedFaq, FaqEvent
from tests.conftest import MINI
from tests.staff.conftest import csrf

REPLY = ("お問い合わせありがとうございます。生活環境課の鈴木です。\n"
         "ペット用の大型ケージは粗大ごみとして出せます。処理券は1,000円です。\n"
         "ほかにご不明な点がございましたら、お気軽にお問い合わせください。よろしくお願いいたします。")
ANSWER = "ペット用の大型ケージは粗大ごみとして出せます。処理券は1,000円です。"
QUESTION = "ペットの大型ケージは粗大ごみで出せますか"


def test_courtesies_are_stripped_and_content_kept():
    c = Courtesies.load()
    assert faq_answer(REPLY, c) == ANSWER
    plain = "住民票は支所でも取れます。手数料は300円です。"
    assert faq_answer(plain, c) == plain
    assert faq_answer("よろしくお願いいたします。", c) == "よろしくお願いいたします。"
    assert variants_from_text(" a \n\nb\na\n") == ["a", "b"]


def _ids(app) -> set[str]:
    return {p.doc_id for p in app.state.services.components.retriever.index.get().passages}


def _form(token: str, **fields) -> dict:
    base = {"csrf": token, "question": QUESTION, "answer": ANSWER, "category": "ごみ",
            "department": "生活環境課", "contact": "0199-21-1701", "variants": ""}
    return {**base, **fields}


def test_candidate_lifecycle_replace_withdraw(app, login):
    resident = TestClient(app)
    resident.post("/api/chat", json={"message": "ペットの大きいケージを捨てたいので職員と話したい"})
    with app.state.services.db.session() as s:
        esc = repo.queue(s)[0]
    suzuki, tanaka = login("suzuki"), login("tanaka")
    token = csrf(suzuki.get(f"/staff/escalations/{esc.id}").text)
    suzuki.post(f"/staff/escalations/{esc.id}/department",
                data={"csrf": token, "department": "生活環境課"})
    suzuki.post(f"/staff/escalations/{esc.id}/reply", data={"csrf": token, "text": REPLY})
    with app.state.services.db.session() as s:
        staff_msg = [m for m in repo.messages_after(s, esc.conversation_id)
                     if m.role == "staff"][0].id

    # Prefill: the triggering question, the reply without courtesies, department and contact.
    editor = suzuki.get(f"/staff/faq/new?message_id={staff_msg}").text
    assert "ペットの大きいケージを捨てたい" in editor
    assert ANSWER in editor and "お問い合わせありがとうございます" not in editor
    assert 'value="生活環境課"' in editor and 'value="0199-21-1701"' in editor

    r = suzuki.post("/staff/faq/new", data=_form(token, source_message_id=staff_msg),
                    follow_redirects=False)
    cand = r.headers["location"].split("?")[0]
    assert "下書き" in suzuki.get(cand).text
    suzuki.post(f"{cand}/edit", data=_form(token, variants="大型ケージ 捨て方\nケージ 粗大ごみ",
                                           action="submit"))
    assert "承認待ち" in tanaka.get(cand).text
    # Four eyes: the author cannot decide; a send-back needs a comment.
    assert "別の職員の確認が必要" in suzuki.post(f"{cand}/approve", data={"csrf": token}).text
    t_token = csrf(tanaka.get(cand).text)
    assert "理由をコメント" in tanaka.post(f"{cand}/return", data={"csrf": t_token}).text
    tanaka.post(f"{cand}/return", data={"csrf": t_token, "comment": "料金の根拠を書いてください"})
    page = suzuki.get(cand).text
    assert "差し戻し" in page and "料金の根拠を書いてください" in page
    suzuki.post(f"{cand}/edit", data=_form(token, answer=ANSWER + "（手数料条例による）",
                                           variants="大型ケージ 捨て方\nケージ 粗大ごみ",
                                           action="submit"))
    # The reviewer sees every field before approving.
    review = tanaka.get(cand).text
    for value in (QUESTION, "（手数料条例による）", "ごみ", "生活環境課", "0199-21-1701"):
        assert value in review
    tanaka.post(f"{cand}/approve", data={"csrf": t_token})

    assert "STAFF-FAQ-0001" in _ids(app)
    services = app.state.services
    with services.db.session() as s:
        row = s.get(ApprovedFaq, "STAFF-FAQ-0001")
        assert row.status == "active" and row.department == "生活環境課"
        assert row.variants == ["大型ケージ 捨て方", "ケージ 粗大ごみ"]
        actions = [e.action for e in s.query(FaqEvent).order_by(FaqEvent.id)]
    assert actions == ["created", "edited", "submitted", "returned", "edited", "submitted",
                       "approved"]
    with open(services.faq.csv_path, encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert rows[0]["ID"] == "STAFF-FAQ-0001" and rows[0]["担当課"] == "生活環境課"
    assert rows[0]["質問の言い換え"] == "大型ケージ 捨て方\nケージ 粗大ごみ"
    reply = services.components.pipeline.answer("ペットの大型ケージは粗大ごみで出せる？")
    assert reply.candidates[0].doc_id == "STAFF-FAQ-0001"

    # Replace: a draft under the same ID, a diff for the reviewer, then the new text serves.
    r = tanaka.post("/staff/faq/approved/STAFF-FAQ-0001/replace", data={"csrf": t_token},
                    follow_redirects=False)
    repl = r.headers["location"].split("?")[0]
    new_answer = "大型ケージは粗大ごみです。処理券は1,200円です。"
    tanaka.post(f"{repl}/edit", data=_form(t_token, answer=new_answer, action="submit"))
    diff = suzuki.get(repl).text
    assert "公開中の FAQ との差分" in diff and "<del>" in diff and "<ins>" in diff
    suzuki.post(f"{repl}/approve", data={"csrf": token})
    passages = {p.doc_id: p for p in services.components.retriever.index.get().passages}
    assert "1,200円" in passages["STAFF-FAQ-0001"].text

    # Withdraw: asked by one, approved by another; the entry leaves the index, history stays.
    r = suzuki.post("/staff/faq/approved/STAFF-FAQ-0001/withdraw", data={"csrf": token},
                    follow_redirects=True)
    assert "取り下げの理由" in r.text
    r = suzuki.post("/staff/faq/approved/STAFF-FAQ-0001/withdraw",
                    data={"csrf": token, "reason": "制度が変わったため"}, follow_redirects=False)
    wd = r.headers["location"].split("?")[0]
    assert "別の職員の確認が必要" in suzuki.post(f"{wd}/approve", data={"csrf": token}).text
    tanaka.post(f"{wd}/approve", data={"csrf": t_token})
    assert "STAFF-FAQ-0001" not in _ids(app)
    listing = tanaka.get("/staff/faq").text
    assert "取り下げ済み" in listing
    with services.db.session() as s:
        assert s.get(ApprovedFaq, "STAFF-FAQ-0001").status == "withdrawn"


def test_approved_faq_survives_a_corpus_reingest(app, login, embedder):
    from ingest.index import ingest

    services = app.state.services
    suzuki, tanaka = login("suzuki"), login("tanaka")
    token = csrf(suzuki.get("/staff/faq/new").text)
    r = suzuki.post("/staff/faq/new", data=_form(token, action="submit"),
                    follow_redirects=False)
    cand = r.headers["location"].split("?")[0]
    tanaka.post(f"{cand}/approve", data={"csrf": csrf(tanaka.get(cand).text)})
    assert "STAFF-FAQ-0001" in _ids(app)
    index_dir = services.components.retriever.index.index_dir
    report = ingest([MINI], index_dir, embedder, progress=False)
    assert report.swapped or report.generation
    assert "STAFF-FAQ-0001" in _ids(app)


def test_editor_prefilled_from_a_topic_and_bad_input(app, login):
    suzuki = login("suzuki")
    page = suzuki.get("/staff/faq/new?question=犬の登録はどこで&department=生活環境課").text
    assert 'value="犬の登録はどこで"' in page and 'value="0199-21-1701"' in page
    token = csrf(page)
    r = suzuki.post("/staff/faq/new", data=_form(token, answer=" "))
    assert r.status_code == 400 and "回答を入力してください" in r.text
    assert suzuki.get("/staff/faq/999").status_code == 404
    assert suzuki.get("/staff/faq/new?message_id=999").status_code == 404
    assert suzuki.post("/staff/faq/approved/NOPE/withdraw",
                       data={"csrf": token, "reason": "x"}).status_code == 404


def test_faq_publish_restores_approved_faqs_into_a_fresh_index(app, login, embedder, tmp_path,
                                                               monkeypatch, capsys):
    from bot.cli import main
    from ingest.index import ingest
    from ingest.store import IndexPaths, read_passages

    suzuki, tanaka = login("suzuki"), login("tanaka")
    token = csrf(suzuki.get("/staff/faq/new").text)
    r = suzuki.post("/staff/faq/new", data=_form(token, action="submit"),
                    follow_redirects=False)
    cand = r.headers["location"].split("?")[0]
    tanaka.post(f"{cand}/approve", data={"csrf": csrf(tanaka.get(cand).text)})
    settings = app.state.services.settings
    fresh = tmp_path / "fresh-index"
    ingest([MINI], fresh, embedder, progress=False)

    def doc_ids() -> set[str]:
        paths = IndexPaths(fresh)
        return {p.doc_id for p in read_passages(paths.generation_dir(paths.current_generation()))}

    assert "STAFF-FAQ-0001" not in doc_ids()
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    monkeypatch.setenv("MADOGUCHI_DATA_DIR", str(settings.data_dir))
    assert main(["faq", "publish", "--index", str(fresh)]) == 0
    assert "承認済み FAQ 1 件" in capsys.readouterr().out
    assert "STAFF-FAQ-0001" in doc_ids()
