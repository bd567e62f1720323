"""The index on disk: generations of (passages, keyword index, vectors, Chroma collection),
with an atomically swapped CURRENT pointer so readers always see a complete generation."""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ingest.keyword import Bm25
from ingest.schema import SCHEMA_VERSION, Passage

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

    def prune(self, keep: set[str], config: ChromaConfig) -> None:
        """Remove generations no reader should open any more (and their server collections)."""
        if not self.generations.is_dir():
            return
        for gen in self.generations.iterdir():
            if gen.name in keep:
                continue
            shutil.rmtree(gen, ignore_errors=True)
            if config.host:
                drop_collection(gen.name, config)


def drop_collection(generation: str, config: ChromaConfig) -> None:
    try:
        chroma_client(Path("."), config).delete_collection(collection_name(config, generation))
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
) -> None:
    """Write every file of a generation; the caller swaps CURRENT only after this returns."""
    gen_dir.mkdir(parents=True)
    with open(gen_dir / "passages.jsonl", "w", encoding="utf-8") as fh:
        for p in passages:
            fh.write(json.dumps(p.to_dict(), ensure_ascii=False) + "\n")
    np.savez(gen_dir / "vectors.npz", head=head, body=body)
    keyword_full.save(gen_dir / "keyword_full")
    keyword_head.save(gen_dir / "keyword_head")
    _write_chroma(gen_dir, generation, passages, head, body, config)
    manifest = {**manifest, "schema_version": SCHEMA_VERSION, "generation": generation,
                "collection": collection_name(config, generation), "chroma_host": config.host}
    (gen_dir / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1),
                                           encoding="utf-8")
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


@dataclass
class Generation:
    """A complete generation, loaded for reading."""

    name: str
    directory: Path
    passages: list[Passage]
    head: np.ndarray
    body: np.ndarray
    keyword_full: Bm25
    keyword_head: Bm25
    manifest: dict[str, Any]
    collection: Any

    @classmethod
    def open(cls, paths: IndexPaths, config: ChromaConfig, name: str | None = None) -> Generation:
        name = name or paths.current_generation()
        if name is None:
            raise FileNotFoundError(
                f"索引がありません: {paths.root}（先に madoguchi ingest を実行してください）")
        directory = paths.generation_dir(name)
        passages = read_passages(directory)
        vectors = np.load(directory / "vectors.npz")
        manifest = json.loads((directory / "manifest.json").read_text(encoding="utf-8"))
        col = chroma_client(directory, config).get_collection(
            collection_name(config, name), embedding_function=None)
        return cls(name, directory, passages, vectors["head"], vectors["body"],
                   Bm25.load(directory / "keyword_full"), Bm25.load(directory / "keyword_head"),
                   manifest, col)


def read_passages(directory: Path) -> list[Passage]:
    with open(directory / "passages.jsonl", encoding="utf-8") as fh:
        return [Passage.from_dict(json.loads(line)) for line in fh if line.strip()]
