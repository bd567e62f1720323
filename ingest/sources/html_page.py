"""City web pages: main content only (no navigation, breadcrumbs, side menus or footer), split
by h2 headings into sections with anchors for deep links."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from bs4 import BeautifulSoup, Tag

from ingest.schema import LoadResult, Passage, SourceType
from ingest.sources import html_text, ordinance
from ingest.sources.common import SourceError, chunk, confidentiality_of, decode, read_sidecar

MAIN_SELECTORS = ("main", "[role=main]", "#contents", "#main", "#content", "article", ".main")
CHROME = ("nav", "header", "footer", "aside", ".breadcrumb", ".breadcrumbs", "#breadcrumb",
          ".pankuzu", ".sidemenu", ".side", "#side", ".pagetop", ".sns", ".share", ".print")
CONTACT_HEADING = re.compile(r"(お問い?合わ?せ|問合せ|担当窓口)")
_MARK = "\x00H\x00"


@dataclass
class Section:
    anchor: str
    heading: str
    lines: list[str] = field(default_factory=list)


def load(path: Path) -> LoadResult:
    """Read one HTML file: an ordinance if it has the shape of one, otherwise a web page."""
    soup = html_text.parse(decode(path.read_bytes()))
    meta = read_sidecar(path)
    kind = (meta.get("source_type") or html_text.meta(soup, "source-type", "source_type")).lower()
    if kind == "ordinance" or (kind != "page" and _is_ordinance(path, soup)):
        return ordinance.from_soup(path, soup, meta)
    return from_soup(path, soup, meta)


def _is_ordinance(path: Path, soup: BeautifulSoup) -> bool:
    in_reiki_folder = any(p.lower() in ("reiki", "例規", "jorei") for p in path.parts[:-1])
    title = html_text.page_title(soup)
    body = soup.body or soup
    lines = [" ".join(s.split()) for s in body.get_text("\n").split("\n") if s.strip()]
    return ordinance.looks_like_ordinance(lines, title) and (
        in_reiki_folder or bool(ordinance.TITLE_SUFFIX.search(title)))


def main_content(soup: BeautifulSoup) -> Tag:
    for selector in MAIN_SELECTORS:
        found = soup.select_one(selector)
        if found is not None and found.get_text(strip=True):
            return found
    body = soup.body
    if body is None:
        raise SourceError("HTML に本文（body）がありません")
    return body


def from_soup(path: Path, soup: BeautifulSoup, meta: dict[str, str]) -> LoadResult:
    title = meta.get("title") or html_text.page_title(soup) or path.stem
    url = meta.get("url") or html_text.canonical_url(soup)
    fields = {k: meta.get(k) or html_text.meta(soup, k) for k in
              ("department", "contact", "category", "updated", "confidentiality")}
    level = confidentiality_of(fields["confidentiality"])
    main = main_content(soup)
    html_text.drop(main, html_text.NOISE_TAGS)
    for tag in main.select(", ".join(CHROME)):
        tag.decompose()
    sections = _sections(main)
    doc = meta.get("id") or path.stem
    result = LoadResult()
    for sec in sections:
        text = "\n".join(sec.lines).strip()
        if not text or CONTACT_HEADING.search(sec.heading):
            continue
        for i, piece in enumerate(chunk(text)):
            anchor = sec.anchor if i == 0 else f"{sec.anchor}-{i + 1}"
            heading = sec.heading or title
            result.passages.append(Passage(
                doc_id=f"{doc}#{anchor}",
                source_type=SourceType.PAGE,
                title=title,
                locator=title if heading == title else f"{title} ＞ {heading}",
                text=piece,
                url=f"{url}#{sec.anchor}" if url and sec.anchor != "intro" else url,
                department=fields["department"],
                contact=fields["contact"],
                category=fields["category"],
                updated=fields["updated"],
                confidentiality=level,
                source_path=str(path),
            ))
    if not result.passages:
        raise SourceError("本文が見つかりません（main 要素または body が空です）")
    return result


def _sections(main: Tag) -> list[Section]:
    """Mark every h2 in place, flatten to lines, and cut at the marks."""
    for i, h in enumerate(main.find_all("h2"), start=1):
        anchor = _anchor_of(h) or f"s{i}"
        h.replace_with(f"\n{_MARK}{anchor}\x00{h.get_text(' ', strip=True)}\n")
    for h1 in main.find_all("h1"):
        h1.decompose()
    sections = [Section("intro", "")]
    for line in html_text.to_lines(main):
        if line.startswith(_MARK):
            anchor, _, heading = line[len(_MARK):].partition("\x00")
            sections.append(Section(anchor, heading.strip()))
        else:
            sections[-1].lines.append(line)
    return sections


def _anchor_of(h: Tag) -> str:
    if h.get("id"):
        return str(h["id"])
    inner = h.find(id=True) or h.find("a", attrs={"name": re.compile(".")})
    if isinstance(inner, Tag):
        return str(inner.get("id") or inner.get("name"))
    return ""
