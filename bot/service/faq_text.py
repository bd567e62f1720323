"""Prefilling an FAQ candidate from a staff reply: the reply to one resident starts and ends
with courtesies (「お問い合わせありがとうございます」「よろしくお願いいたします」) that an FAQ
answer must not carry. The phrases are data (bot/data/faq_cleanup.yaml)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import yaml

from bot.settings import PACKAGE_DATA

CLEANUP_PATH = PACKAGE_DATA / "faq_cleanup.yaml"
_SENTENCE = re.compile(r"[^。！？!?\n]+[。！？!?]*")


@dataclass(frozen=True)
class Courtesies:
    opening: tuple[re.Pattern[str], ...]
    closing: tuple[re.Pattern[str], ...]

    @classmethod
    def load(cls, path: Path = CLEANUP_PATH) -> Courtesies:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        return cls(tuple(re.compile(p) for p in data["opening"]),
                   tuple(re.compile(p) for p in data["closing"]))


def _matches(sentence: str, patterns: tuple[re.Pattern[str], ...]) -> bool:
    text = unicodedata.normalize("NFKC", sentence).strip().rstrip("。！!")
    return any(p.search(text) for p in patterns)


def faq_answer(reply: str, courtesies: Courtesies) -> str:
    """The reply without the greetings it opens with and the sign-offs it closes with."""
    sentences = [m.group(0) for m in _SENTENCE.finditer(reply) if m.group(0).strip()]
    start, end = 0, len(sentences)
    while start < end and _matches(sentences[start], courtesies.opening):
        start += 1
    while end > start and _matches(sentences[end - 1], courtesies.closing):
        end -= 1
    kept = sentences[start:end]
    if not kept:
        return reply.strip()
    # Keep the reply's own line breaks between the sentences that stay.
    first = reply.find(kept[0])
    last = reply.rfind(kept[-1]) + len(kept[-1])
    return reply[first:last].strip()


def variants_from_text(text: str) -> list[str]:
    """One question variant per line; blanks and duplicates dropped, order kept."""
    seen: dict[str, None] = {}
    for line in text.splitlines():
        line = line.strip()
        if line:
            seen.setdefault(line, None)
    return list(seen)
