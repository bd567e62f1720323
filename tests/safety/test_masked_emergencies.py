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
