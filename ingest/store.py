"""The index on disk: generations of (passages, keyword index, vectors, Chroma collection),
with an atomically swapped CURRENT pointer so readers always see a complete generation."""

from __future__ import annotations

import fcntl
import json
import mmap
import os
import shutil
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, overload

import numpy as np
import orjson

from ingest import partitions
from ingest.keyword import Bm25, load_array
from ingest.readings import Readings
from ingest.schema import SCHEMA_VERSION, Passage, SourceType
from ingest.text import Tokenizer
from ingest.variants import Variant, VariantLayer, write_layer

CURRENT = "CURRENT"
GENERATIONS = "generations"


@dataclass(frozen=True)
class ChromaConfig:
    """Embedded PersistentClient by default; the Chroma server when host is set."""

    host: str = ""
    port: int = 8001
    collection_prefix: str = "madoguchi"


def _chroma_settings() -> Any:
    from chromadb.config import Settings

    return Settings(anonymized_telemetry=False, allow_reset=False)


def chroma_client(gen_dir: Path, config: ChromaConfig) -> Any:
    import chromadb

    if config.host:
        return chromadb.HttpClient(host=config.host, port=config.port, settings=_chroma_settings())
    return chromadb.PersistentClient(path=str(gen_dir / "chroma"), settings=_chroma_settings())


def collection_name(config: ChromaConfig, generation: str) -> str:
    return f"{config.collection_prefix}-{generation}"


def head_text(p: Passage) -> str:
    """The short field residents' questions are matched against: FAQ question, else locator."""
    if p.question:
        return p.question
    caption = p.text.split("\n", 1)[0] if p.text.startswith(("（", "(")) else ""
    return f"{p.locator} {caption}".strip()


def body_text(p: Passage, limit: int = 300) -> str:
    return p.text[:limit]


def keyword_text(p: Passage) -> str:
    return "\n".join(x for x in (p.title, p.question, p.extra.get("chapter", ""), p.locator,
                                  p.text) if x)


class IndexPaths:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.current = root / CURRENT
        self.generations = root / GENERATIONS
        self.lock = root / "LOCK"
        self.cache = root / "embeddings.sqlite"

    def generation_dir(self, name: str) -> Path:
        return self.generations / name

    def current_generation(self) -> str | None:
        try:
            name = self.current.read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            return None
        return name if name and self.generation_dir(name).is_dir() else None

    def swap(self, name: str) -> None:
        """Point CURRENT at a finished generation in one atomic rename."""
        tmp = self.root / f".{CURRENT}.{os.getpid()}"
        with open(tmp, "w", encoding="utf-8") as fh:
            fh.write(name)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, self.current)
        _fsync_dir(self.root)

    def chroma_generation(self, name: str) -> str:
        """The generation whose Chroma collection `name` reads: its own, or for a generation
        that changed only what is scored exactly (ingest/delta.py) the one it shares."""
        try:
            manifest = json.loads((self.generation_dir(name) / "manifest.json")
                                  .read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return name
        return str(manifest.get("chroma_generation") or name)

    def prune(self, keep: set[str], config: ChromaConfig) -> None:
        """Remove generations no reader should open any more (and their server collections);
        a generation whose collection a kept one still reads stays."""
        if not self.generations.is_dir():
            return
        keep = keep | {self.chroma_generation(k) for k in keep}
        for gen in self.generations.iterdir():
            if gen.name in keep:
                continue
            shutil.rmtree(gen, ignore_errors=True)
            if config.host:
                drop_collection(gen.name, config)


class IndexBusy(RuntimeError):
    """Another ingest holds the index directory (and did not finish within the wait)."""


class IndexLock:
    """One ingest at a time per index directory; wait up to `wait_s` for another to finish
    (a staff approval waits a little for a CLI ingest), then `IndexBusy`."""

    def __init__(self, path: Path, wait_s: float = 0.0) -> None:
        self._path = path
        self._fh: Any = None
        self.wait_s = wait_s

    def __enter__(self) -> IndexLock:
        self._path.parent.mkdir(parents=True, exist_ok=True)
        self._fh = open(self._path, "w")
        deadline = time.monotonic() + self.wait_s
        while True:
            try:
                fcntl.flock(self._fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return self
            except BlockingIOError as exc:
                if time.monotonic() >= deadline:
                    self._fh.close()
                    raise IndexBusy(f"別の取り込みが実行中です: {self._path}") from exc
                time.sleep(0.2)

    def __exit__(self, *exc: object) -> None:
        fcntl.flock(self._fh, fcntl.LOCK_UN)
        self._fh.close()


def drop_collection(generation: str, config: ChromaConfig) -> None:
    try:
        client = chroma_client(Path("."), config)
        try:
            client.delete_collection(collection_name(config, generation))
        finally:
            close_client(client)
    except Exception:  # noqa: BLE001 - best effort cleanup of a server-side leftover
        pass


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_generation(
    gen_dir: Path,
    generation: str,
    passages: list[Passage],
    head: np.ndarray,
    body: np.ndarray,
    keyword_full: Bm25,
    keyword_head: Bm25,
    manifest: dict[str, Any],
    config: ChromaConfig,
    variants: Sequence[Variant] = (),
    variant_vectors: np.ndarray | None = None,
    readings: Readings | None = None,
) -> None:
    """Write every file of a generation; the caller swaps CURRENT only after this returns."""
    gen_dir.mkdir(parents=True)
    spans, at = [], 0
    with open(gen_dir / "passages.jsonl", "wb") as fh:
        for p in passages:
            line = (json.dumps(p.to_dict(), ensure_ascii=False) + "\n").encode("utf-8")
            fh.write(line)
            spans.append((at, at + len(line) - 1))
            at += len(line)
    write_spans(gen_dir / "passages.jsonl", np.array(spans, dtype=np.int64).reshape(-1, 2))
    # Plain .npy files, so every serving process memory-maps them (one copy in the page cache).
    np.save(gen_dir / "head.npy", np.ascontiguousarray(head, dtype=np.float32))
    np.save(gen_dir / "body.npy", np.ascontiguousarray(body, dtype=np.float32))
    (gen_dir / "doc_ids.json").write_text(json.dumps([p.doc_id for p in passages],
                                                     ensure_ascii=False), encoding="utf-8")
    keyword_full.save(gen_dir / "keyword_full")
    keyword_head.save(gen_dir / "keyword_head")
    # The partitioned index every worker maps (ingest/partitions.py); shared, like the Chroma
    # collection, by the generations a small change writes on top of this one.
    partitions.build(head, body, gen_dir / partitions.DIRECTORY)
    _fsync_dir(gen_dir / partitions.DIRECTORY)
    (readings or Readings.build(keyword_text(p) for p in passages)).save(gen_dir)
    by_id = {p.doc_id: p for p in passages} if variants else {}
    write_layer(gen_dir, variants, variant_vectors if variant_vectors is not None
                else np.zeros((0, head.shape[1]), dtype=np.float32), Tokenizer(),
                lambda doc_id: keyword_text(by_id[doc_id]))
    _write_chroma(gen_dir, generation, passages, head, body, config)
    manifest = {**manifest, "schema_version": SCHEMA_VERSION, "generation": generation,
                "collection": collection_name(config, generation), "chroma_host": config.host}
    finish_generation(gen_dir, manifest)


def finish_generation(gen_dir: Path, manifest: dict[str, Any]) -> None:
    """Write the manifest and make every file durable (then the caller may swap CURRENT)."""
    # orjson: the manifest lists every source's doc ids (1 s with json's indenting encoder at
    # 100,000 passages, a small change's biggest cost after the vectors).
    (gen_dir / "manifest.json").write_bytes(orjson.dumps(manifest, option=orjson.OPT_INDENT_2))
    for file in gen_dir.iterdir():
        if file.is_file():
            with open(file, "rb") as fh:
                os.fsync(fh.fileno())
    _fsync_dir(gen_dir)


def _write_chroma(
    gen_dir: Path, generation: str, passages: list[Passage], head: np.ndarray, body: np.ndarray,
    config: ChromaConfig,
) -> None:
    client = chroma_client(gen_dir, config)
    try:
        _add_to_chroma(client, generation, passages, head, body, config)
    finally:
        close_client(client)


def _add_to_chroma(client: Any, generation: str, passages: list[Passage], head: np.ndarray,
                   body: np.ndarray, config: ChromaConfig) -> None:
    col = client.create_collection(collection_name(config, generation), embedding_function=None,
                                   configuration={"hnsw": {"space": "cosine"}})
    batch = 2000
    for start in range(0, len(passages), batch):
        part = passages[start:start + batch]
        ids, docs, metas, vecs = [], [], [], []
        for i, p in enumerate(part, start=start):
            meta = p.chroma_metadata()
            for kind, matrix, doc in (("head", head, head_text(p)), ("body", body, p.text)):
                ids.append(f"{kind}:{p.doc_id}")
                docs.append(doc)
                metas.append({**meta, "kind": kind, "row": i})
                vecs.append(matrix[i].tolist())
        col.add(ids=ids, documents=docs, metadatas=metas, embeddings=vecs)


class PassageStore(Sequence[Passage]):
    """The generation's passages, decoded by row from its memory-mapped passages.jsonl.

    Nothing but line offsets is held per process (workers share the file's pages); recently
    used rows are kept decoded, since residents ask about the same few things.
    """

    def __init__(self, path: Path, cached: int = 4096) -> None:
        self._fh = open(path, "rb")
        size = os.fstat(self._fh.fileno()).st_size
        self._mm: Any = mmap.mmap(self._fh.fileno(), 0, access=mmap.ACCESS_READ) if size else b""
        # The rows' byte spans, as written beside the file; scanned for newlines when missing
        # (older generations) or not matching (80 MB read at 100,000 passages).
        saved = _saved_spans(path, self._mm, size)
        self._starts, self._ends = saved if saved is not None else _scan(self._mm, size)
        self._decode = lru_cache(maxsize=cached)(self._read)

    @property
    def spans(self) -> np.ndarray:
        """(rows, 2): each row's first byte and its end (the newline's offset)."""
        return np.stack([self._starts, self._ends], axis=1)

    def _read(self, row: int) -> Passage:
        return Passage.from_dict(orjson.loads(self.raw(row)))

    def raw(self, row: int) -> bytes:
        """The row's JSON line as stored (without its newline)."""
        return bytes(self._mm[int(self._starts[row]):int(self._ends[row])])

    def __len__(self) -> int:
        return len(self._starts)

    @overload
    def __getitem__(self, row: int) -> Passage: ...

    @overload
    def __getitem__(self, row: slice) -> list[Passage]: ...

    def __getitem__(self, row: int | slice) -> Passage | list[Passage]:
        if isinstance(row, slice):
            return [self._decode(i) for i in range(*row.indices(len(self)))]
        row = int(row)
        if row < 0:
            row += len(self)
        if not 0 <= row < len(self):
            raise IndexError(row)
        return self._decode(row)

    def raw_rows(self, first: int, stop: int) -> bytes:
        """Rows first..stop-1 as stored, each with its newline (for copying runs of rows)."""
        if first >= stop:
            return b""
        end = int(self._ends[stop - 1])
        chunk = bytes(self._mm[int(self._starts[first]):end])
        return chunk + b"\n"

    def __iter__(self) -> Iterator[Passage]:
        for i in range(len(self)):
            yield self._read(i)  # a full scan must not flush the cache of hot rows

    def close(self) -> None:
        self._decode.cache_clear()
        if isinstance(self._mm, mmap.mmap):
            self._mm.close()
        self._fh.close()


@dataclass
class Generation:
    """A complete generation, opened for reading: arrays memory-mapped, passages read by row.

    The vector indexes are opened on first use: a worker that searches the memory-mapped
    partitions never opens Chroma (whose client loads its HNSW graph into each process)."""

    name: str
    directory: Path
    passages: PassageStore
    head: np.ndarray
    body: np.ndarray
    keyword_full: Bm25
    keyword_head: Bm25
    manifest: dict[str, Any]
    rows: dict[str, int]
    chroma: ChromaConfig = field(default_factory=ChromaConfig)
    variants: VariantLayer | None = None
    readings: Readings = field(default_factory=Readings)
    # Rows the shared collection lacks or holds stale vectors for (a passage delta): the dense
    # side scores them exactly (ingest/delta.py).
    exact: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    # Each row's doc id, for what needs only the id (traces): no passage decoded for it.
    doc_ids: list[str] = field(default_factory=list)
    _masks: dict[str, np.ndarray] = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _client: Any = field(default=None, repr=False)
    _collection: Any = field(default=None, repr=False)
    _partitions: partitions.Partitions | None = field(default=None, repr=False)
    _partitions_read: bool = field(default=False, repr=False)

    @classmethod
    def open(cls, paths: IndexPaths, config: ChromaConfig, name: str | None = None) -> Generation:
        name = name or paths.current_generation()
        if name is None:
            raise FileNotFoundError(
                f"索引がありません: {paths.root}（先に madoguchi ingest を実行してください）")
        directory = paths.generation_dir(name)
        passages = PassageStore(directory / "passages.jsonl")
        head, body = _vectors(directory)
        manifest = json.loads((directory / "manifest.json").read_text(encoding="utf-8"))
        ids = _doc_ids(directory, passages)
        rows = {doc_id: row for row, doc_id in enumerate(ids)}
        layer = VariantLayer.open(directory, rows, int(head.shape[1]) if head.ndim == 2
                                  else int(manifest.get("dim", 0)))
        layer.asks_questions(lambda row: passages[row].source_type is SourceType.FAQ)
        return cls(name, directory, passages, head, body,
                   Bm25.load(directory / "keyword_full"), Bm25.load(directory / "keyword_head"),
                   manifest, rows, config, layer, Readings.load(directory),
                   _exact_rows(directory), ids)

    @property
    def shared(self) -> str:
        """The generation whose vector indexes (collection, partitions) this one reads."""
        return str(self.manifest.get("chroma_generation") or self.name)

    @property
    def collection_name(self) -> str:
        return collection_name(self.chroma, self.shared)

    @property
    def collection(self) -> Any:
        """The Chroma collection (opened on first use)."""
        with self._lock:
            if self._collection is None:
                client = chroma_client(self.directory.parent / self.shared, self.chroma)
                try:
                    self._collection = client.get_collection(self.collection_name,
                                                             embedding_function=None)
                except BaseException:
                    close_client(client)
                    raise
                self._client = client
            return self._collection

    @property
    def client(self) -> Any:
        """The Chroma client of `collection` (opened with it)."""
        _ = self.collection
        return self._client

    @property
    def partitions(self) -> partitions.Partitions | None:
        """The memory-mapped partitioned index (opened on first use); None for a generation
        written before there were partitions."""
        with self._lock:
            if not self._partitions_read:
                own = self.shared == self.name
                self._partitions = partitions.Partitions.open(
                    self.directory.parent / self.shared, None if own else self.rows)
                self._partitions_read = True
            return self._partitions

    def row_of(self, chroma_id: str) -> int | None:
        """The passage row of a Chroma id (`head:<doc_id>` or `body:<doc_id>`)."""
        return self.rows.get(chroma_id.split(":", 1)[-1])

    def mask(self, filters: dict[str, str] | None) -> np.ndarray | None:
        """1.0 for passages whose metadata match every filter (None: no filter); cached."""
        if not filters:
            return None
        key = json.dumps(filters, sort_keys=True, ensure_ascii=False)
        with self._lock:
            if key not in self._masks:
                self._masks[key] = np.array(
                    [all(str(p.chroma_metadata().get(k, "")) == v for k, v in filters.items())
                     for p in self.passages], dtype=np.float32)
            return self._masks[key]

    def close(self) -> None:
        """Release the generation's files and its embedded Chroma client."""
        self.passages.close()
        with self._lock:
            if self._client is not None:
                close_client(self._client)
            self._client = self._collection = None


def _exact_rows(directory: Path) -> np.ndarray:
    path = directory / "exact_rows.npy"
    return np.load(path) if path.exists() else np.zeros(0, dtype=np.int64)


def _vectors(directory: Path) -> tuple[np.ndarray, np.ndarray]:
    if (directory / "head.npy").exists():
        return load_array(directory / "head.npy"), load_array(directory / "body.npy")
    with np.load(directory / "vectors.npz") as old:  # generations written before .npy files
        return old["head"], old["body"]


def _doc_ids(directory: Path, passages: PassageStore) -> list[str]:
    path = directory / "doc_ids.json"
    return (json.loads(path.read_text(encoding="utf-8")) if path.exists()
            else [p.doc_id for p in passages])


def close_client(client: Any) -> None:
    """Release a Chroma client. chromadb keeps each PersistentClient's system (its HNSW index
    in memory) in a process-wide cache until the last client on that path is closed, so a
    long-running process that opens or writes generation after generation must close them."""
    close = getattr(client, "close", None)
    if close is not None:
        close()


SPANS_SUFFIX = ".spans.npy"


def write_spans(path: Path, spans: np.ndarray) -> None:
    """Save the byte spans of `path`'s rows beside it (read by `PassageStore`)."""
    np.save(path.with_name(path.name + SPANS_SUFFIX), np.asarray(spans, dtype=np.int64))


def _saved_spans(path: Path, mm: Any, size: int) -> tuple[np.ndarray, np.ndarray] | None:
    file = path.with_name(path.name + SPANS_SUFFIX)
    try:
        spans = np.load(file)
    except (OSError, ValueError):
        return None
    if spans.ndim != 2 or spans.shape[1] != 2:
        return None
    starts, ends = spans[:, 0].astype(np.int64), spans[:, 1].astype(np.int64)
    if len(ends) and not (0 <= starts[0] and ends[-1] <= size and all(
            e == size or mm[int(e)] == 0x0A for e in (ends[0], ends[-1]))):
        return None
    return starts, ends


def _scan(mm: Any, size: int) -> tuple[np.ndarray, np.ndarray]:
    raw = np.frombuffer(mm, dtype=np.uint8) if size else np.zeros(0, np.uint8)
    ends = np.flatnonzero(raw == 0x0A)
    del raw  # a live view would keep the map from closing
    if size and (not len(ends) or ends[-1] != size - 1):
        ends = np.append(ends, size)
    starts = np.concatenate([[0], ends[:-1] + 1]).astype(np.int64)
    keep = ends > starts  # blank lines are not passages
    return starts[keep], ends[keep].astype(np.int64)


def read_passages(directory: Path) -> list[Passage]:
    with open(directory / "passages.jsonl", "rb") as fh:
        return [Passage.from_dict(orjson.loads(line)) for line in fh if line.strip()]
