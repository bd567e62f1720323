"""Which script family a query is in, so foreign-language questions rely on the cross-lingual
embedder instead of Japanese keywords."""

from __future__ import annotations

import re

KANA = re.compile("[\u3041-\u30ff]")
HANGUL = re.compile("[\uac00-\ud7af\u1100-\u11ff]")
HAN = re.compile("[\u4e00-\u9fff]")
LATIN = re.compile("[A-Za-zÀ-ɏ]")
# Frequent Chinese function words (simplified and traditional) that Japanese text rarely uses
# without kana, and simplified characters Japanese writes otherwise (爷 for 爺, 后 for 後, 车 for
# 車 …): 「我爷爷出去散步以后就找不到了」 has no function word of the first list.
CHINESE = re.compile("[的吗么呢们这哪您请问怎谁没还对该过给让说麼們這嗎誰沒對讓說裡]"
                     "|[我很爷奶妈爸儿后车门开关时间长发现边见头话东电动乐樓黑]"
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
