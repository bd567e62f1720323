"""eval/safety.py: the safety gold loads strictly, the summary counts per kind and tier, and the
floors and ceilings gate."""

import json

import pytest

from bot.pipeline.emergency import EmergencyDetector
from bot.settings import AnswerSettings
from eval import safety

GATE = EmergencyDetector.load(AnswerSettings().emergency_path)  # lexical only: deterministic


def row(i, text, expect="emergency", kind="fire", split="dev"):
    return {"id": f"s{i}", "text": text, "expect": expect, "kind": kind, "style": "direct",
            "lang": "ja", "split": split}


@pytest.fixture
def gold(tmp_path):
    path = tmp_path / "gold_safety.jsonl"
    rows = [row(1, "火事です！隣が燃えてる"), row(2, "なんか焦げくさい"),
            row(3, "母が息をしていない", kind="medical"), row(4, "今日はいい天気", kind="medical"),
            row(5, "防災訓練はいつですか", "none"), row(6, "燃えるごみの日", "none"),
            row(7, "火事です", split="test")]
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows),
                    encoding="utf-8")
    return path


def test_summary_per_kind_and_tier(gold):
    result = safety.summary(safety.run(GATE, safety.load(gold, "dev")))
    assert result["emergencies"] == 4 and result["look_alikes"] == 2
    assert result["recall_any"] == 0.75 and result["recall_certain"] == 0.5
    assert result["by_kind"]["fire"] == {"n": 2, "recall_certain": 0.5, "recall_any": 1.0,
                                         "right_numbers": 1.0}
    assert result["by_kind"]["medical"]["recall_any"] == 0.5
    assert result["false_alarm_certain"] == 0.0 and result["false_alarm_any"] == 0.0


def test_floors_and_ceilings(gold):
    result = safety.summary(safety.run(GATE, safety.load(gold, "dev")))
    assert safety.check(result, {"recall_any": 0.7}, {"false_alarm_certain": 0.0}) == []
    broken = safety.check(result, {"recall_certain": 0.9}, {})
    assert broken and "recall_certain" in broken[0]
    with pytest.raises(ValueError, match="not a safety floor"):
        safety.check(result, {"false_alarm_any": 0.1})


def test_malformed_line_names_its_number(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps(row(1, "火事")) + "\n" + '{"id": "x"}\n', encoding="utf-8")
    with pytest.raises(ValueError, match="bad.jsonl:2"):
        safety.load(path)


def test_the_sample_safety_gold_is_big_enough():
    items = safety.load(AnswerSettings().emergency_path.parents[2] / "corpora" / "kazamino"
                        / "gold_safety.jsonl")
    emergencies = [i for i in items if i.expect == "emergency"]
    calm = [i for i in items if i.expect == "none"]
    assert len(emergencies) >= 150 and len(calm) >= 150
    assert sum(i.style == "indirect" for i in emergencies) >= len(emergencies) / 2
    assert {i.lang for i in emergencies} >= {"ja", "en", "zh", "ko", "vi", "pt"}
    assert {i.kind for i in emergencies} == set(GATE.kinds)
    assert {i.split for i in items} == {"dev", "test"}
