"""Build the index: discover → load → filter → embed → write a new generation → swap.

Incremental (content hashes: unchanged sources are not re-read, vectors come from a cache) and
atomic (a failed or interrupted run never touches the generation that is serving).
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import shutil
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from tqdm import tqdm

from ingest import sources
from ingest.embed import Embedder, EmbeddingCache
from ingest.keyword import Bm25
from ingest.schema import SCHEMA_VERSION, Passage, Problem
from ingest.sources.common import SourceError, sidecar_path
from ingest.store import (
    ChromaConfig,
    IndexPaths,
    body_text,
    head_text,
    keyword_text,
    read_passages,
    write_generation,
)
from ingest.text import Tokenizer


@dataclass
class IngestReport:
    """What an ingest did, per source file and per passage, with every rejection's reason."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    rejected: list[Problem] = field(default_factory=list)
    refused: list[Problem] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    passages: int = 0
    passages_added: int = 0
    passages_updated: int = 0
    passages_removed: int = 0
    generation: str = ""
    swapped: bool = False
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.rejected

    def lines(self) -> list[str]:
        """The summary printed at the end of `madoguchi ingest`, in Japanese."""
        out = [
            f"ソース: 追加 {len(self.added)} / 更新 {len(self.updated)} / 削除 {len(self.removed)}"
            f" / 変更なし {len(self.unchanged)} / 不備 {len(self.rejected)}"
            f" / 機密のため除外 {len(self.refused)}",
            f"パッセージ: 計 {self.passages}（追加 {self.passages_added}・更新 "
            f"{self.passages_updated}・削除 {self.passages_removed}）",
        ]
        out.append(f"索引: {self.generation}" + ("（切り替え済み）" if self.swapped else
                                                 "（変更がないため切り替えなし）"))
        out += [f"不備: {p}" for p in self.rejected]
        out += [f"除外: {p}" for p in self.refused]
        out += [f"対象外の形式: {s}" for s in self.skipped]
        out.append(f"所要時間: {self.seconds:.1f} 秒")
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "added": self.added, "updated": self.updated, "removed": self.removed,
            "unchanged": self.unchanged, "skipped": self.skipped,
            "rejected": [str(p) for p in self.rejected], "refused": [str(p) for p in self.refused],
            "passages": self.passages, "passages_added": self.passages_added,
            "passages_updated": self.passages_updated,
            "passages_removed": self.passages_removed, "generation": self.generation,
            "swapped": self.swapped, "ok": self.ok,
        }


def source_hash(path: Path) -> str:
    digest = hashlib.sha256(sources.LOADER_VERSION.encode())
    digest.update(path.read_bytes())
    side = sidecar_path(path)
    if side.exists():
        digest.update(side.read_bytes())
    return digest.hexdigest()


class _Lock:
    """One ingest at a time per index directory."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._fh: Any = None

    def __enter__(self) -> _Lock:
        self._path.parent.mkdir(parents=True, exist_ok=True)
        self._fh = open(self._path, "w")
        try:
            fcntl.flock(self._fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise RuntimeError(f"別の取り込みが実行中です: {self._path}") from exc
        return self

    def __exit__(self, *exc: object) -> None:
        fcntl.flock(self._fh, fcntl.LOCK_UN)
        self._fh.close()


@dataclass
class _Previous:
    generation: str | None
    sources: dict[str, dict[str, Any]]
    passages: dict[str, Passage]
    embedder: str = ""
    schema_version: int = 0

    @classmethod
    def read(cls, paths: IndexPaths) -> _Previous:
        gen = paths.current_generation()
        if gen is None:
            return cls(None, {}, {})
        directory = paths.generation_dir(gen)
        manifest = json.loads((directory / "manifest.json").read_text(encoding="utf-8"))
        passages = {p.doc_id: p for p in read_passages(directory)}
        return cls(gen, manifest.get("sources", {}), passages, manifest.get("embedder", ""),
                   int(manifest.get("schema_version", 0)))


def ingest(
    roots: Iterable[Path],
    index_dir: Path,
    embedder: Embedder,
    chroma: ChromaConfig | None = None,
    progress: bool = True,
    before_swap: Callable[[Path], None] | None = None,
) -> IngestReport:
    """Index the sources under `roots` into `index_dir`; returns the report.

    `before_swap` is a test seam: it runs after the new generation is written and before
    CURRENT moves (a crash there must leave the previous generation serving).
    """
    started = time.monotonic()
    chroma = chroma or ChromaConfig()
    paths = IndexPaths(index_dir)
    roots = [Path(r).resolve() for r in roots]
    with _Lock(paths.lock):
        prev = _Previous.read(paths)
        report = IngestReport()
        files, skipped = sources.discover(roots)
        report.skipped = [str(s) for s in skipped]
        catalog = _collect(files, roots, prev, report, progress)
        passages = _dedupe(catalog, report)
        _count_passages(prev, passages, report)
        if _nothing_to_do(prev, embedder, passages, report):
            report.generation = prev.generation or ""
            report.seconds = time.monotonic() - started
            return report
        generation = time.strftime("g%Y%m%dT%H%M%S") + f"-{int(time.time_ns() % 1e6):06d}"
        gen_dir = paths.generation_dir(generation)
        try:
            _write(gen_dir, generation, passages, catalog, embedder, paths, chroma, progress)
            if before_swap is not None:
                before_swap(gen_dir)
        except BaseException:
            shutil.rmtree(gen_dir, ignore_errors=True)
            raise
        paths.swap(generation)
        paths.prune({generation, *([prev.generation] if prev.generation else [])}, chroma)
        report.generation, report.swapped = generation, True
        report.seconds = time.monotonic() - started
        return report


def _nothing_to_do(prev: _Previous, embedder: Embedder, passages: list[Passage],
                   report: IngestReport) -> bool:
    """Same sources, same embedder, same on-disk layout: keep the serving generation."""
    return bool(prev.generation) and prev.embedder == embedder.name and (
        prev.schema_version == SCHEMA_VERSION) and len(passages) == len(prev.passages) and not (
        report.added or report.updated or report.removed)


@dataclass
class _SourceEntry:
    hash: str
    passages: list[Passage]
    refused: int = 0


def _under(path: str, roots: list[Path]) -> bool:
    return any(Path(path) == r or Path(path).is_relative_to(r) for r in roots)


def _collect(
    files: list[Path], roots: list[Path], prev: _Previous, report: IngestReport, progress: bool
) -> dict[str, _SourceEntry]:
    """Load changed sources, reuse unchanged ones, keep sources outside the given roots."""
    catalog: dict[str, _SourceEntry] = {}
    seen = {str(f) for f in files}
    for key, info in prev.sources.items():
        if key in seen:
            continue
        if _under(key, roots):
            report.removed.append(key)
        else:
            kept = [prev.passages[d] for d in info["doc_ids"] if d in prev.passages]
            catalog[key] = _SourceEntry(info["hash"], kept, info.get("refused", 0))
    bar = tqdm(files, desc="取り込み", unit="file", disable=not progress or len(files) < 20)
    for file in bar:
        key = str(file)
        try:
            digest = source_hash(file)
        except OSError as exc:
            report.rejected.append(Problem(key, f"読めません: {exc}"))
            continue
        old = prev.sources.get(key)
        if old and old["hash"] == digest and all(d in prev.passages for d in old["doc_ids"]):
            catalog[key] = _SourceEntry(digest, [prev.passages[d] for d in old["doc_ids"]],
                                        old.get("refused", 0))
            report.unchanged.append(key)
            if old.get("refused"):
                report.refused.append(Problem(key, old.get("refused_reason", "機密性のため除外")))
            continue
        entry = _load_one(file, digest, report)
        if entry is None:
            continue
        catalog[key] = entry
        (report.updated if old else report.added).append(key)
    return catalog


def _load_one(file: Path, digest: str, report: IngestReport) -> _SourceEntry | None:
    try:
        result = sources.load(file)
    except SourceError as exc:
        report.rejected.append(Problem(str(file), exc.message, exc.line))
        return None
    except Exception as exc:  # noqa: BLE001 - one unreadable file must not stop the others
        report.rejected.append(Problem(str(file), f"読み込みに失敗しました: {exc!r}"))
        return None
    report.rejected.extend(result.problems)
    public = [p for p in result.passages if p.is_public]
    refused = len(result.passages) - len(public)
    if refused:
        levels = sorted({p.confidentiality.value for p in result.passages if not p.is_public})
        report.refused.append(Problem(str(file), _refusal(levels, refused)))
    return _SourceEntry(digest, public, refused)


def _refusal(levels: list[str], count: int) -> str:
    return (f"{'・'.join(levels)} の文書のため住民向け索引には入れません"
            f"（{count} パッセージ）")


def _dedupe(catalog: dict[str, _SourceEntry], report: IngestReport) -> list[Passage]:
    """The same doc_id from two files: the first file (in path order) keeps it."""
    owner: dict[str, str] = {}
    out: list[Passage] = []
    for key in sorted(catalog):
        kept = []
        for p in catalog[key].passages:
            if p.doc_id in owner:
                report.rejected.append(Problem(
                    key, f"doc_id {p.doc_id} は {owner[p.doc_id]} と重複しているため除外しました",
                    int(p.extra["line"]) if p.extra.get("line", "").isdigit() else None))
                continue
            owner[p.doc_id] = key
            kept.append(p)
        catalog[key].passages = kept
        out.extend(kept)
    return out


def _count_passages(prev: _Previous, passages: list[Passage], report: IngestReport) -> None:
    now = {p.doc_id: p for p in passages}
    report.passages = len(now)
    report.passages_added = sum(1 for d in now if d not in prev.passages)
    report.passages_removed = sum(1 for d in prev.passages if d not in now)
    report.passages_updated = sum(1 for d, p in now.items()
                                  if d in prev.passages and prev.passages[d] != p)


def _write(
    gen_dir: Path, generation: str, passages: list[Passage], catalog: dict[str, _SourceEntry],
    embedder: Embedder, paths: IndexPaths, chroma: ChromaConfig, progress: bool,
) -> None:
    cache = EmbeddingCache(paths.cache, embedder)
    try:
        head = _embed(cache, [head_text(p) for p in passages], progress, "埋め込み（見出し）")
        body = _embed(cache, [body_text(p) for p in passages], progress, "埋め込み（本文）")
        if not passages:
            head = body = np.zeros((0, embedder.dim), dtype=np.float32)
    finally:
        cache.close()
    tokenizer = Tokenizer()
    full_index = Bm25.build([tokenizer.tokens(keyword_text(p)) for p in passages])
    head_index = Bm25.build([tokenizer.tokens(head_text(p)) for p in passages])
    manifest = {
        "embedder": embedder.name, "dim": embedder.dim, "created": time.strftime("%FT%T%z"),
        "sources": {key: {"hash": e.hash, "doc_ids": [p.doc_id for p in e.passages],
                          "refused": e.refused,
                          **({"refused_reason": _refusal(["機密性2/3"], e.refused)}
                             if e.refused else {})}
                    for key, e in catalog.items()},
    }
    write_generation(gen_dir, generation, passages, head, body, full_index, head_index,
                     manifest, chroma)


def _embed(cache: EmbeddingCache, texts: list[str], progress: bool, desc: str) -> np.ndarray:
    step = 256
    parts = []
    bar = tqdm(range(0, len(texts), step), desc=desc, disable=not progress or len(texts) < 500)
    for start in bar:
        parts.append(cache.embed(texts[start:start + step]))
    return np.vstack(parts) if parts else np.zeros((0, 1), dtype=np.float32)
