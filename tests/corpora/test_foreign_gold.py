"""Validator of the foreign-language gold (gold_foreign.jsonl): 8 questions per language, half
in dev, every doc_id public and in the sample corpus, and each question detected as its
language."""

import collections
import json

from bot.service.languages import detect
from eval.gold import load_gold
from tests.corpora.test_sample_corpus import CITY, doc_id_problems

GOLD = CITY / "gold_foreign.jsonl"
LANGS = ("en", "zh-Hans", "zh-Hant", "ko", "vi", "pt", "tl", "ne")


def records() -> list[dict]:
    return [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines() if line]


def test_eight_per_language_half_in_dev():
    rows = records()
    assert collections.Counter(r["lang"] for r in rows) == {lang: 8 for lang in LANGS}
    dev = collections.Counter(r["lang"] for r in rows if r["split"] == "dev")
    assert dev == {lang: 4 for lang in LANGS}
    assert len(load_gold(GOLD)) == len(rows) == len({r["id"] for r in rows})


def test_doc_ids_exist_and_are_public():
    assert doc_id_problems(records()) == []


def test_each_question_is_detected_as_its_language():
    assert [(r["id"], detect(r["question"])) for r in records()
            if detect(r["question"]) != r["lang"]] == []
