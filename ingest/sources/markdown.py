"""Markdown with YAML front matter, split by `##` headings.

`## 見出し {#anchor}` sets a section's anchor (and so its doc_id and deep link)."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from ingest.schema import LoadResult, Passage, SourceType
from ingest.sources.common import SourceError, chunk, confidentiality_of, decode, read_sidecar

FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*(?:\n|\Z)", re.S)
HEADING = re.compile(r"^(#{1,2})\s+(.+?)\s*(?:\{#([\w\-.]+)\})?\s*$")


def front_matter(text: str) -> tuple[dict[str, str], str]:
    m = FRONT_MATTER.match(text)
    if not m:
        return {}, text
    try:
        data = yaml.safe_load(m.group(1)) or {}
    except yaml.YAMLError as exc:
        raise SourceError(f"フロントマター（YAML）が読めません: {exc}", line=1) from exc
    if not isinstance(data, dict):
        raise SourceError("フロントマターは「キー: 値」の形式で書いてください", line=1)
    return {str(k): "" if v is None else str(v) for k, v in data.items()}, text[m.end():]


def load(path: Path) -> LoadResult:
    """Read one Markdown file into one passage per `##` section."""
    meta, body = front_matter(decode(path.read_bytes()))
    meta = {**read_sidecar(path), **meta}
    level = confidentiality_of(meta.get("confidentiality"))
    title = meta.get("title", "")
    sections: list[tuple[str, str, list[str]]] = [("intro", "", [])]
    for line in body.splitlines():
        m = HEADING.match(line)
        if m and len(m.group(1)) == 1:
            title = title or m.group(2)
        elif m:
            sections.append((m.group(3) or f"s{len(sections)}", m.group(2), []))
        else:
            sections[-1][2].append(line)
    title = title or path.stem
    doc = meta.get("id") or path.stem
    url = meta.get("url", "")
    result = LoadResult()
    for anchor, heading, lines in sections:
        text = "\n".join(lines).strip()
        for i, piece in enumerate(chunk(text) if text else []):
            result.passages.append(Passage(
                doc_id=f"{doc}#{anchor}" if i == 0 else f"{doc}#{anchor}-{i + 1}",
                source_type=SourceType.MARKDOWN,
                title=title,
                locator=f"{title} ＞ {heading}" if heading else title,
                text=piece,
                url=f"{url}#{anchor}" if url and anchor != "intro" else url,
                department=meta.get("department", ""),
                contact=meta.get("contact", ""),
                category=meta.get("category", ""),
                updated=meta.get("updated", ""),
                confidentiality=level,
                source_path=str(path),
            ))
    if not result.passages:
        raise SourceError("本文がありません")
    return result
