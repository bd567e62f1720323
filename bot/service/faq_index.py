"""Approved FAQs from the database into the index: the one path by which a staff-approved
entry becomes searchable (and a withdrawn one stops being so).

The database is the record; the CSV under the data directory is its export, written whole from
the active rows on every change and ingested as its own source. A re-ingest of the corpus keeps
it (ingest keeps sources outside the roots it is given), and `publish` rebuilds it from the
database at any time. Question variants are written to their own column (one per line) so the
loader can index them as extra questions of the same entry.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.store.models import ApprovedFaq

EXPORT_NAME = Path("approved_faq") / "approved_faq.csv"
FAQ_HEADER = ["ID", "分類", "質問", "回答", "担当課", "電話番号", "URL", "更新日", "機密性",
              "質問の言い換え"]


@dataclass(frozen=True)
class FaqRow:
    """One approved FAQ entry as the index sees it."""

    doc_id: str
    question: str
    answer: str
    category: str = ""
    department: str = ""
    contact: str = ""
    url: str = ""
    updated: str = ""
    variants: tuple[str, ...] = field(default_factory=tuple)

    def cells(self) -> list[str]:
        return [self.doc_id, self.category or "職員回答", self.question, self.answer,
                self.department, self.contact, self.url, self.updated, "公開",
                "\n".join(self.variants)]


def export_path(data_dir: Path) -> Path:
    """Where the approved FAQs are exported beside the index's other state."""
    return data_dir / EXPORT_NAME


def approved_rows(s: Session) -> list[FaqRow]:
    """The active approved FAQs, oldest first (stable CSV order)."""
    rows = s.scalars(select(ApprovedFaq).where(ApprovedFaq.status == "active")
                     .order_by(ApprovedFaq.approved_at, ApprovedFaq.doc_id))
    return [FaqRow(r.doc_id, r.question, r.answer, r.category, r.department, r.contact, r.url,
                   r.approved_at.date().isoformat(), tuple(r.variants or ())) for r in rows]


def csv_text(rows: list[FaqRow]) -> str:
    buf = io.StringIO(newline="")
    w = csv.writer(buf)
    w.writerow(FAQ_HEADER)
    for row in rows:
        w.writerow(row.cells())
    return buf.getvalue()


def write_csv(rows: list[FaqRow], path: Path) -> None:
    """Replace the export atomically (a reader never sees half a file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(csv_text(rows), encoding="utf-8", newline="")
    os.replace(tmp, path)


def publish(s: Session, path: Path, reindex: Callable[[Path], None]) -> int:
    """Write the active approved FAQs to `path` and re-index it; returns the row count.

    On a failed re-index the previous file is put back (the caller's transaction rolls back,
    so the database and the index never disagree)."""
    rows = approved_rows(s)
    before = path.read_bytes() if path.exists() else None
    write_csv(rows, path)
    try:
        reindex(path)
    except Exception:
        if before is None:
            path.unlink(missing_ok=True)
        else:
            path.write_bytes(before)
        raise
    return len(rows)
