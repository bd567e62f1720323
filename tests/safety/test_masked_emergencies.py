"""The emergency screen runs on the masked message (bot/service/chat.py): masking must never
hide an emergency. Every emergency of the safety gold gets the same tier raw and masked (a
Chinese fire report was once masked whole as a name)."""

import json
from pathlib import Path

import pytest

from bot.safety import pii

GOLD = Path(__file__).parents[2] / "corpora" / "kazamino" / "gold_safety.jsonl"


@pytest.mark.slow
def test_masking_never_hides_an_emergency(pipeline):
    rows = [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines()
            if line.strip()]
    emergencies = [r["text"] for r in rows if r["expect"] == "emergency"]
    assert len(emergencies) > 400

    def tier(text: str) -> str:
        alarm = pipeline.screen(text).alarm
        return alarm.tier.value if alarm else "none"

    changed = [(t, pii.mask(t).text) for t in emergencies if tier(t) != tier(pii.mask(t).text)]
    assert changed == []


# Japanese written all in katakana, as on an old phone: each word was read as part of a
# foreign name on its own line, and the whole message became ［氏名］.
KATAKANA_EMERGENCIES = [
    "ツマ　オフロデ　ウゴカナイ",
    "ジイチャン　タオレタ　ヘンジナイ",
    "トナリノ　イエ　ケムリ　デテル",
    "ムスメガ　カエッテコナイ　ヨルニナッテモ",
    "オットガ　イキヲ　シテイマセン",
]


@pytest.mark.parametrize("text", ["息子が帰ってこない", "夫が帰ってこない、電話もつながらない"])
def test_the_stem_of_a_verb_after_a_family_word_is_no_name(pipeline, text):
    """帰 of 帰ってこない was read as a name after 「息子が」: the masked text
    「息子が［氏名］ってこない」 met no phrase, and a missing child got no alarm at all."""
    assert pii.mask(text).text == text
    alarm = pipeline.screen(text).alarm
    assert alarm is not None and alarm.certain and alarm.kind.name == "missing", text


@pytest.mark.parametrize("text", KATAKANA_EMERGENCIES)
def test_japanese_in_katakana_is_not_masked_and_reaches_the_gate(pipeline, text):
    assert pii.mask(text).text == text
    alarm = pipeline.screen(text).alarm
    assert alarm is not None and alarm.certain, text


@pytest.mark.parametrize("text, name", [
    ("グエン ティ マイ", "ティ マイ"),
    ("タナカ　ハナコ", "ハナコ"),
    ("マリア　サントス　デス　ヨロシク", "サントス"),
])
def test_katakana_names_on_their_own_line_are_still_masked(text, name):
    assert name not in pii.mask(text).text
