"""Residents' words → administrative terms, from a YAML file staff can edit.

    粗大ごみ: [大きいごみ, でかいごみ, 大型ごみ]

Matching is on the normalized query (NFKC, lower case, katakana folded to hiragana), and a
match adds the administrative term to the query; it never removes the resident's words.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from bot.yamlkeys import UniqueKeys
from ingest.text import fold_kana, normalize


@dataclass(frozen=True)
class Synonyms:
    table: tuple[tuple[str, str], ...]  # (normalized variant, administrative term)

    @classmethod
    def load(cls, path: Path) -> Synonyms:
        """Read the table; a term written twice is an error (YAML would silently keep only the
        last line, dropping what staff added to the first)."""
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=UniqueKeys) or {}
        if not isinstance(data, dict):
            raise ValueError(f"{path}: 「用語: [言い換え, …]」の形式で書いてください")
        pairs = []
        for term, variants in data.items():
            if isinstance(variants, str):
                variants = [variants]
            for v in variants or []:
                pairs.append((fold_kana(normalize(str(v))), str(term)))
        pairs.sort(key=lambda p: -len(p[0]))  # longest variant first
        return cls(tuple(pairs))

    def expand(self, query: str) -> list[str]:
        """Administrative terms whose variants occur in the query, without duplicates."""
        folded = fold_kana(normalize(query))
        found: list[str] = []
        for variant, term in self.table:
            if variant and variant in folded and term not in found:
                found.append(term)
        return found
