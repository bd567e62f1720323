"""The conversation store on SQLite and on the real PostgreSQL server: migrations, repository
functions, retention, and concurrent conversations with no lost or interleaved messages."""

import threading
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.service.retention import REMOVED, purge
from bot.store import repo
from bot.store.db import Database
from bot.store.models import AuditLog, Conversation, Message, Priority, now


@pytest.fixture
def db(database_url):
    database = Database(database_url)
    database.migrate()
    database.migrate()  # idempotent
    yield database
    database.engine.dispose()


def test_conversation_token_and_messages(db):
    with db.session() as s:
        conv, token = repo.create_conversation(s)
        repo.add_message(s, conv, "resident", "住民票の写しは？")
        repo.add_message(s, conv, "bot", "市民課でどうぞ[1]", decision="answer",
                         citations=[{"doc_id": "KZ-SHIMIN-001"}], trace={"steps": []})
        cid = conv.id
    with db.session() as s:
        conv = s.get(Conversation, cid)
        assert conv is not None and repo.token_matches(conv, token)
        assert not repo.token_matches(conv, token + "x") and not repo.token_matches(conv, None)
        assert token not in conv.token_hash
        msgs = repo.messages_after(s, cid)
        assert [m.role for m in msgs] == ["resident", "bot"]
        assert msgs[1].citations == [{"doc_id": "KZ-SHIMIN-001"}]
        assert repo.last_resident_text(s, cid, msgs[1].id) == "住民票の写しは？"


def test_recent_resident_texts_are_the_last_n_oldest_first(db):
    with db.session() as s:
        conv, _ = repo.create_conversation(s)
        for text in ["粗大ごみ出したい", "ネットでも申し込める？", "シールはどこで買うの"]:
            repo.add_message(s, conv, "resident", text)
            repo.add_message(s, conv, "bot", "…", decision="clarify", trace={"steps": []})
        last = repo.add_message(s, conv, "resident", "いくら？")
        assert repo.recent_resident_texts(s, conv.id, last.id, 2) == [
            "ネットでも申し込める？", "シールはどこで買うの"]
        assert repo.recent_resident_texts(s, conv.id, last.id, 9)[0] == "粗大ごみ出したい"


def test_recent_reads_the_last_texts_and_the_last_bot_message_in_one_go(db):
    with db.session() as s:
        conv, _ = repo.create_conversation(s)
        assert repo.recent(s, conv.id, 3) == repo.Recent([], None)
        for text in ["粗大ごみ出したい", "ネットでも申し込める？", "シールはどこで買うの"]:
            repo.add_message(s, conv, "resident", text)
            repo.add_message(s, conv, "staff", "職員です")  # not read
            offer = repo.add_message(s, conv, "bot", "…", decision="clarify",
                                     choices=[{"label": text}], trace={"steps": []})
        got = repo.recent(s, conv.id, 2)
        assert got.resident_texts == ["ネットでも申し込める？", "シールはどこで買うの"]
        assert (got.last_bot.id, got.last_bot.decision, got.last_bot.choices) == (
            offer.id, "clarify", [{"label": "シールはどこで買うの"}])
        for _ in range(9):  # bot messages crowd the residents' out of one short read
            repo.add_message(s, conv, "bot", "…", trace={"steps": []})
        assert repo.recent(s, conv.id, 3).resident_texts == [
            "粗大ごみ出したい", "ネットでも申し込める？", "シールはどこで買うの"]


def test_active_status_without_loading_the_escalation(db):
    with db.session() as s:
        conv, _ = repo.create_conversation(s)
        assert repo.active_status(s, conv.id) == ""
        repo.escalate(s, conv, None, "handoff_requested", Priority.REQUESTED, "市民課", {})
        assert repo.active_status(s, conv.id) == "open"


def test_escalation_queue_order_and_priority_upgrade(db):
    with db.session() as s:
        a, _ = repo.create_conversation(s)
        b, _ = repo.create_conversation(s)
        repo.escalate(s, a, None, "handoff_low_confidence", Priority.LOW_CONFIDENCE, "市民課", {})
        repo.escalate(s, b, None, "handoff_requested", Priority.REQUESTED, "生活環境課", {})
        again = repo.escalate(s, a, None, "emergency", Priority.EMERGENCY, "", {})
        assert again.priority == Priority.EMERGENCY  # raised, not duplicated
        queue = repo.queue(s)
        assert [e.conversation_id for e in queue] == [a.id, b.id]
        assert [e.conversation_id for e in repo.queue(s, department="生活環境課")] == [b.id]
        assert repo.departments(s) == ["市民課", "生活環境課"]


def test_retention_delete_and_anonymise(db):
    with db.session() as s:
        old, _ = repo.create_conversation(s)
        msg = repo.add_message(s, old, "resident", "［氏名］です。ごみの日は？")
        repo.record_feedback(s, old, msg, False)
        repo.escalate(s, old, msg, "handoff_requested", Priority.REQUESTED, "", {"steps": [1]})
        fresh, _ = repo.create_conversation(s)
        repo.add_message(s, fresh, "resident", "今日の質問")
        old.updated_at = now() - timedelta(days=400)
        old_id, fresh_id = old.id, fresh.id
    with db.session() as s:
        report = purge(s, 365, "anonymise")
        assert (report.conversations, report.messages) == (1, 1)
    with db.session() as s:
        assert repo.messages_after(s, old_id)[0].text == REMOVED
        assert repo.messages_after(s, fresh_id)[0].text == "今日の質問"
        s.get(Conversation, old_id).updated_at = now() - timedelta(days=400)
    with db.session() as s:
        assert purge(s, 365, "delete").conversations == 1
    with db.session() as s:
        assert s.get(Conversation, old_id) is None and s.get(Conversation, fresh_id)
        assert {a.action for a in s.scalars(select(AuditLog))} >= {"purge.anonymise",
                                                                    "purge.delete"}
    with db.session() as s, pytest.raises(ValueError):
        purge(s, 0)


def test_concurrent_conversations_lose_and_mix_nothing(db):
    """Many residents at once: every message lands in its own conversation, in order."""
    with db.session() as s:
        ids = [repo.create_conversation(s)[0].id for _ in range(12)]
    errors: list[BaseException] = []

    def talk(cid: str) -> None:
        try:
            for n in range(15):
                with db.session() as s:
                    conv = s.get(Conversation, cid)
                    repo.add_message(s, conv, "resident", f"{cid}:{n}")
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=talk, args=(cid,)) for cid in ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with db.session() as s:
        for cid in ids:
            texts = [m.text for m in repo.messages_after(s, cid)]
            assert texts == [f"{cid}:{n}" for n in range(15)]
        assert s.query(Message).count() == 12 * 15
