"""Live updates for the console as server-sent events: the browser keeps one EventSource per
page and re-fetches the page's live parts only when something changed. The change check is
server-side and cheap (a few aggregates), and it works across replicas because it reads the
shared database rather than an in-process signal."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable

from fastapi import Request
from sqlalchemy import func, select
from starlette.concurrency import run_in_threadpool

from bot.store.db import Database
from bot.store.models import Escalation, FaqCandidate, Message, QuestionVariant


def version(db: Database) -> str:
    """Changes whenever an escalation, a message, an FAQ candidate or a question variant is
    added or updated."""
    with db.session() as s:
        esc = s.execute(select(func.count(Escalation.id), func.max(Escalation.updated_at))).one()
        msg = s.scalar(select(func.max(Message.id)))
        faq = s.execute(select(func.count(FaqCandidate.id),
                               func.max(FaqCandidate.updated_at))).one()
        var = s.execute(select(func.max(QuestionVariant.id),
                               func.max(QuestionVariant.decided_at),
                               func.count(QuestionVariant.proposed_by))).one()
    return f"{esc[0]}:{esc[1]}:{msg}:{faq[0]}:{faq[1]}:{var[0]}:{var[1]}:{var[2]}"


async def changes(request: Request, current: Callable[[], str], interval: float,
                  lifetime: float) -> AsyncIterator[str]:
    """`event: change` each time `current()` differs from the previous check; ends after
    `lifetime` seconds (EventSource reconnects by itself) or when the client goes away."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + lifetime
    last = await run_in_threadpool(current)
    yield f"retry: 3000\nevent: ready\ndata: {last}\n\n"
    while loop.time() < deadline:
        await asyncio.sleep(interval)
        if await request.is_disconnected():
            return
        now = await run_in_threadpool(current)
        if now != last:
            last = now
            yield f"event: change\ndata: {now}\n\n"
        else:
            yield ": keep-alive\n\n"
