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
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ingest.embed import Embedder, EmbeddingCache
from ingest.store import (
    ChromaConfig,
    IndexPaths,
    PassageStore,
    finish_generation,
    keyword_text,
    read_passages,
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

_OWN = {"manifest.json", LAYER_FILE, VECTORS_FILE, "chroma"}


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
                   chroma: ChromaConfig | None = None) -> VariantChange:
    """Serve exactly these approved variants (plus the sources' own) from a new generation
    that shares everything else with the serving one; no-op when nothing changed."""
    from ingest.index import _Lock

    started = time.monotonic()
    paths = IndexPaths(index_dir)
    with _Lock(paths.lock):
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


def _share(base_dir: Path, gen_dir: Path) -> None:
    """Hard-link the base generation's data files (written once, never modified); copy where
    the file system cannot link."""
    for file in base_dir.iterdir():
        if (file.name in _OWN or file.name.startswith((KEYWORD_FILE, FULL_FILE))
                or not file.is_file()):
            continue
        try:
            os.link(file, gen_dir / file.name)
        except OSError:
            shutil.copy2(file, gen_dir / file.name)
