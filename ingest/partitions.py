"""A partitioned (IVF-like) dense index over plain memory-mapped arrays.

Every serving worker maps the same read-only files, so N workers share one copy in the page
cache instead of each loading its own HNSW graph (Chroma keeps one per process, ~1.6 GB idle
at 100,000 passages). Ingest clusters the generation's question-side and body vectors with
spherical k-means and writes them grouped by cluster: `vectors.npy` (float32, one contiguous
block per cluster), `rows.npy` (the passage row of each vector), `offsets.npy` (where each
cluster starts) and `centroids.npy`. A query compares itself with the centroids, then scans the
closest clusters' blocks exactly — a few thousand vectors instead of every one.

The files sit in the generation that wrote the Chroma collection (`dense/`), and a generation
that shares that collection after a small change (ingest/delta.py) shares them too: its rows
are found by doc id, and rows written since are scored exactly beside them, as for Chroma.
"""

from __future__ import annotations

import json
import os
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ingest.keyword import load_array

DIRECTORY = "dense"
FILES = ("centroids.npy", "offsets.npy", "rows.npy", "vectors.npy")
ITERATIONS = 8
SAMPLE_PER_LIST = 64  # k-means is trained on at most this many vectors per cluster
SEED = 20261201
AHEAD = 64  # unfiltered searches done ahead (search_ahead) kept for `search` to return


def lists_for(vectors: int) -> int:
    """Clusters for `vectors` vectors: four times their square root. At 10,030 passages
    (20,060 vectors, gold questions) 4×√ clusters scanning 5 % of them found 98.7 % of the
    exact 80 nearest, √ clusters scanning the same share 92.7 %."""
    return max(1, round(4 * vectors ** 0.5))


def build(head: np.ndarray, body: np.ndarray, out: Path) -> None:
    """Cluster both vectors of every passage and write the partitioned index into `out`."""
    vectors = np.concatenate([np.asarray(head, np.float32), np.asarray(body, np.float32)])
    rows = np.concatenate([np.arange(len(head)), np.arange(len(body))]).astype(np.int32)
    centroids = _kmeans(vectors, lists_for(len(vectors)))
    assign = _assign(vectors, centroids)
    order = np.argsort(assign, kind="stable")
    offsets = np.searchsorted(assign[order], np.arange(len(centroids) + 1)).astype(np.int64)
    out.mkdir(parents=True)
    arrays: tuple[np.ndarray, ...] = (centroids, offsets, rows[order],
                                      np.ascontiguousarray(vectors[order]))
    for name, array in zip(FILES, arrays, strict=True):
        np.save(out / name, array)
        with open(out / name, "rb") as fh:
            os.fsync(fh.fileno())


def _kmeans(vectors: np.ndarray, k: int) -> np.ndarray:
    """Spherical k-means (unit centroids, cosine) on a seeded sample; deterministic."""
    if not len(vectors):
        return np.zeros((0, vectors.shape[1]), np.float32)
    rng = np.random.default_rng(SEED)
    sample = vectors
    if len(vectors) > k * SAMPLE_PER_LIST:
        sample = vectors[np.sort(rng.choice(len(vectors), k * SAMPLE_PER_LIST, replace=False))]
    k = min(k, len(sample))
    centroids = sample[np.sort(rng.choice(len(sample), k, replace=False))].copy()
    for _ in range(ITERATIONS):
        assign = _assign(sample, centroids)
        sums = np.zeros_like(centroids)
        np.add.at(sums, assign, sample)
        norms = np.linalg.norm(sums, axis=1, keepdims=True)
        empty = norms[:, 0] < 1e-9  # an empty cluster keeps its old centroid
        centroids = np.where(empty[:, None], centroids, sums / np.maximum(norms, 1e-9))
    return centroids.astype(np.float32)


def _assign(vectors: np.ndarray, centroids: np.ndarray, chunk: int = 8192) -> np.ndarray:
    out = np.empty(len(vectors), dtype=np.int64)
    for start in range(0, len(vectors), chunk):
        out[start:start + chunk] = np.argmax(vectors[start:start + chunk] @ centroids.T, axis=1)
    return out


@dataclass
class Partitions:
    """The partitioned index of a generation, memory-mapped; rows remapped to the reader's."""

    centroids: np.ndarray
    offsets: np.ndarray
    rows: np.ndarray
    vectors: np.ndarray
    # Results of `search_ahead`, by (query vector, n, probe): what `search` returns for them,
    # with the batch of queries they were computed in.
    _ahead: OrderedDict[tuple[bytes, int, int], tuple[bytes, frozenset[int]]] = field(
        default_factory=OrderedDict, init=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    def __post_init__(self) -> None:
        # Python ints: a search touches dozens of clusters, and numpy scalars cost per access.
        self._spans = list(zip(self.offsets[:-1].tolist(), self.offsets[1:].tolist(),
                               strict=True))
        self._complete = bool(np.all(self.rows >= 0))  # no vector of a removed passage

    @classmethod
    def open(cls, directory: Path, rows: dict[str, int] | None = None) -> Partitions | None:
        """The index written in `directory` (a generation's), None when it has none (written
        before partitions existed). `rows` (doc id → row of the reading generation) maps the
        writer's rows to the reader's when they differ; a vector of a removed passage gets -1."""
        dense = directory / DIRECTORY
        if not all((dense / f).exists() for f in FILES):
            return None
        centroids, offsets, own, vectors = (load_array(dense / f) for f in FILES)
        if rows is not None:
            ids = json.loads((directory / "doc_ids.json").read_text(encoding="utf-8"))
            remap = np.array([rows.get(d, -1) for d in ids], dtype=np.int32)
            own = remap[own] if len(own) else own
        return cls(centroids, offsets, own, vectors)

    def search(self, qvec: np.ndarray, n: int, probe: int,
               mask: np.ndarray | None = None) -> set[int]:
        """Rows of the `n` vectors closest to `qvec` among the `probe` nearest clusters (more
        clusters when a filter leaves fewer than `n` vectors there), allowed by `mask`."""
        if not len(self.centroids) or n <= 0:
            return set()
        if mask is None:
            with self._lock:
                found = self._ahead.get((qvec.tobytes(), n, probe))
            if found is not None:
                return set(found[1])
        near = self.centroids @ qvec
        probe = min(probe, len(near))
        order = (np.argpartition(-near, probe - 1)[:probe] if probe < len(near)
                 else np.arange(len(near)))
        spans = [self._spans[c] for c in order.tolist()]
        cos, rows = self._scan(spans, qvec, mask)
        if len(cos) < n and probe < len(near):  # a filter left too few: scan on, nearest first
            for c in np.argsort(-near, kind="stable")[probe:].tolist():
                more = self._scan([self._spans[c]], qvec, mask)
                cos, rows = np.concatenate([cos, more[0]]), np.concatenate([rows, more[1]])
                if len(cos) >= n:
                    break
        if len(cos) > n:
            rows = rows[np.argpartition(-cos, n - 1)[:n]]
        return set(rows.tolist())

    def search_ahead(self, qvecs: np.ndarray, n: int, probe: int) -> None:
        """Search several queries (unfiltered) at once and keep the results for `search`: the
        centroids and every cluster probed by any of them are read once, in one product with
        all the queries, instead of once per query (an answer searches the message, its
        question sentences and its parts).

        The products are matrix–matrix instead of matrix–vector, so a cosine may differ from
        `search`'s in its last bit; which vectors are the `n` nearest does not change unless
        two of them tie to that bit at the cut.

        The very same batch searched again (the safety screen and then the answer both search
        ahead what the answer will read) finds every result kept from that batch, computed
        from the same input: it is not computed twice."""
        if not len(self.centroids) or n <= 0 or not len(qvecs):
            return
        batch = qvecs.tobytes()
        keys = [(q.tobytes(), n, probe) for q in qvecs]
        with self._lock:
            kept = [self._ahead.get(k) for k in keys]
            if all(k is not None and k[0] == batch for k in kept):
                return
        near = qvecs @ self.centroids.T
        probe = min(probe, near.shape[1])
        orders = [(np.argpartition(-row, probe - 1)[:probe] if probe < len(row)
                   else np.arange(len(row))).tolist() for row in near]
        cos = {c: self.vectors[lo:hi] @ qvecs.T
               for c in sorted(set().union(*orders)) for lo, hi in (self._spans[c],)}
        for i, order in enumerate(orders):
            found = np.concatenate([cos[c][:, i] for c in order])
            rows = np.concatenate([self.rows[lo:hi] for lo, hi in (self._spans[c]
                                                                   for c in order)])
            if not self._complete:
                found, rows = found[rows >= 0], rows[rows >= 0]
            if len(found) < n and probe < near.shape[1]:
                continue  # too few there: `search` scans on, as for a filter
            if len(found) > n:
                rows = rows[np.argpartition(-found, n - 1)[:n]]
            with self._lock:
                self._ahead[keys[i]] = (batch, frozenset(rows.tolist()))
                while len(self._ahead) > AHEAD:
                    self._ahead.popitem(last=False)

    def _scan(self, spans: list[tuple[int, int]], qvec: np.ndarray,
              mask: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
        """Cosines and rows of the allowed vectors of the clusters at `spans`."""
        vectors = self.vectors
        cos = np.concatenate([vectors[lo:hi] @ qvec for lo, hi in spans]) if spans else (
            np.zeros(0, np.float32))
        rows = np.concatenate([self.rows[lo:hi] for lo, hi in spans]) if spans else (
            np.zeros(0, np.int32))
        if mask is None and self._complete:
            return cos, rows
        keep = rows >= 0
        if mask is not None:
            keep &= mask[np.maximum(rows, 0)] > 0
        return cos[keep], rows[keep]
