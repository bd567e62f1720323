"""Extractive answers: the official wording of the best passage(s), numbered citations and a
sources list. No paraphrase, so the text a resident reads is the city's own."""

from __future__ import annotations

from dataclasses import dataclass

from bot.pipeline.outcome import Choice, Citation, Outcome
from bot.pipeline.replies import Replies
from bot.retrieval.hybrid import Hit
from ingest.schema import Passage, SourceType


@dataclass
class Draft:
    text: str
    citations: list[Citation]
    composer: str = "extractive"  # or "llm" (bot/llm)
    fallback_reason: str | None = None  # why a generated answer was not used


def citation(n: int, p: Passage) -> Citation:
    return Citation(n=n, doc_id=p.doc_id, title=p.title, locator=p.label, url=p.url,
                    department=p.department, contact=p.contact, source_type=p.source_type.value)


def sources_block(citations: list[Citation], replies: Replies) -> str:
    lines = [replies.fragment("sources_heading")]
    for c in citations:
        lines.append(f"[{c.n}] {c.locator}")
        if c.url:
            lines.append(f"    {c.url}")
        if c.department:
            lines.append("    " + replies.fragment("department_hint", department=c.department,
                                                   contact=c.contact or "—"))
    return "\n".join(lines)


def _quote(n: int, p: Passage, replies: Replies) -> str:
    head = (replies.fragment("faq_prefix", question=p.question) if p.source_type is SourceType.FAQ
            else p.label)
    return f"■ {head}\n{p.text}[{n}]"


def answer(hits: list[Hit], replies: Replies) -> Draft:
    """Quote each chosen passage in full, numbered, then list the sources."""
    cites = [citation(i, h.passage) for i, h in enumerate(hits, start=1)]
    body = "\n\n".join(_quote(i, h.passage, replies) for i, h in enumerate(hits, start=1))
    intro = replies.text(Outcome.ANSWERED)
    return Draft(f"{intro}\n\n{body}\n\n{sources_block(cites, replies)}", cites)


def readable_label(p: Passage) -> str:
    """A choice's name as a resident reads it: the FAQ question; a page section as
    「section（page）」 rather than a breadcrumb; an ordinance article as 「caption（ordinance
    第N条）」."""
    if p.question:
        return p.question
    if " ＞ " in p.label:
        page, _, section = p.label.rpartition(" ＞ ")
        return f"{section}（{page}）"
    if p.source_type is SourceType.ORDINANCE:
        label = f"{p.title} {p.label}" if p.title and p.title not in p.label else p.label
        caption = _caption(p)
        # what the article is about first, as for a page section (LINE shows 20 characters)
        return f"{caption[1:-1]}（{label}）" if caption and caption not in label else label
    return p.label


def _caption(p: Passage) -> str:
    """An article's caption (見出し), 「（印鑑登録証明書の交付申請）」: the ingester keeps it as
    the text's first line. 「第14条」 alone tells a resident nothing."""
    first = p.text.split("\n", 1)[0].strip()
    return first if first.startswith("（") and first.endswith("）") and len(first) <= 40 else ""


def choices(hits: list[Hit], limit: int = 3) -> list[Choice]:
    """Up to `limit` options for a clarify reply, readable and never the same label twice."""
    out: list[Choice] = []
    seen: set[str] = set()
    for h in hits:
        label = readable_label(h.passage)
        if label in seen:
            continue
        seen.add(label)
        out.append(Choice(doc_id=h.passage.doc_id, label=label))
        if len(out) == limit:
            break
    return out


def clarify_text(options: list[Choice], replies: Replies, intro: str) -> str:
    """The intro, the numbered choices, and the way out when none of them fits (a person):
    a question the city's documents do not cover is often offered near topics."""
    numbered = [f"{i}. {c.label}" for i, c in enumerate(options, start=1)]
    return "\n".join([intro, *numbered, replies.fragment("clarify_none")])


def handoff_text(intro: str, hits: list[Hit], replies: Replies, city: dict[str, str]) -> str:
    """The handoff reply: what happens next, and whom to call meanwhile."""
    dept = next((h.passage for h in hits if h.passage.department), None)
    if dept is not None:
        hint = replies.fragment("contact_hint", department=dept.department,
                                contact=dept.contact or city["city_phone"])
    else:
        hint = replies.fragment("city_hint", **city)
    return f"{intro}\n{hint}"
