"""Build the index: discover → load → filter → embed → write a new generation → swap.

Incremental (content hashes: unchanged sources are not re-read, vectors come from a cache) and
atomic (a failed or interrupted run never touches the generation that is serving).
"""

from __future__ import annotations

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

from ingest import delta, registry, sources
from ingest.embed import Embedder, EmbeddingCache
from ingest.keyword import Bm25
from ingest.schema import SCHEMA_VERSION, Passage, Problem
from ingest.sources.common import SourceError, sidecar_path
from ingest.store import (
    ChromaConfig,
    IndexLock,
    IndexPaths,
    body_text,
    head_text,
    keyword_text,
    read_passages,
    write_generation,
)
from ingest.text import Tokenizer
from ingest.variants import Variant, merge, read_variants, source_variants


@dataclass
class IngestReport:
    """What an ingest did, per source file and per passage, with every rejection's reason."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    moved: list[tuple[str, str]] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
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
    delta: bool = False  # the new generation shares the previous one's collection

    @property
    def ok(self) -> bool:
        return not self.rejected

    def lines(self) -> list[str]:
        """The summary printed at the end of `madoguchi ingest`, in Japanese."""
        out = [
            f"ソース: 追加 {len(self.added)} / 更新 {len(self.updated)} / 削除 {len(self.removed)}"
            f" / 変更なし {len(self.unchanged)} / 不備 {len(self.rejected)}"
            f" / 機密のため除外 {len(self.refused)}"
            + (f" / 移動 {len(self.moved)}" if self.moved else "")
            + (f" / 見つからない {len(self.missing)}" if self.missing else ""),
            f"パッセージ: 計 {self.passages}（追加 {self.passages_added}・更新 "
            f"{self.passages_updated}・削除 {self.passages_removed}）",
        ]
        out.append(f"索引: {self.generation}" + ("（切り替え済み）" if self.swapped else
                                                 "（変更がないため切り替えなし）")
                   + ("・差分のみ書き込み" if self.delta else ""))
        out += [f"不備: {p}" for p in self.rejected]
        out += [f"除外: {p}" for p in self.refused]
        out += [f"対象外の形式: {s}" for s in self.skipped]
        out += [f"移動: {old} → {new}" for old, new in self.moved]
        out += [f"見つからないソース（索引に残っています。--prune で削除）: {m}"
                for m in self.missing]
        out.append(f"所要時間: {self.seconds:.1f} 秒")
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "added": self.added, "updated": self.updated, "removed": self.removed,
            "unchanged": self.unchanged, "skipped": self.skipped,
            "moved": [list(m) for m in self.moved], "missing": self.missing,
            "rejected": [str(p) for p in self.rejected], "refused": [str(p) for p in self.refused],
            "passages": self.passages, "passages_added": self.passages_added,
            "passages_updated": self.passages_updated,
            "passages_removed": self.passages_removed, "generation": self.generation,
            "swapped": self.swapped, "delta": self.delta, "ok": self.ok,
        }


def source_hash(path: Path) -> str:
    digest = hashlib.sha256(sources.LOADER_VERSION.encode())
    digest.update(path.read_bytes())
    side = sidecar_path(path)
    if side.exists():
        digest.update(side.read_bytes())
    return digest.hexdigest()


_Lock = IndexLock


@dataclass
class _Previous:
    generation: str | None
    sources: dict[str, dict[str, Any]]
    passages: dict[str, Passage]
    embedder: str = ""
    schema_version: int = 0
    approved: list[Variant] = field(default_factory=list)

    @classmethod
    def read(cls, paths: IndexPaths) -> _Previous:
        gen = paths.current_generation()
        if gen is None:
            return cls(None, {}, {})
        directory = paths.generation_dir(gen)
        manifest = json.loads((directory / "manifest.json").read_text(encoding="utf-8"))
        passages = {p.doc_id: p for p in read_passages(directory)}
        # Variants approved in the console travel from generation to generation (the database
        # re-applies them after an index is rebuilt from scratch).
        approved = [v for v in read_variants(directory) if not v.from_source]
        return cls(gen, manifest.get("sources", {}), passages, manifest.get("embedder", ""),
                   int(manifest.get("schema_version", 0)), approved)


def ingest(
    roots: Iterable[Path],
    index_dir: Path,
    embedder: Embedder,
    chroma: ChromaConfig | None = None,
    progress: bool = True,
    before_swap: Callable[[Path], None] | None = None,
    prune: bool = False,
    lock_wait_s: float = 0.0,
) -> IngestReport:
    """Index the sources under `roots` into `index_dir`; returns the report.

    Sources registered earlier outside `roots` stay (see ingest/registry.py for moves, copies
    and confidentiality); `prune` removes those whose files no longer exist. A named root that
    no longer exists removes what was registered under it.
    `before_swap` is a test seam: it runs after the new generation is written and before
    CURRENT moves (a crash there must leave the previous generation serving).
    """
    started = time.monotonic()
    chroma = chroma or ChromaConfig()
    paths = IndexPaths(index_dir)
    roots = [Path(r).resolve() for r in roots]
    with _Lock(paths.lock, lock_wait_s):
        prev = _Previous.read(paths)
        report = IngestReport()
        files, skipped = sources.discover([r for r in roots if r.exists()])
        report.skipped = [str(s) for s in skipped]
        found = _collect(files, prev, report, progress)
        catalog = _settle(found, prev, roots, prune, report)
        passages = _resolve(found, catalog, report)
        _count_passages(prev, passages, report)
        manifest_sources = {key: e.record.to_manifest() for key, e in catalog.items()}
        same = _same_passages(prev, embedder, passages)
        if same and manifest_sources == prev.sources:  # same registry too: keep serving it
            report.generation = prev.generation or ""
            report.seconds = time.monotonic() - started
            return report
        generation = time.strftime("g%Y%m%dT%H%M%S") + f"-{int(time.time_ns() % 1e6):06d}"
        gen_dir = paths.generation_dir(generation)
        try:
            small = None if same else _small_change(paths, prev, embedder, passages)
            if same:  # only the registry changed
                assert prev.generation is not None
                delta.write_registry_generation(paths, prev.generation, generation,
                                                _manifest(manifest_sources, embedder))
                report.delta = True
            elif small is not None:
                assert prev.generation is not None
                delta.write_passage_generation(
                    paths, prev.generation, generation, passages, prev.passages,
                    _manifest(manifest_sources, embedder), embedder, prev.approved, small)
                report.delta = True
            else:
                _write(gen_dir, generation, passages, manifest_sources, embedder, paths,
                       chroma, progress, prev.approved)
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


def _small_change(paths: IndexPaths, prev: _Previous, embedder: Embedder,
                  passages: list[Passage]) -> delta.PassageDiff | None:
    """The change, when a few passages changed on a complete serving generation of the same
    embedder and layout: then a generation that shares its collection is written
    (ingest/delta.py) instead of a full one. None: write a full generation."""
    if not prev.generation or prev.embedder != embedder.name or (
            prev.schema_version != SCHEMA_VERSION):
        return None
    diff = delta.PassageDiff.of(prev.passages, passages)
    return diff if delta.can_patch(paths, prev.generation, diff, len(passages)) else None


def _same_passages(prev: _Previous, embedder: Embedder, passages: list[Passage]) -> bool:
    """The serving generation holds exactly these passages, embedded and laid out as now."""
    return bool(prev.generation) and prev.embedder == embedder.name and (
        prev.schema_version == SCHEMA_VERSION) and (
        len(passages) == len(prev.passages)) and all(
        delta.unchanged(prev.passages.get(p.doc_id), p) for p in passages)


@dataclass
class _SourceEntry:
    record: registry.SourceRecord
    passages: list[Passage]


def _collect(
    files: list[Path], prev: _Previous, report: IngestReport, progress: bool
) -> dict[str, _SourceEntry]:
    """Load the files found under the named paths (unchanged ones from the serving index)."""
    found: dict[str, _SourceEntry] = {}
    records = registry.read(prev.sources)
    bar = tqdm(files, desc="取り込み", unit="file", disable=not progress or len(files) < 20)
    for file in bar:
        key = str(file)
        try:
            digest = source_hash(file)
        except OSError as exc:
            report.rejected.append(Problem(key, f"読めません: {exc}"))
            continue
        old = records.get(key)
        if old and old.hash == digest:
            entry = _reuse(old, prev) or _load_one(file, digest, report, quiet=True)
            if entry is not None:
                found[key] = entry
                report.unchanged.append(key)
                if entry.record.refused:
                    report.refused.append(Problem(key, _refusal(entry.record)))
            continue
        entry = _load_one(file, digest, report)
        if entry is None:
            continue
        found[key] = entry
        (report.updated if old else report.added).append(key)
    return found


def _reuse(record: registry.SourceRecord, prev: _Previous) -> _SourceEntry | None:
    """An unchanged source's passages from the serving index, if they are all there."""
    if not record.complete or not all(d in prev.passages for d in record.defines):
        return None
    return _SourceEntry(record, [prev.passages[d] for d in record.defines])


def _settle(found: dict[str, _SourceEntry], prev: _Previous, roots: list[Path], prune: bool,
            report: IngestReport) -> dict[str, _SourceEntry]:
    """The named sources plus the registered ones that stay (moved and pruned ones leave)."""
    outcome = registry.settle(registry.read(prev.sources),
                              {k: e.record for k, e in found.items()}, roots, prune)
    report.removed += outcome.removed
    report.moved += outcome.moved
    report.missing += outcome.missing
    catalog = dict(found)
    for record in outcome.kept:
        entry = _reuse(record, prev)
        if entry is None and record.exists and _hash_or_none(Path(record.path)) == record.hash:
            entry = _load_one(Path(record.path), record.hash, report, quiet=True)
        catalog[record.path] = entry or _SourceEntry(
            record, [prev.passages[d] for d in record.defines if d in prev.passages])
    return catalog


def _hash_or_none(path: Path) -> str | None:
    try:
        return source_hash(path)
    except OSError:
        return None


def _load_one(file: Path, digest: str, report: IngestReport,
              quiet: bool = False) -> _SourceEntry | None:
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
    secret = [p for p in result.passages if not p.is_public]
    record = registry.SourceRecord(
        str(file), digest, [p.doc_id for p in public], [],
        sorted({registry.document_of(p.doc_id) for p in secret}), len(secret))
    if secret and not quiet:
        levels = sorted({p.confidentiality.value for p in secret})
        report.refused.append(Problem(str(file), _refusal(record, levels)))
    return _SourceEntry(record, public)


def _refusal(record: registry.SourceRecord, levels: list[str] | None = None) -> str:
    return (f"{'・'.join(levels or ['機密性2/3'])} の文書のため住民向け索引には入れません"
            f"（{record.refused} パッセージ）")


def _resolve(found: dict[str, _SourceEntry], catalog: dict[str, _SourceEntry],
             report: IngestReport) -> list[Passage]:
    """Each doc_id once (named sources first, then in path order); refused documents nowhere."""
    refused_in: dict[str, str] = {}
    for key in sorted(catalog):
        for doc in catalog[key].record.refused_docs:
            refused_in.setdefault(doc, key)
    order = sorted(found) + sorted(k for k in catalog if k not in found)
    result = registry.resolve([(k, catalog[k].passages) for k in order], refused_in)
    for key, entry in catalog.items():
        entry.record.indexed = [p.doc_id for p in entry.passages
                                if result.owner.get(p.doc_id) == key]
    for doc, dropped, refused in result.withheld:
        report.refused.append(Problem(dropped, f"文書 {doc} は {refused} で機密性2/3 とされて"
                                               "いるため、このファイルの分も索引から外しました"))
    pairs: dict[tuple[str, str], list[str]] = {}
    for doc_id, kept, dropped in result.duplicates:
        pairs.setdefault((dropped, kept), []).append(doc_id)
    for (dropped, kept), ids in pairs.items():
        sample = "、".join(ids[:3]) + (f" ほか {len(ids) - 3} 件" if len(ids) > 3 else "")
        report.rejected.append(Problem(
            dropped, f"doc_id {sample} は {kept} と重複しているため除外しました"
                     "（同じ文書が二つのファイルにあります。片方を削除してください）"))
    return result.passages


def _count_passages(prev: _Previous, passages: list[Passage], report: IngestReport) -> None:
    now = {p.doc_id: p for p in passages}
    report.passages = len(now)
    report.passages_added = sum(1 for d in now if d not in prev.passages)
    report.passages_removed = sum(1 for d in prev.passages if d not in now)
    report.passages_updated = sum(1 for d, p in now.items() if d in prev.passages
                                  and not delta.unchanged(prev.passages[d], p))



def _write(
    gen_dir: Path, generation: str, passages: list[Passage],
    manifest_sources: dict[str, dict[str, Any]], embedder: Embedder, paths: IndexPaths,
    chroma: ChromaConfig, progress: bool, approved: list[Variant],
) -> None:
    variants = merge(source_variants(passages), approved, {p.doc_id for p in passages})
    cache = EmbeddingCache(paths.cache, embedder)
    try:
        head = _embed(cache, [head_text(p) for p in passages], progress, "埋め込み（見出し）")
        body = _embed(cache, [body_text(p) for p in passages], progress, "埋め込み（本文）")
        if not passages:
            head = body = np.zeros((0, embedder.dim), dtype=np.float32)
        variant_vectors = (cache.embed([v.text for v in variants]) if variants
                           else np.zeros((0, embedder.dim), dtype=np.float32))
    finally:
        cache.close()
    tokenizer = Tokenizer()
    full_index = Bm25.build([tokenizer.tokens(keyword_text(p)) for p in passages])
    head_index = Bm25.build([tokenizer.tokens(head_text(p)) for p in passages])
    manifest = _manifest(manifest_sources, embedder)
    write_generation(gen_dir, generation, passages, head, body, full_index, head_index,
                     manifest, chroma, variants, variant_vectors)


def _manifest(manifest_sources: dict[str, dict[str, Any]], embedder: Embedder
              ) -> dict[str, Any]:
    return {
        "embedder": embedder.name, "dim": embedder.dim, "created": time.strftime("%FT%T%z"),
        "sources": manifest_sources,
    }


def _embed(cache: EmbeddingCache, texts: list[str], progress: bool, desc: str) -> np.ndarray:
    step = 256
    parts = []
    bar = tqdm(range(0, len(texts), step), desc=desc, disable=not progress or len(texts) < 500)
    for start in bar:
        parts.append(cache.embed(texts[start:start + step]))
    return np.vstack(parts) if parts else np.zeros((0, 1), dtype=np.float32)
