"""The bounded queue of answering work: a full worker refuses at once with 503, Retry-After
and a Japanese message, everything else still passes, and the line drains afterwards."""

import asyncio

import httpx
import pytest

from bot.admission import Admission


class Gate:
    """An ASGI app whose answering requests wait until the test opens the gate."""

    def __init__(self) -> None:
        self.open = asyncio.Event()
        self.entered = 0

    async def __call__(self, scope, receive, send):
        if scope["path"] != "/healthz":
            self.entered += 1
            await self.open.wait()
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", b"application/json")]})
        await send({"type": "http.response.body", "body": b"{}"})


async def _until(predicate) -> None:
    for _ in range(200):
        if predicate():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("condition not reached")


@pytest.mark.parametrize("path", ["/api/chat", "/api/chat/stream",
                                  "/api/conversations/abc/handoff"])
def test_full_worker_refuses_at_once_and_drains(path):
    async def scenario():
        gate = Gate()
        admission = Admission(gate, "混み合っています", slots=1, queue=1, max_wait_s=60,
                              retry_after_s=7)
        transport = httpx.ASGITransport(app=admission)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            first = asyncio.create_task(client.post(path, json={}))
            await _until(lambda: gate.entered == 1)
            second = asyncio.create_task(client.post(path, json={}))
            await _until(lambda: admission.waiting == 1)
            refused = await client.post(path, json={})
            assert refused.status_code == 503
            assert refused.headers["retry-after"] == "7"
            assert refused.json()["detail"] == "混み合っています"
            assert (await client.get("/healthz")).status_code == 200
            gate.open.set()
            assert [r.status_code for r in await asyncio.gather(first, second)] == [200, 200]
            assert (await client.post(path, json={})).status_code == 200
        assert admission.refused == 1 and admission.running == admission.waiting == 0

    asyncio.run(scenario())


def test_refuses_when_the_expected_wait_is_too_long():
    async def scenario():
        gate = Gate()
        admission = Admission(gate, "busy", slots=1, queue=100, max_wait_s=1.0)
        admission.service_s = 0.8  # recent answers took 0.8 s each
        transport = httpx.ASGITransport(app=admission)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            running = asyncio.create_task(client.post("/api/chat", json={}))
            await _until(lambda: gate.entered == 1)
            waiting = asyncio.create_task(client.post("/api/chat", json={}))
            await _until(lambda: admission.waiting == 1)
            # one running and one waiting ahead: about 1.6 s > 1 s
            assert (await client.post("/api/chat", json={})).status_code == 503
            gate.open.set()
            await asyncio.gather(running, waiting)

    asyncio.run(scenario())
