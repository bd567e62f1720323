"""Readings of the corpus's own words, so that a message typed in kana finds them.

Residents type 「すいどう こおった みず でない」 or 「こくほ そうさいひ もらえる？」: Sudachi cuts
such text at random, so the keyword side finds little and the embedder sees unfamiliar strings.
At ingest every content word of the passages (Sudachi SplitMode.C: 入場券, 葬祭費, マイナンバー
カード) is stored under its reading; a message written mostly in kana (`KANJI_MAX`) has each of
its hiragana runs cut, longest reading first, into the corpus words it spells, and those words
are searched beside the message (see `HybridRetriever.retrieve`). Only words the corpus itself
uses can come out, and the most frequent spelling of a reading wins (みず → 水, not 見ず).

A message typed with kanji has the other mistake kana input makes: the wrong kanji of the right
reading (変換ミス — 住民表, 印艦証明, 介護保健料, 手数量). A compound the corpus does not use,
whose reading is a corpus word of the same length sharing a character with it, spells that word
(`respell`); a single dictionary word (入管, 検診) is a word in its own right and is left alone.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache
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
_KANA = re.compile(r"[ぁ-ゖァ-ヴ]")
_KANJI_RUN = re.compile(r"[一-龥々]{2,}")
_WRITTEN = re.compile(r"[ぁ-ゖァ-ヴー一-龥々]+")  # a compound with a digit (小2) spells nothing
_COMPOUND = {"名詞", "接頭辞", "接尾辞"}  # the pieces a mistyped compound is cut into
MAX_PIECES = 3
SPELLED_KEPT = 256  # texts whose spelling is remembered, per generation
MIN_RESPELLED = 4  # reading length: 保健+証 (ほけんしょう) yes, 艦 (かん) alone no

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
        self._spellings = {w for spellings in self.counts.values() for w in spellings}
        # An answer spells each of its readings twice (embedded ahead, then searched).
        self._spelled = lru_cache(maxsize=SPELLED_KEPT)(self._spell)

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

    def spell(self, normalized: str) -> list[str]:
        """The corpus words a message spells: a mostly-kana message by its kana (`convert`),
        any other by its mistyped kanji compounds (`respell`) and the words it types in kana
        (`kana_words`)."""
        return list(self._spelled(normalized))

    def _spell(self, normalized: str) -> tuple[str, ...]:
        spelled = self.convert(normalized)
        if spelled:
            return tuple(spelled)
        words = self.respell(normalized)
        return tuple(words + [w for w in self.kana_words(normalized) if w not in words])

    def kana_words(self, normalized: str) -> list[str]:
        """Corpus words typed in kana inside a message written with kanji: a hiragana run that
        is exactly a word's reading, of `MIN_RESPELLED` kana or more (「としょかん何時まで
        やってる？」 → 図書館); a run that is a verb ending (していい) is not a word."""
        out: list[str] = []
        for run in _HIRAGANA_RUN.findall(normalized):
            word = self._best.get(run) if len(run) >= MIN_RESPELLED else None
            if word is not None and word not in out and not run.startswith(_GRAMMAR):
                out.append(word)
        return out

    def respell(self, normalized: str) -> list[str]:
        """The corpus words that a message's kanji compounds the corpus does not use read as
        (住民表 → 住民票): same reading, same length, one character at least in common."""
        if not self._best or kana_heavy(normalized) or not _KANA.search(normalized):
            return []  # kana: `convert`'s; no kana at all: Chinese, or a bare list of terms
        if all(run in self._spellings for run in _KANJI_RUN.findall(normalized)):
            return []  # every compound is one the corpus uses (most messages): not cut
        out: list[str] = []
        tokenizer = _sudachi.get()
        for piece in sentences(normalized):
            words = [(m.surface(), fold_kana(m.reading_form()), m.part_of_speech()[0],
                      m.is_oov()) for m in tokenizer.tokenize(piece)]
            for i in range(len(words)):
                for j in range(i + 1, min(i + MAX_PIECES, len(words)) + 1):
                    if words[j - 1][2] not in _COMPOUND:
                        break
                    word = self._respelled(words[i:j])
                    if word is not None and word not in out:
                        out.append(word)
        return out

    def _respelled(self, pieces: list[tuple[str, str, str, bool]]) -> str | None:
        surface = "".join(p[0] for p in pieces)
        reading = "".join(p[1] for p in pieces)
        if (surface in self._spellings or len(reading) < MIN_RESPELLED
                or not _KANJI.search(surface) or not _WRITTEN.fullmatch(surface)
                or (len(pieces) == 1 and not pieces[0][3])):  # a dictionary word as typed
            return None
        word = self._best.get(reading)
        if (word is None or len(word) != len(surface) or not set(word) & set(surface)
                or not _WRITTEN.fullmatch(word)):  # 一冊 is not 1冊 mistyped
            return None
        return word

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
