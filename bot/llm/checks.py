"""Checks on a generated answer, in code, before a resident sees it. Each returns a `Check`
(name, passed, why); the composer uses the answer only when every check passes, and the first
failure (in the order of `CHECKS`) becomes the reply's `fallback_reason`."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from bot.llm import facts as f
from bot.retrieval.language import HAN, HANGUL, KANA, LATIN
from bot.safety.pii import Masker
from ingest.schema import Passage

REFUSAL = "NO_ANSWER"
# Terminal punctuation; a citation written after it is moved before it first.
_END = "。．！？!?"
_MOVE_MARKERS = re.compile(rf"([{_END}.])((?:\s*\[\d+\])+)")
_SPLIT = re.compile(rf"(?<=[{_END}])|(?<=\.)\s+|\n+")
_TRAILING = re.compile(rf"[\s{_END}.」』）)]+$")
_CITED_END = re.compile(r"(?:\[\d+\])+$")
_DELIMITERS = re.compile(r"</?(?:passages?|question|language)\b|```")
_PARENS = re.compile(r"[（(][^（()）]*[)）]")


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str = ""


@dataclass(frozen=True)
class Context:
    """What the checks compare the answer with."""

    passages: list[Passage]  # numbered from 1, as the model saw them
    question: str            # masked
    language: str            # 'ja' | 'easy_ja' | 'other'
    max_chars: int
    masker: Masker
    names: f.NameFinder


def sentences(text: str) -> list[str]:
    """Sentences (and list lines), each with the citations written at its end."""
    text = _MOVE_MARKERS.sub(r"\2\1", text.strip())
    return [s.strip() for s in _SPLIT.split(text) if s and s.strip(" \n・-*")]


def markers(text: str) -> list[int]:
    return [int(n) for n in f.MARKER.findall(text)]


def haystack(p: Passage) -> str:
    return f.haystack("\n".join([p.text, p.label, p.question, p.title, p.url, p.contact]))


def check_refusal(answer: str, ctx: Context) -> Check:
    refused = REFUSAL in answer
    return Check("refusal", not refused, "モデルが回答を控えました" if refused else "")


def check_format(answer: str, ctx: Context) -> Check:
    if not answer.strip():
        return Check("format", False, "空の出力")
    if _DELIMITERS.search(answer):
        return Check("format", False, "プロンプトの区切りや書式記号が混じっています")
    return Check("format", True)


def check_citations(answer: str, ctx: Context) -> Check:
    bad = sorted({n for n in markers(answer) if not 1 <= n <= len(ctx.passages)})
    if bad:
        return Check("citations", False, f"取得していない資料の番号: {bad}"
                     f"（資料は [1]〜[{len(ctx.passages)}]）")
    return Check("citations", True)


def check_every_sentence_cited(answer: str, ctx: Context) -> Check:
    uncited = [s for s in sentences(answer)
               if not _CITED_END.search(_TRAILING.sub("", s))]
    if uncited:
        return Check("every_sentence_cited", False, "出典のない文: " + " / ".join(uncited[:3]))
    return Check("every_sentence_cited", True)


def unsupported(sentence: str, cited: list[Passage], names: f.NameFinder) -> list[str]:
    """The facts of one sentence that none of the passages it cites states."""
    said = f.facts(sentence, names)
    sources = [f.facts(haystack(p), names) for p in cited]
    texts = [haystack(p) for p in cited]
    found = {n for s in sources for n in s.numbers}
    bare = {v for v, _ in found}
    out = [v + u for v, u in said.numbers
           if (v, u) not in found and not (u == "" and v in bare) and (v, "") not in found]
    out += [p for p in said.phones if not any(p in s.phones or p in re.sub(r"\D", "", t)
                                              for s, t in zip(sources, texts, strict=True))]
    out += [u for u in said.urls if not any(u in t for t in texts)]
    out += [n for n in said.names if not any(n in t for t in texts)]
    return sorted(out)


def check_facts(answer: str, ctx: Context) -> Check:
    """Every number, amount, date, period, phone, URL and proper noun is in a cited passage."""
    problems = []
    for s in sentences(answer):
        cited = [ctx.passages[n - 1] for n in markers(s) if 1 <= n <= len(ctx.passages)]
        missing = unsupported(s, cited, ctx.names)
        if missing:
            problems.append(f"{'・'.join(missing)}（{s[:40]}）")
    if problems:
        return Check("facts", False, "出典にない事実: " + " / ".join(problems[:3]))
    return Check("facts", True)


def _scripts(text: str) -> dict[str, int]:
    text = _PARENS.sub(" ", f.URL.sub(" ", f.MARKER.sub(" ", text)))
    return {"kana": len(KANA.findall(text)), "han": len(HAN.findall(text)),
            "hangul": len(HANGUL.findall(text)), "latin": len(LATIN.findall(text))}


def _dominant(counts: dict[str, int]) -> str:
    if counts["kana"]:
        return "japanese" if counts["kana"] + counts["han"] >= counts["latin"] else "latin"
    return max(("han", "hangul", "latin"), key=lambda k: counts[k])


def check_language(answer: str, ctx: Context) -> Check:
    """Japanese for a Japanese question; otherwise the script the resident wrote in."""
    got = _dominant(_scripts(answer))
    if ctx.language in ("ja", "easy_ja"):
        want = "japanese"
    else:
        want = _dominant(_scripts(ctx.question))
        want = "han" if want == "japanese" else want
    if got != want:
        return Check("language", False, f"回答の言語が違います（期待: {want}、回答: {got}）")
    return Check("language", True)


def check_personal_data(answer: str, ctx: Context) -> Check:
    """No personal data, unless a cited source publishes it (a department's phone)."""
    texts = [haystack(p) for p in ctx.passages]
    leaked = [s.kind for s in ctx.masker.find(answer)
              if not any(f.haystack(s.text) in t for t in texts)]
    if leaked:
        return Check("personal_data", False, "個人情報らしき記載: " + ", ".join(sorted(leaked)))
    return Check("personal_data", True)


def check_length(answer: str, ctx: Context) -> Check:
    if len(answer) > ctx.max_chars:
        return Check("length", False, f"{len(answer)} 字（上限 {ctx.max_chars} 字）")
    return Check("length", True)


CHECKS: tuple[tuple[str, Callable[[str, Context], Check]], ...] = (
    ("refusal", check_refusal), ("format", check_format), ("citations", check_citations),
    ("every_sentence_cited", check_every_sentence_cited),
    ("personal_data", check_personal_data), ("facts", check_facts),
    ("language", check_language), ("length", check_length))


# The reply's `fallback_reason` for each failed check (README: batch contract).
REASONS = {"refusal": "refusal", "format": "malformed_output", "citations": "invalid_citation",
           "every_sentence_cited": "uncited_sentence", "facts": "unsupported_fact",
           "language": "wrong_language", "personal_data": "personal_data",
           "length": "too_long", "complete": "truncated"}


def run_checks(answer: str, ctx: Context) -> list[Check]:
    """Every check's result, in order."""
    return [check(answer, ctx) for _, check in CHECKS]


def first_failure(results: list[Check]) -> Check | None:
    return next((c for c in results if not c.ok), None)
