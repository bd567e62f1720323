"""Keeping a resident's web thread: a resume code to continue on another device, and
「会話を終了して消す」. Routes only translate; the resume service does the work."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from pydantic import BaseModel, Field

from bot.channels.web import ConversationId, TokenHeader, _conversation, _errors
from bot.deps import ServicesDep, SessionDep

router = APIRouter()


class ResumeCodeOut(BaseModel):
    code: str = Field(description="再開コード（例: ABCD-EFGH）。1回限り")
    expires_minutes: int


class ResumeRequest(BaseModel):
    code: str = Field(min_length=1, max_length=32, description="再開コード")


class ResumeOut(BaseModel):
    conversation_id: str
    token: str = Field(description="この端末用の新しいトークン（前の端末のトークンは無効）")


@router.post("/api/conversations/{conversation_id}/resume-code", response_model=ResumeCodeOut,
             tags=["resident"], responses=_errors(403, 404, 422))
def resume_code(conversation_id: ConversationId, services: ServicesDep, s: SessionDep,
                x_conversation_token: TokenHeader = None) -> ResumeCodeOut:
    """別の端末で会話を続けるための再開コードを発行します（以前のコードは無効になります）。"""
    conv, _ = _conversation(services, s, conversation_id, x_conversation_token)
    return ResumeCodeOut(code=services.resume.issue(s, conv),
                         expires_minutes=services.resume.minutes)


@router.post("/api/resume", response_model=ResumeOut, tags=["resident"],
             responses=_errors(404, 422, 429))
def resume(body: ResumeRequest, request: Request, services: ServicesDep,
           s: SessionDep) -> ResumeOut:
    """再開コードで会話をこの端末に移します。前の端末からは見られなくなります。"""
    address = request.client.host if request.client else "unknown"
    check = services.resume_limiter.hit(f"resume:{address}")
    if not check.allowed:
        raise HTTPException(429, "再開コードの入力が続いたため、しばらく受け付けを止めています。"
                                 "少し時間をおいてからお試しください。",
                            headers={"Retry-After": str(int(check.retry_after_s) + 1)})
    found = services.resume.redeem(s, body.code)
    if found is None:
        raise HTTPException(404, "再開コードが見つからないか、有効期限が切れています。"
                                 "元の端末で新しいコードを発行してください。")
    conv, token = found
    return ResumeOut(conversation_id=conv.id, token=token)


@router.post("/api/conversations/{conversation_id}/end", tags=["resident"],
             responses=_errors(403, 404, 422))
def end(conversation_id: ConversationId, services: ServicesDep, s: SessionDep,
        x_conversation_token: TokenHeader = None) -> dict[str, bool]:
    """「会話を終了して消す」: どの端末からもこの会話を開けなくします（記録は保存期間後に削除）。"""
    conv, _ = _conversation(services, s, conversation_id, x_conversation_token)
    services.resume.end(s, conv)
    return {"ok": True}
