"""What the chat page shows before the first question: the notice (accuracy, personal data,
retention) and topic buttons with example questions, from a data file and the index."""

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
    notice: list[str]
    hidden: frozenset[str]
    examples: dict[str, list[str]]

    @classmethod
    def load(cls, path: Path, **values: Any) -> StartPage:
        """The data file with the notice's placeholders filled; a missing notice fails here."""
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        notice = [str(line).format(**values) for line in data.get("notice") or []]
        if not notice:
            raise ValueError(f"{path}: notice（最初に表示するお知らせ）がありません")
        examples = {str(k): [str(q) for q in v or []]
                    for k, v in (data.get("examples") or {}).items()}
        return cls(notice, frozenset(data.get("hidden_topics") or []), examples)

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

