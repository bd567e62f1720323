"""Validator of the second fresh realistic batch (gold_resident_fresh2.jsonl): written before the
bot or the pool saw it, split half dev / half test within every style so that its test split is
one nobody has tuned on. Ids are new (r2- single questions, r2c-NNN-K conversation turns), every
style is split evenly, a conversation stays in one split, doc_ids exist and are public,
expectations fit the types, the pooled judgements (qrels) agree with `relevant`, and no question
is a near duplicate (character-bigram Jaccard >= 0.5) of an FAQ question, a variant or a question
of the other gold files."""

import collections
import json
import re
import unicodedata
from functools import cache
from pathlib import Path

from eval.gold import load_gold
from eval.pool import read_qrels
from tests.corpora.test_resident_fresh_gold import (check_conversations, check_expectation,
                                                     conversations)
from tests.corpora.test_resident_gold import ANSWER_TYPES, HANDOFF_TYPES, TURN_TYPES
from tests.corpora.test_sample_corpus import CITY, corpus, doc_id_problems

GOLD = CITY / "gold_resident_fresh2.jsonl"
QRELS = CITY / "gold_resident_fresh2.qrels"
# Styles this batch adds: people in a life situation, and polite-formal mail.
STYLES = ANSWER_TYPES | {"situation", "formal"}
OTHER_GOLD = ("gold.jsonl", "gold_resident.jsonl", "gold_resident_fresh.jsonl",
              "gold_foreign.jsonl", "gold_safety.jsonl")
PUNCTUATION = set("。、？！?!,.・…「」（）()")


@cache
def records() -> list[dict]:
    lines = GOLD.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def bigrams(text: str) -> frozenset[str]:
    s = "".join(ch for ch in unicodedata.normalize("NFKC", text).lower()
                if not ch.isspace() and ch not in PUNCTUATION)
    return frozenset(s[i:i + 2] for i in range(len(s) - 1)) or frozenset({s})


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b)


def test_loads_with_new_ids_and_both_splits():
    dev, test = (load_gold(GOLD, split=s) for s in ("dev", "test"))
    assert len(dev) + len(test) == len(records()) >= 230
    assert sum(not r.get("conversation") for r in records()) >= 160
    for r in records():
        pattern = r"r2c-\d{3}-\d" if r.get("conversation") else r"r2-\d{3}"
        assert re.fullmatch(pattern, r["id"]), r["id"]
    ids = [r["id"] for r in records()]
    assert len(set(ids)) == len(ids)


def test_every_style_is_split_half_and_half():
    by_type: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    for r in records():
        by_type[r["type"]][r["split"]] += 1
    for kind, counts in by_type.items():
        assert abs(counts["dev"] - counts["test"]) <= max(2, sum(counts.values()) // 8), kind
    splits = collections.defaultdict(set)
    for r in records():
        if r.get("conversation"):
            splits[r["conversation"]].add(r["split"])
    assert all(len(s) == 1 for s in splits.values()), "a conversation spans both splits"


def test_doc_ids_exist_and_are_public():
    assert doc_id_problems(records()) == []


def test_types_expectations_and_grades():
    check_types(records())


def check_types(rows: list[dict]) -> None:
    """Styles are known, 12–18 % of single questions are not covered, requests for a person and
    emergencies are at most 5 %, and every type fits its expectation and grades."""
    counts = collections.Counter(r["type"] for r in rows)
    assert set(counts) <= STYLES | HANDOFF_TYPES | TURN_TYPES | {"emergency"}
    singles = sum(not r.get("conversation") for r in rows)
    assert 0.12 <= counts["not_covered"] / singles <= 0.18
    requests = counts["person"] + counts["emergency"]
    assert requests <= 0.05 * len(rows)
    for r in rows:
        check_expectation(r, STYLES)
        if r["type"] == "emergency":
            assert r["expect"] == "emergency" and not r["relevant"], r["id"]


def test_conversations_are_consistent():
    convs = conversations(records())
    assert len(convs) >= 20
    assert sum(len(t) for t in convs.values()) >= 60
    check_conversations(convs)
    kinds = collections.Counter((t["type"], t["expect"]) for ts in convs.values() for t in ts[1:])
    assert kinds[("switch", "handoff")] >= 1 and kinds[("person", "handoff")] >= 1


def test_qrels_hold_every_judgement():
    check_qrels(records(), QRELS)


def check_qrels(rows: list[dict], path: Path) -> None:
    """Every item but the emergencies is judged, and the judgements above 0 are `relevant`."""
    qrels = read_qrels(path)
    pooled = {r["id"] for r in rows if r["expect"] != "emergency"}
    assert set(qrels) == pooled
    for r in rows:
        if r["id"] in qrels:
            assert {d: g for d, g in qrels[r["id"]].items() if g > 0} == r["relevant"], r["id"]


def test_no_near_duplicates_of_faq_or_other_gold():
    check_no_near_duplicates(records(), OTHER_GOLD)


def check_no_near_duplicates(rows: list[dict], other_gold: tuple[str, ...]) -> None:
    """No question is a near duplicate of an FAQ question, a variant, a question of the other
    gold files or another question of the same file."""
    passages, _ = corpus()
    seen = [q for p in passages if p.question for q in (p.question, *p.variants)]
    for name in other_gold:
        for line in (CITY / name).read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                seen.append(row.get("question") or row.get("text") or "")
    old = [bigrams(q) for q in seen if q]
    new = [(r["id"], bigrams(r["question"])) for r in rows]
    close = [i for i, b in new if any(jaccard(b, o) >= 0.5 for o in old)]
    assert close == []
    twins = [(a, c) for k, (a, b) in enumerate(new) for c, d in new[k + 1:] if jaccard(b, d) >= 0.5]
    assert twins == []
