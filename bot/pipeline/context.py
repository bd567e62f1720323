"""Multi-turn: a follow-up such as 「それはどこで出せますか」 is searched together with the
resident's previous question, so 「それ」 finds what it refers to."""

from __future__ import annotations

import re

from ingest.text import normalize

# Words that point back at the previous turn, and openings of a question that has no topic.
ANAPHORA = re.compile(r"(それ|そっち|そちら|その|そこ|あれ|これ|この件|じゃあ|では|他には|ほかには|"
                      r"ほかに|あと|さっきの|前の|同じ|それって|ってこと)")
TOPICLESS = 10  # characters: a question this short rarely names its topic


def contextualize(question: str, previous: str) -> str:
    """The query to search with: the question, preceded by the previous one if it refers back."""
    if not previous:
        return question
    q = normalize(question)
    if ANAPHORA.search(q) or len(q) <= TOPICLESS:
        return f"{previous} {question}"
    return question
