"""Furigana for やさしい日本語: the answer text split into segments, each kanji word with its
reading from the tokenizer's dictionary (hiragana). No model, no LLM; a word the dictionary
does not know is left without a reading rather than guessed."""

from __future__ import annotations

import re
from typing import Any

from ingest.text import SudachiPerThread

KANJI = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff々〆ヶ]")
Segment = tuple[str, str]  # (text, reading or "")


def hiragana(katakana: str) -> str:
    return "".join(chr(ord(c) - 0x60) if "ァ" <= c <= "ヶ" else c for c in katakana)


class Furigana:
    """Readings of kanji words by Sudachi (mode C: whole words, as a reader sees them)."""

    def __init__(self) -> None:
        self._sudachi = SudachiPerThread("C").get

    def segments(self, text: str) -> list[Segment]:
        """`text` as (surface, reading) pairs in order; readings only on words with kanji."""
        out: list[Segment] = []
        for line in text.split("\n"):
            if out:
                out.append(("\n", ""))
            if line:
                for m in self._sudachi().tokenize(line):
                    out += self._segment(m)
        return _merged(out)

    def _segment(self, m: Any) -> list[Segment]:
        surface = m.surface()
        reading = hiragana(m.reading_form())
        if not KANJI.search(surface) or not reading or reading == surface:
            return [(surface, "")]
        return okurigana(surface, reading)


def okurigana(surface: str, reading: str) -> list[Segment]:
    """取れ/とれ → [(取, と), (れ, "")]: kana the word ends or starts with stays outside the
    ruby, so the reading sits over the kanji only."""
    head = 0
    while (head < len(surface) - 1 and head < len(reading) - 1
           and hiragana(surface[head]) == reading[head] and not KANJI.match(surface[head])):
        head += 1
    tail = 0
    while (tail < len(surface) - head - 1 and tail < len(reading) - head - 1
           and hiragana(surface[-1 - tail]) == reading[-1 - tail]
           and not KANJI.match(surface[-1 - tail])):
        tail += 1
    core = surface[head:len(surface) - tail]
    core_reading = reading[head:len(reading) - tail]
    parts = [(surface[:head], ""), (core, core_reading), (surface[len(surface) - tail:], "")]
    return [p for p in parts if p[0]]


def _merged(segments: list[Segment]) -> list[Segment]:
    """Neighbouring plain segments joined (fewer DOM nodes, same text)."""
    out: list[Segment] = []
    for text, reading in segments:
        if out and not reading and not out[-1][1]:
            out[-1] = (out[-1][0] + text, "")
        else:
            out.append((text, reading))
    return out
