"""Checks that run before retrieval: empty input and requests for a person. Emergencies are
the safety gate's (bot/pipeline/emergency.py), which runs before this."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from bot.pipeline.emergency import pattern
from bot.pipeline.outcome import Outcome
from ingest.text import fold_kana, normalize


@dataclass(frozen=True)
class GuardResult:
    outcome: Outcome
    reason: str


# Characters allowed between who is asked for and how (「担当の方と直接話が」).
PERSON_GAP = 12


@dataclass(frozen=True)
class Guard:
    person: re.Pattern[str]
    # Someone on the staff side, then a way of reaching them (see guard.yaml).
    reach: re.Pattern[str] = re.compile(r"(?!)")

    @classmethod
    def load(cls, path: Path) -> Guard:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        # An empty list is a pattern that never matches, so then `reach` never matches either.
        who, how = pattern(data.get("person_who") or []), pattern(data.get("person_how") or [])
        reach = re.compile(f"(?>{who.pattern})(?!の).{{0,{PERSON_GAP}}}?(?:{how.pattern})")
        return cls(pattern(data["person_request"]), reach)

    def check(self, text: str) -> GuardResult | None:
        """An outcome that ends the turn before retrieval, or None to go on."""
        folded = fold_kana(normalize(text))
        if not folded:
            return GuardResult(Outcome.GUARD_EMPTY, "空の入力")
        m = self.person.search(folded) or self.reach.search(folded)
        if m:
            return GuardResult(Outcome.HANDOFF_REQUESTED, f"職員対応の希望: 「{m.group(0)}」")
        return None
