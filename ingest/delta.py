"""Index changes in time proportional to the change: a new generation that shares what did
not change with the serving one.

A change of question variants rewrites only the variant layer (ingest/variants.py): the
passages, their vectors and keyword arrays are hard links to the serving generation's files
(written once, never modified), and the Chroma collection is not touched at all — the new
generation names the one it shares in its manifest (`chroma_generation`), because variants are
scored exactly, beside the collection. The swap is the usual atomic CURRENT move, so the
previous generation serves until the new one is complete, and a failed change leaves nothing
behind.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np

from ingest.embed import Embedder, EmbeddingCache
from ingest.keyword import Bm25
from ingest.readings import Readings
from ingest.schema import SCHEMA_VERSION, Passage
from ingest.store import (
    ChromaConfig,
    IndexLock,
    IndexPaths,
    PassageStore,
    body_text,
    finish_generation,
    head_text,
    keyword_text,
    read_passages,
    write_spans,
)
from ingest.text import Tokenizer
from ingest.variants import (
    FULL_FILE,
    KEYWORD_FILE,
    LAYER_FILE,
    VECTORS_FILE,
    Variant,
    merge,
    read_variants,
    source_variants,
    write_layer,
)

_OWN = {"manifest.json", LAYER_FILE, VECTORS_FILE, "chroma"}  # never shared by a delta


@dataclass
class VariantChange:
    """What applying the approved variants did."""

    generation: str
    variants: int
    added: int
    removed: int
    embedded: int
    seconds: float
    swapped: bool

    def line(self) -> str:
        state = "切り替え済み" if self.swapped else "変更なし"
        return (f"言い換え: 計 {self.variants}（追加 {self.added}・削除 {self.removed}）"
                f" 索引: {self.generation}（{state}）所要 {self.seconds:.2f} 秒")


def new_name() -> str:
    return time.strftime("g%Y%m%dT%H%M%S") + f"-{int(time.time_ns() % 1e6):06d}"


def _approved_key(variants: Iterable[Variant]) -> set[tuple[str, str, str]]:
    return {(v.doc_id, v.text, v.origin) for v in variants if not v.from_source}


def write_variant_generation(
    paths: IndexPaths, base: str, approved: list[Variant], embedder: Embedder,
    name: str | None = None, cache_path: Path | None = None,
) -> tuple[Path, VariantChange]:
    """Write (without swapping) a generation equal to `base` but with these approved variants
    (the source variants of `base`'s passages are kept); returns its directory."""
    started = time.monotonic()
    base_dir = paths.generation_dir(base)
    manifest = json.loads((base_dir / "manifest.json").read_text(encoding="utf-8"))
    known = set(json.loads((base_dir / "doc_ids.json").read_text(encoding="utf-8")))
    old = read_variants(base_dir)
    source = [v for v in old if v.from_source]
    if not source and not (base_dir / LAYER_FILE).exists():  # written before variants
        source = source_variants(read_passages(base_dir))
    variants = merge(source, approved, known)
    name = name or new_name()
    gen_dir = paths.generation_dir(name)
    gen_dir.mkdir(parents=True)
    try:
        _share(base_dir, gen_dir)
        cache = EmbeddingCache(cache_path or paths.cache, embedder)
        try:
            vectors = (cache.embed([v.text for v in variants]) if variants
                       else np.zeros((0, int(manifest.get("dim") or embedder.dim)), np.float32))
            embedded = cache.misses
        finally:
            cache.close()
        store = PassageStore(base_dir / "passages.jsonl")
        try:
            rows = {d: i for i, d in enumerate(json.loads(
                (base_dir / "doc_ids.json").read_text(encoding="utf-8")))}
            write_layer(gen_dir, variants, vectors, Tokenizer(),
                        lambda doc_id: keyword_text(store[rows[doc_id]]))
        finally:
            store.close()
        finish_generation(gen_dir, {
            **manifest, "generation": name, "created": time.strftime("%FT%T%z"),
            "chroma_generation": manifest.get("chroma_generation") or base,
            "delta_of": base})
    except BaseException:
        shutil.rmtree(gen_dir, ignore_errors=True)
        raise
    before, after = _approved_key(old), _approved_key(variants)
    return gen_dir, VariantChange(name, len(variants), len(after - before), len(before - after),
                                  embedded, time.monotonic() - started, False)


def apply_variants(index_dir: Path, approved: list[Variant], embedder: Embedder,
                   chroma: ChromaConfig | None = None,
                   lock_wait_s: float = 0.0) -> VariantChange:
    """Serve exactly these approved variants (plus the sources' own) from a new generation
    that shares everything else with the serving one; no-op when nothing changed."""
    started = time.monotonic()
    paths = IndexPaths(index_dir)
    with IndexLock(paths.lock, lock_wait_s):
        base = paths.current_generation()
        if base is None:
            raise FileNotFoundError(
                f"索引がありません: {index_dir}（先に madoguchi ingest を実行してください）")
        base_dir = paths.generation_dir(base)
        current = read_variants(base_dir)
        known = set(json.loads((base_dir / "doc_ids.json").read_text(encoding="utf-8")))
        wanted = _approved_key(merge([], approved, known))
        if _approved_key(current) == wanted and (base_dir / LAYER_FILE).exists():
            return VariantChange(base, len(current), 0, 0, 0, time.monotonic() - started, False)
        _, change = write_variant_generation(paths, base, approved, embedder)
        paths.swap(change.generation)
        paths.prune({change.generation, base}, chroma or ChromaConfig())
    change.swapped, change.seconds = True, time.monotonic() - started
    return change


def _share(base_dir: Path, gen_dir: Path, variants: bool = False) -> None:
    """Hard-link the base generation's data files (written once, never modified); copy where
    the file system cannot link. The variant layer too when `variants`."""
    for file in base_dir.iterdir():
        own = file.name == "manifest.json" if variants else (
            file.name in _OWN or file.name.startswith((KEYWORD_FILE, FULL_FILE)))
        if own or not file.is_file():
            continue
        try:
            os.link(file, gen_dir / file.name)
        except OSError:
            shutil.copy2(file, gen_dir / file.name)


def write_registry_generation(paths: IndexPaths, base: str, name: str,
                              manifest: dict[str, Any]) -> None:
    """Write (without swapping) a generation holding exactly `base`'s passages under a changed
    source registry (a file renamed or re-saved without changing what it says, a stale entry
    pruned): every data file shared with `base`, only the manifest new. At 100,000 passages a
    full generation for this took 516 s."""
    base_dir, gen_dir = paths.generation_dir(base), paths.generation_dir(name)
    gen_dir.mkdir(parents=True)
    try:
        _share(base_dir, gen_dir, variants=True)
        base_manifest = json.loads((base_dir / "manifest.json").read_text(encoding="utf-8"))
        finish_generation(gen_dir, {
            **base_manifest, **manifest, "generation": name, "schema_version": SCHEMA_VERSION,
            "chroma_generation": base_manifest.get("chroma_generation") or base,
            "delta_of": base})
    except BaseException:
        shutil.rmtree(gen_dir, ignore_errors=True)
        raise


# ---- passage changes ---------------------------------------------------------------------------

EXACT_ROWS = "exact_rows.npy"  # read by ingest/store.py
# Above this share of changed passages (or rows the shared collection lacks) a full generation
# is written instead: then re-adding every vector to a new collection is worth it.
MAX_SHARE = 0.05
MIN_ROWS = 200


@dataclass
class PassageDiff:
    """How the new passages differ from the serving generation's, by doc_id."""

    removed: list[str]
    updated: list[str]
    added: list[Passage]
    moved: list[str] = field(default_factory=list)  # only the source line number changed

    @property
    def size(self) -> int:
        return len(self.removed) + len(self.updated) + len(self.added)

    @classmethod
    def of(cls, old: dict[str, Passage], new: list[Passage]) -> PassageDiff:
        ids = {p.doc_id for p in new}
        same = [p for p in new if p.doc_id in old and not unchanged(old[p.doc_id], p)]
        return cls([d for d in old if d not in ids],
                   [p.doc_id for p in same if _content(old[p.doc_id]) != _content(p)],
                   [p for p in new if p.doc_id not in old],
                   [p.doc_id for p in same if _content(old[p.doc_id]) == _content(p)])


def unchanged(old: Passage | None, new: Passage) -> bool:
    """Unchanged sources hand on the very objects read from the index: `is` settles most."""
    return old is new or old == new


def _content(p: Passage) -> Passage:
    """What is indexed: a row that only moved in its file (a row above it was deleted) is the
    same passage."""
    return replace(p, extra={k: v for k, v in p.extra.items() if k != "line"})


def exact_rows(directory: Path) -> np.ndarray:
    """Rows whose vectors the shared collection lacks or holds stale (scored exactly)."""
    path = directory / EXACT_ROWS
    return np.load(path) if path.exists() else np.zeros(0, dtype=np.int64)


def can_patch(paths: IndexPaths, base: str, diff: PassageDiff, total: int) -> bool:
    """Whether a passage change is small enough to share the serving generation's collection,
    and the serving generation has what patching needs (its keyword indexes' average lengths)."""
    if not diff.size:
        return False
    base_dir = paths.generation_dir(base)
    limit = max(MIN_ROWS, int(MAX_SHARE * total))
    if diff.size > limit or len(exact_rows(base_dir)) + diff.size > limit:
        return False
    try:
        meta = [json.loads((base_dir / f"{name}.vocab.json").read_text(encoding="utf-8"))
                for name in ("keyword_full", "keyword_head")]
    except OSError:
        return False
    return all(float(m.get("avgdl", 0.0)) > 0 for m in meta)


def write_passage_generation(
    paths: IndexPaths, base: str, name: str, new: list[Passage], old: dict[str, Passage],
    manifest: dict[str, Any], embedder: Embedder, approved: list[Variant],
    diff: PassageDiff | None = None,
) -> PassageDiff:
    """Write (without swapping) a generation for a small passage change: unchanged rows copied
    from `base` (bytes and vector rows, no re-tokenising, no re-embedding), keyword indexes
    patched, the collection shared; changed and added rows are scored exactly until the next
    full generation. Rows: `base`'s kept rows in order, then the added passages."""
    base_dir = paths.generation_dir(base)
    if diff is None:  # the caller may have compared already
        diff = PassageDiff.of(old, new)
    by_id = {p.doc_id: p for p in new}
    old_ids = json.loads((base_dir / "doc_ids.json").read_text(encoding="utf-8"))
    keep = np.array([d in by_id for d in old_ids], dtype=bool)
    changed = set(diff.updated)
    order = [d for d in old_ids if d in by_id] + [p.doc_id for p in diff.added]
    gen_dir = paths.generation_dir(name)
    gen_dir.mkdir(parents=True)
    try:
        _copy_passages(base_dir, gen_dir, old_ids, keep, changed | set(diff.moved), by_id,
                       diff.added)
        fresh = [by_id[d] for d in order if d in changed or d not in old]
        _write_vectors(base_dir, gen_dir, keep, order, fresh, paths, embedder)
        (gen_dir / "doc_ids.json").write_text(json.dumps(order, ensure_ascii=False),
                                              encoding="utf-8")
        _patch_keywords(base_dir, gen_dir, old_ids, keep, changed, by_id, diff.added)
        Readings.load(base_dir).add(keyword_text(p) for p in fresh).save(gen_dir)
        row_of = {d: i for i, d in enumerate(order)}
        prev_exact = [row_of[old_ids[r]] for r in exact_rows(base_dir).tolist()
                      if keep[r]]
        rows = sorted({*prev_exact, *(row_of[p.doc_id] for p in fresh)})
        np.save(gen_dir / EXACT_ROWS, np.array(rows, dtype=np.int64))
        _write_variants(gen_dir, [by_id[d] for d in order], approved, paths, embedder,
                        int(manifest.get("dim") or embedder.dim))
        base_manifest = json.loads((base_dir / "manifest.json").read_text(encoding="utf-8"))
        finish_generation(gen_dir, {
            **base_manifest, **manifest, "generation": name, "schema_version": SCHEMA_VERSION,
            "chroma_generation": base_manifest.get("chroma_generation") or base,
            "delta_of": base, "exact_rows": len(rows)})
    except BaseException:
        shutil.rmtree(gen_dir, ignore_errors=True)
        raise
    return diff


def _copy_passages(base_dir: Path, gen_dir: Path, old_ids: list[str], keep: np.ndarray,
                   changed: set[str], by_id: dict[str, Passage], added: list[Passage]) -> None:
    """passages.jsonl: unchanged rows as the very bytes of the base file (each run of them in
    one write), `changed` ones written anew."""
    store = PassageStore(base_dir / "passages.jsonl")
    copied = keep & np.array([d not in changed for d in old_ids], dtype=bool)
    base_spans, spans, at = store.spans, [], 0

    def write(out: BinaryIO, line: bytes) -> None:
        nonlocal at
        out.write(line)
        spans.append(np.array([[at, at + len(line) - 1]], dtype=np.int64))
        at += len(line)

    try:
        with open(gen_dir / "passages.jsonl", "wb") as out:
            done = 0
            for first, stop in [*_runs(copied), (len(old_ids), len(old_ids))]:
                for row in range(done, first):  # between runs: changed rows, or dropped
                    if keep[row]:
                        write(out, _line(by_id[old_ids[row]]))
                chunk = store.raw_rows(first, stop)
                out.write(chunk)
                if chunk:  # the run's rows keep their spans, shifted to where it now starts
                    spans.append(base_spans[first:stop] - base_spans[first, 0] + at)
                    at += len(chunk)
                done = stop
            for p in added:
                write(out, _line(p))
    finally:
        store.close()
    write_spans(gen_dir / "passages.jsonl",
                np.concatenate(spans) if spans else np.zeros((0, 2), dtype=np.int64))


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """The [start, stop) ranges where `mask` is True."""
    edges = np.flatnonzero(np.diff(np.concatenate([[0], mask.astype(np.int8), [0]])))
    return [(int(a), int(b)) for a, b in zip(edges[::2], edges[1::2], strict=True)]


def _line(p: Passage) -> bytes:
    return (json.dumps(p.to_dict(), ensure_ascii=False) + "\n").encode("utf-8")


def _write_vectors(base_dir: Path, gen_dir: Path, keep: np.ndarray, order: list[str],
                   fresh: list[Passage], paths: IndexPaths, embedder: Embedder) -> None:
    cache = EmbeddingCache(paths.cache, embedder)
    try:
        head_new = cache.embed([head_text(p) for p in fresh]) if fresh else None
        body_new = cache.embed([body_text(p) for p in fresh]) if fresh else None
    finally:
        cache.close()
    row_of = {d: i for i, d in enumerate(order)}
    at = np.array([row_of[p.doc_id] for p in fresh], dtype=np.int64)
    for name, new in (("head.npy", head_new), ("body.npy", body_new)):
        _copy_rows(base_dir / name, gen_dir / name, keep, len(order))
        if new is not None:
            out = np.load(gen_dir / name, mmap_mode="r+")
            out[at] = new
            out.flush()
            del out


def _copy_rows(source: Path, target: Path, keep: np.ndarray, rows: int) -> None:
    """A float32 row matrix of `rows` rows whose first ones are `source`'s kept rows, copied by
    the kernel in runs (400 MB at 100,000 passages: no pass through Python's memory)."""
    if not rows or not keep.any():
        dim = int(np.load(source).shape[1])
        np.save(target, np.zeros((rows, dim), dtype=np.float32))
        return
    base = np.load(source, mmap_mode="r")
    offset, width = int(base.offset), int(base.shape[1]) * 4
    out = np.lib.format.open_memmap(target, mode="w+", dtype=np.float32,
                                    shape=(rows, int(base.shape[1])))
    to = int(out.offset)
    out.flush()
    del out, base
    with open(source, "rb") as src, open(target, "r+b") as dst:
        for start, stop in _runs(keep):
            _copy_range(src.fileno(), dst.fileno(), offset + start * width, to,
                        (stop - start) * width)
            to += (stop - start) * width


def _copy_range(src: int, dst: int, at: int, to: int, size: int) -> None:
    """`size` bytes from offset `at` of `src` to offset `to` of `dst`: in the kernel where the
    file system allows it, else through a buffer."""
    while size > 0:
        try:
            done = os.copy_file_range(src, dst, size, at, to)
        except OSError:  # not supported here (another file system, an old kernel)
            done = 0
        if done <= 0:
            chunk = os.pread(src, min(size, 1 << 24), at)
            if not chunk:
                raise OSError(f"unexpected end of the vector file ({size} bytes left)")
            done = os.pwrite(dst, chunk, to)
        at, to, size = at + done, to + done, size - done


def _patch_keywords(base_dir: Path, gen_dir: Path, old_ids: list[str], keep: np.ndarray,
                    changed: set[str], by_id: dict[str, Passage], added: list[Passage]) -> None:
    tokenizer = Tokenizer()
    replaced_rows = [r for r, d in enumerate(old_ids) if d in changed]
    for name, text in (("keyword_full", keyword_text), ("keyword_head", head_text)):
        index = Bm25.load(base_dir / name)
        index.patch(keep, {r: tokenizer.tokens(text(by_id[old_ids[r]])) for r in replaced_rows},
                    [tokenizer.tokens(text(p)) for p in added]).save(gen_dir / name)


def _write_variants(gen_dir: Path, passages: list[Passage], approved: list[Variant],
                    paths: IndexPaths, embedder: Embedder, dim: int) -> None:
    variants = merge(source_variants(passages), approved, {p.doc_id for p in passages})
    cache = EmbeddingCache(paths.cache, embedder)
    try:
        vectors = (cache.embed([v.text for v in variants]) if variants
                   else np.zeros((0, dim), np.float32))
    finally:
        cache.close()
    with_variants = {v.doc_id for v in variants}
    by_id = {p.doc_id: p for p in passages if p.doc_id in with_variants}
    write_layer(gen_dir, variants, vectors, Tokenizer(), lambda d: keyword_text(by_id[d]))
