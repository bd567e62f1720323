"""Checks that run before retrieval: empty input, emergencies, and requests for a person."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from bot.pipeline.outcome import Outcome
from ingest.text import fold_kana, normalize


@dataclass(frozen=True)
class Emergency:
    kind: str
    label: str
    contacts: tuple[str, ...]


@dataclass(frozen=True)
class GuardResult:
    outcome: Outcome
    reason: str
    emergency: Emergency | None = None


def _matcher(phrases: list[str]) -> re.Pattern[str]:
    """Phrases are regular expressions; ASCII ones only match whole words (dv ≠ dvd)."""
    parts = []
    for phrase in phrases:
        p = fold_kana(normalize(str(phrase)))
        parts.append(rf"(?<![a-z0-9])(?:{p})(?![a-z0-9])" if p.isascii() else f"(?:{p})")
    return re.compile("|".join(parts) or r"(?!)")


@dataclass(frozen=True)
class Guard:
    emergencies: tuple[tuple[re.Pattern[str], Emergency], ...]
    person: re.Pattern[str]

    @classmethod
    def load(cls, path: Path) -> Guard:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        emergencies = tuple(
            (_matcher(spec["phrases"]),
             Emergency(kind, spec["label"], tuple(spec.get("contacts", []))))
            for kind, spec in data["emergency"].items())
        return cls(emergencies, _matcher(data["person_request"]))

    def check(self, text: str) -> GuardResult | None:
        """An outcome that ends the turn before retrieval, or None to go on."""
        folded = fold_kana(normalize(text))
        if not folded:
            return GuardResult(Outcome.GUARD_EMPTY, "空の入力")
        for pattern, emergency in self.emergencies:
            m = pattern.search(folded)
            if m:
                reason = f"緊急（{emergency.label}）: 「{m.group(0)}」"
                return GuardResult(Outcome.EMERGENCY, reason, emergency)
        m = self.person.search(folded)
        if m:
            return GuardResult(Outcome.HANDOFF_REQUESTED, f"職員対応の希望: 「{m.group(0)}」")
        return None
