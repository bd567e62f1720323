"""The staff console at /staff: login, queue, conversation with traces, reply, assign / release,
department, close, live updates (SSE) and the audit log (admins). FAQ candidates, accounts and
analytics have their own route modules beside this one."""

from __future__ import annotations

import secrets
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response, StreamingResponse

from bot.deps import ServicesDep, SessionDep
from bot.service import retention
from bot.service.staff import StaffError
from bot.staff import live
from bot.store import repo
from bot.store.models import Conversation, Escalation, Staff

router = APIRouter(prefix="/staff", include_in_schema=False)
# Pages a member with a temporary password may still reach.
PASSWORD_FREE = ("/staff/password", "/staff/logout")


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
    if staff is None or not staff.active or (
            request.session.get("version") != staff.session_version):
        request.session.clear()  # ended by logout, a password reset or change, or disabling
        raise HTTPException(303, headers={"Location": "/staff/login"})
    if staff.must_change_password and request.url.path not in PASSWORD_FREE:
        raise HTTPException(303, headers={"Location": "/staff/password"})
    return staff


def admin_staff(staff: Annotated[Staff, Depends(current_staff)]) -> Staff:
    if staff.role != "admin":
        raise HTTPException(403, "この画面は管理者だけが使えます")
    return staff


StaffDep = Annotated[Staff, Depends(current_staff)]
AdminDep = Annotated[Staff, Depends(admin_staff)]
Csrf = Depends(check_csrf)


def render(request: Request, services: ServicesDep, name: str, status_code: int = 200,
           **ctx: Any) -> HTMLResponse:
    ctx.update(csrf=csrf_token(request), city_name=services.settings.city_name)
    staff = ctx.get("staff")
    if staff is not None:  # the assigned staff member's emergency alerts, on every page
        with services.db.session() as s:
            ctx["alerts"] = [e.id for e in repo.emergency_alerts(s, staff.id)]
    return services.templates.TemplateResponse(request, f"staff/{name}", ctx,
                                               status_code=status_code)


def back(url: str, error: str = "", notice: str = "") -> RedirectResponse:
    """Redirect after a POST, carrying a message for the next page."""
    if error or notice:
        sep = "&" if "?" in url else "?"
        key, text = ("error", error) if error else ("notice", notice)
        url = f"{url}{sep}{key}={quote(text)}"
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
    request.session.update(staff_id=staff.id, version=staff.session_version,
                           csrf=secrets.token_urlsafe(32))
    return back("/staff")


@router.post("/logout", dependencies=[Csrf])
def logout(request: Request, services: ServicesDep, staff: StaffDep, s: SessionDep) -> Response:
    services.staff.logout(s, staff)
    request.session.clear()
    return back("/staff/login")


@router.get("/password", response_class=HTMLResponse)
def password_page(request: Request, services: ServicesDep, staff: StaffDep,
                  error: str = "") -> HTMLResponse:
    return render(request, services, "password.html", staff=staff, error=error)


@router.post("/password", dependencies=[Csrf])
def change_password(request: Request, services: ServicesDep, s: SessionDep, staff: StaffDep,
                    current: Annotated[str, Form(max_length=256)],
                    new: Annotated[str, Form(max_length=256)],
                    again: Annotated[str, Form(max_length=256)]) -> Response:
    try:
        if new != again:
            raise StaffError("新しいパスワードが一致しません")
        services.staff.change_password(s, staff, current, new)
    except StaffError as exc:
        return render(request, services, "password.html", status_code=400, staff=staff,
                      error=str(exc))
    request.session["version"] = staff.session_version  # this session goes on, others end
    return back("/staff", notice="パスワードを変更しました")


@router.get("", response_class=HTMLResponse)
def queue(request: Request, services: ServicesDep, s: SessionDep, staff: StaffDep,
          department: Annotated[str, Query(max_length=128)] = "",
          status: Annotated[str, Query(pattern="^(|open|assigned|answered|closed)$")] = "",
          notice: str = "") -> HTMLResponse:
    items = [(e, repo.trigger_text(s, e)) for e in repo.queue(s, department, status)]
    return render(request, services, "queue.html", staff=staff, items=items,
                  departments=repo.departments(s), department=department, status=status,
                  notice=notice)


@router.get("/events")
async def events(request: Request, services: ServicesDep, staff: StaffDep) -> Response:
    """Server-sent events: one `change` event whenever the queue or a thread changes. One
    connection per open page; the database is checked server-side every few seconds."""
    st = services.settings.staff
    stream = live.changes(request, lambda: live.version(services.db),
                          st.events_interval_seconds, st.events_lifetime_seconds)
    return StreamingResponse(stream, media_type="text/event-stream",
                             headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})


def _escalation(s: SessionDep, escalation_id: int) -> Escalation:
    esc = s.get(Escalation, escalation_id)
    if esc is None:
        raise HTTPException(404, "エスカレーションが見つかりません")
    return esc


SEARCH_RESULTS = 8


def faq_search(services: ServicesDep, query: str) -> list[dict[str, str]]:
    """Passages for 「このFAQで回答できる」: the retriever's top results for the staff's words."""
    query = query.strip()
    if not query:
        return []
    hits = services.components.retriever.retrieve(query, SEARCH_RESULTS).hits
    return [{"doc_id": h.passage.doc_id, "question": h.passage.question or h.passage.label,
             "text": h.passage.text[:120], "type": h.passage.source_type.value}
            for h in hits]


@router.get("/escalations/{escalation_id}", response_class=HTMLResponse)
def conversation(request: Request, escalation_id: int, services: ServicesDep, s: SessionDep,
                 staff: StaffDep, error: str = "", notice: str = "",
                 faq_q: Annotated[str, Query(max_length=200)] = "") -> HTMLResponse:
    esc = _escalation(s, escalation_id)
    conv = s.get(Conversation, esc.conversation_id)
    assert conv is not None
    if "x-live-refresh" not in request.headers:  # a live refresh is not a new view
        repo.audit(s, staff, "escalation.view", f"escalation:{esc.id}")
    known = sorted({*services.faq.departments(), *repo.departments(s)})
    question = repo.trigger_question(s, esc)
    return render(request, services, "conversation.html", staff=staff, esc=esc, conv=conv,
                  messages=repo.messages_after(s, conv.id), trigger_id=esc.message_id,
                  trigger=repo.trigger_text(s, esc), known_departments=known, error=error,
                  notice=notice, faq_q=faq_q or question,
                  faq_results=faq_search(services, faq_q or question))


def _act(escalation_id: int, action: Any, *args: Any) -> Response:
    try:
        action(*args)
    except StaffError as exc:
        return back(f"/staff/escalations/{escalation_id}", error=str(exc))
    return back(f"/staff/escalations/{escalation_id}")


@router.post("/escalations/{escalation_id}/assign", dependencies=[Csrf])
def assign(escalation_id: int, services: ServicesDep, s: SessionDep,
           staff: StaffDep) -> Response:
    """自分が担当する（他の職員からの引き継ぎも）。"""
    return _act(escalation_id, services.staff.assign, s, staff, _escalation(s, escalation_id))


@router.post("/escalations/{escalation_id}/release", dependencies=[Csrf])
def release(escalation_id: int, services: ServicesDep, s: SessionDep,
            staff: StaffDep) -> Response:
    """担当を外れる。"""
    return _act(escalation_id, services.staff.release, s, staff, _escalation(s, escalation_id))


@router.post("/escalations/{escalation_id}/department", dependencies=[Csrf])
def department(escalation_id: int, services: ServicesDep, s: SessionDep, staff: StaffDep,
               department: Annotated[str, Form(max_length=128)]) -> Response:
    """担当課を変更する（監査ログに変更前後を記録）。"""
    return _act(escalation_id, services.staff.reassign_department, s, staff,
                _escalation(s, escalation_id), department)


@router.post("/escalations/{escalation_id}/reply", dependencies=[Csrf])
def reply(escalation_id: int, services: ServicesDep, s: SessionDep, staff: StaffDep,
          text: Annotated[str, Form(max_length=4000)]) -> Response:
    return _act(escalation_id, services.staff.reply, s, staff, _escalation(s, escalation_id),
                text)


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
def close(request: Request, escalation_id: int, services: ServicesDep, s: SessionDep,
          staff: StaffDep, confirm: Annotated[str, Form(max_length=8)] = "") -> Response:
    """完了にする。`confirm=yes` が無ければ確認画面を返す（スクリプトが無効でも確認される）。"""
    esc = _escalation(s, escalation_id)
    if confirm != "yes":
        return render(request, services, "close_confirm.html", staff=staff, esc=esc,
                      trigger=repo.trigger_text(s, esc))
    try:
        services.staff.close(s, staff, esc)
    except StaffError as exc:
        return back(f"/staff/escalations/{escalation_id}", error=str(exc))
    return back("/staff", notice=f"問い合わせ #{escalation_id} を完了にしました")


@router.get("/audit", response_class=HTMLResponse)
def audit(request: Request, services: ServicesDep, s: SessionDep,
          staff: AdminDep) -> HTMLResponse:
    return render(request, services, "audit.html", staff=staff, rows=repo.audit_log(s))
