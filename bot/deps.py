"""FastAPI dependencies as Annotated aliases."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from bot.services import Services


async def get_services(request: Request) -> Services:
    """`async`, though it only reads an attribute: FastAPI runs a plain function dependency in
    the thread pool, a hop per request for nothing."""
    return services_of(request)


def services_of(request: Request) -> Services:
    return request.app.state.services


def get_session(request: Request) -> Iterator[Session]:
    with services_of(request).db.session() as s:
        yield s


ServicesDep = Annotated[Services, Depends(get_services)]
# scope="function": commit before the response is sent, so the next request sees the change.
SessionDep = Annotated[Session, Depends(get_session, scope="function")]
