"""Validator of the second fictional municipality (corpora/minamiura): an FAQ-only town used to
check that the calibrated decision carries over from 風見野市. The FAQ loads cleanly and looks
fictional, every gold doc_id exists, expectations fit the types, splits are stratified, and the
pooled judgements (gold.qrels) are what the gold says; `madoguchi eval` runs on it end to end."""

import collections
import json
from functools import cache
from pathlib import Path

import pytest

from eval.gold import load_gold
from eval.pool import apply_qrels, poolable, read_qrels
from ingest.schema import Passage
from tests.corpora.test_sample_corpus import load_corpus

TOWN = Path(__file__).parents[2] / "corpora" / "minamiura"
GOLD = TOWN / "gold.jsonl"
QRELS = TOWN / "gold.qrels"
ANSWER_TYPES = {"short", "casual", "typo", "kana", "paraphrase"}
HANDOFF_TYPES = {"not_covered", "out_of_scope", "person"}
MINIMUMS = {"short": 80, "casual": 80, "typo": 6, "kana": 6, "paraphrase": 6,
            "not_covered": 30, "out_of_scope": 4, "person": 2}


@cache
def corpus() -> tuple[list[Passage], list[str]]:
    return load_corpus(TOWN)


@cache
def records() -> list[dict]:
    lines = GOLD.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def test_faq_only_town_loads_cleanly_and_is_fictional():
    passages, problems = corpus()
    assert problems == []
    assert 250 <= len(passages) <= 350
    assert {p.source_type.value for p in passages} == {"faq"}
    assert len({p.category for p in passages}) >= 14
    assert all(p.department and p.contact and p.url and p.updated for p in passages)
    assert all(p.contact.startswith("0999-") for p in passages)
    assert all(".example.jp/" in p.url for p in passages)
    assert all(p.doc_id.startswith("MU-") for p in passages)
    # Real FAQ sets overlap: some entries share their question's opening with another one.
    heads = collections.Counter(p.question[:4] for p in passages)
    assert sum(n for n in heads.values() if n > 1) >= 30


def test_gold_loads_and_names_only_entries_of_the_town():
    items = load_gold(GOLD)
    assert len(items) == len(records()) >= 300
    assert len({i.id for i in items}) == len(items)
    known = {p.doc_id for p in corpus()[0]}
    assert [f"{i.id}: {d}" for i in items for d in i.relevant if d not in known] == []


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
        if r["type"] == "out_of_scope":
            assert r["relevant"] == {}, r["id"]


def check_stratified(rows: list[dict]) -> None:
    """Every type is split evenly between dev and test (at most one apart)."""
    per_type: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    for r in rows:
        per_type[r["type"]][r["split"]] += 1
    for kind, splits in per_type.items():
        assert set(splits) <= {"dev", "test"}
        assert abs(splits["dev"] - splits["test"]) <= 1, kind


def check_pooled(gold: Path, rows: list[dict], qrels: dict[str, dict[str, int]],
                 known: set[str]) -> None:
    """`relevant` is what the qrels say, every poolable item was judged (ten documents or
    more on average) and every judged document is an entry of the town."""
    _, changed = apply_qrels(rows, qrels)
    assert changed == 0
    judged = {i.id for i in load_gold(gold) if poolable(i)}
    assert judged <= set(qrels)
    assert sum(len(v) for v in qrels.values()) >= 10 * len(judged)
    assert {d for v in qrels.values() for d in v} <= known


def test_splits_are_stratified_by_type():
    check_stratified(records())


def test_relevance_is_the_pooled_judgements():
    check_pooled(GOLD, records(), read_qrels(QRELS), {p.doc_id for p in corpus()[0]})


@pytest.mark.slow
def test_eval_runs_on_the_town(tmp_path, embedder):
    from eval.cli import main
    from ingest.index import ingest

    index = tmp_path / "index"
    ingest([TOWN], index, embedder, progress=False)
    picked, seen = [], collections.Counter()
    for r in records():
        if r["split"] == "dev" and seen[r["type"]] < 3:
            picked.append(r)
            seen[r["type"]] += 1
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
    assert 0.0 <= overall["p_top_ece"] <= 1.0
