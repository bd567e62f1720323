"""FAQ candidates and approved FAQs: staff write or edit a candidate (prefilled from a reply),
submit it, and a *different* staff member approves, rejects or sends it back with a comment.
Approved FAQs can later be replaced or withdrawn — again through a candidate and a second pair
of eyes. Every step is kept in the candidate's history (faq_events) and the audit log."""

from __future__ import annotations

import difflib
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.service import faq_index
from bot.service.faq_text import Courtesies, faq_answer
from bot.store import repo
from bot.store.models import (
    ApprovedFaq,
    Escalation,
    FaqCandidate,
    FaqEvent,
    Message,
    Role,
    Staff,
    now,
)
from ingest.schema import Passage

EDITABLE = ("draft", "returned")
STATUS_JA = {"draft": "下書き", "proposed": "承認待ち", "returned": "差し戻し",
             "approved": "承認済み", "rejected": "却下"}
KIND_JA = {"new": "新規", "replace": "差し替え", "withdraw": "取り下げ"}
ACTION_JA = {"created": "作成", "edited": "編集", "submitted": "承認依頼", "approved": "承認",
             "rejected": "却下", "returned": "差し戻し"}
FIELDS_JA = {"question": "質問", "answer": "回答", "category": "分類", "department": "担当課",
             "contact": "連絡先", "variants": "質問の言い換え"}


class FaqError(ValueError):
    """An FAQ action that is not allowed; the message is shown in the console."""


@dataclass
class FaqFields:
    """What the editor edits."""

    question: str = ""
    answer: str = ""
    category: str = ""
    department: str = ""
    contact: str = ""
    variants: list[str] = field(default_factory=list)

    def cleaned(self) -> FaqFields:
        out = FaqFields(self.question.strip(), self.answer.strip(), self.category.strip(),
                        self.department.strip(), self.contact.strip(),
                        [v.strip() for v in self.variants if v.strip()])
        if len(out.question) < 2:
            raise FaqError("質問を入力してください")
        if len(out.answer) < 2:
            raise FaqError("回答を入力してください")
        return out

    @classmethod
    def of(cls, row: FaqCandidate | ApprovedFaq) -> FaqFields:
        return cls(row.question, row.answer, row.category, row.department, row.contact,
                   list(row.variants or []))


@dataclass
class FieldDiff:
    name: str
    label: str
    old: str
    new: str
    changed: bool
    ops: list[tuple[str, str]]  # ("equal" | "delete" | "insert", text)


def diff_fields(old: FaqFields | None, new: FaqFields) -> list[FieldDiff]:
    """Field by field, character-level differences of a candidate against the FAQ it replaces."""
    out = []
    for name, label in FIELDS_JA.items():
        a = _text(getattr(old, name)) if old else ""
        b = _text(getattr(new, name))
        ops: list[tuple[str, str]] = []
        for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b,
                                                           autojunk=False).get_opcodes():
            if tag in ("delete", "replace"):
                ops.append(("delete", a[i1:i2]))
            if tag in ("insert", "replace"):
                ops.append(("insert", b[j1:j2]))
            if tag == "equal":
                ops.append(("equal", a[i1:i2]))
        out.append(FieldDiff(name, label, a, b, a != b, ops))
    return out


def _text(value: str | list[str]) -> str:
    return "\n".join(value) if isinstance(value, list) else value


@dataclass(frozen=True)
class CorpusFacts:
    """What the editor's defaults need from the serving index, computed once per generation."""

    generation: str
    departments: list[str]
    contacts: dict[str, str]  # department → its most frequent contact
    categories: dict[str, str]  # doc_id → category

    @classmethod
    def of(cls, generation: str, passages: Sequence[Passage]) -> CorpusFacts:
        counts: dict[str, Counter[str]] = {}
        categories = {}
        for p in passages:
            if p.department and p.contact:
                counts.setdefault(p.department, Counter())[p.contact] += 1
            if p.category:
                categories[p.doc_id] = p.category
        departments = sorted({p.department for p in passages if p.department})
        contacts = {d: c.most_common(1)[0][0] for d, c in counts.items()}
        return cls(generation, departments, contacts, categories)


@dataclass
class FaqService:
    csv_path: Path
    reindex: Callable[[Path], None]
    # The serving generation's name and passages (re-read when the name changes).
    catalog: Callable[[], tuple[str, Sequence[Passage]]]
    id_prefix: str = "STAFF-FAQ"
    courtesies: Courtesies = field(default_factory=Courtesies.load)
    _facts: CorpusFacts | None = field(default=None, init=False, repr=False)

    def facts(self) -> CorpusFacts:
        generation, passages = self.catalog()
        if self._facts is None or self._facts.generation != generation:
            self._facts = CorpusFacts.of(generation, passages)
        return self._facts

    # ---- prefill -----------------------------------------------------------------------------
    def draft_from_message(self, s: Session, message: Message) -> FaqFields:
        """Editor defaults for 「FAQ候補にする」 on a staff reply."""
        if message.role != Role.STAFF.value:
            raise FaqError("FAQ候補にできるのは職員の回答だけです")
        esc = s.scalars(select(Escalation).where(
            Escalation.conversation_id == message.conversation_id,
            Escalation.created_at <= message.created_at).order_by(Escalation.id.desc())).first()
        question = repo.trigger_question(s, esc) if esc else ""
        question = question or repo.last_resident_text(s, message.conversation_id, message.id)
        department = esc.department if esc else ""
        return FaqFields(question=question, answer=faq_answer(message.text, self.courtesies),
                         category=self._category_near(s, message), department=department,
                         contact=self.contact_for(department))

    def contact_for(self, department: str) -> str:
        """The contact the corpus gives most often for a department."""
        return self.facts().contacts.get(department, "") if department else ""

    def _category_near(self, s: Session, message: Message) -> str:
        """The category of the passage the bot cited last in this conversation, if any."""
        cited = s.scalars(select(Message).where(
            Message.conversation_id == message.conversation_id, Message.role == Role.BOT.value,
            Message.id < message.id).order_by(Message.id.desc())).all()
        categories = self.facts().categories
        for m in cited:
            for c in m.citations or []:
                if categories.get(c.get("doc_id", "")):
                    return categories[c["doc_id"]]
        return ""

    def departments(self) -> list[str]:
        return self.facts().departments

    # ---- candidate lifecycle -----------------------------------------------------------------
    def create(self, s: Session, staff: Staff, fields: FaqFields,
               source_message_id: int | None = None, kind: str = "new",
               target_doc_id: str | None = None) -> FaqCandidate:
        f = fields.cleaned()
        if kind != "new":
            self._approved(s, target_doc_id or "")
        cand = FaqCandidate(question=f.question, answer=f.answer, category=f.category,
                            department=f.department, contact=f.contact, variants=f.variants,
                            source_message_id=source_message_id, created_by=staff.id,
                            status="draft", kind=kind, target_doc_id=target_doc_id)
        s.add(cand)
        s.flush()
        self._event(s, cand, staff, "created")
        return cand

    def update(self, s: Session, staff: Staff, cand: FaqCandidate, fields: FaqFields) -> None:
        if cand.status not in EDITABLE:
            raise FaqError("承認待ち・処理済みの候補は編集できません")
        f = fields.cleaned()
        cand.question, cand.answer, cand.category = f.question, f.answer, f.category
        cand.department, cand.contact, cand.variants = f.department, f.contact, f.variants
        self._event(s, cand, staff, "edited")

    def submit(self, s: Session, staff: Staff, cand: FaqCandidate) -> None:
        if cand.status not in EDITABLE:
            raise FaqError("この候補はすでに承認依頼済みか処理済みです")
        cand.status = "proposed"
        self._event(s, cand, staff, "submitted")

    def approve(self, s: Session, staff: Staff, cand: FaqCandidate, comment: str = "") -> str:
        """The second pair of eyes: publish, replace or withdraw the FAQ and re-index."""
        self._check_reviewer(s, staff, cand)
        if cand.kind == "new":
            doc_id = self.next_doc_id(s)
            s.add(ApprovedFaq(doc_id=doc_id, candidate_id=cand.id, approved_by=staff.id,
                              **self._content(cand)))
        else:
            target = self._approved(s, cand.target_doc_id or "")
            doc_id = target.doc_id
            if cand.kind == "replace":
                for key, value in self._content(cand).items():
                    setattr(target, key, value)
                target.candidate_id, target.approved_by = cand.id, staff.id
                target.approved_at = now()
            else:
                target.status, target.withdrawn_at = "withdrawn", now()
        cand.doc_id = doc_id
        cand.status, cand.decided_by, cand.decided_at = "approved", staff.id, now()
        cand.review_comment = comment.strip()
        s.flush()
        faq_index.publish(s, self.csv_path, self.reindex)
        self._event(s, cand, staff, "approved", comment)
        return doc_id

    def reject(self, s: Session, staff: Staff, cand: FaqCandidate, comment: str = "") -> None:
        self._check_reviewer(s, staff, cand)
        cand.status, cand.decided_by, cand.decided_at = "rejected", staff.id, now()
        cand.review_comment = comment.strip()
        self._event(s, cand, staff, "rejected", comment)

    def send_back(self, s: Session, staff: Staff, cand: FaqCandidate, comment: str) -> None:
        """差し戻し: back to the author for changes, with the reviewer's comment."""
        if not comment.strip():
            raise FaqError("差し戻す理由をコメントに書いてください")
        self._check_reviewer(s, staff, cand)
        cand.status, cand.review_comment = "returned", comment.strip()
        self._event(s, cand, staff, "returned", comment)

    def request_withdrawal(self, s: Session, staff: Staff, doc_id: str,
                           reason: str) -> FaqCandidate:
        """Ask for an approved FAQ to leave the index (a second staff member approves)."""
        if not reason.strip():
            raise FaqError("取り下げの理由を書いてください")
        target = self._approved(s, doc_id)
        cand = self.create(s, staff, FaqFields.of(target), kind="withdraw", target_doc_id=doc_id)
        cand.review_comment = reason.strip()
        self.submit(s, staff, cand)
        return cand

    def start_replacement(self, s: Session, staff: Staff, doc_id: str) -> FaqCandidate:
        """A draft that, once approved, replaces the approved FAQ under the same ID."""
        target = self._approved(s, doc_id)
        return self.create(s, staff, FaqFields.of(target), kind="replace", target_doc_id=doc_id)

    # ---- reading -----------------------------------------------------------------------------
    def diff(self, s: Session, cand: FaqCandidate) -> list[FieldDiff]:
        target = s.get(ApprovedFaq, cand.target_doc_id) if cand.target_doc_id else None
        return diff_fields(FaqFields.of(target) if target else None, FaqFields.of(cand))

    def history(self, s: Session, cand: FaqCandidate) -> list[FaqEvent]:
        return list(s.scalars(select(FaqEvent).where(FaqEvent.candidate_id == cand.id)
                              .order_by(FaqEvent.id)))

    def approved_faqs(self, s: Session) -> list[ApprovedFaq]:
        return list(s.scalars(select(ApprovedFaq).order_by(ApprovedFaq.status,
                                                           ApprovedFaq.doc_id)))

    def next_doc_id(self, s: Session) -> str:
        count = s.scalar(select(func.count()).select_from(ApprovedFaq).where(
            ApprovedFaq.doc_id.like(f"{self.id_prefix}-%"))) or 0
        return f"{self.id_prefix}-{count + 1:04d}"

    # ---- helpers -----------------------------------------------------------------------------
    def _approved(self, s: Session, doc_id: str) -> ApprovedFaq:
        target = s.get(ApprovedFaq, doc_id) if doc_id else None
        if target is None or target.status != "active":
            raise FaqError(f"公開中の FAQ {doc_id} が見つかりません")
        return target

    def _check_reviewer(self, s: Session, staff: Staff, cand: FaqCandidate) -> None:
        if cand.status != "proposed":
            raise FaqError("この候補は承認待ちではありません")
        authors = set(s.scalars(select(FaqEvent.staff_id).where(
            FaqEvent.candidate_id == cand.id,
            FaqEvent.action.in_(("created", "edited", "submitted")))))
        if staff.id in authors or staff.id == cand.created_by:
            raise FaqError("自分が作成・編集した候補は承認できません（別の職員の確認が必要です）")

    @staticmethod
    def _content(cand: FaqCandidate) -> dict[str, Any]:
        return {"question": cand.question, "answer": cand.answer, "category": cand.category,
                "department": cand.department, "contact": cand.contact,
                "variants": list(cand.variants or [])}

    @staticmethod
    def _event(s: Session, cand: FaqCandidate, staff: Staff, action: str,
               comment: str = "") -> None:
        s.add(FaqEvent(candidate_id=cand.id, staff_id=staff.id, action=action,
                       comment=comment.strip(), snapshot=asdict(FaqFields.of(cand))))
        repo.audit(s, staff, f"faq.{action}", f"faq_candidate:{cand.id}",
                   kind=cand.kind, doc_id=cand.doc_id or cand.target_doc_id or "")
