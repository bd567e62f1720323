"""/healthz (the process answers), /readyz (it can serve: index, database, Chroma server and the
shared rate-limit store when configured) and /metrics. None of them waits for answering
threads; readiness checks run in worker threads with a deadline each."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import anyio
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST
from sqlalchemy import text
from starlette.concurrency import run_in_threadpool

from bot.factory import chroma_config
from bot.ops.metrics import SharedState
from bot.store.startup import reason
from ingest.store import chroma_client, close_client

router = APIRouter(tags=["ops"])
log = logging.getLogger(__name__)
CHECK_TIMEOUT_S = 3.0
UNREADY = {"index": "索引を開けません", "database": "データベースに接続できません",
           "chroma": "Chroma サーバーに届きません",
           "rate_limits": "送信回数制限の共有ストアに届きません"}


@router.get("/healthz")
async def healthz(request: Request) -> dict[str, Any]:
    """稼働確認: プロセスが応答すること（索引の世代とパッセージ数）。混雑中でもすぐに答えます
    （回答処理のスレッドを待たず、ディスクも読みません）。"""
    gen = request.app.state.services.components.retriever.index.loaded()
    return {"ok": True, "index": gen.name if gen else "", "passages": len(gen.passages) if gen
            else 0}


@router.get("/readyz", responses={503: {"description": "まだ（またはもう）応答できません"}})
async def readyz(request: Request) -> JSONResponse:
    """受付可能か: 索引が開けること、データベース、（設定時）Chroma サーバーと共有の
    送信回数制限ストアに届くこと。ロードバランサーはこれが 200 の間だけ振り分けます。"""
    services = request.app.state.services
    checks: dict[str, Callable[[], Any]] = {"index": lambda: _index(services),
                                            "database": lambda: _database(services)}
    if services.settings.chroma.host:
        checks["chroma"] = lambda: _chroma(services)
    ping = getattr(services.ip_limiter, "ping", None)
    if ping is not None:
        checks["rate_limits"] = ping
    results = {name: await _run(name, check) for name, check in checks.items()}
    ready = all(r["ok"] for r in results.values())
    return JSONResponse({"ready": ready, "checks": results}, status_code=200 if ready else 503)


async def _run(name: str, check: Callable[[], Any]) -> dict[str, Any]:
    try:
        with anyio.fail_after(CHECK_TIMEOUT_S):
            detail = await run_in_threadpool(check)
    except TimeoutError:
        return {"ok": False, "error": f"no answer within {CHECK_TIMEOUT_S:g} s"}
    except Exception as exc:  # noqa: BLE001 - any failure means "not ready", with its kind
        log.warning("readiness check %s failed: %s", name, type(exc).__name__)
        return {"ok": False, "error": type(exc).__name__,
                "reason": f"{UNREADY.get(name, name)}: {reason(exc)}"}
    return {"ok": True, **(detail or {})}


def _index(services: Any) -> dict[str, Any]:
    gen = services.components.retriever.index.get()
    return {"generation": gen.name, "passages": len(gen.passages)}


def _database(services: Any) -> None:
    with services.db.engine.connect() as conn:
        conn.execute(text("SELECT 1"))


def _chroma(services: Any) -> dict[str, Any]:
    """The configured server answers and holds the collection the serving generation reads
    (its own, or an earlier one it shares after a small change)."""
    config = chroma_config(services.settings)
    name = services.components.retriever.index.get().collection_name
    client = chroma_client(Path("."), config)
    try:
        client.heartbeat()
        count = client.get_collection(name, embedding_function=None).count()
    finally:
        close_client(client)
    return {"collection": name, "vectors": count}


@router.get("/metrics", response_class=Response,
            responses={200: {"content": {"text/plain": {}}}})
async def metrics(request: Request) -> Response:
    """Prometheus のメトリクス（テキスト形式）。"""
    services = request.app.state.services
    index = services.components.retriever.index
    shared = SharedState(services.db, index.index_dir, index.loaded)
    body = await run_in_threadpool(services.metrics.exposition, shared)
    return Response(body, media_type=CONTENT_TYPE_LATEST)
