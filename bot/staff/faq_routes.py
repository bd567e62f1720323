"""FAQ screens of the console: the candidate editor (prefilled from a staff reply or from an
unanswered topic), the reviewer's view with every field, the diff against the FAQ it replaces
and the history, and the list of approved FAQs with replace / withdraw."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Path, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select

from bot.deps import ServicesDep, SessionDep
from bot.service.faq import ACTION_JA, KIND_JA, STATUS_JA, FaqError, FaqFields
from bot.service.faq_text import variants_from_text
from bot.staff.routes import Csrf, StaffDep, back, render
from bot.store.models import ApprovedFaq, FaqCandidate, Message, Staff

router = APIRouter(prefix="/staff/faq", include_in_schema=False)
Text = Annotated[str, Form(max_length=4000)]
Short = Annotated[str, Form(max_length=128)]


def _fields(question: str, answer: str, category: str, department: str, contact: str,
            variants: str) -> FaqFields:
    return FaqFields(question, answer, category, department, contact[:64],
                     variants_from_text(variants))


def _editor(request: Request, services: ServicesDep, s: SessionDep, staff: Staff,
            fields: FaqFields, cand: FaqCandidate | None = None, error: str = "",
            source_message_id: int | None = None, status_code: int = 200) -> HTMLResponse:
    return render(request, services, "faq_edit.html", status_code=status_code, staff=staff,
                  f=fields, cand=cand, error=error, source_message_id=source_message_id,
                  departments=services.faq.departments(),
                  diff=services.faq.diff(s, cand) if cand and cand.target_doc_id else None,
                  kind_ja=KIND_JA, status_ja_faq=STATUS_JA)


@router.get("", response_class=HTMLResponse)
def faq_list(request: Request, services: ServicesDep, s: SessionDep, staff: StaffDep,
             error: str = "", notice: str = "") -> HTMLResponse:
    rows = list(s.scalars(select(FaqCandidate).order_by(FaqCandidate.id.desc())))
    names = {st.id: st.name for st in s.scalars(select(Staff))}
    return render(request, services, "faq.html", staff=staff, rows=rows, names=names,
                  approved=services.faq.approved_faqs(s), error=error, notice=notice,
                  kind_ja=KIND_JA, status_ja_faq=STATUS_JA)


@router.get("/new", response_class=HTMLResponse)
def new(request: Request, services: ServicesDep, s: SessionDep, staff: StaffDep,
        message_id: int | None = None,
        question: Annotated[str, Query(max_length=500)] = "",
        department: Annotated[str, Query(max_length=128)] = "") -> HTMLResponse:
    """The editor, prefilled from a staff reply (message_id) or an unanswered topic."""
    if message_id is not None:
        msg = s.get(Message, message_id)
        if msg is None:
            raise HTTPException(404, "メッセージが見つかりません")
        try:
            fields = services.faq.draft_from_message(s, msg)
        except FaqError as exc:
            raise HTTPException(400, str(exc)) from exc
    else:
        fields = FaqFields(question=question, department=department,
                           contact=services.faq.contact_for(department))
    return _editor(request, services, s, staff, fields, source_message_id=message_id)


@router.post("/new", dependencies=[Csrf])
def create(request: Request, services: ServicesDep, s: SessionDep, staff: StaffDep,
           question: Text, answer: Text, category: Short = "", department: Short = "",
           contact: Short = "", variants: Text = "",
           source_message_id: Annotated[int | None, Form()] = None,
           action: Annotated[str, Form(pattern="^(save|submit)$")] = "save") -> Response:
    fields = _fields(question, answer, category, department, contact, variants)
    if source_message_id is not None and s.get(Message, source_message_id) is None:
        source_message_id = None
    try:
        cand = services.faq.create(s, staff, fields, source_message_id)
        if action == "submit":
            services.faq.submit(s, staff, cand)
    except FaqError as exc:
        return _editor(request, services, s, staff, fields, error=str(exc),
                       source_message_id=source_message_id, status_code=400)
    return back(f"/staff/faq/{cand.id}", notice=_saved(action))


def _saved(action: str) -> str:
    return "承認を依頼しました" if action == "submit" else "下書きを保存しました"


def _candidate(s: SessionDep, candidate_id: int) -> FaqCandidate:
    cand = s.get(FaqCandidate, candidate_id)
    if cand is None:
        raise HTTPException(404, "FAQ候補が見つかりません")
    return cand


@router.get("/{candidate_id}", response_class=HTMLResponse)
def show(request: Request, candidate_id: int, services: ServicesDep, s: SessionDep,
         staff: StaffDep, error: str = "", notice: str = "") -> HTMLResponse:
    cand = _candidate(s, candidate_id)
    names = {st.id: st.name for st in s.scalars(select(Staff))}
    return render(request, services, "faq_candidate.html", staff=staff, cand=cand,
                  f=FaqFields.of(cand), diff=services.faq.diff(s, cand),
                  history=services.faq.history(s, cand), names=names, error=error,
                  notice=notice, departments=services.faq.departments(), kind_ja=KIND_JA,
                  status_ja_faq=STATUS_JA, action_ja=ACTION_JA)


@router.post("/{candidate_id}/edit", dependencies=[Csrf])
def edit(request: Request, candidate_id: int, services: ServicesDep, s: SessionDep,
         staff: StaffDep, question: Text, answer: Text, category: Short = "",
         department: Short = "", contact: Short = "", variants: Text = "",
         action: Annotated[str, Form(pattern="^(save|submit)$")] = "save") -> Response:
    cand = _candidate(s, candidate_id)
    fields = _fields(question, answer, category, department, contact, variants)
    try:
        services.faq.update(s, staff, cand, fields)
        if action == "submit":
            services.faq.submit(s, staff, cand)
    except FaqError as exc:
        return back(f"/staff/faq/{candidate_id}", error=str(exc))
    return back(f"/staff/faq/{candidate_id}", notice=_saved(action))


@router.post("/{candidate_id}/{decision}", dependencies=[Csrf])
def decide(candidate_id: int,
           decision: Annotated[str, Path(pattern="^(approve|reject|return)$")],
           services: ServicesDep, s: SessionDep, staff: StaffDep,
           comment: Annotated[str, Form(max_length=2000)] = "") -> Response:
    """承認（索引に反映）・却下・差し戻し（コメント必須）。"""
    cand = _candidate(s, candidate_id)
    try:
        if decision == "approve":
            services.faq.approve(s, staff, cand, comment)
        elif decision == "reject":
            services.faq.reject(s, staff, cand, comment)
        else:
            services.faq.send_back(s, staff, cand, comment)
    except FaqError as exc:
        return back(f"/staff/faq/{candidate_id}", error=str(exc))
    done = {"approve": "承認しました", "reject": "却下しました", "return": "差し戻しました"}
    return back("/staff/faq", notice=f"FAQ候補 #{candidate_id} を{done[decision]}")


def _approved(s: SessionDep, doc_id: str) -> ApprovedFaq:
    row = s.get(ApprovedFaq, doc_id)
    if row is None:
        raise HTTPException(404, "FAQ が見つかりません")
    return row


@router.post("/approved/{doc_id}/replace", dependencies=[Csrf])
def replace(doc_id: Annotated[str, Path(max_length=64)], services: ServicesDep,
            s: SessionDep, staff: StaffDep) -> Response:
    """公開中の FAQ を差し替える下書きを作る（承認されるまで公開中の内容はそのまま）。"""
    _approved(s, doc_id)
    try:
        cand = services.faq.start_replacement(s, staff, doc_id)
    except FaqError as exc:
        return back("/staff/faq", error=str(exc))
    return back(f"/staff/faq/{cand.id}", notice="差し替えの下書きを作りました")


@router.post("/approved/{doc_id}/withdraw", dependencies=[Csrf])
def withdraw(doc_id: Annotated[str, Path(max_length=64)], services: ServicesDep,
             s: SessionDep, staff: StaffDep,
             reason: Annotated[str, Form(max_length=2000)] = "") -> Response:
    """取り下げを依頼する（別の職員の承認で索引から外れる）。"""
    _approved(s, doc_id)
    try:
        cand = services.faq.request_withdrawal(s, staff, doc_id, reason)
    except FaqError as exc:
        return back("/staff/faq", error=str(exc))
    return back(f"/staff/faq/{cand.id}", notice="取り下げの承認を依頼しました")
