"""The composer's prompt, loaded from a data file (bot/data/llm_prompt.toml): a fixed system
text, and a user text that quotes the passages and the masked question inside delimiters, as
data. The resident's words never reach the system text."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from langchain_core.messages import BaseMessage, HumanMessage, SystemMessage

from bot.retrieval.language import is_japanese
from ingest.schema import Passage

KEYS = ("system.text", "user.text", "passage.text", "language.ja", "language.easy_ja",
        "language.other", "answer.label", "rewrite.system", "rewrite.user")
# A resident asking for やさしい日本語 (easy Japanese) gets it.
EASY_JAPANESE = re.compile(r"やさしい(日本語|にほんご)|易しい日本語|優しい日本語|簡単な日本語|"
                           r"かんたんな(日本語|にほんご)|ひらがなで")


def target_language(question: str) -> str:
    """'ja', 'easy_ja' (on request) or 'other' (the language the resident wrote in)."""
    if EASY_JAPANESE.search(question):
        return "easy_ja"
    return "ja" if is_japanese(question) else "other"


def quoted(text: str) -> str:
    """Data cannot close or open a delimiter: angle brackets become full-width."""
    return text.replace("<", "＜").replace(">", "＞")


def source_label(p: Passage) -> str:
    return quoted(p.question or p.label).replace('"', "”")


@dataclass(frozen=True)
class Prompt:
    texts: dict[str, str]

    @classmethod
    def load(cls, path: Path) -> Prompt:
        """Read the prompt file; a missing key fails at start-up, not at the first question."""
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        texts: dict[str, str] = {}
        for key in KEYS:
            group, name = key.split(".")
            value = data.get(group, {}).get(name)
            if not isinstance(value, str) or not value.strip():
                raise ValueError(f"{path}: プロンプトの項目がありません: {key}")
            texts[key] = value
        return cls(texts)

    @property
    def label(self) -> str:
        return self.texts["answer.label"]

    def messages(self, question: str, passages: list[Passage], language: str,
                 max_chars: int) -> list[BaseMessage]:
        """System text (fixed) and user text (passages numbered from 1, then the question)."""
        sources = "\n".join(self.texts["passage.text"].format(
            n=n, source=source_label(p), text=quoted(p.text))
            for n, p in enumerate(passages, start=1))
        user = self.texts["user.text"].format(passages=sources, question=quoted(question),
                                              language=self.texts[f"language.{language}"])
        return [SystemMessage(self.texts["system.text"].format(max_chars=max_chars)),
                HumanMessage(user)]
