"""Readings of the corpus's own words, so that a message typed in kana finds them.

Residents type 「すいどう こおった みず でない」 or 「こくほ そうさいひ もらえる？」: Sudachi cuts
such text at random, so the keyword side finds little and the embedder sees unfamiliar strings.
At ingest every content word of the passages (Sudachi SplitMode.C: 入場券, 葬祭費, マイナンバー
カード) is stored under its reading; a message written mostly in kana (`KANJI_MAX`) has each of
its hiragana runs cut, longest reading first, into the corpus words it spells, and those words
are searched beside the message (see `HybridRetriever.retrieve`). Only words the corpus itself
uses can come out, and the most frequent spelling of a reading wins (みず → 水, not 見ず).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from ingest.text import SudachiPerThread, fold_kana, normalize, sentences

READINGS_FILE = "readings.json"
MIN_READING = 3  # shorter readings (か, いく, ない, した …) spell grammar more often than words
KANJI_MAX = 0.1  # a message with at least this share of kanji is searched as written
_CONTENT = {"名詞"}  # what a question is about; verbs and endings are spelled as typed
_SPELLED = re.compile(r"[一-龥々ァ-ヴ]")
_HIRAGANA_RUN = re.compile(r"[ぁ-ゖー]{2,}")
_JAPANESE = re.compile(r"[ぁ-ゖァ-ヴー一-龥々]")
_KANJI = re.compile(r"[一-龥々]")

# Verb endings a kana message is full of, which also spell nouns (したい → 肢体, していい → 指定医):
# skipped where a run has one, never converted.
_GRAMMAR = ("していい", "してい", "したい", "しない", "している", "ました", "ません", "ください",
            "ている", "ですか", "でしょう", "だった", "ちゃう", "じゃない")

_sudachi = SudachiPerThread("C")


class Readings:
    """reading (hiragana) → {spelling: how often the corpus uses it}."""

    def __init__(self, counts: dict[str, dict[str, int]] | None = None) -> None:
        self.counts = counts or {}
        self._best = {r: max(s.items(), key=lambda kv: (kv[1], kv[0]))[0]
                      for r, s in self.counts.items() if s}
        self._longest = max((len(r) for r in self._best), default=0)

    def __len__(self) -> int:
        return len(self._best)

    @classmethod
    def build(cls, texts: Iterable[str]) -> Readings:
        return cls().add(texts)

    def add(self, texts: Iterable[str]) -> Readings:
        """A new table with the words of `texts` counted in (for a generation that adds or
        edits a few passages; words of removed passages are not taken out)."""
        found: Counter[tuple[str, str]] = Counter()
        tokenizer = _sudachi.get()
        for text in texts:
            for piece in sentences(normalize(text)):
                words = [(m.surface(), fold_kana(m.reading_form()), m.part_of_speech()[0])
                         for m in tokenizer.tokenize(piece)]
                for k, (surface, reading, pos) in enumerate(words):
                    if pos not in _CONTENT:
                        continue
                    spelled = [(surface, reading)]
                    if k + 1 < len(words) and words[k + 1][2] == "接尾辞":  # 葬祭+費, 市民+課
                        spelled.append((surface + words[k + 1][0], reading + words[k + 1][1]))
                    for word, said in spelled:
                        if len(said) >= MIN_READING and _SPELLED.search(word) and said != word:
                            found[(said, word)] += 1
        counts = {r: dict(s) for r, s in self.counts.items()}
        for (reading, surface), n in found.items():
            spellings = counts.setdefault(reading, {})
            spellings[surface] = spellings.get(surface, 0) + n
        return Readings(counts)

    def convert(self, normalized: str) -> list[str]:
        """The corpus words a mostly-kana message spells, in order; [] for other messages."""
        if not self._best or not kana_heavy(normalized):
            return []
        out: list[str] = []
        for run in _HIRAGANA_RUN.findall(normalized):
            i = 0
            while i < len(run):
                ending = next((g for g in _GRAMMAR if run.startswith(g, i)), "")
                if ending:
                    i += len(ending)
                    continue
                for size in range(min(self._longest, len(run) - i), MIN_READING - 1, -1):
                    word = self._best.get(run[i:i + size])
                    if word is not None:
                        if word not in out:
                            out.append(word)
                        i += size
                        break
                else:
                    i += 1
        return out

    def save(self, directory: Path) -> None:
        (directory / READINGS_FILE).write_text(
            json.dumps(self.counts, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")

    @classmethod
    def load(cls, directory: Path) -> Readings:
        """The generation's table; empty for a generation written before readings existed."""
        path = directory / READINGS_FILE
        if not path.exists():
            return cls()
        return cls(json.loads(path.read_text(encoding="utf-8")))


def kana_heavy(normalized: str) -> bool:
    """Japanese text with less than `KANJI_MAX` of its letters in kanji."""
    letters = _JAPANESE.findall(normalized)
    return bool(letters) and len(_KANJI.findall(normalized)) / len(letters) < KANJI_MAX
