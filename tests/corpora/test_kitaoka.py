"""Validator of the third fictional municipality (corpora/kitaoka): 北岡市, an FAQ-only city written
the way large cities write their FAQ (long question titles, sibling entries for one procedure,
near duplicates across departments), used to check that the calibrated decision carries over.
The FAQ loads cleanly and looks fictional; every gold doc_id exists; expectations fit the types;
splits are stratified; the pooled judgements (gold.qrels) are what the gold says and follow the
needs each entry was written to answer (tools/keys.json); `madoguchi eval` runs on it."""

import collections
import json
import sys
from functools import cache
from pathlib import Path

import pytest

from eval.gold import load_gold
from eval.pool import read_qrels
from ingest.schema import Passage
from tests.corpora.test_minamiura import check_pooled, check_stratified
from tests.corpora.test_sample_corpus import load_corpus

TOWN = Path(__file__).parents[2] / "corpora" / "kitaoka"
GOLD = TOWN / "gold.jsonl"
QRELS = TOWN / "gold.qrels"
ANSWER_TYPES = {"short", "casual", "long", "typo", "kana", "paraphrase", "dialect", "situation",
                "two_questions"}
HANDOFF_TYPES = {"not_covered", "out_of_scope", "person"}
MINIMUMS = {"short": 40, "casual": 50, "long": 20, "typo": 10, "kana": 10, "paraphrase": 15,
            "dialect": 10, "situation": 8, "two_questions": 6, "not_covered": 30, "person": 3,
            "out_of_scope": 3}


@cache
def corpus() -> tuple[list[Passage], list[str]]:
    return load_corpus(TOWN)


@cache
def records() -> list[dict]:
    lines = GOLD.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def test_large_city_faq_loads_cleanly_and_is_fictional():
    passages, problems = corpus()
    assert problems == []
    assert len(passages) >= 450
    assert {p.source_type.value for p in passages} == {"faq"}
    assert len({p.category for p in passages}) >= 20
    assert all(p.department and p.contact and p.url and p.updated for p in passages)
    assert all(p.contact.startswith("0998-") for p in passages)
    assert all(".example.jp/" in p.url for p in passages)
    assert all(p.doc_id.startswith("KO-") for p in passages)
    # Written as large cities write: long question titles, and many siblings of one procedure
    # whose titles open alike (住民票の写しを… / 住民票の除票の写しを…).
    assert sum(len(p.question) for p in passages) / len(passages) >= 30
    heads = collections.Counter(p.question[:6] for p in passages)
    assert sum(n for n in heads.values() if n > 1) >= 150


def test_gold_loads_and_names_only_entries_of_the_town():
    items = load_gold(GOLD)
    assert len(items) == len(records()) >= 250
    assert len({i.id for i in items}) == len(items)
    known = {p.doc_id for p in corpus()[0]}
    assert [f"{i.id}: {d}" for i in items for d in i.relevant if d not in known] == []
    topics = [d for i in items for t in i.topics for d in t]
    assert topics and set(topics) <= known


def test_types_expectations_and_grades():
    counts = collections.Counter(r["type"] for r in records())
    assert set(counts) <= ANSWER_TYPES | HANDOFF_TYPES
    for kind, minimum in MINIMUMS.items():
        assert counts[kind] >= minimum, kind
    for r in records():
        grades = set(r["relevant"].values())
        if r["type"] in ANSWER_TYPES:
            assert r["expect"] == "answer" and 2 in grades, r["id"]
        else:
            assert r["expect"] == "handoff" and 2 not in grades, r["id"]
        if r["type"] in {"out_of_scope", "person"}:
            assert r["relevant"] == {}, r["id"]
        if r["type"] == "two_questions":
            assert len(r["topics"]) == 2, r["id"]


def test_splits_are_stratified_by_type():
    check_stratified(records())


def test_relevance_is_the_pooled_judgements_and_follows_the_needs():
    qrels = read_qrels(QRELS)
    check_pooled(GOLD, records(), qrels, {p.doc_id for p in corpus()[0]})
    sys.path.insert(0, str(TOWN / "tools"))
    try:
        from make_gold import grade
    finally:
        sys.path.remove(str(TOWN / "tools"))
    keys = json.loads((TOWN / "tools" / "keys.json").read_text("utf-8"))
    assert set(keys) == {p.doc_id for p in corpus()[0]}
    for r in records():
        for doc, g in qrels.get(r["id"], {}).items():
            expected = grade(keys[doc], r["need"], r["related_needs"])
            assert g == (expected if r["expect"] == "answer" else min(expected, 1)), \
                (r["id"], doc)


@pytest.mark.slow
def test_eval_runs_on_the_town(tmp_path, embedder):
    """End to end on a slice (the full town is ingested and gated by `make eval`): two dev
    messages of each type over their answering entries and every fifth entry of the FAQ."""
    import csv

    from eval.cli import main
    from ingest.index import ingest

    picked, seen = [], collections.Counter()
    for r in records():
        if r["split"] == "dev" and seen[r["type"]] < 2:
            picked.append(r)
            seen[r["type"]] += 1
    wanted = {d for r in picked for d, g in r["relevant"].items() if g == 2}
    source = TOWN / "faq" / "kitaoka_faq.csv"
    with open(source, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    kept = [row for i, row in enumerate(rows) if row["ID"] in wanted or i % 5 == 0]
    town = tmp_path / "town"
    (town / "faq").mkdir(parents=True)
    with open(town / "faq" / source.name, "w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(kept)
    index = tmp_path / "index"
    ingest([town], index, embedder, progress=False)
    ids = {row["ID"] for row in kept}
    for r in picked:
        r["relevant"] = {d: g for d, g in r["relevant"].items() if d in ids}
        r["topics"] = [[d for d in t if d in ids] for t in r.get("topics", [])]
    gold = tmp_path / "gold.jsonl"
    gold.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in picked), "utf-8")
    out = tmp_path / "out"
    code = main(["--gold", str(gold), "--split", "dev", "--index", str(index),
                 "--out", str(out), "--quiet", "--no-ablations"])
    assert code == 0
    data = json.loads((out / "report.json").read_text("utf-8"))
    overall = data["aggregates"]["overall"]
    assert overall["n"] == len(picked)
    assert data["meta"]["unknown_doc_ids"] == []
    assert 0.0 <= overall["p_top_auroc"] <= 1.0
