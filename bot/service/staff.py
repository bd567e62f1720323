"""Staff work: accounts and login, replies, assignment and department, closing. Every action is
audited. (FAQ candidates and their four-eyes approval are in bot/service/faq.py.)"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerifyMismatchError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.service.chat import RESUMED_TEXT
from bot.service.notifier import Notifier
from bot.store import repo
from bot.store.models import (
    Conversation,
    Escalation,
    EscalationStatus,
    Message,
    Role,
    Staff,
)

ROLES = ("staff", "admin")
# One answer for an unknown name, a wrong password and a locked account (no enumeration).
LOGIN_REFUSED = ("職員名またはパスワードが違います。失敗が続くとしばらくログインできなくなります"
                 "（解除は管理者へ）。")
MIN_PASSWORD = 10


class StaffError(ValueError):
    """A staff action that is not allowed; the message is shown in the console."""


@dataclass
class StaffService:
    notifier: Notifier
    max_failed_logins: int = 5
    lock_minutes: int = 15

    def __post_init__(self) -> None:
        self._hasher = PasswordHasher()
        # Verified for unknown and locked accounts, so every refusal costs the same hash.
        self._decoy = self._hasher.hash(secrets.token_urlsafe(16))

    def add(self, s: Session, name: str, password: str, role: str = "staff",
            department: str = "", actor: Staff | None = None) -> Staff:
        if role not in ROLES:
            raise StaffError(f"役割は {' / '.join(ROLES)} のいずれかです")
        _check_password(password)
        if not name.strip() or len(name) > 64:
            raise StaffError("職員名は1〜64文字で指定してください")
        if repo.staff_by_name(s, name) is not None:
            raise StaffError(f"職員 {name} はすでに登録されています")
        staff = Staff(name=name, password_hash=self._hasher.hash(password), role=role,
                      department=department)
        s.add(staff)
        s.flush()
        repo.audit(s, actor, "staff.add", name, role=role)
        return staff

    def login(self, s: Session, name: str, password: str) -> Staff:
        """The staff member, or StaffError with one message for an unknown name, a wrong
        password and a locked account, after the same work (one password hash) for each.

        The attempt is counted and committed before the password is checked, so parallel
        attempts cannot outrun the lockout: at most `max_failed_logins` are ever checked."""
        staff = repo.staff_by_name(s, name)
        attempt = None
        if staff is not None and staff.active:
            attempt = repo.take_login_attempt(s, staff.id, self.max_failed_logins,
                                              self.lock_minutes)
            s.commit()  # counted for every parallel attempt before any hash is checked
        if staff is None or not staff.active or attempt is None:
            self._verify(self._decoy, password)
            action = "login.locked" if attempt is None and staff is not None else "login.failed"
            repo.audit(s, staff if staff is not None and staff.active else None, action, name)
            raise StaffError(LOGIN_REFUSED)
        if not self._verify(staff.password_hash, password):
            if attempt >= self.max_failed_logins:
                repo.lock_account(s, staff.id, self.lock_minutes)
            repo.audit(s, staff, "login.failed", name, failures=attempt)
            raise StaffError(LOGIN_REFUSED)
        repo.login_succeeded(s, staff.id)
        s.refresh(staff)
        repo.audit(s, staff, "login", name)
        return staff

    def _verify(self, password_hash: str, password: str) -> bool:
        try:
            return bool(self._hasher.verify(password_hash, password))
        except (VerifyMismatchError, InvalidHashError):
            return False

    def logout(self, s: Session, staff: Staff) -> None:
        """End every session of the member (a copied cookie stops working too)."""
        repo.end_sessions(s, staff.id)
        repo.audit(s, staff, "logout", staff.name)

    # ---- accounts (CLI and the admin page; actor None = the command line) ----------------
    def accounts(self, s: Session) -> list[Staff]:
        return list(s.scalars(select(Staff).order_by(Staff.name)))

    def account(self, s: Session, name: str) -> Staff:
        staff = repo.staff_by_name(s, name)
        if staff is None:
            raise StaffError(f"職員 {name} は登録されていません")
        return staff

    def set_active(self, s: Session, actor: Staff | None, name: str, active: bool) -> Staff:
        staff = self.account(s, name)
        if not active:
            if actor is not None and actor.id == staff.id:
                raise StaffError("自分のアカウントは無効にできません")
            self._keep_an_admin(s, staff)
        staff.active = active
        if active:
            staff.failed_logins, staff.locked_until = 0, None
        else:
            staff.session_version += 1
        repo.audit(s, actor, "staff.enable" if active else "staff.disable", name)
        return staff

    def reset_password(self, s: Session, actor: Staff | None, name: str,
                       password: str) -> Staff:
        """Set a temporary password; the member must choose a new one at the next login."""
        _check_password(password)
        staff = self.account(s, name)
        staff.password_hash = self._hasher.hash(password)
        staff.must_change_password = True
        staff.failed_logins, staff.locked_until = 0, None
        staff.session_version += 1  # every session of the member ends
        repo.audit(s, actor, "staff.reset_password", name)
        return staff

    def set_role(self, s: Session, actor: Staff | None, name: str, role: str) -> Staff:
        if role not in ROLES:
            raise StaffError(f"役割は {' / '.join(ROLES)} のいずれかです")
        staff = self.account(s, name)
        if role != "admin":
            self._keep_an_admin(s, staff)
        old, staff.role = staff.role, role
        repo.audit(s, actor, "staff.set_role", name, old=old, new=role)
        return staff

    def change_password(self, s: Session, staff: Staff, current: str, new: str) -> None:
        """The member's own change (forced after a reset)."""
        try:
            self._hasher.verify(staff.password_hash, current)
        except (VerifyMismatchError, InvalidHashError) as exc:
            raise StaffError("現在のパスワードが違います") from exc
        _check_password(new)
        if new == current:
            raise StaffError("新しいパスワードは現在のものと別にしてください")
        staff.password_hash = self._hasher.hash(new)
        staff.must_change_password = False
        staff.session_version += 1  # other sessions end; the caller renews its own
        repo.audit(s, staff, "staff.change_password", staff.name)

    def _keep_an_admin(self, s: Session, staff: Staff) -> None:
        if staff.role != "admin" or not staff.active:
            return
        admins = s.scalar(select(func.count()).select_from(Staff).where(
            Staff.role == "admin", Staff.active.is_(True))) or 0
        if admins <= 1:
            raise StaffError("有効な管理者が1人もいなくなるため、この操作はできません")

    # ---- the queue ---------------------------------------------------------------------------
    def assign(self, s: Session, staff: Staff, esc: Escalation) -> None:
        if esc.status == EscalationStatus.CLOSED.value:
            raise StaffError("完了した問い合わせは担当できません")
        previous = esc.assignee.name if esc.assignee else ""
        if esc.status == EscalationStatus.OPEN.value:
            esc.status = EscalationStatus.ASSIGNED.value
        esc.assignee_id = staff.id
        repo.audit(s, staff, "escalation.assign", f"escalation:{esc.id}", previous=previous)

    def release(self, s: Session, staff: Staff, esc: Escalation) -> None:
        """担当を外れる: back to the open queue (an answered one stays answered)."""
        if esc.assignee_id is None:
            raise StaffError("この問い合わせには担当者がいません")
        if esc.status == EscalationStatus.ASSIGNED.value:
            esc.status = EscalationStatus.OPEN.value
        esc.assignee_id = None
        repo.audit(s, staff, "escalation.release", f"escalation:{esc.id}")

    def reassign_department(self, s: Session, staff: Staff, esc: Escalation,
                            department: str) -> None:
        """担当課の変更 (the bot's guess is often wrong); audited with both values."""
        department = department.strip()
        if department == esc.department:
            return
        old, esc.department = esc.department, department
        repo.audit(s, staff, "escalation.department", f"escalation:{esc.id}",
                   old=old, new=department)

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
        if esc.status == EscalationStatus.CLOSED.value:
            raise StaffError("この問い合わせはすでに完了しています")
        conv = s.get(Conversation, esc.conversation_id)
        assert conv is not None
        esc.status = EscalationStatus.CLOSED.value
        note = repo.add_message(s, conv, Role.SYSTEM.value, RESUMED_TEXT)
        repo.audit(s, staff, "escalation.close", f"escalation:{esc.id}")
        self.notifier.notify(conv, note)


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise StaffError(f"パスワードは{MIN_PASSWORD}文字以上にしてください")
