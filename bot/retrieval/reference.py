"""A message that names an ordinance article (「図書館条例の第5条」「印鑑条例 第十四条」).

Residents quoting a letter, and staff checking the bot, name the article itself. Searched, such a
message came back as a clarify among the ordinance's articles (第3条, 第5条, 第7条): the number
is one token among many. Named, it is looked up: the article whose number matches and whose
ordinance's name the message contains. Nothing is guessed — no match, or more than one
ordinance, and the message is searched as usual.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from ingest.text import kanji_number, normalize

_NUMBER = "[0-9〇一二三四五六七八九十百]+"
_ARTICLE = re.compile(rf"第\s*({_NUMBER})\s*条(?:\s*の\s*({_NUMBER}))?")
# The municipality before an ordinance's own name: 風見野市立図書館条例 → 図書館条例.
_MUNICIPALITY = re.compile(r"^.{1,6}?[市町村区](立)?")
_KIND = re.compile(r"(条例|規則|要綱|規程)$")


def locator(question: str) -> str | None:
    """「第14条」 or 「第2条の2」 when the message names one article, else None."""
    found = {_label(m) for m in _ARTICLE.finditer(normalize(question))}
    return found.pop() if len(found) == 1 else None


def _label(m: re.Match[str]) -> str:
    main = kanji_number(m.group(1))
    return f"第{main}条" + (f"の{kanji_number(m.group(2))}" if m.group(2) else "")


def names(question: str, title: str) -> bool:
    """Whether the message names the ordinance `title`: its own name without the city
    (図書館), the start of a long one (廃棄物 for 廃棄物の減量及び…), or its end before the
    kind of rule (公園条例 for 都市公園条例)."""
    core = _MUNICIPALITY.sub("", title)
    kind = _KIND.search(core)
    own = _KIND.sub("", core) or core
    text = normalize(question)
    if own in text or any(own[:n] in text for n in range(len(own) - 1, 2, -1)):
        return True
    return kind is not None and any(own[-n:] + kind.group(1) in text
                                    for n in range(len(own) - 1, 1, -1))


def article(question: str, doc_ids: Iterable[str], title: Callable[[str], str]) -> str | None:
    """The doc_id of the one article the message names, else None. `doc_ids` are the index's
    (an article's is 「<ordinance>#第N条」), `title` gives a passage's ordinance name."""
    at = locator(question)
    if at is None:
        return None
    suffix = "#" + at
    matches = [d for d in doc_ids if d.endswith(suffix) and names(question, title(d))]
    return matches[0] if len(matches) == 1 else None
