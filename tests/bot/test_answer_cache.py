"""The answer cache: a reply served from it is the reply the pipeline computes, it follows the
serving generation, and it keeps no personal data and no earlier turns."""

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from bot import factory
from bot.pipeline.reading import CONTEXT_NEEDED
from bot.service.answer_cache import HIT, MISS, SKIP, AnswerCache, Computed, context_of
from bot.service.chat import ChatService
from bot.service.office_hours import OfficeHours
from bot.settings import Settings
from bot.store.db import Database
from ingest.index import ingest

GOLD = Path(__file__).parents[2] / "corpora" / "kazamino" / "gold.jsonl"


def dev_questions() -> list[str]:
    rows = [json.loads(line) for line in GOLD.read_text("utf-8").splitlines() if line.strip()]
    return [r["question"] for r in rows if r.get("split") == "dev"]


def service(pipeline, cache: AnswerCache | None = None) -> ChatService:
    h = Settings().handoff
    hours = OfficeHours.from_settings(h.weekdays, h.opens, h.closes, h.holidays_path, h.timezone)
    return ChatService(pipeline, hours, "0199-21-1111", cache=cache)


def comparable(turn) -> dict:
    """Everything a resident, staff and the eval see of a turn, without timings and without
    the cache's own trace step."""
    reply = turn.reply.model_dump(mode="json")
    reply["trace"] = _untimed({**reply["trace"], "steps": [
        st for st in reply["trace"].get("steps", []) if st.get("step") != "cache"]})
    return {"reply": reply, "text": turn.bot_message.text, "status": turn.handoff_status}


def _untimed(x):
    if isinstance(x, dict):
        return {k: _untimed(v) for k, v in x.items() if k not in ("ms", "timings_ms")}
    if isinstance(x, list):
        return [_untimed(v) for v in x]
    return x


class Counted:
    def __init__(self) -> None:
        self.seen: list[str] = []

    def __call__(self, result: str) -> None:
        self.seen.append(result)


def ask_in_new_conversation(chat: ChatService, db: Database, text: str):
    with db.session() as s:
        conv, _ = chat.open(s, None, None)
        return chat.ask(s, conv, chat.receive(text))


def test_cached_replies_equal_computed_ones_over_the_dev_questions(pipeline):
    db = Database("sqlite://")
    db.migrate()
    counted = Counted()
    plain = service(pipeline)
    cached = service(pipeline, AnswerCache(4096, "test", lambda: "g1", counted))
    questions = dev_questions()
    for q in questions:
        expected = comparable(ask_in_new_conversation(plain, db, q))
        first = ask_in_new_conversation(cached, db, q)
        again = ask_in_new_conversation(cached, db, q)
        assert comparable(first) == expected, q
        assert comparable(again) == expected, q
    # every question asked again was served from the cache, unless personal data was masked
    unmasked = {q for q in questions if not plain.receive(q).kinds}
    assert len(unmasked) > 300
    assert counted.seen.count(HIT) >= len(unmasked)
    assert counted.seen.count(SKIP) == 2 * sum(1 for q in questions if q not in unmasked)


def test_follow_ups_are_answered_as_without_the_cache(pipeline):
    """A kept reply serves a follow-up only when it did not need the earlier turns."""
    db = Database("sqlite://")
    db.migrate()
    counted = Counted()
    plain = service(pipeline)
    cache = AnswerCache(4096, "test", lambda: "g1", counted)
    cached = service(pipeline, cache)
    qs = dev_questions()[:60]
    follow_ups = [*qs[1::2], "手数料は？", "いくら？", "土日は？"]
    for f in follow_ups:  # every follow-up kept first, as asked alone
        ask_in_new_conversation(cached, db, f)
    # some of them would read the earlier turns: those must not be served to a follow-up
    assert any(context_of(c.reply) == CONTEXT_NEEDED for c in cache._entries.values()
               if c.reply is not None)
    for first, then in zip(qs[0::2], follow_ups, strict=False):
        turns = []
        for chat in (plain, cached):
            with db.session() as s:
                conv, _ = chat.open(s, None, None)
                chat.ask(s, conv, chat.receive(first))
                turns.append(chat.ask(s, conv, chat.receive(then)))
        assert comparable(turns[1]) == comparable(turns[0]), (first, then)
    assert HIT in counted.seen and MISS in counted.seen


def test_a_new_generation_empties_the_cache_and_is_answered_from(tmp_path, embedder,
                                                                 corpus_copy):
    index = tmp_path / "index"
    ingest([corpus_copy], index, embedder, progress=False)
    components = factory.build(Settings(index_dir=index), embedder=embedder)
    handle = components.retriever.index
    cache = AnswerCache(64, "test", lambda: handle.get().name)
    chat = service(components.pipeline, cache)
    db = Database("sqlite://")
    db.migrate()
    q = "住民票の写しはどこで取れますか"
    before = ask_in_new_conversation(chat, db, q)
    assert "本庁舎の市民課窓口" in before.bot_message.text
    assert ask_in_new_conversation(chat, db, q).reply.trace["steps"][-1]["step"] == "cache"
    faq = corpus_copy / "faq" / "mini_faq.csv"
    faq.write_text(faq.read_text("utf-8").replace("本庁舎の市民課窓口", "本庁舎1階の総合窓口"),
                   "utf-8")
    old = handle.get().name
    ingest([corpus_copy], index, embedder, progress=False)
    assert handle.get().name != old
    after = ask_in_new_conversation(chat, db, q)
    assert after.reply.trace["steps"][-1]["step"] != "cache"
    assert "本庁舎1階の総合窓口" in after.bot_message.text
    assert len(cache) == 1  # the old generation's entries are gone


def test_lru_bound_and_a_generation_seen_while_answering():
    gen = ["g1"]
    cache = AnswerCache(2, "s", lambda: gen[0])
    from bot.pipeline.emergency import Screen

    def certain():  # a kept outcome without a reply: an alarm that is certain
        from bot.pipeline.emergency import Alarm, Kind, Tier

        return Computed(Screen(Alarm(Tier.CERTAIN, Kind("fire", "火事", ()), "test")))

    for text in ("a", "b", "c"):
        assert cache.put(cache.key(text), certain())
    assert len(cache) == 2
    assert cache.get(cache.key("a"), "", True) == (None, False)  # least recently used: dropped
    key = cache.key("d")
    gen[0] = "g2"  # a new generation came while "d" was answered
    assert not cache.put(key, certain())
    assert len(cache) == 0


SECRET_PHONE = "090-1234-5678"
SECRET_NAME = "山田太郎"


def test_no_personal_data_and_no_earlier_turns_are_kept(pipeline):
    db = Database("sqlite://")
    db.migrate()
    counted = Counted()
    cache = AnswerCache(64, "test", lambda: "g1", counted)
    chat = service(pipeline, cache)
    earlier = f"私は{SECRET_NAME}です。電話は{SECRET_PHONE}です。住民票の写しはどこで取れますか"
    with db.session() as s:
        conv, _ = chat.open(s, None, None)
        chat.ask(s, conv, chat.receive(earlier))
        chat.ask(s, conv, chat.receive("手数料は？"))
        chat.ask(s, conv, chat.receive("燃やすごみの収集日はいつですか"))
    assert counted.seen[0] == SKIP  # personal data was masked: not looked up, not kept
    kept = repr(list(cache._entries.items()))
    for secret in (SECRET_PHONE, SECRET_NAME, "1234-5678", "私は"):
        assert secret not in kept
    assert all(key[2] in ("手数料は？", "燃やすごみの収集日はいつですか")
               for key in cache._entries)


@pytest.mark.parametrize("size", [0, 256])
def test_the_setting_and_the_metrics(app_factory, monkeypatch, size):
    monkeypatch.setenv("MADOGUCHI_SERVER__ANSWER_CACHE", str(size))
    client = TestClient(app_factory())
    for _ in range(3):
        r = client.post("/api/chat", json={"message": "燃やすごみの収集日はいつですか"})
        assert r.status_code == 200
    metrics = client.get("/metrics").text
    hits = [line for line in metrics.splitlines()
            if line.startswith('madoguchi_answer_cache_lookups_total{result="hit"}')]
    if size:
        assert hits and float(hits[0].rsplit(" ", 1)[1]) == 2.0
    else:
        assert not hits


def test_the_default_is_on_and_bounded():
    assert 0 < Settings().server.answer_cache <= 10_000
