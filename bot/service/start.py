"""Topic buttons with example questions for the chat page, from a data file and the index
(the opening notice is in each language's file, bot/data/lang/<code>.yaml)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml


@dataclass(frozen=True)
class Topic:
    name: str
    examples: list[str]


@dataclass(frozen=True)
class StartPage:
    hidden: frozenset[str]
    examples: dict[str, list[str]]

    @classmethod
    def load(cls, path: Path) -> StartPage:
        """The data file: hidden categories and example questions per category."""
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        if not isinstance(data, dict):
            raise ValueError(f"{path}: examples と hidden_topics を書いてください")
        examples = {str(k): [str(q) for q in v or []]
                    for k, v in (data.get("examples") or {}).items()}
        return cls(frozenset(data.get("hidden_topics") or []), examples)

    def topics(self, passages: Iterable[Any], limit: int, per_topic: int) -> list[Topic]:
        """The corpus's FAQ categories, most passages first, each with example questions."""
        faqs = [p for p in passages if p.category and p.category not in self.hidden
                and getattr(p.source_type, "value", p.source_type) == "faq"]
        counts = Counter(p.category for p in faqs)
        names = sorted(counts, key=lambda c: (-counts[c], c))[:limit]
        return [Topic(name, self._examples(name, faqs, per_topic)) for name in names]

    def _examples(self, name: str, faqs: list[Any], per_topic: int) -> list[str]:
        chosen = list(self.examples.get(name, []))
        chosen += [p.question.rstrip("。") for p in faqs if p.category == name and p.question]
        return list(dict.fromkeys(chosen))[:per_topic]

