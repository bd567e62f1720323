"""Short transactions: nothing is held (SQLite's write lock, a pooled connection) while the
pipeline answers, and a turn — the resident's message and the reply — is written in one short
transaction, on SQLite and on PostgreSQL."""

import json
import sqlite3
from dataclasses import dataclass, field

import pytest
from sqlalchemy import event, func, select

from bot.service.answer_cache import AnswerCache
from bot.service.chat import ChatService
from bot.service.office_hours import OfficeHours
from bot.settings import Settings
from bot.store import repo
from bot.store.db import Database
from bot.store.models import Conversation, Message


@dataclass
class WatchingPipeline:
    """The real pipeline, checking from another connection what the store holds meanwhile."""

    inner: object
    db: Database
    seen: list = field(default_factory=list)

    def __getattr__(self, name):  # safety, screen …: the real pipeline's
        return getattr(self.inner, name)

    def answer(self, question, *args, **kwargs):
        with self.db.engine.connect() as other:  # another connection: sees committed rows only
            stored = other.execute(select(func.count()).select_from(Message)
                                   .where(Message.text == question)).scalar_one()
        path = self.db.engine.url.database
        writable = None
        if self.db.engine.dialect.name == "sqlite":
            probe = sqlite3.connect(path, timeout=0.2)
            try:
                probe.execute("BEGIN IMMEDIATE")  # fails while anyone holds the write lock
                probe.rollback()
                writable = True
            except sqlite3.OperationalError:
                writable = False
            finally:
                probe.close()
        self.seen.append((stored, writable, self.db.engine.pool.checkedout()))
        return self.inner.answer(question, *args, **kwargs)


@pytest.fixture
def db(database_url):
    db = Database(database_url)
    db.migrate()
    yield db
    db.engine.dispose()


def _service(pipeline, cache=None) -> ChatService:
    h = Settings().handoff
    hours = OfficeHours.from_settings(h.weekdays, h.opens, h.closes, h.holidays_path, h.timezone)
    return ChatService(pipeline, hours, "0199-21-1111", cache=cache)


@dataclass
class Statements:
    """Every statement and COMMIT the engine sends, in order."""

    sent: list = field(default_factory=list)

    def watch(self, engine) -> None:
        @event.listens_for(engine, "before_cursor_execute")
        def _sql(conn, cursor, statement, *args):
            words = statement.split()
            verb = words[0].upper()
            table = {"INSERT": 2, "UPDATE": 1}.get(verb)
            self.sent.append(verb if table is None else f"{verb} {words[table]}")

        @event.listens_for(engine, "commit")
        def _commit(conn):
            self.sent.append("COMMIT")


def test_nothing_is_held_while_answering_and_the_turn_is_written_at_once(pipeline,
                                                                          db):
    watching = WatchingPipeline(pipeline, db)
    chat = _service(watching)
    with db.session() as s:
        conv, _ = repo.create_conversation(s)
    with db.session() as s:
        conv = s.get(Conversation, conv.id)
        turn = chat.ask(s, conv, chat.receive("燃やすごみの収集日はいつですか"))
    stored, writable, checked_out = watching.seen[0]
    assert stored == 0  # the turn is written whole, after the answer
    assert writable in (True, None)  # None: not SQLite
    assert checked_out == 0  # the asking session holds no connection while answering
    with db.session() as s:
        texts = [m.text for m in repo.messages_after(s, conv.id)]
    assert texts == ["燃やすごみの収集日はいつですか", turn.bot_message.text]


def test_a_new_conversation_and_its_turn_are_one_transaction(pipeline, db):
    chat = _service(pipeline)
    log = Statements()
    log.watch(db.engine)
    with db.session() as s:
        conv, _ = chat.open(s, None, None)
        turn = chat.ask(s, conv, chat.receive("燃やすごみの収集日はいつですか"))
    writes = [x for x in log.sent if x.startswith(("INSERT", "UPDATE", "DELETE"))]
    assert log.sent.count("COMMIT") == 1
    # the conversation, then both messages (one executemany; SQLite sends it row by row)
    assert writes[0] == "INSERT conversations"
    assert set(writes[1:]) == {"INSERT messages"} and len(writes) <= 3
    assert turn.resident_message.id < turn.bot_message.id
    with db.session() as s:
        assert [m.role for m in repo.messages_after(s, conv.id)] == ["resident", "bot"]


def test_a_cached_turn_in_a_conversation_is_one_short_transaction(pipeline, db):
    cache = AnswerCache(16, "test", lambda: "g1")
    chat = _service(pipeline, cache)
    with db.session() as s:
        conv, _ = repo.create_conversation(s)
    question = "燃やすごみの収集日はいつですか"
    with db.session() as s:
        chat.ask(s, s.get(Conversation, conv.id), chat.receive(question))
    log = Statements()
    log.watch(db.engine)
    with db.session() as s:
        turn = chat.ask(s, s.get(Conversation, conv.id), chat.receive(question))
    assert turn.reply.trace["steps"][-1]["step"] == "cache"
    assert log.sent.count("COMMIT") == 1
    writes = [x for x in log.sent if x.startswith(("INSERT", "UPDATE", "DELETE"))]
    # both messages (one executemany; SQLite sends it row by row), the conversation's time
    assert sorted(set(writes)) == ["INSERT messages", "UPDATE conversations"]
    assert writes.count("UPDATE conversations") == 1 and len(writes) <= 3
    with db.session() as s:
        assert [m.role for m in repo.messages_after(s, conv.id)] == ["resident", "bot"] * 2


@pytest.mark.parametrize("question", ["職員と話したい", "燃やすごみの収集日はいつですか"])
def test_escalations_point_at_the_stored_message(pipeline, db, question):
    """An escalation needs the resident's message id: written before it, in the same
    transaction."""
    chat = _service(pipeline)
    with db.session() as s:
        conv, _ = chat.open(s, None, None)
        turn = chat.ask(s, conv, chat.receive(question))
        esc = repo.active_escalation(s, conv.id)
    if turn.reply.outcome.escalates:
        assert esc is not None and esc.message_id == turn.resident_message.id
    else:
        assert esc is None


def _json(value):
    return json.loads(json.dumps(value))


@pytest.mark.parametrize("existing", [False, True])
def test_a_turn_is_stored_whole_and_nothing_is_read_back(pipeline, db, existing):
    """The turn's rows go out with Core; the session keeps them as stored rows: every column
    the response reads is there without a SELECT, and the database holds the same."""
    chat = _service(pipeline)
    if existing:
        with db.session() as s:
            conv_id = repo.create_conversation(s)[0].id
    log = Statements()
    log.watch(db.engine)
    with db.session() as s:
        conv = s.get(Conversation, conv_id) if existing else chat.open(s, None, None)[0]
        turn = chat.ask(s, conv, chat.receive("燃やすごみの収集日はいつですか"))
        after_ask = len(log.sent)
        bot, resident = turn.bot_message, turn.resident_message
        seen = {"bot": (bot.id, bot.text, bot.decision, bot.outcome, bot.confidence,
                        bot.citations, bot.choices, bot.trace, bot.created_at),
                "resident": (resident.id, resident.text, resident.created_at),
                "conv": (conv.id, conv.channel, conv.created_at, conv.updated_at,
                         conv.negative_feedback)}
        assert s.get(Message, bot.id) is bot and bot in s and conv in s
        assert not s.dirty and not s.new
        assert len(log.sent) == after_ask  # nothing read back
    with db.session() as s:
        b, r = s.get(Message, bot.id), s.get(Message, resident.id)
        c = s.get(Conversation, conv.id)
        # JSON as stored (the reply's trace holds tuples; the ORM kept them in memory too)
        assert (b.id, b.text, b.decision, b.outcome, b.confidence, b.citations, b.choices,
                b.trace, b.created_at) == (*seen["bot"][:7], _json(seen["bot"][7]),
                                           seen["bot"][8])
        assert (r.id, r.text, r.created_at) == seen["resident"]
        assert (c.id, c.channel, c.created_at, c.updated_at, c.negative_feedback) == seen["conv"]
        assert r.role == "resident" and b.role == "bot" and b.conversation_id == conv.id
