"""Which script family a query is in, so foreign-language questions rely on the cross-lingual
embedder instead of Japanese keywords."""

from __future__ import annotations

import re

KANA = re.compile("[\u3041-\u30ff]")
HANGUL = re.compile("[\uac00-\ud7af\u1100-\u11ff]")
HAN = re.compile("[\u4e00-\u9fff]")
LATIN = re.compile("[A-Za-zÀ-ɏ]")
# Frequent Chinese function words (simplified and traditional) that Japanese text rarely uses
# without kana.
CHINESE = re.compile("[的吗么呢们这哪您请问怎谁没还对该过给让说麼們這嗎誰沒對讓說裡]"
                     "|什么|可以|如何|办理")


def is_japanese(text: str) -> bool:
    """True for Japanese (kana present, or kanji-only keywords), False for other languages
    (any other script's letters: Latin, Hangul, Devanagari, Cyrillic …)."""
    if KANA.search(text):
        return True
    if HANGUL.search(text):
        return False
    if HAN.search(text):
        return not CHINESE.search(text)
    return not any(c.isalpha() for c in text)
