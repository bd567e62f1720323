"""Japanese normalization and tokenization shared by the ingester and the bot."""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Iterable
from functools import cache, lru_cache
from typing import Any

# Zero-width and bidi controls and Unicode tag characters: invisible, never meaningful in a query.
INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff\U000e0000-\U000e007f]")
_SPACES = re.compile(r"\s+")
_KATAKANA = re.compile("[\u30a1-\u30f6]")

DROPPED_POS = {"助詞", "助動詞", "補助記号", "空白", "記号"}

# Request phrases that say nothing about the topic (measured to help on FAQ retrieval).
QUERY_STOPWORDS = {
    "教える", "知る", "たい", "どう", "どうする", "ください", "下さる", "くれる", "いい", "良い",
    "よい", "する", "ある", "いる", "なる", "できる", "出来る", "思う", "聞く", "わかる", "分かる",
    "方法", "こと", "もの", "ため", "場合", "どこ", "いつ", "なに", "何", "どれ", "どの", "ほしい",
    "欲しい", "お願い", "願う", "もらう", "貰う", "?", "ね", "よ", "さ", "です", "ます", "なん",
    "の", "ん", "そう", "ちょっと", "すみる", "すみません", "すいません", "あの", "えっと",
}


_KANJI_DIGITS = dict(zip("〇一二三四五六七八九", range(10), strict=True))
_KANJI_SMALL = {"十": 10, "百": 100, "千": 1000}
_KANJI_LARGE = {"万": 10_000, "億": 100_000_000}


def kanji_number(text: str) -> int:
    """三百 → 300, 千五百 → 1500, 二〇二四 → 2024, 1万5千 → 15000."""
    total = section = current = 0
    for ch in text:
        if ch.isdigit():
            current = current * 10 + int(ch)
        elif ch in _KANJI_DIGITS:
            current = current * 10 + _KANJI_DIGITS[ch]
        elif ch in _KANJI_SMALL:
            section += (current or 1) * _KANJI_SMALL[ch]
            current = 0
        elif ch in _KANJI_LARGE:
            total += (section + current or 1) * _KANJI_LARGE[ch]
            section = current = 0
    return total + section + current


def fold_kana(text: str) -> str:
    """Katakana to hiragana, so ゴミ and ごみ meet."""
    return _KATAKANA.sub(lambda m: chr(ord(m.group(0)) - 0x60), text)


def strip_invisible(text: str) -> str:
    return INVISIBLE.sub("", text)


def normalize(text: str) -> str:
    """NFKC (full/half width), invisible characters removed, whitespace folded, lower case."""
    text = unicodedata.normalize("NFKC", strip_invisible(text))
    return _SPACES.sub(" ", text).strip().lower()


def sentences(text: str, limit: int = 4000) -> Iterable[str]:
    """Cut text into pieces Sudachi accepts (its input is limited to ~49 KB)."""
    buf = ""
    for part in re.split(r"(?<=[。\n])", text):
        if len(buf) + len(part) > limit and buf:
            yield buf
            buf = ""
        while len(part) > limit:
            yield part[:limit]
            part = part[limit:]
        buf += part
    if buf:
        yield buf


@cache
def sudachi_dictionary() -> Any:
    """The Sudachi core dictionary, loaded once per process and shared by every tokenizer."""
    from sudachipy import Dictionary

    return Dictionary(dict="core")


class SudachiPerThread:
    """Sudachi tokenizers of one split mode ("A", "B" or "C"), one per thread (they are not
    thread-safe), all from the one shared dictionary."""

    def __init__(self, mode: str) -> None:
        self._mode = mode
        self._local = threading.local()

    def get(self) -> Any:
        tok = getattr(self._local, "tok", None)
        if tok is None:
            from sudachipy import SplitMode

            tok = sudachi_dictionary().tokenizer(mode=getattr(SplitMode, self._mode))
            self._local.tok = tok
        return tok


QUERIES_KEPT = 1024  # recent queries whose terms `Tokenizer.query_tokens` keeps


class Tokenizer:
    """Sudachi SplitMode.A with normalized forms, kana folding and POS filtering."""

    def __init__(self) -> None:
        self._sudachi = SudachiPerThread("A").get
        # An answer retrieves the same reading again within a topic, and residents send the
        # same questions: a query's terms are a function of its text, kept for the recent ones.
        self._query_terms = lru_cache(maxsize=QUERIES_KEPT)(self._query_tokens)

    def tokens(self, text: str) -> list[str]:
        """Index-side terms: normalized forms of content words."""
        out: list[str] = []
        sudachi = self._sudachi()
        for piece in sentences(normalize(text)):
            for m in sudachi.tokenize(piece):
                if m.part_of_speech()[0] in DROPPED_POS:
                    continue
                term = fold_kana(m.normalized_form().lower())
                if term.strip():
                    out.append(term)
        return out

    def query_tokens(self, text: str) -> list[str]:
        """Query-side terms: like `tokens`, minus request phrases (教えて, 知りたい …)."""
        return list(self._query_terms(text))

    def _query_tokens(self, text: str) -> tuple[str, ...]:
        return tuple(t for t in self.tokens(text) if t not in QUERY_STOPWORDS)
