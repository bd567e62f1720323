"""PDF text, one passage per page; metadata from a `<file>.pdf.meta.yaml` sidecar."""

from __future__ import annotations

from pathlib import Path

from ingest.schema import LoadResult, Passage, SourceType
from ingest.sources.common import SourceError, confidentiality_of, read_sidecar, tidy


def load(path: Path) -> LoadResult:
    """Extract each page's text; a PDF without extractable text is refused (scans need OCR)."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    data = path.read_bytes()
    if not data.strip():
        raise SourceError("空のファイルです")
    meta = read_sidecar(path)
    try:
        reader = PdfReader(path)
        if reader.is_encrypted:
            raise SourceError("暗号化された PDF は読めません")
        pages = [tidy(page.extract_text() or "") for page in reader.pages]
        info_title = (reader.metadata.title if reader.metadata else None) or ""
    except (PdfReadError, ValueError, KeyError, OSError) as exc:
        raise SourceError(f"PDF として読めません: {exc}") from exc
    if not any(pages):
        raise SourceError("PDF から文字を取り出せません（画像だけの PDF は OCR が必要です）")
    title = meta.get("title") or str(info_title) or path.stem
    doc = meta.get("id") or path.stem
    url = meta.get("url", "")
    level = confidentiality_of(meta.get("confidentiality"))
    result = LoadResult()
    for number, text in enumerate(pages, start=1):
        if not text:
            continue
        result.passages.append(Passage(
            doc_id=f"{doc}#p{number}",
            source_type=SourceType.PDF,
            title=title,
            locator=f"{title} {number}ページ",
            text=text,
            url=f"{url}#page={number}" if url else "",
            department=meta.get("department", ""),
            contact=meta.get("contact", ""),
            category=meta.get("category", ""),
            updated=meta.get("updated", ""),
            confidentiality=level,
            source_path=str(path),
        ))
    return result
