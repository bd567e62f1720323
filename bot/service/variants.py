"""Question variants (言い換え): the ways residents really ask, attached to the FAQ that answers
them — proposed by residents' behaviour or by staff, approved by a second staff member, and
then served within seconds (ingest/delta.py). Never silent learning: nothing a resident does
reaches the index without two staff members.

Lifecycle of a row in `question_variants`:
- `suggested`: from a resident's behaviour (a clarify pick, 役に立った, 役に立たなかった); nobody
  has looked at it yet.
- `proposed`: a staff member proposes it (in the console, by linking an escalated question to
  an FAQ, or by endorsing a suggestion) — the first pair of eyes.
- `approved` / `rejected`: decided by a staff member who did not propose it. An approved
  `add` is served; an approved `remove` takes its target out (status `removed`).
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.store import repo
from bot.store.models import QuestionVariant, Staff, now
from ingest.schema import Passage
from ingest.variants import Variant

PENDING = ("suggested", "proposed")
STATUS_JA = {"suggested": "住民の行動からの提案", "proposed": "承認待ち", "approved": "承認済み",
             "rejected": "却下", "removed": "削除済み"}
ORIGIN_JA = {"clarify": "選択肢で選ばれた", "helpful": "役に立った",
             "not_helpful": "役に立たなかった", "escalation": "職員がFAQに紐付け",
             "console": "職員が追加", "import": "CSV取り込み"}
RESIDENT_ORIGINS = ("clarify", "helpful", "not_helpful")
MIN_LEN, MAX_LEN = 2, 200
CSV_HEADER = ["ID", "doc_id", "言い換え", "種類", "状態", "出どころ", "理由", "提案者", "提案日時",
              "承認者", "承認日時", "コメント"]


class VariantError(ValueError):
    """A variant action that is not allowed; the message is shown to staff."""


def same_text(a: str, b: str) -> bool:
    """Equal after NFKC, case folding and without spaces or end punctuation."""
    return _key(a) == _key(b)


def _key(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    return re.sub(r"[\s。．.？?！!、,]+", "", text)


@dataclass
class VariantService:
    # Serve exactly these approved variants (a new index generation sharing everything else).
    apply: Callable[[list[Variant]], None]
    # The serving passage with this doc_id, or None.
    passage: Callable[[str], Passage | None]

    # ---- proposals ---------------------------------------------------------------------------
    def suggest(self, s: Session, doc_id: str, text: str, origin: str, reason: str,
                message_id: int | None = None) -> QuestionVariant | None:
        """A resident's behaviour suggests `text` (already masked) as a variant of `doc_id`;
        None when it adds nothing (the FAQ's own question, or already known)."""
        return self._new(s, doc_id, text, origin, reason, message_id, None)

    def propose(self, s: Session, staff: Staff, doc_id: str, text: str, origin: str = "console",
                reason: str = "", message_id: int | None = None) -> QuestionVariant:
        """A staff member proposes a variant (the first pair of eyes)."""
        row = self._new(s, doc_id, text, origin, reason, message_id, staff)
        if row is None:
            raise VariantError("この言い換えはすでに登録済みか、FAQ の質問と同じです")
        return row

    def suggest_removal(self, s: Session, target: QuestionVariant, reason: str,
                        message_id: int | None = None) -> QuestionVariant | None:
        """役に立たなかった after an answer reached through `target`: suggest taking it out."""
        if target.status != "approved" or target.kind != "add":
            return None
        pending = s.scalars(select(QuestionVariant).where(
            QuestionVariant.kind == "remove", QuestionVariant.target_id == target.id,
            QuestionVariant.status.in_(PENDING))).first()
        if pending is not None:
            return None
        row = QuestionVariant(doc_id=target.doc_id, text=target.text, kind="remove",
                              target_id=target.id, status="suggested", origin="not_helpful",
                              reason=reason, message_id=message_id)
        s.add(row)
        s.flush()
        repo.audit(s, None, "variant.suggested", f"question_variant:{row.id}",
                   kind="remove", doc_id=row.doc_id, origin="not_helpful")
        return row

    def _new(self, s: Session, doc_id: str, text: str, origin: str, reason: str,
             message_id: int | None, staff: Staff | None) -> QuestionVariant | None:
        text = " ".join(text.split())
        if not MIN_LEN <= len(text) <= MAX_LEN:
            raise VariantError(f"言い換えは {MIN_LEN}〜{MAX_LEN} 文字で入力してください")
        passage = self.passage(doc_id)
        if passage is None:
            raise VariantError(f"FAQ {doc_id} が索引にありません")
        if same_text(text, passage.question or passage.title) or any(
                same_text(text, v) for v in passage.variants):
            return None
        for other in s.scalars(select(QuestionVariant).where(
                QuestionVariant.doc_id == doc_id, QuestionVariant.kind == "add",
                QuestionVariant.status.in_((*PENDING, "approved")))):
            if same_text(other.text, text):
                if staff is not None and other.status == "suggested":
                    self.endorse(s, staff, other)
                    return other
                return None
        row = QuestionVariant(doc_id=doc_id, text=text, kind="add", origin=origin,
                              reason=reason.strip(), message_id=message_id,
                              status="proposed" if staff else "suggested",
                              proposed_by=staff.id if staff else None)
        s.add(row)
        s.flush()
        repo.audit(s, staff, f"variant.{row.status}", f"question_variant:{row.id}",
                   kind="add", doc_id=doc_id, origin=origin)
        return row

    # ---- review ------------------------------------------------------------------------------
    def endorse(self, s: Session, staff: Staff, row: QuestionVariant) -> None:
        """First pair of eyes on a resident's suggestion: send it for approval."""
        if row.status != "suggested":
            raise VariantError("この提案はすでに確認済みです")
        row.status, row.proposed_by = "proposed", staff.id
        repo.audit(s, staff, "variant.proposed", f"question_variant:{row.id}",
                   kind=row.kind, doc_id=row.doc_id)

    def approve(self, s: Session, staff: Staff, row: QuestionVariant, comment: str = "") -> None:
        """The second pair of eyes: serve the variant (or take its target out) at once."""
        if row.status != "proposed":
            raise VariantError("承認待ちの提案ではありません"
                               "（先に別の職員が確認して承認依頼します）")
        if row.proposed_by == staff.id:
            raise VariantError("自分が提案・確認した言い換えは承認できません"
                               "（別の職員の確認が必要です）")
        row.status, row.decided_by, row.decided_at = "approved", staff.id, now()
        row.decision_comment = comment.strip()
        if row.kind == "remove" and row.target_id is not None:
            target = s.get(QuestionVariant, row.target_id)
            if target is not None and target.status == "approved":
                target.status = "removed"
        s.flush()
        self.publish(s)
        repo.audit(s, staff, "variant.approved", f"question_variant:{row.id}",
                   kind=row.kind, doc_id=row.doc_id)

    def reject(self, s: Session, staff: Staff, row: QuestionVariant, comment: str = "") -> None:
        if row.status not in PENDING:
            raise VariantError("この提案はすでに処理済みです")
        row.status, row.decided_by, row.decided_at = "rejected", staff.id, now()
        row.decision_comment = comment.strip()
        repo.audit(s, staff, "variant.rejected", f"question_variant:{row.id}",
                   kind=row.kind, doc_id=row.doc_id)

    # ---- reading -----------------------------------------------------------------------------
    def pending(self, s: Session) -> list[QuestionVariant]:
        """The review list: proposals awaiting a second staff member first, then suggestions."""
        rows = s.scalars(select(QuestionVariant).where(QuestionVariant.status.in_(PENDING))
                         .order_by(QuestionVariant.id))
        return sorted(rows, key=lambda r: (r.status != "proposed", r.id))

    def approved(self, s: Session) -> list[QuestionVariant]:
        return list(s.scalars(select(QuestionVariant).where(
            QuestionVariant.kind == "add", QuestionVariant.status == "approved")
            .order_by(QuestionVariant.doc_id, QuestionVariant.id)))

    def served(self, s: Session) -> list[Variant]:
        """The approved variants as the index takes them."""
        return [Variant(r.doc_id, r.text, f"db:{r.id}") for r in self.approved(s)]

    def publish(self, s: Session) -> int:
        """Serve exactly the approved variants; returns how many."""
        variants = self.served(s)
        self.apply(variants)
        return len(variants)

    # ---- CSV ---------------------------------------------------------------------------------
    def export_csv(self, s: Session) -> str:
        """Every row with who, when and why (names, not ids), for backup and review."""
        names = {st.id: st.name for st in s.scalars(select(Staff))}
        buf = io.StringIO(newline="")
        w = csv.writer(buf)
        w.writerow(CSV_HEADER)
        for r in s.scalars(select(QuestionVariant).order_by(QuestionVariant.id)):
            w.writerow([r.id, r.doc_id, r.text, r.kind, r.status, r.origin, r.reason,
                        names.get(r.proposed_by or 0, ""), _iso(r.created_at),
                        names.get(r.decided_by or 0, ""), _iso(r.decided_at),
                        r.decision_comment])
        return buf.getvalue()

    def import_csv(self, s: Session, text: str) -> tuple[int, list[str]]:
        """Restore approved variants from an export (or any CSV with doc_id and 言い換え
        columns): rows already present are skipped, staff names are matched to accounts.
        Returns (imported, problems). Only add rows are restored; their status is kept."""
        reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
        if not reader.fieldnames or not {"doc_id", "言い換え"} <= set(reader.fieldnames):
            raise VariantError("doc_id と 言い換え の列が必要です")
        staff = {st.name: st.id for st in s.scalars(select(Staff))}
        existing = {(r.doc_id, _key(r.text)) for r in s.scalars(select(QuestionVariant).where(
            QuestionVariant.kind == "add", QuestionVariant.status.in_((*PENDING, "approved"))))}
        imported, problems = 0, []
        for line, row in enumerate(reader, start=2):
            doc_id, text = (row.get("doc_id") or "").strip(), (row.get("言い換え") or "").strip()
            status = (row.get("状態") or "approved").strip()
            if (row.get("種類") or "add").strip() != "add" or status not in (
                    "approved", "proposed", "suggested"):
                continue
            if not doc_id or not MIN_LEN <= len(text) <= MAX_LEN:
                problems.append(f"{line} 行目: doc_id または言い換えが空か長すぎます")
                continue
            if (doc_id, _key(text)) in existing:
                continue
            existing.add((doc_id, _key(text)))
            s.add(QuestionVariant(
                doc_id=doc_id, text=text, kind="add", status=status, origin="import",
                reason=((row.get("理由") or "").strip()
                        or f"CSV 取り込み（元: {row.get('出どころ', '')}）"),
                proposed_by=staff.get((row.get("提案者") or "").strip()),
                decided_by=staff.get((row.get("承認者") or "").strip()),
                created_at=_parse(row.get("提案日時")) or now(),
                decided_at=_parse(row.get("承認日時")),
                decision_comment=(row.get("コメント") or "").strip()))
            imported += 1
        s.flush()
        repo.audit(s, None, "variant.imported", f"{imported} rows")
        return imported, problems


def _iso(value: datetime | None) -> str:
    return value.isoformat(timespec="seconds") if value else ""


def _parse(value: str | None) -> datetime | None:
    try:
        return datetime.fromisoformat(value.strip()) if value and value.strip() else None
    except ValueError:
        return None
