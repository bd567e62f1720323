"""Find the question inside a resident's message.

Real messages are long: a greeting, some background, a feeling, then the question — sometimes
two. Background can mislead retrieval (「引っ越してきたのですが、ごみの出し方は？」 is about
rubbish, not moving), so the pipeline searches the whole message *and* the question sentences
alone, and keeps whichever the evidence supports (bot/pipeline/run.py). This module only cuts
the text; it never decides.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ingest.text import normalize

_SENTENCE = re.compile(r"[^。．！？!?\n]+[。．！？!?\n]*")
# Sentences that carry no topic: greetings, apologies, feelings, thanks, sign-offs.
_FILLER = re.compile(
    r"^(すみません|すいません|恐れ入ります|失礼します|こんにちは|こんばんは|おはよう|"
    r"はじめまして|初めまして|お世話になって|よろしく|宜しく|ありがとう|お願いします|"
    r"お忙しいところ|突然|夜分|困って|正直|本当に|ほんとに|もう|助けて|わからなくて|"
    r"分からなくて|よくわからない|どうしたら|どうすれば|教えてください|教えて下さい|"
    r"お願い|いつも(お世話|ご苦労|お疲れ|ありがとう)|ご苦労様|ご苦労さま|お疲れ様|お疲れさま)")
_QUESTION = re.compile(
    r"([?？]|か[。．]?$|かな|かね|の[?？。]?$|ですか|ますか|でしょうか|ませんか|"
    r"教えて|知りたい|わかりますか|分かりますか|いくら|どこ|いつ(?!も)|なに|何|どう|どれ|"
    r"できる|できます|でき(ない|ません)|必要|要る|いる[?？]?$|ある[?？]?$|ほしい|欲しい|"
    r"たい[。．]?$|って[?？]?$)")
_JOIN = re.compile(r"(それと|あと(は)?|また|ついでに|もう一つ|もうひとつ|それから|"
                   r"ちなみに|あわせて|合わせて)[、,]?")
_SPACES = re.compile(r"\s+")
_MIN_TOPIC = 4  # characters: a shorter question sentence names no topic on its own
# A question sentence opening with a demonstrative asks about the sentence before it
# (「ハザードマップを見たら真っ赤でした。これって何に気をつければいいんでしょう」).
_REFERS_BACK = re.compile(r"^(これ|それ|あれ|この|その|こういう|そういう|こんな|そんな|そこ|"
                          r"そちら)")


@dataclass(frozen=True)
class Focus:
    """The cut message: the question sentences, and those asked as separate questions."""

    text: str
    question: str  # the question sentence(s) without background and filler
    parts: list[str] = field(default_factory=list)  # ≥ 2 when the message asks two things
    dropped: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        """Whether the question sentences say less than the message: not when they are the
        whole message again, joined with spaces (one more reading would find the same)."""
        return bool(self.question) and _SPACES.sub("", self.question) != _SPACES.sub("",
                                                                                   self.text)

    def trace(self) -> dict[str, object]:
        return {"question": self.question, "parts": self.parts, "dropped": self.dropped}


def sentences(text: str) -> list[str]:
    """The message cut at sentence ends and line breaks (marks kept), blanks dropped."""
    return [s.strip() for s in _SENTENCE.findall(text) if s.strip(" 　\n。．！？!?")]


def _is_filler(s: str) -> bool:
    core = normalize(s).strip(" 。．！？!?、,")
    return bool(_FILLER.match(core)) and not _QUESTION.search(core[6:]) or len(core) < 2


def _is_question(s: str) -> bool:
    return bool(_QUESTION.search(normalize(s).rstrip(" 。．")))


def focus(text: str) -> Focus:
    """Split off filler, keep the question sentences (with the sentence just before a question
    too short to name its topic), and list them separately when there are several."""
    kept: list[str] = []
    dropped: list[str] = []
    background: list[str] = []
    for s in sentences(text):
        if _is_filler(s) and not _is_question(s):
            dropped.append(s)
        elif _is_question(s) or (kept and _JOIN.match(normalize(s))):
            # 「スプレー缶ってどう捨てる？それと蛍光灯も」: joined to a question, a sentence
            # asks one too, whatever its ending
            core = _JOIN.sub("", s).strip()
            bare = normalize(core).strip(" 。．！？!?")
            if background and (len(bare) < _MIN_TOPIC or _REFERS_BACK.match(bare)):
                core = background.pop() + core
            kept.append(core)
        else:
            background.append(s)
    if not kept:  # no question mark of any kind: the message itself is the question
        return Focus(text, " ".join(background) or text, [], dropped)
    dropped += background
    return Focus(text, " ".join(kept), kept if len(kept) > 1 else [], dropped)
