"""Validator of the second town's fresh batch (corpora/minamiura/gold_fresh.jsonl): written in
residents' styles before the bot was run on them, every item dev. Ids are new (mf- single
questions, mfc-NNN-K conversation turns), doc_ids are entries of the town, expectations fit the
types, 12–18 % of single questions are not covered, two-question messages name their topics,
conversations are consistent, the pooled judgements (gold_fresh.qrels) agree with `relevant`, and
no question is a near duplicate (character-bigram Jaccard >= 0.5) of an FAQ question, a question
of the town's first gold file or another question of this one."""

import collections
import json
import re
from functools import cache

from eval.gold import load_gold
from eval.pool import read_qrels
from tests.corpora.test_minamiura import TOWN, corpus
from tests.corpora.test_resident_fresh2_gold import bigrams, jaccard
from tests.corpora.test_resident_fresh_gold import (check_conversations, check_expectation,
                                                     conversations)
from tests.corpora.test_resident_gold import HANDOFF_TYPES, TURN_TYPES

GOLD = TOWN / "gold_fresh.jsonl"
QRELS = TOWN / "gold_fresh.qrels"
STYLES = {"short", "long", "two_questions", "kana", "typo", "dialect", "paraphrase",
          "situation", "casual"}
MINIMUMS = {"short": 20, "long": 12, "two_questions": 10, "kana": 10, "typo": 10,
            "dialect": 10, "paraphrase": 12, "situation": 8, "not_covered": 20, "person": 3}


@cache
def records() -> list[dict]:
    lines = GOLD.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def test_loads_all_dev_with_new_ids():
    assert len(load_gold(GOLD, split="dev")) == len(records()) >= 180
    assert sum(not r.get("conversation") for r in records()) >= 150
    for r in records():
        pattern = r"mfc-\d{3}-\d" if r.get("conversation") else r"mf-\d{3}"
        assert re.fullmatch(pattern, r["id"]), r["id"]
    ids = [r["id"] for r in records()]
    assert len(set(ids)) == len(ids)


def test_doc_ids_are_entries_of_the_town():
    known = {p.doc_id for p in corpus()[0]}
    assert [f"{r['id']}: {d}" for r in records() for d in r["relevant"] if d not in known] == []


def test_types_expectations_and_grades():
    counts = collections.Counter(r["type"] for r in records())
    assert set(counts) <= STYLES | HANDOFF_TYPES | TURN_TYPES
    for kind, minimum in MINIMUMS.items():
        assert counts[kind] >= minimum, kind
    singles = sum(not r.get("conversation") for r in records())
    assert 0.12 <= counts["not_covered"] / singles <= 0.18
    assert counts["person"] <= 0.05 * len(records())
    for r in records():
        check_expectation(r, STYLES)


def test_conversations_are_consistent():
    convs = conversations(records())
    assert len(convs) >= 10
    check_conversations(convs)
    kinds = collections.Counter((t["type"], t["expect"]) for ts in convs.values() for t in ts[1:])
    assert kinds[("switch", "answer")] >= 3 and kinds[("followup", "answer")] >= 10
    assert kinds[("followup", "handoff")] >= 1 and kinds[("person", "handoff")] >= 1


def test_qrels_hold_every_judgement():
    qrels = read_qrels(QRELS)
    assert set(qrels) == {r["id"] for r in records()}
    for r in records():
        assert {d: g for d, g in qrels[r["id"]].items() if g > 0} == r["relevant"], r["id"]
    assert sum(len(v) for v in qrels.values()) >= 10 * len(records())
    known = {p.doc_id for p in corpus()[0]}
    assert {d for v in qrels.values() for d in v} <= known


def test_no_near_duplicates_of_faq_or_the_first_gold():
    seen = [p.question for p in corpus()[0] if p.question]
    for line in (TOWN / "gold.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            seen.append(json.loads(line)["question"])
    old = [bigrams(q) for q in seen]
    new = [(r["id"], bigrams(r["question"])) for r in records()]
    assert [i for i, b in new if any(jaccard(b, o) >= 0.5 for o in old)] == []
    twins = [(a, c) for k, (a, b) in enumerate(new) for c, d in new[k + 1:] if jaccard(b, d) >= 0.5]
    assert twins == []
