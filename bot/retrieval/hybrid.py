"""Hybrid retrieval: BM25 over the full text, BM25 over the FAQ question / title field, and
dense similarity (Chroma candidates, exact cosines), fused by normalised score fusion."""

from __future__ import annotations

import os
import threading
import time
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from bot.retrieval import reference
from bot.retrieval.language import is_japanese
from bot.retrieval.synonyms import Synonyms
from bot.settings import EXACT_BELOW, PROBE
from ingest.embed import Embedder, RecentQueries
from ingest.partitions import Partitions
from ingest.schema import Passage
from ingest.store import ChromaConfig, Generation, IndexPaths
from ingest.text import Tokenizer, normalize
from ingest.variants import VariantLayer


@dataclass(frozen=True)
class FusionWeights:
    keyword: float = 0.45
    head: float = 0.1
    dense: float = 0.45
    # A follow-up searched with the conversation's topic: closeness of each passage to the
    # passage the previous turn was about (see `HybridRetriever.retrieve`, `topic=`).
    topic: float = 0.75


@dataclass
class Hit:
    """One ranked passage with every score that led to its rank (shown in traces)."""

    passage: Passage
    fused: float
    keyword: float = 0.0
    head: float = 0.0
    cos_head: float = 0.0
    cos_body: float = 0.0
    row: int = -1
    coverage: float = 0.0
    head_coverage: float = 0.0
    # The question variant (言い換え) that scored the question side above the official
    # question, and on which side(s): "dense", "keyword" or "dense+keyword".
    variant: str = ""
    variant_side: str = ""
    variant_origin: str = ""

    @property
    def dense(self) -> float:
        return (self.cos_head + self.cos_body) / 2

    def trace(self) -> dict[str, Any]:
        out = {"doc_id": self.passage.doc_id, "label": self.passage.label,
               "fused": round(self.fused, 4), "keyword": round(self.keyword, 3),
               "head": round(self.head, 3), "cos_head": round(self.cos_head, 3),
               "cos_body": round(self.cos_body, 3), "coverage": round(self.coverage, 3),
               "head_coverage": round(self.head_coverage, 3)}
        if self.variant:
            out |= {"variant": self.variant, "variant_side": self.variant_side,
                    "variant_origin": self.variant_origin}
        return out


@dataclass
class Retrieval:
    """The retriever's output: ranked hits plus what it saw on the way."""

    query: str
    normalized: str
    tokens: list[str]
    expansions: list[str]
    hits: list[Hit]
    keyword_ceiling: float
    head_ceiling: float
    known_share: float = 0.0
    japanese: bool = True
    # Corpus words a mostly-kana message spells, or its mistyped kanji compounds read as
    # (ingest/readings.py), searched beside it.
    spelled: list[str] = field(default_factory=list)
    timings_ms: dict[str, float] = field(default_factory=dict)
    keyword_top: list[tuple[str, float]] = field(default_factory=list)
    dense_top: list[tuple[str, float]] = field(default_factory=list)
    similarity: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), dtype=np.float32))
    # The top passage's direction (head and body vectors averaged): what this turn was about,
    # handed to the next turn as its topic. Empty when nothing was found.
    topic: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.float32))
    # Searched with a previous turn's topic: cosine of the top passage to that topic (a
    # confidence signal: a follow-up answered within its topic), else None.
    topic_cos: float | None = None

    def similar(self, i: int, j: int) -> float:
        """Cosine between the passages of hits i and j (head and body vectors averaged);
        0 for hits beyond the compared top."""
        n = len(self.similarity)
        return float(self.similarity[i, j]) if i < n and j < n else 0.0


class IndexHandle:
    """The serving generation; re-opened when an ingest swaps CURRENT (checked per call)."""

    def __init__(self, index_dir: Path, chroma: ChromaConfig) -> None:
        self._paths = IndexPaths(index_dir)
        self._chroma = chroma
        self._lock = threading.Lock()
        self._gen: Generation | None = None
        self._retired: Generation | None = None
        self._pinned: ContextVar[Generation | None] = ContextVar(f"pinned-{id(self)}",
                                                                 default=None)
        # CURRENT as last read: (inode, mtime, size) and the name it held. An ingest swaps it
        # with a rename (a new inode), so one stat tells whether it must be read again.
        self._current: tuple[tuple[int, int, int], str | None] | None = None

    @property
    def index_dir(self) -> Path:
        return self._paths.root

    def get(self) -> Generation:
        pinned = self._pinned.get()
        if pinned is not None:
            return pinned
        name = self._current_name()
        gen = self._gen
        if gen is not None and gen.name == name:
            return gen
        with self._lock:
            if self._gen is None or self._gen.name != name:
                self._retire(self._gen)
                self._gen = Generation.open(self._paths, self._chroma, name)
            return self._gen

    def _current_name(self) -> str | None:
        """The generation CURRENT names: read again only when the file changed (a read costs
        an open, a read and a stat of the generation's folder, ~0.1 ms on a busy machine; a
        request asks once for its cache lookup and once for its answer)."""
        try:
            st = os.stat(self._paths.current)
        except FileNotFoundError:
            self._current = None
            return None
        key = (st.st_ino, st.st_mtime_ns, st.st_size)
        seen = self._current
        if seen is not None and seen[0] == key:
            return seen[1]
        name = self._paths.current_generation()
        self._current = (key, name)
        return name

    @contextmanager
    def pinned(self) -> Iterator[Generation]:
        """The serving generation held for a block (one answer): `get` inside it returns that
        generation without reading CURRENT again (0.2–0.3 ms a read on a busy machine, and an
        answer asks several times), so every reading of one answer searches the same one."""
        held = self._pinned.get()
        if held is not None:
            yield held
            return
        gen = self.get()
        token = self._pinned.set(gen)
        try:
            yield gen
        finally:
            self._pinned.reset(token)

    def loaded(self) -> Generation | None:
        """The generation open now, without touching the disk (for /healthz)."""
        return self._gen

    def _retire(self, gen: Generation | None) -> None:
        """Close the generation retired one swap ago (no request still reads it), keep the one
        just replaced open for requests in flight."""
        if self._retired is not None:
            self._retired.close()
        self._retired = gen

    def close(self) -> None:
        """Release every open generation (at shutdown)."""
        with self._lock:
            for gen in (self._retired, self._gen):
                if gen is not None:
                    gen.close()
            self._retired = self._gen = None


class HybridRetriever:
    def __init__(self, index: IndexHandle, embedder: Embedder, tokenizer: Tokenizer,
                 synonyms: Synonyms, weights: FusionWeights, candidates: int = 40,
                 exact_below: int = EXACT_BELOW, dense_index: str = "partitioned",
                 probe: int = PROBE, kept: int = 0) -> None:
        self.index = index
        # Recent retrievals without filter or topic, by (generation, query, top_k); 0: none.
        self.kept = kept
        self._kept: OrderedDict[tuple[str, str, int], Retrieval] = OrderedDict()
        self._kept_lock = threading.Lock()
        self.exact_below = exact_below
        self.dense_index = dense_index
        self.probe = probe
        self.embedder = embedder
        self.tokenizer = tokenizer
        self.synonyms = synonyms
        self.weights = weights
        self.candidates = candidates

    def retrieve(self, query: str, top_k: int = 20,
                 filters: dict[str, str] | None = None,
                 topic: np.ndarray | None = None) -> Retrieval:
        """Rank passages for a query; `filters` restricts metadata (e.g. category, source_type).

        `topic` (a previous turn's `Retrieval.topic`) makes closeness to that passage a fourth
        signal, and passages close to it candidates: a follow-up such as 「いくら？」 is then
        ranked within the conversation's topic instead of across every fee of the city.

        A retrieval without filter or topic is a function of the generation and the query: the
        `kept` most recent are returned again as computed (an answer reads its message again
        with a topic, a follow-up searches the earlier turn's message, residents repeat
        questions). Nothing changes a retrieval once it is returned."""
        gen = self.index.get()
        if not self.kept or filters is not None or topic is not None:
            return self._retrieve(gen, query, top_k, filters, topic)
        key = (gen.name, query, top_k)
        with self._kept_lock:
            found = self._kept.get(key)
            if found is not None:
                self._kept.move_to_end(key)
                return found
        found = self._retrieve(gen, query, top_k, None, None)
        with self._kept_lock:
            self._kept[key] = found
            while len(self._kept) > self.kept:
                self._kept.popitem(last=False)
        return found

    def _retrieve(self, gen: Generation, query: str, top_k: int,
                  filters: dict[str, str] | None, topic: np.ndarray | None) -> Retrieval:
        t0 = time.perf_counter()
        normalized = normalize(query)
        spelled = gen.readings.spell(normalized)  # 「すいどう」, 「住民表」 → 水道, 住民票
        expansions = [*self.synonyms.expand(normalized), *spelled]
        tokens = self.tokenizer.query_tokens(" ".join([normalized, *expansions]))
        t1 = time.perf_counter()
        mask = gen.mask(filters)
        japanese = is_japanese(normalized)
        if not japanese:  # Japanese keywords mislead here; the embedder is cross-lingual
            tokens = []
        qvec = self.embedder.embed([_embedded(query, spelled)])[0]
        side = QuestionSide.score(gen, tokens, qvec)
        kw, hd = side.full, side.keyword
        if mask is not None:
            kw, hd = kw * mask, hd * mask
        t2 = time.perf_counter()
        dense_rows = self._dense_candidates(gen, qvec, filters) | side.dense_rows(
            self.candidates, mask)
        if topic is not None and len(topic) != len(qvec):
            topic = None  # nothing was found the turn before
        near = self._dense_candidates(gen, topic, filters) if topic is not None else set()
        t3 = time.perf_counter()
        kw_rows = _top(kw, self.candidates)
        rows = kw_rows | _top(hd, self.candidates) | dense_rows | near
        scored = self._scores(gen, sorted(rows), kw, hd, qvec, side, topic)
        hits = self._fuse(gen, scored, top_k)
        _cover(gen, hits[:COVERED], tokens)
        side.explain(hits)
        t4 = time.perf_counter()
        return Retrieval(
            query=query, normalized=normalized, tokens=tokens, expansions=expansions, hits=hits,
            spelled=spelled,
            keyword_ceiling=gen.keyword_full.ceiling(tokens),
            head_ceiling=gen.keyword_head.ceiling(tokens),
            known_share=(sum(t in gen.keyword_full.vocab for t in tokens) / len(tokens)
                         if tokens else 0.0),
            japanese=japanese,
            timings_ms={"tokenize": _ms(t0, t1), "keyword_and_embed": _ms(t1, t2),
                        "dense": _ms(t2, t3), "fuse": _ms(t3, t4)},
            keyword_top=_named(gen, kw, kw_rows, 10),
            dense_top=_dense_named(gen, dense_rows, scored, 10),
            similarity=_similarity(gen, hits[:COMPARED]),
            topic=_direction(gen, hits[:1]),
            topic_cos=(float(_direction(gen, hits[:1]) @ topic) if topic is not None and hits
                       else None),
        )

    def embed_ahead(self, queries: list[str], also: list[str] | None = None) -> None:
        """Embed, in one batch, what retrieving each of `queries` (and the caller's `also`)
        will embed, when the embedder keeps recent vectors: one batch of n texts costs about
        as much as two single calls (5.5 ms for 2 texts, 8.8 ms as 2 calls)."""
        if not isinstance(self.embedder, RecentQueries):
            return
        gen = self.index.get()
        searched = [_embedded(q, gen.readings.spell(normalize(q))) for q in queries]
        texts = list(dict.fromkeys([*(also or []), *searched]))
        vectors = self.embedder.embed(texts)
        parts = self._partitions(gen)
        if parts is not None and len(set(searched)) > 1:  # their dense searches, as one
            at = {t: i for i, t in enumerate(texts)}
            parts.search_ahead(vectors[sorted({at[t] for t in searched})],
                               self._dense_n(gen), self.probe)

    def passage(self, doc_id: str, filters: dict[str, str] | None = None) -> Hit | None:
        """The serving generation's passage `doc_id` as a hit of its own (a resident picked
        it from a clarify reply's choices), or None when it is gone or `filters` exclude it."""
        gen = self.index.get()
        row = gen.rows.get(doc_id)
        if row is None:
            return None
        mask = gen.mask(filters)
        if mask is not None and not mask[row]:
            return None
        return Hit(gen.passages[row], 1.0, row=row)

    def named_article(self, question: str, filters: dict[str, str] | None = None
                      ) -> Hit | None:
        """The ordinance article the message names (「図書館条例の第5条」), as a hit of its own;
        None when it names none, or none unambiguously (bot/retrieval/reference.py)."""
        gen = self.index.get()
        doc_id = reference.article(question, gen.rows,
                                   lambda d: gen.passages[gen.rows[d]].title)
        return self.passage(doc_id, filters) if doc_id is not None else None

    def cover(self, r: Retrieval, n: int) -> None:
        """Query-term coverage for the top `n` hits (retrieve computes it for `COVERED`)."""
        _cover(self.index.get(), r.hits[:n], r.tokens)

    def _dense_candidates(self, gen: Generation, qvec: np.ndarray,
                          filters: dict[str, str] | None) -> set[int]:
        if not gen.passages:
            return set()
        n = self._dense_n(gen)
        parts = self._partitions(gen)
        if self._exact(gen) or (self.dense_index == "partitioned" and parts is None):
            # (a generation written before partitions existed is searched exactly)
            return _nearest_rows(gen, qvec, gen.mask(filters), n)
        if parts is not None:
            return parts.search(qvec, n, self.probe, gen.mask(filters)) | (
                self._exact_candidates(gen, qvec, filters))
        where = _where(filters)
        # Ids and distances only: fetching metadata (to read `row`) cost more than the search.
        res = gen.collection.query(query_embeddings=[qvec.tolist()], n_results=n,
                                   include=["distances"], **({"where": where} if where else {}))
        rows = (gen.row_of(i) for i in (res["ids"] or [[]])[0])
        return {r for r in rows if r is not None} | self._exact_candidates(gen, qvec, filters)

    def _dense_n(self, gen: Generation) -> int:
        """Vectors asked of the dense index per query (a passage has two)."""
        return min(self.candidates * 2, 2 * len(gen.passages))

    def _exact(self, gen: Generation) -> bool:
        return len(gen.passages) <= self.exact_below or self.dense_index == "exact"

    def _partitions(self, gen: Generation) -> Partitions | None:
        """The generation's partitioned index when this retriever searches it."""
        if self._exact(gen) or self.dense_index != "partitioned":
            return None
        return gen.partitions

    def _exact_candidates(self, gen: Generation, qvec: np.ndarray,
                          filters: dict[str, str] | None) -> set[int]:
        """Rows changed since the shared collection was written, compared exactly."""
        if not len(gen.exact):
            return set()
        idx = gen.exact
        mask = gen.mask(filters)
        if mask is not None:
            idx = idx[mask[idx] > 0]
        cos = np.maximum(gen.head[idx] @ qvec, gen.body[idx] @ qvec)
        best = np.argsort(-cos, kind="stable")[:self.candidates]
        return {int(idx[i]) for i in best}

    def _scores(self, gen: Generation, rows: list[int], kw: np.ndarray, hd: np.ndarray,
                qvec: np.ndarray, side: QuestionSide, topic: np.ndarray | None) -> Scored:
        """Every signal of the candidate `rows` (sorted), and their fused score."""
        idx = np.array(rows, dtype=np.int64)
        if not rows:
            empty = np.zeros(0, np.float32)
            return Scored(idx, empty, empty, empty, empty, empty)
        cos_h = side.cosine(gen, idx, qvec)
        cos_b = gen.body[idx] @ qvec
        dense = (cos_h + cos_b) / 2
        k, h = kw[idx], hd[idx]
        w = self.weights
        fused = w.keyword * _scaled(k) + w.head * _scaled(h) + w.dense * _spread(dense)
        if topic is not None:  # kept on the same 0–1 scale as without a topic
            near = _directions(gen, idx) @ topic
            fused = (fused + w.topic * _spread(near)) / (w.keyword + w.head + w.dense + w.topic)
        return Scored(idx, k, h, cos_h, cos_b, fused)

    @staticmethod
    def _fuse(gen: Generation, s: Scored, top_k: int) -> list[Hit]:
        """The `top_k` best of the scored rows by fused score (ties by doc id)."""
        if not len(s.rows) or top_k <= 0:
            return []
        # Only the best k are decoded into passages (ties by doc id, read without decoding):
        # at 100k passages most candidates are not in the decoded-row cache.
        keep: Sequence[int] = range(len(s.rows))
        if len(s.rows) > top_k:
            kth = np.partition(-s.fused, top_k - 1)[top_k - 1]
            keep = np.flatnonzero(-s.fused <= kth).tolist()
        rows, fused = s.rows.tolist(), s.fused.tolist()
        best = sorted(keep, key=lambda i: (-fused[i], gen.doc_ids[rows[i]]))[:top_k]
        return [Hit(gen.passages[rows[i]], fused[i], float(s.keyword[i]), float(s.head[i]),
                    float(s.cos_head[i]), float(s.cos_body[i]), row=rows[i]) for i in best]


@dataclass(frozen=True)
class Scored:
    """The fusion's candidates (sorted rows) with each signal, computed once per retrieval:
    the ranking and the trace's dense top both read them."""

    rows: np.ndarray
    keyword: np.ndarray
    head: np.ndarray
    cos_head: np.ndarray
    cos_body: np.ndarray
    fused: np.ndarray

    @property
    def dense(self) -> np.ndarray:
        return (self.cos_head + self.cos_body) / 2


def _nearest_rows(gen: Generation, qvec: np.ndarray, mask: np.ndarray | None,
                  n: int) -> set[int]:
    """The rows of the `n` vectors (question sides and bodies together) closest to `qvec`, as
    a vector index would return them, among the rows `mask` allows."""
    cos = np.concatenate([gen.head @ qvec, gen.body @ qvec])
    if mask is not None:
        cos = np.where(np.concatenate([mask, mask]) > 0, cos, -np.inf)
    n = min(n, len(cos))
    best = np.argpartition(-cos, n - 1)[:n] if n < len(cos) else np.arange(len(cos))
    rows = len(gen.head)
    return {int(i % rows) for i in best if cos[i] > -np.inf}


def _embedded(query: str, spelled: list[str]) -> str:
    """The text embedded for a query: the query with the corpus words it spells."""
    return " ".join([query, *spelled])


COVERED = 5  # hits whose query-term coverage is computed (a confidence signal)
COMPARED = 10  # hits compared pairwise (which passages say the same thing)


def _cover(gen: Generation, hits: list[Hit], tokens: list[str]) -> None:
    layer = gen.variants
    rows = [h.row for h in hits]
    full, head = (gen.keyword_full.matched_shares(tokens, rows),
                  gen.keyword_head.matched_shares(tokens, rows))
    for h, f, hd in zip(hits, full, head, strict=True):
        h.coverage, h.head_coverage = float(f), float(hd)
        if layer is not None and h.row in layer.by_row:  # the best-covered question counts
            ids = layer.by_row[h.row]
            h.head_coverage = max([h.head_coverage, *(
                layer.matched_share(tokens, i, gen.keyword_head.term_idf) for i in ids)])
            h.coverage = max([h.coverage, *(
                layer.matched_share(tokens, i, gen.keyword_full.term_idf, full=True)
                for i in ids)])


@dataclass
class QuestionSide:
    """The question side of every passage scored by its best question: the official one or a
    variant (言い換え) from the generation's variant layer."""

    keyword: np.ndarray  # per passage row: max(head BM25, best variant BM25)
    full: np.ndarray  # per passage row: max(full-text BM25, best with a variant as question)
    variant_keyword: np.ndarray = field(default_factory=lambda: np.zeros(0, np.float32))
    variant_cos: np.ndarray = field(default_factory=lambda: np.zeros(0, np.float32))
    row_cos: np.ndarray | None = None  # per passage row: best variant cosine (-inf: none)
    layer: VariantLayer | None = None

    @classmethod
    def score(cls, gen: Generation, tokens: list[str], qvec: np.ndarray) -> QuestionSide:
        head = gen.keyword_head.scores(tokens)
        full = gen.keyword_full.scores(tokens)
        layer = gen.variants
        if layer is None or not len(layer):
            return cls(head, full)
        n = len(head)
        vk = layer.keyword_scores(tokens, gen.keyword_head.term_idf)
        vf = layer.full_scores(tokens, gen.keyword_full.term_idf)
        vc = layer.cosines(qvec)
        return cls(np.maximum(head, layer.best_per_row(vk, n)),
                   np.maximum(full, layer.best_per_row(vf, n)), vk, vc,
                   layer.best_per_row(vc, n), layer)

    def dense_rows(self, k: int, mask: np.ndarray | None) -> set[int]:
        """Rows whose variants are among the k closest to the query (exact, no collection)."""
        if self.layer is None:
            return set()
        rows = self.layer.top_rows(self.variant_cos, k)
        return {r for r in rows if mask is None or mask[r] > 0}

    def cosine(self, gen: Generation, idx: np.ndarray, qvec: np.ndarray) -> np.ndarray:
        """cos(query, best question) for the rows `idx`."""
        own = gen.head[idx] @ qvec
        return own if self.row_cos is None else np.maximum(own, self.row_cos[idx])

    def explain(self, hits: list[Hit]) -> None:
        """Name, on each hit, the variant that beat the official question (for the trace)."""
        if self.layer is None:
            return
        for h in hits:
            sides = []
            dense = self.layer.best_of_row(h.row, self.variant_cos)
            kw = self.layer.best_of_row(h.row, self.variant_keyword)
            best = None
            if dense is not None and dense[1] >= h.cos_head - 1e-6 and dense[1] > -np.inf:
                sides.append("dense")
                best = dense[0]
            if kw is not None and kw[1] > 0 and kw[1] >= h.head - 1e-6:
                sides.append("keyword")
                best = kw[0] if best is None else best
            if best is not None:
                v = self.layer.variants[best]
                h.variant, h.variant_side, h.variant_origin = v.text, "+".join(sides), v.origin


def _similarity(gen: Generation, hits: list[Hit]) -> np.ndarray:
    """Pairwise cosine of the hits' passages: mean of head and body vectors, renormalised."""
    if not hits:
        return np.zeros((0, 0), dtype=np.float32)
    v = _directions(gen, np.array([h.row for h in hits]))
    return (v @ v.T).astype(np.float32)


def _directions(gen: Generation, idx: np.ndarray) -> np.ndarray:
    """Each row's passage direction: head and body vectors averaged, renormalised."""
    v = gen.head[idx] + gen.body[idx]
    return v / np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-9)


def _direction(gen: Generation, hits: list[Hit]) -> np.ndarray:
    if not hits:
        return np.zeros(0, dtype=np.float32)
    return _directions(gen, np.array([hits[0].row]))[0].astype(np.float32)


def _spread(x: np.ndarray) -> np.ndarray:
    """Min–max to [0, 1]; all ones when every value is the same."""
    span = float(x.max() - x.min())
    return (x - x.min()) / span if span > 1e-9 else np.ones_like(x)


def _scaled(x: np.ndarray) -> np.ndarray:
    top = float(x.max()) if len(x) else 0.0
    return x / top if top > 0 else np.zeros_like(x)


def _top(scores: np.ndarray, k: int) -> set[int]:
    """The rows of the k best positive scores. Keyword scores are sparse: the partition runs
    over the rows that matched at all (at 100,000 passages, a full one costs ~1 ms)."""
    matched = np.flatnonzero(scores > 0)
    if len(matched) <= k:
        return set(matched.tolist())
    return set(matched[np.argpartition(-scores[matched], k - 1)[:k]].tolist())


def _named(gen: Generation, scores: np.ndarray, rows: set[int],
           k: int) -> list[tuple[str, float]]:
    """The best k of `rows` (a `_top` of more than k) by score, for the trace."""
    best = sorted(rows, key=lambda r: -scores[r])[:k]
    return [(gen.doc_ids[r], round(float(scores[r]), 3)) for r in best]


def _dense_named(gen: Generation, rows: set[int], scored: Scored,
                 k: int) -> list[tuple[str, float]]:
    """The dense side's own top k (mean of best-question and body cosine), for the trace:
    read from the fusion's cosines (every dense candidate is a fusion candidate)."""
    if not rows:
        return []
    idx = np.array(sorted(rows), dtype=np.int64)
    cos = scored.dense[np.searchsorted(scored.rows, idx)]
    order = np.argsort(-cos, kind="stable")[:k]
    return [(gen.doc_ids[int(idx[i])], round(float(cos[i]), 4)) for i in order]


def _where(filters: dict[str, str] | None) -> dict[str, Any] | None:
    if not filters:
        return None
    clauses = [{k: v} for k, v in filters.items()]
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}


def _ms(a: float, b: float) -> float:
    return round((b - a) * 1000, 2)
