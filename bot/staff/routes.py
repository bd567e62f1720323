"""The staff console at /staff: login, queue, conversation with traces, reply, assign, close,
FAQ candidates (four eyes) and the audit log (admins)."""

from __future__ import annotations

import secrets
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, HTTPException, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select

from bot.deps import ServicesDep, SessionDep
from bot.service import retention
from bot.service.staff import StaffError
from bot.store import repo
from bot.store.models import Conversation, Escalation, FaqCandidate, Message, Staff

router = APIRouter(prefix="/staff", include_in_schema=False)
STATUS_JA = {"open": "未対応", "assigned": "対応中", "answered": "回答済み", "closed": "完了"}
PRIORITY_JA = {0: "緊急", 1: "職員希望", 2: "評価低", 3: "自動応答不可"}


def csrf_token(request: Request) -> str:
    token = request.session.get("csrf")
    if not token:
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return str(token)


def check_csrf(request: Request, csrf: Annotated[str, Form()] = "") -> None:
    expected = request.session.get("csrf", "")
    if not expected or not secrets.compare_digest(str(expected), csrf):
        raise HTTPException(403, "CSRF トークンが正しくありません。再読み込みしてください。")


def current_staff(request: Request, s: SessionDep) -> Staff:
    staff_id = request.session.get("staff_id")
    staff = s.get(Staff, staff_id) if staff_id else None
    if staff is None or not staff.active:
        raise HTTPException(303, headers={"Location": "/staff/login"})
    return staff


StaffDep = Annotated[Staff, Depends(current_staff)]
Csrf = Depends(check_csrf)


def render(request: Request, services: ServicesDep, name: str, **ctx: Any) -> HTMLResponse:
    ctx.update(csrf=csrf_token(request), status_ja=STATUS_JA, priority_ja=PRIORITY_JA,
               city_name=services.settings.city_name)
    return services.templates.TemplateResponse(request, f"staff/{name}", ctx)


def back(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, services: ServicesDep, error: str = "") -> HTMLResponse:
    return render(request, services, "login.html", error=error, staff=None)


@router.post("/login", dependencies=[Csrf])
def login(request: Request, services: ServicesDep, s: SessionDep,
          name: Annotated[str, Form(max_length=64)],
          password: Annotated[str, Form(max_length=256)]) -> Response:
    try:
        staff = services.staff.login(s, name, password)
    except StaffError as exc:
        return render(request, services, "login.html", error=str(exc), staff=None)
    request.session.clear()
    request.session.update(staff_id=staff.id, csrf=secrets.token_urlsafe(32))
    return back("/staff")


@router.post("/logout", dependencies=[Csrf])
def logout(request: Request, staff: StaffDep, s: SessionDep) -> Response:
    repo.audit(s, staff, "logout", staff.name)
    request.session.clear()
    return back("/staff/login")


@router.get("", response_class=HTMLResponse)
def queue(request: Request, services: ServicesDep, s: SessionDep, staff: StaffDep,
          department: Annotated[str, Query(max_length=128)] = "",
          status: Annotated[str, Query(pattern="^(|open|assigned|answered|closed)$")] = ""
          ) -> HTMLResponse:
    items = repo.queue(s, department, status)
    return render(request, services, "queue.html", staff=staff, items=items,
                  departments=repo.departments(s), department=department, status=status)


def _escalation(s: SessionDep, escalation_id: int) -> Escalation:
    esc = s.get(Escalation, escalation_id)
    if esc is None:
        raise HTTPException(404, "エスカレーションが見つかりません")
    return esc


@router.get("/escalations/{escalation_id}", response_class=HTMLResponse)
def conversation(request: Request, escalation_id: int, services: ServicesDep, s: SessionDep,
                 staff: StaffDep, error: str = "") -> HTMLResponse:
    esc = _escalation(s, escalation_id)
    conv = s.get(Conversation, esc.conversation_id)
    assert conv is not None
    repo.audit(s, staff, "escalation.view", f"escalation:{esc.id}")
    return render(request, services, "conversation.html", staff=staff, esc=esc, conv=conv,
                  messages=repo.messages_after(s, conv.id), error=error)


@router.post("/escalations/{escalation_id}/assign", dependencies=[Csrf])
def assign(escalation_id: int, services: ServicesDep, s: SessionDep,
           staff: StaffDep) -> Response:
    services.staff.assign(s, staff, _escalation(s, escalation_id))
    return back(f"/staff/escalations/{escalation_id}")


@router.post("/escalations/{escalation_id}/reply", dependencies=[Csrf])
def reply(escalation_id: int, services: ServicesDep, s: SessionDep, staff: StaffDep,
          text: Annotated[str, Form(max_length=4000)]) -> Response:
    try:
        services.staff.reply(s, staff, _escalation(s, escalation_id), text)
    except StaffError as exc:
        return back(f"/staff/escalations/{escalation_id}?error={exc}")
    return back(f"/staff/escalations/{escalation_id}")


@router.post("/escalations/{escalation_id}/erase", dependencies=[Csrf])
def erase(escalation_id: int, s: SessionDep, staff: StaffDep) -> Response:
    """「この会話の個人情報を削除」 (admins): the conversation's remaining free text goes."""
    if staff.role != "admin":
        raise HTTPException(403, "会話の個人情報の削除は管理者だけができます")
    conv = s.get(Conversation, _escalation(s, escalation_id).conversation_id)
    assert conv is not None
    retention.erase(s, staff, conv)
    return back(f"/staff/escalations/{escalation_id}")


@router.post("/escalations/{escalation_id}/close", dependencies=[Csrf])
def close(escalation_id: int, services: ServicesDep, s: SessionDep,
          staff: StaffDep) -> Response:
    services.staff.close(s, staff, _escalation(s, escalation_id))
    return back("/staff")


@router.post("/messages/{message_id}/faq", dependencies=[Csrf])
def propose(message_id: int, services: ServicesDep, s: SessionDep, staff: StaffDep,
            question: Annotated[str, Form(min_length=2, max_length=500)],
            category: Annotated[str, Form(max_length=128)] = "") -> Response:
    msg = s.get(Message, message_id)
    if msg is None:
        raise HTTPException(404, "メッセージが見つかりません")
    try:
        services.staff.propose_faq(s, staff, msg, question, category)
    except StaffError as exc:
        raise HTTPException(400, str(exc)) from exc
    return back("/staff/faq")


@router.get("/faq", response_class=HTMLResponse)
def candidates(request: Request, services: ServicesDep, s: SessionDep, staff: StaffDep,
               error: str = "") -> HTMLResponse:
    rows = list(s.scalars(select(FaqCandidate).order_by(FaqCandidate.id.desc())))
    names = {st.id: st.name for st in s.scalars(select(Staff))}
    return render(request, services, "faq.html", staff=staff, rows=rows, names=names,
                  error=error)


def _candidate(s: SessionDep, candidate_id: int) -> FaqCandidate:
    cand = s.get(FaqCandidate, candidate_id)
    if cand is None:
        raise HTTPException(404, "FAQ候補が見つかりません")
    return cand


@router.post("/faq/{candidate_id}/{decision}", dependencies=[Csrf])
def decide(candidate_id: int, decision: Annotated[str, Path(pattern="^(approve|reject)$")],
           services: ServicesDep, s: SessionDep, staff: StaffDep) -> Response:
    """承認（索引に入れる）または却下。"""
    act = services.staff.approve_faq if decision == "approve" else services.staff.reject_faq
    try:
        act(s, staff, _candidate(s, candidate_id))
    except StaffError as exc:
        return back(f"/staff/faq?error={exc}")
    return back("/staff/faq")


@router.get("/audit", response_class=HTMLResponse)
def audit(request: Request, services: ServicesDep, s: SessionDep,
          staff: StaffDep) -> HTMLResponse:
    if staff.role != "admin":
        raise HTTPException(403, "監査ログは管理者だけが見られます")
    return render(request, services, "audit.html", staff=staff, rows=repo.audit_log(s))
