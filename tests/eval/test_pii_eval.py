"""`madoguchi eval pii`: scoring is strict (every letter and digit of a value masked), the gold is
large and split, and the dev split stays at its level."""

import json

import pytest

from bot.safety.pii import Masker
from eval import pii as pii_eval


def _gold(text, values=(), keep=()):
    return pii_eval.PiiGold("x", "dev", text, tuple((k, v, "plain") for k, v in values),
                            tuple(keep))


def test_a_value_counts_only_when_every_character_is_masked():
    g = _gold("電話090-1234-5678です", [("phone", "090-1234-5678")])
    assert pii_eval.score(g, [(2, 15)]).caught
    assert pii_eval.score(g, [(2, 11)]).missed  # 5678 left visible
    assert pii_eval.score(g, []).missed


def test_every_occurrence_must_be_masked():
    g = _gold("山田です。山田に連絡を", [("name", "山田")])
    assert pii_eval.score(g, [(0, 2)]).missed
    assert pii_eval.score(g, [(0, 2), (5, 7)]).caught


def test_a_touched_look_alike_is_a_false_positive():
    g = _gold("手数料1,200円", keep=["1,200円"])
    assert pii_eval.score(g, [(3, 8)]).masked_lookalikes == ("1,200円",)
    assert pii_eval.score(g, []).kept == 1


def test_aggregate_reports_recall_per_kind_and_false_positive_rate():
    rows = [pii_eval.score(_gold("a 090-1234-5678", [("phone", "090-1234-5678")]), [(2, 15)]),
            pii_eval.score(_gold("b x@example.com", [("email", "x@example.com")]), []),
            pii_eval.score(_gold("c 300円", keep=["300円"]), [(2, 4)])]
    report = pii_eval.aggregate("dev", rows)
    assert report.recall == 0.5 and report.recall_by_kind["email"] == (0, 1)
    assert report.false_positive_rate == 1.0 and report.lookalikes == 1
    assert json.loads(json.dumps(report.to_dict()))["recall_by_kind"]["phone"]["recall"] == 1.0


def test_gold_is_large_fresh_and_split():
    rows = pii_eval.load()
    values = [v for r in rows for v in r.values]
    assert len(values) >= 600 and sum(1 for r in rows if r.values) >= 300
    # half in the hard shapes: generated tricky ones, or written by hand
    assert sum(1 for v in values if v[2] in {"tricky", "hand"}) >= len(values) / 2
    assert sum(len(r.keep) for r in rows) >= 150
    assert {r.split for r in rows} == {"dev", "test"}


def test_a_value_not_in_its_text_fails_at_load(tmp_path):
    path = tmp_path / "g.jsonl"
    path.write_text(json.dumps({"id": "1", "split": "dev", "text": "abc",
                                "values": [{"kind": "name", "text": "xyz"}]}), encoding="utf-8")
    with pytest.raises(ValueError, match="xyz"):
        pii_eval.load(path)


@pytest.mark.slow
def test_dev_split_stays_at_its_level():
    """The level tuning reached on dev; the test split is for reporting (`eval pii`).

    0.995 (the issue's target) since 2026-11-30, when the dev split gained a fresh batch of 310
    hand-written messages (74.6 % before tuning on it, 98.5 % after). A second fresh batch,
    held back until then, went to the test split: 73.0 % → 82.0 % without being tuned on —
    the estimate of unseen input; the dev level is not. A fifth batch (452 messages, dev) scored
    84.1 % on the rules before it (label-driven rules then took it to 99.8 %)."""
    masker = Masker.load()
    report = pii_eval.evaluate(pii_eval.load(split="dev"),
                               lambda t: [(s.start, s.end) for s in masker.find(t)], "dev")
    assert report.recall >= 0.995, report.misses
    for kind in ("my_number", "phone", "email"):
        caught, total = report.recall_by_kind[kind]
        assert caught == total, kind
    assert report.false_positive_rate <= 0.01, report.false_positives


FRESH_FLOORS = [  # (batch, recall floor, false-positive ceiling): the level each reached on dev
    ("pii_gold_fresh6.jsonl", 0.95, 0.01),
    ("pii_gold_fresh7.jsonl", 0.99, 0.01),
    ("pii_gold_fresh8.jsonl", 0.995, 0.01),
    ("pii_gold_fresh9.jsonl", 0.995, 0.01),
    ("pii_gold_fresh10.jsonl", 0.995, 0.01),
    ("pii_gold_fresh11.jsonl", 0.995, 0.01),
    ("pii_gold_fresh12.jsonl", 0.965, 0.01),
    ("pii_gold_fresh13.jsonl", 0.90, 0.04),
    ("pii_gold_fresh14.jsonl", 0.995, 0.02),
    ("pii_gold_fresh15.jsonl", 0.985, 0.02),
    ("pii_gold_fresh16fp.jsonl", 0.93, 0.01),  # a look-alike batch: ordinary words kept
]


@pytest.mark.slow
@pytest.mark.parametrize(("batch", "recall", "false_positives"), FRESH_FLOORS)
def test_fresh_batches_stay_at_their_level(batch, recall, false_positives):
    """The fresh batches kept apart from the built-in gold (all dev): each stays at the level
    it was tuned to, and My Number, phone and e-mail are always masked whole."""
    masker = Masker.load()
    path = pii_eval.DEFAULT_GOLD.parent / batch
    report = pii_eval.evaluate(pii_eval.load(path, split="dev"),
                               lambda t: [(s.start, s.end) for s in masker.find(t)], "dev")
    assert report.recall >= recall, report.misses
    for kind in ("my_number", "phone", "email"):
        caught, total = report.recall_by_kind.get(kind, (0, 0))
        assert caught == total, kind
    assert report.false_positive_rate <= false_positives, report.false_positives
