"""Validator of the fresh realistic batch (gold_resident_fresh.jsonl): a held-out-like dev set
written after gold_resident.jsonl had been tuned on. Every item is dev, ids are new (rf- single
questions, rg-NNN-K conversation turns), doc_ids exist and are public, expectations fit the
types, conversations are consistent, the pooled judgements (qrels) agree with `relevant`, and no
question copies an FAQ question or a question of the other gold files."""

import collections
import json
import re
from functools import cache

from eval.gold import load_gold
from eval.pool import read_qrels
from tests.corpora.test_resident_gold import ANSWER_TYPES, HANDOFF_TYPES, TURN_TYPES
from tests.corpora.test_sample_corpus import CITY, corpus, doc_id_problems

GOLD = CITY / "gold_resident_fresh.jsonl"
QRELS = CITY / "gold_resident_fresh.qrels"


@cache
def records() -> list[dict]:
    lines = GOLD.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def test_loads_all_dev_with_new_ids():
    items = load_gold(GOLD, split="dev")
    assert len(items) == len(records()) >= 180
    singles = [r for r in records() if not r.get("conversation")]
    assert len(singles) >= 140
    for r in records():
        pattern = r"rg-\d{3}-\d" if r.get("conversation") else r"rf-\d{3}"
        assert re.fullmatch(pattern, r["id"]), r["id"]
    other = {json.loads(x)["id"] for name in ("gold.jsonl", "gold_resident.jsonl")
             for x in (CITY / name).read_text(encoding="utf-8").splitlines() if x.strip()}
    assert not other & {r["id"] for r in records()}


def test_doc_ids_exist_and_are_public():
    assert doc_id_problems(records()) == []


def test_types_expectations_and_grades():
    counts = collections.Counter(r["type"] for r in records())
    assert set(counts) <= ANSWER_TYPES | HANDOFF_TYPES | TURN_TYPES
    assert counts["not_covered"] >= 15
    for r in records():
        check_expectation(r, ANSWER_TYPES)


def check_expectation(r: dict, answer_types: set[str]) -> None:
    """The type fixes the expectation; answerable items have a grade-2 document, handoffs none;
    a two-question item names two topics whose documents are all grade 2."""
    grades = set(r["relevant"].values())
    if r["type"] in answer_types:
        assert r["expect"] == "answer", r["id"]
    if r["type"] in HANDOFF_TYPES:
        assert r["expect"] == "handoff", r["id"]
    if r["expect"] == "answer":
        assert 2 in grades, f"{r['id']}: answerable without a grade-2 doc"
    else:
        assert 2 not in grades, f"{r['id']}: a handoff question that a document answers"
    if r["type"] == "two_questions":
        assert len(r["topics"]) == 2, r["id"]
        assert all(r["relevant"].get(d) == 2 for docs in r["topics"] for d in docs), r["id"]


def conversations(rows: list[dict]) -> dict[str, list[dict]]:
    """The turns of each conversation, in file order."""
    convs: dict[str, list[dict]] = collections.defaultdict(list)
    for r in rows:
        if r.get("conversation"):
            convs[r["conversation"]].append(r)
    return convs


def check_conversations(convs: dict[str, list[dict]]) -> None:
    """Turns numbered from 1, 2–3 of them, each with the earlier questions as its history;
    the first turn stands alone, the later ones are follow-ups, switches or requests."""
    for cid, turns in convs.items():
        assert [t["turn"] for t in turns] == list(range(1, len(turns) + 1)), cid
        assert 2 <= len(turns) <= 3, cid
        for t in turns:
            assert t["history"] == [e["question"] for e in turns[: t["turn"] - 1]], t["id"]
            assert t["id"] == f"{cid}-{t['turn']}", t["id"]
        assert turns[0]["type"] not in TURN_TYPES, cid
        assert all(t["type"] in TURN_TYPES | {"person"} for t in turns[1:]), cid


def test_conversations_are_consistent():
    convs = conversations(records())
    assert len(convs) >= 15
    check_conversations(convs)


def test_qrels_hold_every_judgement():
    qrels = read_qrels(QRELS)
    assert set(qrels) == {r["id"] for r in records()}
    for r in records():
        assert {d: g for d, g in qrels[r["id"]].items() if g > 0} == r["relevant"], r["id"]


def test_questions_are_new():
    passages, _ = corpus()
    faq_questions = {p.question.strip() for p in passages if p.question} | {
        v.strip() for p in passages for v in p.variants}
    old = {json.loads(x)["question"].strip()
           for name in ("gold.jsonl", "gold_resident.jsonl", "gold_foreign.jsonl")
           for x in (CITY / name).read_text(encoding="utf-8").splitlines() if x.strip()}
    questions = [r["question"].strip() for r in records()]
    assert not [q for q in questions if q in faq_questions or q in old]
    singles = [r["question"] for r in records() if not r.get("conversation")]
    assert len(set(singles)) == len(singles)
