"""Ordinances (例規) as the HTML that 例規集 systems publish, or plain text: one passage per
article (第N条, 第N条の2 …) with its 章/節 and caption, 項 and 号 kept as lines; 附則 is one
more passage."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from bs4 import BeautifulSoup, Tag

from ingest.schema import LoadResult, Passage, SourceType
from ingest.sources import html_text
from ingest.sources.common import SourceError, confidentiality_of, decode, read_sidecar
from ingest.text import kanji_number

_NUM = r"[0-9０-９一二三四五六七八九十百千〇]+"
ARTICLE = re.compile(rf"^第\s*({_NUM})\s*条(?:\s*の\s*({_NUM}))?(?:[\s　]+|$)")
CHAPTER = re.compile(rf"^第\s*{_NUM}\s*章(?:\s|$)")
SECTION = re.compile(rf"^第\s*{_NUM}\s*節(?:\s|$)")
CAPTION = re.compile(r"^[（(][^（）()]{1,40}[）)]$")
SUPPLEMENT = re.compile(r"^附\s*則")
TITLE_SUFFIX = re.compile(r"(条例|規則|規程|要綱|訓令|告示)$")


def to_int(numeral: str) -> int:
    """Arabic, full-width or kanji numerals (十二, 百三) to int."""
    return kanji_number(numeral.translate(str.maketrans("０１２３４５６７８９", "0123456789")))


def article_key(line: str) -> str | None:
    """「第十二条の二　…」 → 「第12条の2」; None when the line does not start an article."""
    m = ARTICLE.match(line)
    if not m:
        return None
    key = f"第{to_int(m.group(1))}条"
    return key + (f"の{to_int(m.group(2))}" if m.group(2) else "")


@dataclass
class _Article:
    key: str
    chapter: str = ""
    section: str = ""
    caption: str = ""
    lines: list[str] = field(default_factory=list)


def looks_like_ordinance(lines: list[str], title: str) -> bool:
    articles = sum(1 for line in lines if article_key(line))
    return articles >= 2 or (articles >= 1 and bool(TITLE_SUFFIX.search(title)))


def split_articles(lines: list[str]) -> list[_Article]:
    """The article state machine: chapters and sections carry over, captions attach forward."""
    articles: list[_Article] = []
    chapter = section = caption = ""
    current: _Article | None = None
    for line in lines:
        key = article_key(line)
        if SUPPLEMENT.match(line) and articles:  # a 附則 line in a 目次 comes before 第1条
            if current is None or current.key != "附則":
                current = _Article("附則")
                articles.append(current)
            current.lines.append(line)
        elif current is not None and current.key == "附則":
            current.lines.append(line)
        elif CHAPTER.match(line):
            chapter, section = line, ""
        elif SECTION.match(line):
            section = line
        elif CAPTION.match(line):
            caption = line
        elif key:
            current = _Article(key, chapter, section, caption, [line])
            articles.append(current)
            caption = ""
        elif current is not None:
            current.lines.append(line)
    return _merge_duplicates(articles)


def _merge_duplicates(articles: list[_Article]) -> list[_Article]:
    """A key seen twice (an article quoted in 附則 text, a re-numbered copy) keeps the first."""
    seen: dict[str, _Article] = {}
    for art in articles:
        if art.key in seen:
            seen[art.key].lines.extend(art.lines)
        else:
            seen[art.key] = art
    return list(seen.values())


def load(path: Path) -> LoadResult:
    """Read one ordinance file (HTML or text) into article passages."""
    raw = decode(path.read_bytes())
    meta = read_sidecar(path)
    if path.suffix.lower() in (".html", ".htm"):
        soup = html_text.parse(raw)
        return from_soup(path, soup, meta)
    lines = [" ".join(line.split()) for line in raw.splitlines() if line.strip()]
    title = meta.get("title") or (lines[0] if lines else path.stem)
    return _passages(path, title, lines, meta, anchors={})


def from_soup(path: Path, soup: BeautifulSoup, meta: dict[str, str]) -> LoadResult:
    fields = {
        "title": meta.get("title") or html_text.page_title(soup),
        "url": meta.get("url") or html_text.canonical_url(soup),
        "department": meta.get("department") or html_text.meta(soup, "department"),
        "contact": meta.get("contact") or html_text.meta(soup, "contact"),
        "category": meta.get("category") or html_text.meta(soup, "category") or "例規",
        "updated": meta.get("updated") or html_text.meta(soup, "updated", "date"),
        "confidentiality": meta.get("confidentiality") or html_text.meta(soup, "confidentiality"),
    }
    anchors = _anchors(soup)
    root = soup.body or soup
    html_text.drop(root, html_text.NOISE_TAGS + ["nav", "header", "footer"])
    for noise in root.select(".header, .footer, #header, #footer"):
        noise.decompose()
    lines = html_text.to_lines(root)
    return _passages(path, fields["title"] or path.stem, lines, fields, anchors)


def _anchors(soup: BeautifulSoup) -> dict[str, str]:
    """Article key → the id of the element that holds it, for deep links."""
    anchors: dict[str, str] = {}
    for tag in soup.find_all(id=True):
        if not isinstance(tag, Tag):
            continue
        text = " ".join(tag.get_text(" ", strip=True).split())
        head = re.sub(r"^[（(][^）)]*[）)]\s*", "", text)
        key = article_key(head) or ("附則" if SUPPLEMENT.match(head) else None)
        if key and key not in anchors:
            anchors[key] = str(tag["id"])
    return anchors


def _passages(
    path: Path, title: str, lines: list[str], fields: dict[str, str], anchors: dict[str, str]
) -> LoadResult:
    articles = split_articles(lines)
    if not any(a.key != "附則" for a in articles):
        raise SourceError("条（第1条 など）が見つかりません。例規として読めませんでした")
    level = confidentiality_of(fields.get("confidentiality"))
    base_url = fields.get("url", "")
    result = LoadResult()
    for art in articles:
        anchor = anchors.get(art.key, "")
        body = "\n".join(([art.caption] if art.caption else []) + art.lines)
        result.passages.append(Passage(
            doc_id=f"{path.stem}#{art.key}",
            source_type=SourceType.ORDINANCE,
            title=title,
            locator=f"{title} {art.key}",
            text=body,
            url=f"{base_url}#{anchor}" if base_url and anchor else base_url,
            department=fields.get("department", ""),
            contact=fields.get("contact", ""),
            category=fields.get("category", "") or "例規",
            updated=fields.get("updated", ""),
            confidentiality=level,
            source_path=str(path),
            extra={"chapter": " ".join(x for x in (art.chapter, art.section) if x)},
        ))
    return result
