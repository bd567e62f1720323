"""Staff work: accounts and login, replies, assignment, closing, and FAQ candidates that enter
the index only after a second staff member approves them (four eyes). Every action is audited."""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerifyMismatchError
from sqlalchemy.orm import Session

from bot.service.chat import RESUMED_TEXT
from bot.service.notifier import Notifier
from bot.store import repo
from bot.store.models import (
    Conversation,
    Escalation,
    EscalationStatus,
    FaqCandidate,
    Message,
    Role,
    Staff,
    now,
)

FAQ_HEADER = ["ID", "分類", "質問", "回答", "担当課", "電話番号", "URL", "更新日", "機密性"]
ROLES = ("staff", "admin")


class StaffError(ValueError):
    """A staff action that is not allowed; the message is shown in the console."""


@dataclass
class StaffService:
    notifier: Notifier
    faq_csv: Path
    reindex: Callable[[Path], None]
    max_failed_logins: int = 5
    lock_minutes: int = 15
    faq_id_prefix: str = "STAFF-FAQ"

    def __post_init__(self) -> None:
        self._hasher = PasswordHasher()

    def add(self, s: Session, name: str, password: str, role: str = "staff",
            department: str = "") -> Staff:
        if role not in ROLES:
            raise StaffError(f"役割は {' / '.join(ROLES)} のいずれかです")
        if len(password) < 10:
            raise StaffError("パスワードは10文字以上にしてください")
        if repo.staff_by_name(s, name) is not None:
            raise StaffError(f"職員 {name} はすでに登録されています")
        staff = Staff(name=name, password_hash=self._hasher.hash(password), role=role,
                      department=department)
        s.add(staff)
        s.flush()
        repo.audit(s, None, "staff.add", name, role=role)
        return staff

    def login(self, s: Session, name: str, password: str) -> Staff:
        """The staff member, or StaffError with a message that does not reveal which part failed."""
        staff = repo.staff_by_name(s, name)
        if staff is None or not staff.active:
            repo.audit(s, None, "login.failed", name)
            raise StaffError("職員名またはパスワードが違います")
        if repo.is_locked(staff):
            repo.audit(s, staff, "login.locked", name)
            raise StaffError("ログインの失敗が続いたため、しばらくロックされています")
        try:
            self._hasher.verify(staff.password_hash, password)
        except (VerifyMismatchError, InvalidHashError) as exc:
            repo.lock_if_needed(staff, self.max_failed_logins, self.lock_minutes)
            repo.audit(s, staff, "login.failed", name, failures=staff.failed_logins)
            raise StaffError("職員名またはパスワードが違います") from exc
        staff.failed_logins, staff.locked_until = 0, None
        repo.audit(s, staff, "login", name)
        return staff

    def assign(self, s: Session, staff: Staff, esc: Escalation) -> None:
        esc.status, esc.assignee_id = EscalationStatus.ASSIGNED.value, staff.id
        repo.audit(s, staff, "escalation.assign", f"escalation:{esc.id}")

    def reply(self, s: Session, staff: Staff, esc: Escalation, text: str) -> Message:
        """Answer the resident in their thread (and over their channel)."""
        text = text.strip()
        if not text:
            raise StaffError("返信内容を入力してください")
        conv = s.get(Conversation, esc.conversation_id)
        assert conv is not None
        msg = repo.add_message(s, conv, Role.STAFF.value, text, staff_id=staff.id)
        esc.status = EscalationStatus.ANSWERED.value
        esc.assignee_id = esc.assignee_id or staff.id
        repo.audit(s, staff, "escalation.reply", f"escalation:{esc.id}", message_id=msg.id)
        self.notifier.notify(conv, msg)
        return msg

    def close(self, s: Session, staff: Staff, esc: Escalation) -> None:
        """Close the escalation; the bot takes the conversation back and says so."""
        conv = s.get(Conversation, esc.conversation_id)
        assert conv is not None
        esc.status = EscalationStatus.CLOSED.value
        note = repo.add_message(s, conv, Role.SYSTEM.value, RESUMED_TEXT)
        repo.audit(s, staff, "escalation.close", f"escalation:{esc.id}")
        self.notifier.notify(conv, note)

    def propose_faq(self, s: Session, staff: Staff, message: Message, question: str,
                    category: str = "") -> FaqCandidate:
        """「FAQ候補にする」: a staff answer becomes a candidate, not yet in the index."""
        if message.role != Role.STAFF.value:
            raise StaffError("FAQ候補にできるのは職員の回答だけです")
        esc = repo.active_escalation(s, message.conversation_id)
        cand = FaqCandidate(question=question.strip(), answer=message.text, category=category,
                            department=(esc.department if esc else "") or staff.department,
                            source_message_id=message.id, created_by=staff.id)
        s.add(cand)
        s.flush()
        repo.audit(s, staff, "faq.propose", f"faq_candidate:{cand.id}")
        return cand

    def approve_faq(self, s: Session, staff: Staff, cand: FaqCandidate) -> str:
        """The second pair of eyes: write the entry to the FAQ CSV and re-index it."""
        if cand.status != "proposed":
            raise StaffError("この候補はすでに処理済みです")
        if cand.created_by == staff.id:
            raise StaffError("自分が作成した候補は承認できません（別の職員の承認が必要です）")
        cand.doc_id = repo.next_faq_id(s, self.faq_id_prefix)
        cand.status, cand.decided_by, cand.decided_at = "approved", staff.id, now()
        before = self.faq_csv.read_bytes() if self.faq_csv.exists() else None
        self._append_csv(cand)
        try:
            self.reindex(self.faq_csv)
        except Exception:
            # The database rolls back; put the CSV back too so the two never disagree.
            if before is None:
                self.faq_csv.unlink(missing_ok=True)
            else:
                self.faq_csv.write_bytes(before)
            raise
        repo.audit(s, staff, "faq.approve", f"faq_candidate:{cand.id}", doc_id=cand.doc_id)
        return cand.doc_id

    def reject_faq(self, s: Session, staff: Staff, cand: FaqCandidate) -> None:
        if cand.status != "proposed":
            raise StaffError("この候補はすでに処理済みです")
        cand.status, cand.decided_by, cand.decided_at = "rejected", staff.id, now()
        repo.audit(s, staff, "faq.reject", f"faq_candidate:{cand.id}")

    def _append_csv(self, cand: FaqCandidate) -> None:
        self.faq_csv.parent.mkdir(parents=True, exist_ok=True)
        new = not self.faq_csv.exists()
        with open(self.faq_csv, "a", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh)
            if new:
                w.writerow(FAQ_HEADER)
            w.writerow([cand.doc_id, cand.category or "職員回答", cand.question, cand.answer,
                        cand.department, cand.contact, "", now().date().isoformat(), "公開"])
