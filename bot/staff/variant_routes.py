"""Question variants (言い換え) in the console: the review list (suggestions from residents'
behaviour and staff proposals), approve / reject by a second staff member, adding one by hand,
proposing a removal, CSV export, and 「このFAQで回答できる」 from an escalated conversation."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select

from bot.deps import ServicesDep, SessionDep
from bot.service.variants import ORIGIN_JA, STATUS_JA, VariantError
from bot.staff.routes import Csrf, StaffDep, back, render
from bot.store import repo
from bot.store.models import Escalation, Message, QuestionVariant, Staff

router = APIRouter(prefix="/staff/variants", include_in_schema=False)
DocId = Annotated[str, Form(min_length=1, max_length=128)]
Comment = Annotated[str, Form(max_length=1000)]


def _labels(services: ServicesDep, doc_ids: set[str]) -> dict[str, str]:
    out = {}
    for doc_id in doc_ids:
        p = services.variants.passage(doc_id)
        out[doc_id] = (p.question or p.label) if p is not None else "（索引にありません）"
    return out


@router.get("", response_class=HTMLResponse)
def review(request: Request, services: ServicesDep, s: SessionDep, staff: StaffDep,
           error: str = "", notice: str = "") -> HTMLResponse:
    """The review list: proposals awaiting a second member, suggestions, and what is served."""
    pending = services.variants.pending(s)
    approved = services.variants.approved(s)
    names = {st.id: st.name for st in s.scalars(select(Staff))}
    escalations = _escalations_of(s, [r.message_id for r in pending if r.message_id])
    return render(request, services, "variants.html", staff=staff, pending=pending,
                  approved=approved, names=names, escalations=escalations,
                  labels=_labels(services, {r.doc_id for r in [*pending, *approved]}),
                  status_ja_variant=STATUS_JA, origin_ja=ORIGIN_JA, error=error, notice=notice)


def _escalations_of(s: SessionDep, message_ids: list[int]) -> dict[int, int]:
    """message id → an escalation of its conversation (to link the proposal to it)."""
    out: dict[int, int] = {}
    for mid in message_ids:
        esc = s.scalars(select(Escalation).join(
            Message, Message.conversation_id == Escalation.conversation_id)
            .where(Message.id == mid).order_by(Escalation.id.desc())).first()
        if esc is not None:
            out[mid] = esc.id
    return out


def _row(s: SessionDep, variant_id: int) -> QuestionVariant:
    row = s.get(QuestionVariant, variant_id)
    if row is None:
        raise HTTPException(404, "言い換えの提案が見つかりません")
    return row


def _act(action: Any, *args: Any, notice: str) -> Response:
    try:
        action(*args)
    except VariantError as exc:
        return back("/staff/variants", error=str(exc))
    return back("/staff/variants", notice=notice)


@router.post("/{variant_id}/endorse", dependencies=[Csrf])
def endorse(variant_id: int, services: ServicesDep, s: SessionDep, staff: StaffDep) -> Response:
    """確認して承認を依頼する (the first pair of eyes on a resident's suggestion)."""
    return _act(services.variants.endorse, s, staff, _row(s, variant_id),
                notice="承認を依頼しました（別の職員が承認します）")


@router.post("/{variant_id}/approve", dependencies=[Csrf])
def approve(variant_id: int, services: ServicesDep, s: SessionDep, staff: StaffDep,
            comment: Comment = "") -> Response:
    return _act(services.variants.approve, s, staff, _row(s, variant_id), comment,
                notice="承認しました。数秒で回答に反映されます")


@router.post("/{variant_id}/reject", dependencies=[Csrf])
def reject(variant_id: int, services: ServicesDep, s: SessionDep, staff: StaffDep,
           comment: Comment = "") -> Response:
    return _act(services.variants.reject, s, staff, _row(s, variant_id), comment,
                notice="却下しました")


@router.post("/{variant_id}/remove", dependencies=[Csrf])
def propose_removal(variant_id: int, services: ServicesDep, s: SessionDep, staff: StaffDep,
                    reason: Comment = "") -> Response:
    """Propose taking an approved variant out (a second member approves the removal)."""
    target = _row(s, variant_id)

    def run() -> None:
        row = services.variants.suggest_removal(s, target, reason.strip() or "職員が削除を提案")
        if row is None:
            raise VariantError("この言い換えはすでに削除の提案中か、承認済みではありません")
        services.variants.endorse(s, staff, row)

    return _act(run, notice="削除の承認を依頼しました")


@router.post("", dependencies=[Csrf])
def add(services: ServicesDep, s: SessionDep, staff: StaffDep, doc_id: DocId,
        text: Annotated[str, Form(min_length=1, max_length=400)], reason: Comment = "") -> Response:
    """A staff member adds a variant by hand (another member approves it)."""
    return _act(services.variants.propose, s, staff, doc_id.strip(), text, "console", reason,
                notice="言い換えの承認を依頼しました")


@router.post("/link", dependencies=[Csrf])
def link(services: ServicesDep, s: SessionDep, staff: StaffDep, doc_id: DocId,
         escalation_id: Annotated[int, Form(ge=1, le=2**31 - 1)]) -> Response:
    """「このFAQで回答できる」: the escalated question becomes a proposed variant of the FAQ."""
    esc = s.get(Escalation, escalation_id)
    if esc is None:
        raise HTTPException(404, "エスカレーションが見つかりません")
    question = repo.trigger_question(s, esc)
    url = f"/staff/escalations/{esc.id}"
    if not question:
        return back(url, error="この問い合わせには住民の質問がありません")
    try:
        services.variants.propose(s, staff, doc_id.strip(), question, "escalation",
                                  f"問い合わせ #{esc.id} を職員がFAQに紐付け", esc.message_id)
    except VariantError as exc:
        return back(url, error=str(exc))
    return back(url, notice=f"「{question[:40]}」を {doc_id} の言い換えとして承認依頼しました"
                            "（別の職員が承認します）")


@router.get("/export.csv")
def export(services: ServicesDep, s: SessionDep, staff: StaffDep) -> Response:
    repo.audit(s, staff, "variant.export", "question_variants")
    return Response(services.variants.export_csv(s).encode("utf-8-sig"),
                    media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="variants.csv"'})
