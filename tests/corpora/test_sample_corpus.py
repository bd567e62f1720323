"""Validator of the sample corpus and its gold set: every gold doc_id exists, confidential
documents are never gold, counts per type meet the minimums, splits are stratified."""

import collections
import json
from functools import cache
from pathlib import Path

import pytest

from ingest import sources
from ingest.schema import Passage

CITY = Path(__file__).parents[2] / "corpora" / "kazamino"
MINIMUMS = {"faq": 200, "ordinance": 60, "page": 30, "multi_source": 20, "not_covered": 40,
            "out_of_scope": 20, "person": 15, "emergency": 15, "personal_data": 30,
            "foreign": 30}
EXPECT = {"faq": "answer", "ordinance": "answer", "page": "answer", "multi_source": "answer",
          "not_covered": "handoff", "out_of_scope": "handoff", "person": "handoff",
          "emergency": "emergency", "foreign": "answer"}


def load_corpus(root: Path) -> tuple[list[Passage], list[str]]:
    """Every passage the loaders read under `root`, and the problems they reported."""
    files, _ = sources.discover([root])
    passages: list[Passage] = []
    problems: list[str] = []
    for f in files:
        result = sources.load(f)
        passages += result.passages
        problems += [str(p) for p in result.problems]
    return passages, problems


@cache
def corpus() -> tuple[list[Passage], list[str]]:
    return load_corpus(CITY)


@cache
def gold() -> list[dict]:
    lines = (CITY / "gold.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def test_every_source_loads_without_problems():
    passages, problems = corpus()
    assert problems == []
    assert len(passages) > 700


def test_corpus_size_and_shape():
    passages, _ = corpus()
    by_type = collections.Counter(p.source_type.value for p in passages if p.is_public)
    faq = [p for p in passages
           if p.source_type.value == "faq" and p.category != "このデータについて"]
    assert len(faq) >= 300
    assert len({p.category for p in faq}) >= 12
    assert all(p.department and p.contact and p.url and p.updated for p in faq)
    assert by_type["ordinance"] - len({p.title for p in passages
                                       if p.source_type.value == "ordinance"}) >= 150
    assert len({p.title for p in passages if p.source_type.value == "ordinance"}) >= 8
    assert len({p.source_path for p in passages if p.source_type.value == "page"}) >= 20
    assert by_type["pdf"] >= 1
    levels = collections.Counter(p.confidentiality.value for p in passages)
    assert levels["機密性2"] and levels["機密性3"]


def test_at_least_one_faq_file_is_shift_jis():
    raw = [f.read_bytes() for f in (CITY / "faq").glob("*.csv")]

    def utf8(b: bytes) -> bool:
        try:
            b.decode("utf-8")
            return True
        except UnicodeDecodeError:
            return False

    assert any(not utf8(b) and b.decode("cp932") for b in raw)


def doc_id_problems(items: list[dict]) -> list[str]:
    """Gold doc_ids that are confidential or not in the ingested sample corpus."""
    passages, _ = corpus()
    public = {p.doc_id for p in passages if p.is_public}
    confidential = {p.doc_id for p in passages if not p.is_public}
    return [f"{item['id']}: {'confidential' if d in confidential else 'unknown'} gold {d}"
            for item in items for d in item["relevant"] if d not in public]


def test_gold_doc_ids_exist_and_are_public():
    assert doc_id_problems(gold()) == []


def test_gold_schema_counts_and_expectations():
    items = gold()
    assert len({i["id"] for i in items}) == len(items) >= 400
    counts = collections.Counter(i["type"] for i in items)
    for kind, minimum in MINIMUMS.items():
        assert counts[kind] >= minimum, kind
    for i in items:
        assert i["expect"] in ("answer", "handoff", "emergency")
        assert set(i["relevant"].values()) <= {1, 2}
        if i["type"] in EXPECT:
            assert i["expect"] == EXPECT[i["type"]], i["id"]
        if i["expect"] == "answer":
            assert 2 in i["relevant"].values(), f"{i['id']}: answerable without a grade-2 doc"
    langs = {i.get("lang") for i in items if i["type"] == "foreign"}
    assert {"en", "zh", "ko", "pt", "vi", "ja-easy"} <= langs


@pytest.mark.parametrize("kind", sorted(MINIMUMS))
def test_split_is_stratified_about_half_half(kind):
    splits = collections.Counter(i["split"] for i in gold() if i["type"] == kind)
    assert set(splits) == {"dev", "test"}
    assert abs(splits["dev"] - splits["test"]) <= 1


def test_gold_questions_never_copy_an_faq_question():
    passages, _ = corpus()
    faq_questions = {p.question.strip() for p in passages if p.question}
    assert not [i["id"] for i in gold() if i["question"].strip() in faq_questions]


def test_ordinance_plain_lines_are_there_and_copy_no_gold_question():
    """Staff-written plain-language lines (言い換え, reiki/*.meta.yaml) were written from the
    articles, not from the gold questions: none may equal a question of either gold file."""
    passages, _ = corpus()
    lines = {v.strip() for p in passages if p.source_type.value == "ordinance"
             for v in p.variants}
    files = {p.source_path for p in passages if p.source_type.value == "ordinance" and p.variants}
    assert len(files) == 9 and len(lines) >= 150
    resident = (CITY / "gold_resident.jsonl").read_text(encoding="utf-8").splitlines()
    asked = {i["question"].strip() for i in gold()} | {
        json.loads(x)["question"].strip() for x in resident if x.strip()}
    assert not lines & asked
