"""In-process latency, side by side in one run: our pipeline, the floor (embed the query, ask the
vector index for ids only, score BM25) and a LangChain user's default (`Chroma.as_retriever()`
over the same generation's collection and the same embedder).

Each question runs through all three, in rotating order, so a busy neighbour on a shared
machine slows them alike; the ratios are what to read.
"""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.corpus import CITY, expand
from bot.factory import build
from bot.settings import Settings
from ingest.embed import Embedder, LangChainEmbeddings
from ingest.index import ingest
from ingest.store import ChromaConfig, Generation, chroma_client
from ingest.text import Tokenizer, normalize


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def questions(limit: int | None = None) -> list[str]:
    rows = [json.loads(line) for line in (CITY / "gold.jsonl").read_text("utf-8").splitlines()
            if line.strip()]
    return [r["question"] for r in rows][:limit]


def index_for(size: int, workdir: Path, embedder: Embedder) -> tuple[Path, int, float]:
    """The sample corpus expanded to `size` passages, indexed under `workdir` (kept between
    runs: an unchanged corpus re-ingests in seconds). Returns (index, passages, seconds)."""
    corpus, index = workdir / f"p{size}" / "corpus", workdir / f"p{size}" / "index"
    expand(size, corpus)
    started = time.perf_counter()
    report = ingest([CITY, corpus], index, embedder, progress=False)
    return index, report.passages, time.perf_counter() - started


class Floor:
    """What one question costs at least here: embed, vector ids only, BM25 over the full text."""

    def __init__(self, gen: Generation, embedder: Embedder, candidates: int = 80) -> None:
        self.gen, self.embedder, self.n = gen, embedder, candidates
        self.tokenizer = Tokenizer()

    def __call__(self, question: str) -> Any:
        qvec = self.embedder.embed([question])[0]
        ids = self.gen.collection.query(query_embeddings=[qvec.tolist()],
                                        n_results=min(self.n, 2 * len(self.gen.passages)),
                                        include=[])["ids"]
        scores = self.gen.keyword_full.scores(self.tokenizer.query_tokens(normalize(question)))
        return ids, scores


def langchain_default(gen: Generation, embedder: Embedder) -> Callable[[str], Any]:
    """What a LangChain user writes: `Chroma(...).as_retriever()` with the default k=4."""
    from langchain_chroma import Chroma

    client = getattr(gen, "client", None) or chroma_client(gen.directory, ChromaConfig())
    store = Chroma(client=client, collection_name=gen.collection.name,
                   embedding_function=LangChainEmbeddings(embedder))
    return store.as_retriever().invoke


@dataclass
class SideBySide:
    passages: int
    ms: dict[str, dict[str, float]]

    def ratio(self, a: str, b: str, stat: str = "p50") -> float:
        return round(self.ms[a][stat] / self.ms[b][stat], 2)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"passages": self.passages, "ms": self.ms}
        for name in (n for n in self.ms if n.startswith("pipeline")):
            out[f"{name}_vs_floor"] = self.ratio(name, "floor")
            out[f"{name}_vs_langchain"] = self.ratio(name, "langchain")
        return out


def side_by_side(index: Path, embedder: Embedder, qs: list[str],
                 dense: tuple[str, ...] = ()) -> SideBySide:
    """p50 / p95 / mean (ms) of the pipeline, the floor and LangChain's default over `qs`;
    `dense` adds the pipeline with each of these `retrieval.dense_index` values
    (`pipeline[chroma]` …), timed in the same rotation."""
    components = build(Settings(index_dir=index), index_dir=index, embedder=embedder)
    gen = components.retriever.index.get()
    runners: dict[str, Callable[[str], Any]] = {
        "pipeline": components.pipeline.answer, "floor": Floor(gen, embedder),
        "langchain": langchain_default(gen, embedder)}
    others = [build(Settings(index_dir=index, retrieval={"dense_index": mode}),
                    index_dir=index, embedder=embedder) for mode in dense]
    for mode, other in zip(dense, others, strict=True):
        runners[f"pipeline[{mode}]"] = other.pipeline.answer
    for run in runners.values():  # warm up caches, lazy imports and the page cache
        for q in qs[:20]:
            run(q)
    times: dict[str, list[float]] = {name: [] for name in runners}
    names = list(runners)
    for i, q in enumerate(qs):
        turn = i % len(names)
        for name in names[turn:] + names[:turn]:
            started = time.perf_counter()
            runners[name](q)
            times[name].append((time.perf_counter() - started) * 1000)
    for c in (components, *others):
        getattr(c.retriever.index, "close", lambda: None)()  # (older code: no close)
    return SideBySide(len(gen.passages), {
        name: {"p50": round(statistics.median(t), 2), "p95": round(percentile(t, 0.95), 2),
               "mean": round(statistics.fmean(t), 2)} for name, t in times.items()})


def table(rows: list[SideBySide]) -> str:
    head = (f"{'passages':>9}  {'pipeline p50':>12}  {'floor p50':>9}  {'LangChain p50':>13}"
            f"  {'÷ floor':>7}  {'÷ LangChain':>11}")
    lines = [head]
    for r in rows:
        for name in (n for n in r.ms if n.startswith("pipeline")):
            lines.append(f"{r.passages:>9,}  {r.ms[name]['p50']:>9.2f} ms  "
                         f"{r.ms['floor']['p50']:>6.2f} ms  {r.ms['langchain']['p50']:>10.2f} ms"
                         f"  {r.ratio(name, 'floor'):>6.2f}×  "
                         f"{r.ratio(name, 'langchain'):>10.2f}×  {name}")
    return "\n".join(lines)
