"""Resident web chat: the JSON API (plain and SSE) and the chat page. Routes only translate;
the chat service answers."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Header, HTTPException, Path, Query, Request
from fastapi.responses import HTMLResponse, Response, StreamingResponse
from pydantic import BaseModel, Field, field_validator

from bot.deps import ServicesDep, SessionDep
from bot.pipeline.outcome import Outcome
from bot.safety import characters
from bot.safety.client_address import trusted_proxies
from bot.safety.intake import Incoming
from bot.safety.ratelimit import RateDecision
from bot.service import idempotency
from bot.service.chat import ConversationNotFound, NotAuthorised, Turn
from bot.service.languages import LANG_PATTERN, from_accept_language
from bot.store import repo
from bot.store.models import Conversation, Message

router = APIRouter()
MAX_MESSAGE = 1000
MAX_ID = 2**31 - 1  # the largest id every supported database stores (PostgreSQL integer)
ERRORS: dict[int | str, dict[str, Any]] = {
    403: {"description": "この会話を見る権限がありません（X-Conversation-Token が違うか、"
                         "ありません）"},
    404: {"description": "会話（またはメッセージ）が見つかりません"},
    409: {"description": "同じ Idempotency-Key の送信を処理中です（Retry-After 秒後に再送）"},
    413: {"description": "リクエストが大きすぎます"},
    422: {"description": "入力が正しくありません（理由は detail に。入力値はエコーしません）"},
    429: {"description": "短時間に送信が多すぎます（Retry-After 秒後に再送してください）"},
}


def _errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    return {code: ERRORS[code] for code in codes}
UUID = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
ConversationId = Annotated[str, Path(pattern=UUID, description="会話ID")]
TokenHeader = Annotated[str | None, Header(alias="X-Conversation-Token", max_length=128)]
IdempotencyKey = Annotated[str | None, Header(
    alias="Idempotency-Key", min_length=1, max_length=128, pattern=r"^[\x21-\x7e]+$",
    description="再送で同じ応答を受け取るためのキー（同じ会話で一意な英数字など）")]
LangQuery = Annotated[str | None, Query(
    pattern=LANG_PATTERN, description="返答の言語 (ja, ja-easy, en, zh-Hans, zh-Hant, ko, vi, pt, "
                                      "tl, ne)")]
RubyQuery = Annotated[bool, Query(description="自動応答の本文にふりがな（やさしい日本語）")]


class ChatRequest(BaseModel):
    conversation_id: str | None = Field(None, pattern=UUID,
                                        description="Omit to start a new conversation")
    message: str = Field(min_length=1, max_length=MAX_MESSAGE, description="住民の質問")
    lang: str | None = Field(None, pattern=LANG_PATTERN,
                             description="The page's language; a message in another language "
                                         "is answered in its own")

    @field_validator("message")
    @classmethod
    def _printable(cls, v: str) -> str:
        problem = characters.problem(v)
        if problem:
            raise ValueError(problem)
        if not v.strip():
            raise ValueError("質問を入力してください")
        return v


class MessageOut(BaseModel):
    id: int
    role: str
    text: str
    decision: str | None = None
    outcome: str | None = None
    confidence: float | None = None
    citations: list[dict[str, Any]] = []
    choices: list[dict[str, Any]] = []
    emergency: str = Field("", description="'', certain or possible (see ChatResponse)")
    feedback: bool | None = Field(None, description="The resident's 役に立った (true) / "
                                                    "役に立たなかった (false), if given")
    ruby: list[tuple[str, str]] = Field([], description="With ruby=1: the bot's text as (text, "
                                        "reading) segments, readings on kanji words (furigana)")
    created_at: datetime

    @classmethod
    def of(cls, m: Message, feedback: bool | None = None) -> MessageOut:
        return cls(id=m.id, role=m.role, text=m.text, decision=m.decision, outcome=m.outcome,
                   confidence=m.confidence, citations=m.citations or [],
                   choices=m.choices or [], emergency=tier(m), feedback=feedback,
                   created_at=m.created_at)


def tier(m: Message) -> str:
    """The safety gate's tier for a stored bot message, read from its trace."""
    steps = (m.trace or {}).get("steps", [])
    found = next((st.get("tier", "") for st in steps if st.get("step") == "emergency"), "")
    return found if found in ("certain", "possible") else ""


class ChatResponse(BaseModel):
    conversation_id: str
    token: str | None = Field(None, description="Returned once, for a new conversation: keep it")
    message_id: int | None
    decision: str
    outcome: str
    answer: str
    citations: list[dict[str, Any]]
    choices: list[dict[str, Any]]
    confidence: float
    handoff_status: str = Field(description="'' (bot), open, assigned, answered or closed")
    composer: str = Field("extractive", description="extractive | llm (a checked LLM answer)")
    fallback_reason: str | None = Field(None, description="Why a generated answer was not used")
    emergency: str = Field("", description="'' , certain (the fixed emergency reply) or "
                                           "possible (the answer starts with emergency numbers)")
    lang: str = Field("ja", description="The language the fixed parts of the reply are in")


class ThreadResponse(BaseModel):
    conversation_id: str
    handoff_status: str
    messages: list[MessageOut]


class FeedbackRequest(BaseModel):
    message_id: int = Field(ge=1, le=MAX_ID)
    helpful: bool
    lang: str | None = Field(None, pattern=LANG_PATTERN)


def _response(turn: Turn) -> ChatResponse:
    bot = turn.bot_message
    assert bot is not None
    return ChatResponse(conversation_id=turn.conversation.id, token=turn.token,
                        message_id=bot.id, decision=bot.decision or "handoff",
                        outcome=bot.outcome or "", answer=bot.text,
                        citations=bot.citations or [], choices=bot.choices or [],
                        confidence=bot.confidence or 0.0, handoff_status=turn.handoff_status,
                        composer=turn.reply.composer if turn.reply else "extractive",
                        fallback_reason=turn.reply.fallback_reason if turn.reply else None,
                        emergency=tier(bot), lang=turn.lang)


def _conversation(services: ServicesDep, s: SessionDep, conversation_id: str | None,
                  token: str | None) -> tuple[Conversation, str | None]:
    try:
        return services.chat.open(s, conversation_id, token)
    except ConversationNotFound as exc:
        raise HTTPException(404, "会話が見つかりません") from exc
    except NotAuthorised as exc:
        raise HTTPException(403, "この会話を見る権限がありません（トークンが違います）") from exc


def _status(s: SessionDep, conv: Conversation) -> str:
    esc = repo.active_escalation(s, conv.id)
    return esc.status if esc else ""


def _refuse(services: ServicesDep, check: RateDecision, lang: str = "ja") -> None:
    """429 with the fixed reply (in the resident's language) when the check refused."""
    if not check.allowed:
        wait = int(check.retry_after_s) + 1
        text = services.languages.get(lang).reply(Outcome.RATE_LIMITED.value)
        raise HTTPException(429, text, headers={"Retry-After": str(wait)})


def _limit_address(services: ServicesDep, request: Request, lang: str = "ja") -> None:
    """The per-address limit, counted for the client behind trusted proxies only
    (`server.forwarded_allow_ips`): a shared proxy address is not one client."""
    proxies = trusted_proxies(services.settings.server.forwarded_allow_ips)
    address = proxies.client(request.client.host if request.client else None,
                             request.headers.get("x-forwarded-for"))
    _refuse(services, services.ip_limiter.hit(f"ip:{address}"), lang)


def _limit_conversation(services: ServicesDep, conv: Conversation, lang: str = "ja") -> None:
    """The per-conversation limit, counted only once the token was verified: a stranger who
    knows a conversation id cannot use it up (the per-address limit still counts them)."""
    _refuse(services, services.resident_limiter.hit(f"conversation:{conv.id}"), lang)


def _unless_urgent(services: ServicesDep, message: Incoming, check: Callable[[], None]
                   ) -> bool:
    """Run a limit check; True when it refused an emergency, which is let through
    (`ChatService.urgent`) to get only the numbers."""
    try:
        check()
    except HTTPException:
        if not services.chat.urgent(message):
            raise
        return True
    return False


@router.post("/api/chat", response_model=ChatResponse, tags=["resident"],
             responses=_errors(403, 404, 409, 413, 422, 429))
def chat(body: ChatRequest, request: Request, services: ServicesDep, s: SessionDep,
         x_conversation_token: TokenHeader = None,
         idempotency_key: IdempotencyKey = None) -> Response:
    """住民の質問に答えます。新しい会話では conversation_id を省略し、返される token を保存して
    以後の呼び出しで X-Conversation-Token ヘッダーに付けてください。

    再送するときは同じ Idempotency-Key ヘッダーを付けると、同じ会話では最初の応答が返り、
    やり取りは二重になりません（conversation_id を指定した呼び出しで有効）。"""
    return _json(_answer(body, request, services, s, x_conversation_token, idempotency_key))


def _answer(body: ChatRequest, request: Request, services: ServicesDep, s: SessionDep,
            x_conversation_token: str | None, idempotency_key: str | None) -> ChatResponse:
    """One turn of /api/chat (and of its stream)."""
    message = services.chat.receive(body.message)  # masked before anything else runs
    lang = services.languages.choose(body.lang, message.text)
    limited = _unless_urgent(services, message,
                             lambda: _limit_address(services, request, lang))
    conv, token = _conversation(services, s, body.conversation_id, x_conversation_token)
    key = idempotency_key if body.conversation_id else None
    if key:
        earlier = _claim(s, conv, key)
        if earlier is not None:
            return _response(earlier)
    limited = _unless_urgent(services, message,
                             lambda: _limit_conversation(services, conv, lang)) or limited
    record = (lambda session, turn: idempotency.finish(session, conv, key, turn)) if key else None
    turn = services.chat.ask(s, conv, message, token, limited=limited, lang=lang,
                             on_stored=record)
    return _response(turn)


def _json(out: ChatResponse) -> Response:
    """The same JSON that `response_model` would send, without FastAPI validating the model a
    second time in another hop to the thread pool."""
    return Response(out.model_dump_json(), media_type="application/json")


def _claim(s: SessionDep, conv: Conversation, key: str) -> Turn | None:
    try:
        return idempotency.replay(s, conv, key) or idempotency.claim(s, conv, key)
    except idempotency.RequestInFlight as exc:
        raise HTTPException(409, "同じ Idempotency-Key の送信を処理しています。少し待ってから"
                                 "再送してください", headers={"Retry-After": "2"}) from exc


@router.post("/api/chat/stream", tags=["resident"],
             responses={200: {"content": {"text/event-stream": {}}},
                        **_errors(403, 404, 409, 413, 422, 429)})
def chat_stream(body: ChatRequest, request: Request, services: ServicesDep, s: SessionDep,
                x_conversation_token: TokenHeader = None,
                idempotency_key: IdempotencyKey = None) -> StreamingResponse:
    """/api/chat と同じ処理を Server-Sent Events で返します（meta → delta… → done）。"""
    response = _answer(body, request, services, s, x_conversation_token, idempotency_key)

    def events() -> Iterator[str]:
        meta = {"conversation_id": response.conversation_id, "token": response.token,
                "message_id": response.message_id, "decision": response.decision}
        yield f"event: meta\ndata: {json.dumps(meta, ensure_ascii=False)}\n\n"
        for i in range(0, len(response.answer), 40):
            chunk = json.dumps({"text": response.answer[i:i + 40]}, ensure_ascii=False)
            yield f"event: delta\ndata: {chunk}\n\n"
        yield f"event: done\ndata: {response.model_dump_json()}\n\n"

    return StreamingResponse(events(), media_type="text/event-stream",
                             headers={"Cache-Control": "no-store"})


@router.get("/api/conversations/{conversation_id}", response_model=ThreadResponse,
            tags=["resident"], responses=_errors(403, 404, 422))
def thread(conversation_id: ConversationId,
           services: ServicesDep, s: SessionDep, x_conversation_token: TokenHeader = None,
           after: Annotated[int, Query(ge=0, le=MAX_ID,
                                       description="このメッセージIDより後だけを返す")] = 0,
           ruby: RubyQuery = False) -> ThreadResponse:
    """住民自身の会話（職員からの返信を含む）。会話のトークンが必要です。"""
    conv, _ = _conversation(services, s, conversation_id, x_conversation_token)
    messages = repo.messages_after(s, conv.id, after)
    given = repo.feedback_given(s, [m.id for m in messages])
    out = [MessageOut.of(m, given.get(m.id)) for m in messages]
    if ruby:
        heading = services.components.pipeline.replies.fragment("sources_heading")
        for m in out:
            if m.role == "bot" and not m.emergency:
                m.ruby = services.furigana.segments(m.text.split("\n" + heading)[0])
    return ThreadResponse(conversation_id=conv.id, handoff_status=_status(s, conv), messages=out)


@router.post("/api/conversations/{conversation_id}/feedback", tags=["resident"],
             responses=_errors(403, 404, 413, 422))
def feedback(conversation_id: ConversationId, body: FeedbackRequest, services: ServicesDep,
             s: SessionDep, x_conversation_token: TokenHeader = None) -> dict[str, Any]:
    """回答への評価（役に立った / 役に立たなかった）。

    役に立たなかった評価が続いた場合は職員へつなぎます。"""
    conv, _ = _conversation(services, s, conversation_id, x_conversation_token)
    try:
        turn = services.chat.feedback(s, conv, body.message_id, body.helpful,
                                      lang=body.lang or "ja")
    except ConversationNotFound as exc:
        raise HTTPException(404, "評価するメッセージが見つかりません") from exc
    return {"ok": True, "handoff_status": _status(s, conv),
            "message": MessageOut.of(turn.bot_message).model_dump(mode="json")
            if turn and turn.bot_message else None}


@router.post("/api/conversations/{conversation_id}/handoff", response_model=ChatResponse,
             tags=["resident"], responses=_errors(403, 404, 422, 429))
def handoff(conversation_id: ConversationId, request: Request, services: ServicesDep,
            s: SessionDep, x_conversation_token: TokenHeader = None,
            lang: LangQuery = None) -> ChatResponse:
    """「職員に相談する」ボタン。"""
    _limit_address(services, request, lang or "ja")
    conv, _ = _conversation(services, s, conversation_id, x_conversation_token)
    _limit_conversation(services, conv, lang or "ja")
    return _response(services.chat.request_person(s, conv, lang=lang or "ja"))


LANG_COOKIE = "madoguchi_lang"


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
def page(request: Request, services: ServicesDep, lang: LangQuery = None) -> HTMLResponse:
    """The chat page in the chosen language: ?lang=, else the remembered one (cookie), else
    the browser's (Accept-Language), else Japanese."""
    settings = services.settings
    code = (lang or request.cookies.get(LANG_COOKIE)
            or from_accept_language(request.headers.get("accept-language", "")) or "ja")
    page = services.languages.chrome(code, city_name=settings.city_name,
                                     city_phone=settings.city_phone,
                                     retention_days=str(settings.limits.retention_days))
    passages = services.components.retriever.index.get().passages
    topics = services.start.topics(passages, settings.resident.topics,
                                   settings.resident.examples_per_topic)
    response = services.templates.TemplateResponse(
        request, "chat.html", {"city_name": settings.city_name, "city_phone": settings.city_phone,
                               "page": page, "t": page["t"], "topics": topics,
                               "chrome_json": json.dumps(page["t"], ensure_ascii=False)})
    if lang:
        response.set_cookie(LANG_COOKIE, lang, max_age=365 * 86400, samesite="lax")
    return response
