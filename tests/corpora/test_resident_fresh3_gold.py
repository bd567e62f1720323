"""Validator of the third fresh realistic batch (gold_resident_fresh3.jsonl): written before the
bot or the pool saw it, every item dev (the second batch's test split stays the held-out one).
Ids are new (r3- single questions, r3c-NNN-K conversation turns), doc_ids exist and are public,
expectations fit the types, about 15 % of single questions are not covered, conversations are
consistent, the pooled judgements (qrels) agree with `relevant`, and no question is a near
duplicate (character-bigram Jaccard >= 0.5) of an FAQ question, a variant or a question of the
other gold files."""

import collections
import json
import re
from functools import cache

from eval.gold import load_gold
from tests.corpora.test_resident_fresh2_gold import (check_no_near_duplicates, check_qrels,
                                                      check_types)
from tests.corpora.test_resident_fresh_gold import check_conversations, conversations
from tests.corpora.test_sample_corpus import CITY, doc_id_problems

GOLD = CITY / "gold_resident_fresh3.jsonl"
QRELS = CITY / "gold_resident_fresh3.qrels"
OTHER_GOLD = ("gold.jsonl", "gold_resident.jsonl", "gold_resident_fresh.jsonl",
              "gold_resident_fresh2.jsonl", "gold_foreign.jsonl", "gold_safety.jsonl")


@cache
def records() -> list[dict]:
    lines = GOLD.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def test_loads_all_dev_with_new_ids():
    assert len(load_gold(GOLD, split="dev")) == len(records()) >= 160
    assert sum(not r.get("conversation") for r in records()) >= 120
    for r in records():
        pattern = r"r3c-\d{3}-\d" if r.get("conversation") else r"r3-\d{3}"
        assert re.fullmatch(pattern, r["id"]), r["id"]
    ids = [r["id"] for r in records()]
    assert len(set(ids)) == len(ids)


def test_doc_ids_exist_and_are_public():
    assert doc_id_problems(records()) == []


def test_types_expectations_and_grades():
    check_types(records())


def test_conversations_are_consistent():
    convs = conversations(records())
    assert len(convs) >= 15
    check_conversations(convs)
    kinds = collections.Counter((t["type"], t["expect"]) for ts in convs.values() for t in ts[1:])
    assert kinds[("switch", "answer")] >= 3 and kinds[("switch", "handoff")] >= 1
    assert kinds[("person", "handoff")] >= 1


def test_qrels_hold_every_judgement():
    check_qrels(records(), QRELS)


def test_no_near_duplicates_of_faq_or_other_gold():
    check_no_near_duplicates(records(), OTHER_GOLD)
