"""Validator of the realistic gold set (gold_resident.jsonl): every doc_id exists and is public,
expectations fit the types, splits are stratified, conversations are consistent (turns 1..n,
history = the earlier turns' questions, one split), and the pooled judgements (qrels) agree."""

import collections
import json
from functools import cache

import pytest

from eval.gold import load_gold
from eval.pool import read_qrels
from tests.corpora.test_sample_corpus import CITY, corpus, doc_id_problems

GOLD = CITY / "gold_resident.jsonl"
QRELS = CITY / "gold_resident.qrels"
ANSWER_TYPES = {"faq", "ordinance", "page", "multi_source", "long", "two_questions", "short",
                "kana", "typo", "dialect", "paraphrase"}
HANDOFF_TYPES = {"not_covered", "out_of_scope", "person"}
TURN_TYPES = {"followup", "switch"}
MINIMUMS = {"faq": 40, "ordinance": 15, "page": 15, "long": 25, "two_questions": 15,
            "short": 15, "kana": 12, "typo": 12, "dialect": 12, "paraphrase": 15,
            "not_covered": 25, "out_of_scope": 5, "person": 5, "followup": 60, "switch": 10}


@cache
def records() -> list[dict]:
    lines = GOLD.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


@cache
def conversations() -> dict[str, list[dict]]:
    convs: dict[str, list[dict]] = collections.defaultdict(list)
    for r in records():
        if r.get("conversation"):
            convs[r["conversation"]].append(r)
    return dict(convs)


def test_loads_with_the_gold_schema_and_has_enough_items():
    items = load_gold(GOLD)
    assert len(items) == len(records()) >= 360
    turns = [i for i in items if i.conversation]
    assert all(i.turn is not None for i in turns)
    assert sum(1 for i in items if i.history) == sum(1 for i in turns if i.turn != 1)


def test_doc_ids_exist_and_are_public():
    assert doc_id_problems(records()) == []


def test_types_expectations_and_grades():
    counts = collections.Counter(r["type"] for r in records())
    for kind, minimum in MINIMUMS.items():
        assert counts[kind] >= minimum, kind
    assert set(counts) <= ANSWER_TYPES | HANDOFF_TYPES | TURN_TYPES
    for r in records():
        grades = set(r["relevant"].values())
        assert grades <= {1, 2}, r["id"]
        if r["type"] in ANSWER_TYPES:
            assert r["expect"] == "answer", r["id"]
        if r["type"] in HANDOFF_TYPES:
            assert r["expect"] == "handoff", r["id"]
        assert r["expect"] in ("answer", "handoff"), f"{r['id']}: no emergencies in this set"
        if r["expect"] == "answer":
            assert 2 in grades, f"{r['id']}: answerable without a grade-2 doc"
        else:
            assert 2 not in grades, f"{r['id']}: a handoff question that a document answers"
        if r["type"] == "out_of_scope":
            assert r["relevant"] == {}, r["id"]
        if r["type"] == "multi_source":
            assert sum(g == 2 for g in r["relevant"].values()) >= 2, r["id"]


def test_two_questions_name_a_grade_2_answer_for_each_question():
    for r in records():
        if r["type"] != "two_questions":
            assert "topics" not in r, r["id"]
            continue
        topics = r["topics"]
        assert len(topics) == 2 and all(topics), r["id"]
        for docs in topics:
            assert all(r["relevant"].get(d) == 2 for d in docs), r["id"]


@pytest.mark.parametrize("kind", sorted(ANSWER_TYPES | HANDOFF_TYPES | TURN_TYPES))
def test_split_is_stratified_about_half_half(kind):
    splits = collections.Counter(r["split"] for r in records() if r["type"] == kind)
    assert set(splits) == {"dev", "test"}
    assert abs(splits["dev"] - splits["test"]) <= 1


def test_conversations_are_consistent():
    convs = conversations()
    assert len(convs) >= 45
    for cid, turns in convs.items():
        assert [t["turn"] for t in turns] == list(range(1, len(turns) + 1)), cid
        assert 2 <= len(turns) <= 4, cid
        assert len({t["split"] for t in turns}) == 1, cid
        for t in turns:
            assert t["history"] == [e["question"] for e in turns[: t["turn"] - 1]], t["id"]
            assert t["id"] == f"{cid}-{t['turn']}", t["id"]
        assert turns[0]["type"] not in TURN_TYPES, cid
        assert all(t["type"] in TURN_TYPES | {"person"} for t in turns[1:]), cid
    for r in records():
        if not r.get("conversation"):
            assert "turn" not in r and not r.get("history"), r["id"]
            assert r["type"] not in TURN_TYPES, r["id"]


def test_followups_and_switches_are_both_tested():
    kinds = collections.Counter(r["type"] for t in conversations().values() for r in t[1:])
    assert kinds["followup"] >= 60 and kinds["switch"] >= 10


def test_questions_are_new_and_never_copy_an_faq_question():
    passages, _ = corpus()
    faq_questions = {p.question.strip() for p in passages if p.question}
    old = {json.loads(line)["question"].strip()
           for line in (CITY / "gold.jsonl").read_text(encoding="utf-8").splitlines() if line}
    questions = [r["question"].strip() for r in records()]
    assert not [q for q in questions if q in faq_questions or q in old]
    singles = [r["question"] for r in records() if not r.get("conversation")]
    assert len(set(singles)) == len(singles)


def test_qrels_hold_every_judgement_of_the_gold():
    qrels = read_qrels(QRELS)
    ids = {r["id"] for r in records()}
    assert set(qrels) <= ids
    for r in records():
        judged = qrels.get(r["id"], {})
        assert {d: g for d, g in judged.items() if g > 0} == r["relevant"], r["id"]
        if r["type"] != "out_of_scope":
            assert judged, f"{r['id']}: not pooled and judged"
