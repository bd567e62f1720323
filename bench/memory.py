"""Memory per worker of `madoguchi serve`, one dense index against another, in the same run.

For each corpus size and each `retrieval.dense_index`, the server starts with N workers over
the same index, answers distinct questions for a while (so each worker has searched and
touched what it reads), and each worker's /proc/<pid>/smaps_rollup is read: RSS (every page it
maps that is resident, shared or not), PSS (shared pages split between the processes that map
them: what the worker really costs) and USS (its private pages). Idle figures are read before
the first question.

    python -m bench.memory --sizes 1000,10000,100000 --modes chroma,partitioned
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from bench.corpus import ROOT
from bench.inprocess import questions
from bench.load import Distinct, Ledger, Server, closed_loop


def rollup(pid: int) -> dict[str, float]:
    """RSS, PSS and USS (private clean + dirty) of a process, in MB, from smaps_rollup."""
    fields: dict[str, int] = {}
    with open(f"/proc/{pid}/smaps_rollup", encoding="utf-8") as fh:
        for line in fh:
            parts = line.split()
            if len(parts) == 3 and parts[2] == "kB":
                fields[parts[0].rstrip(":")] = int(parts[1])
    uss = fields.get("Private_Clean", 0) + fields.get("Private_Dirty", 0)
    return {"rss": round(fields.get("Rss", 0) / 1024, 1),
            "pss": round(fields.get("Pss", 0) / 1024, 1), "uss": round(uss / 1024, 1)}


def workers(server: Server) -> list[int]:
    import psutil

    assert server.proc is not None
    parent = psutil.Process(server.proc.pid)
    return [p.pid for p in parent.children(recursive=True)
            if "resource_tracker" not in " ".join(p.cmdline())] or [parent.pid]


def measure(index: Path, mode: str, n_workers: int, seconds: float, tmp: Path,
            qs: list[str]) -> dict[str, Any]:
    tmp.mkdir(parents=True, exist_ok=True)
    server = Server(index, f"sqlite:///{tmp}/{mode}.sqlite3", n_workers, tmp / f"data-{mode}",
                    settings={"MADOGUCHI_RETRIEVAL__DENSE_INDEX": mode,
                              "MADOGUCHI_SERVER__ANSWER_CACHE": "0"})
    with server.running(tmp / f"server-{mode}.log"):
        idle = [rollup(pid) for pid in workers(server)]
        run = asyncio.run(closed_loop(server.base, 2 * n_workers, seconds, Distinct(qs),
                                      Ledger(), timeout=60))
        busy = [rollup(pid) for pid in workers(server)]
    return {"mode": mode, "workers": n_workers, "idle": idle, "after": busy,
            "answered": run.summary()["answered"]}


def line(size: int, row: dict[str, Any]) -> str:
    def worst(key: str, stat: str) -> float:
        return max(w[stat] for w in row[key])

    return (f"{size:>8,}  {row['mode']:<12} idle RSS {worst('idle', 'rss'):>6.0f} "
            f"PSS {worst('idle', 'pss'):>6.0f} | after {row['answered']:>4} answers: "
            f"RSS {worst('after', 'rss'):>6.0f}  PSS {worst('after', 'pss'):>6.0f}  "
            f"USS {worst('after', 'uss'):>6.0f}  (MB, worst worker)")


def main() -> None:
    parser = argparse.ArgumentParser(description="memory per worker, dense index A/B")
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--modes", default="chroma,partitioned")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=20.0,
                        help="distinct questions answered before the figures are read")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results-memory.json")
    args = parser.parse_args()
    from bench.run import build_index

    qs, results = questions(), []
    with tempfile.TemporaryDirectory(prefix="madoguchi-memory-") as raw:
        for size in [int(s) for s in args.sizes.split(",") if s.strip()]:
            built = build_index(size, 20_000, fresh=False)
            for mode in [m.strip() for m in args.modes.split(",") if m.strip()]:
                row = measure(built["index"], mode, args.workers, args.seconds,
                              Path(raw) / f"{size}", qs)
                results.append({"passages": built["passages"], **row})
                print(line(built["passages"], row), flush=True)
    print(f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
    args.out.write_text(json.dumps(results, indent=1), encoding="utf-8")
    print(f"→ {args.out}")


if __name__ == "__main__":
    main()
