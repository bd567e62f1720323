"""`make bench`'s Chroma row: one question through the pipeline with the vectors in a Chroma
server (`chroma run`, HTTP on loopback) versus embedded (PersistentClient), same corpus, same
embedder, questions alternating between the two in one run.

The server index is the bench corpus re-ingested into a second index directory whose
collection lives on the server; its vectors come from the embedded index's embedding cache, so
only the collection is written again.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bench.corpus import CITY
from bench.inprocess import percentile
from bot.factory import build
from bot.settings import ChromaSettings, Settings
from ingest.embed import Embedder
from ingest.index import ingest
from ingest.store import ChromaConfig, IndexPaths


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def chroma_run(path: Path, wait_s: float = 120.0) -> Iterator[int]:
    """`chroma run` (the chromadb package's server) on a free loopback port."""
    port = free_port()
    proc = subprocess.Popen([str(Path(sys.executable).with_name("chroma")), "run", "--path",
                             str(path), "--host", "127.0.0.1", "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
                            start_new_session=True,
                            env={**os.environ, "ANONYMIZED_TELEMETRY": "False"})
    try:
        deadline = time.monotonic() + wait_s
        while True:
            with contextlib.suppress(OSError):
                urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=2)
                break
            if time.monotonic() > deadline or proc.poll() is not None:
                raise RuntimeError("chroma run did not start")
            time.sleep(0.3)
        yield port
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(30)


def server_vs_embedded(size_dir: Path, embedder: Embedder, qs: list[str]) -> dict[str, Any]:
    """p50 / p95 / mean (ms) of `pipeline.answer` with the embedded and the server collection,
    over the index already built in `size_dir/index` (embedded) from `size_dir/corpus`."""
    embedded_index = size_dir / "index"
    server_index = size_dir / "index-chroma-server"
    shutil.rmtree(server_index, ignore_errors=True)
    server_index.mkdir(parents=True)
    shutil.copy(IndexPaths(embedded_index).cache, IndexPaths(server_index).cache)
    with chroma_run(size_dir / "chroma-server") as port:
        config = ChromaConfig("127.0.0.1", port, "bench")
        started = time.perf_counter()
        report = ingest([CITY, size_dir / "corpus"], server_index, embedder, config,
                        progress=False)
        load_s = time.perf_counter() - started
        runners = {
            "embedded": build(Settings(index_dir=embedded_index), embedder=embedder).pipeline,
            "server": build(Settings(index_dir=server_index,
                                     chroma=ChromaSettings(host="127.0.0.1", port=port,
                                                           collection_prefix="bench")),
                            embedder=embedder).pipeline}
        for pipeline in runners.values():  # warm up
            for q in qs[:20]:
                pipeline.answer(q)
        times: dict[str, list[float]] = {name: [] for name in runners}
        names = list(runners)
        for i, q in enumerate(qs):
            for name in (names if i % 2 == 0 else names[::-1]):
                t0 = time.perf_counter()
                runners[name].answer(q)
                times[name].append((time.perf_counter() - t0) * 1000)
        for pipeline in runners.values():
            pipeline.retriever.index.close()
    shutil.rmtree(size_dir / "chroma-server", ignore_errors=True)
    ms = {name: {"p50": round(statistics.median(t), 2), "p95": round(percentile(t, 0.95), 2),
                 "mean": round(statistics.fmean(t), 2)} for name, t in times.items()}
    return {"passages": report.passages, "questions": len(qs), "ms": ms,
            "server_load_seconds": round(load_s, 1),
            "server_vs_embedded_p50": round(ms["server"]["p50"] / ms["embedded"]["p50"], 2)}


def line(row: dict[str, Any]) -> str:
    e, s = row["ms"]["embedded"], row["ms"]["server"]
    return (f"Chroma server vs embedded at {row['passages']:,} passages, one question through "
            f"the pipeline: embedded p50 {e['p50']:.2f} ms (p95 {e['p95']:.2f}), server p50 "
            f"{s['p50']:.2f} ms (p95 {s['p95']:.2f}), ×{row['server_vs_embedded_p50']}")
