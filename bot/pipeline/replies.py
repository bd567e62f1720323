"""Fixed Japanese replies loaded by name from a TOML file; a missing one fails at start-up."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from bot.pipeline.outcome import Outcome

FRAGMENTS = ("sources_heading", "department_hint", "contact_hint", "city_hint", "faq_prefix",
             "clarify_two", "clarify_none")


@dataclass(frozen=True)
class Replies:
    outcomes: dict[Outcome, str]
    fragments: dict[str, str]

    @classmethod
    def load(cls, path: Path) -> Replies:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        table = data.get("outcome", {})
        missing = [o.value for o in Outcome if not table.get(o.value, {}).get("text")]
        fragments = data.get("fragments", {})
        missing += [f"fragments.{f}" for f in FRAGMENTS if not fragments.get(f)]
        if missing:
            raise ValueError(f"{path}: 定型文がありません: {', '.join(missing)}")
        return cls({o: table[o.value]["text"] for o in Outcome}, dict(fragments))

    def text(self, outcome: Outcome) -> str:
        return self.outcomes[outcome]

    def fragment(self, name: str, **values: str) -> str:
        return self.fragments[name].format(**values)
