"""The variant layer of a generation: other ways residents ask an FAQ's question (言い換え).

A passage is scored by its best-matching question — the official one or any variant — on the
keyword question field and on the dense question side; the answer and the citation stay the
passage's own. Variants are a small layer of their own (texts, vectors, a BM25 index) beside
the passages, scored exactly with numpy: changing them never touches the passages, the big
arrays or the Chroma collection, so an approved variant is served after re-embedding only the
variants themselves (see ingest/delta.py).

Origins: `csv` (a column of the FAQ file, read by the loader) and `db:<id>` (approved in the
staff console; the database is their record and re-applies them).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ingest.keyword import Bm25, load_array
from ingest.schema import Passage
from ingest.text import Tokenizer

LAYER_FILE = "variants.json"
VECTORS_FILE = "variants.npy"
KEYWORD_FILE = "keyword_variants"
FULL_FILE = "keyword_variants_full"
SOURCE = "csv"


@dataclass(frozen=True)
class Variant:
    """One alternative question of one passage, and where it came from."""

    doc_id: str
    text: str
    origin: str = SOURCE

    @property
    def from_source(self) -> bool:
        return self.origin == SOURCE


def source_variants(passages: Iterable[Passage]) -> list[Variant]:
    """The variants the sources themselves give (the FAQ CSV's variant column)."""
    return [Variant(p.doc_id, v, SOURCE) for p in passages for v in p.variants]


def merge(source: list[Variant], approved: Iterable[Variant], known: set[str]) -> list[Variant]:
    """Source variants, then approved ones, for passages that exist; one per (doc_id, text)."""
    seen: set[tuple[str, str]] = set()
    out = []
    for v in [*source, *approved]:
        key = (v.doc_id, v.text.strip())
        if v.doc_id in known and key[1] and key not in seen:
            seen.add(key)
            out.append(Variant(v.doc_id, key[1], v.origin))
    return out


def write_layer(directory: Path, variants: Sequence[Variant], vectors: np.ndarray,
                tokenizer: Tokenizer, passage_text: Callable[[str], str]) -> None:
    """Write the layer into a generation directory (before it is swapped in): the variants,
    their vectors, a BM25 index of the variants alone (the question field) and one of each
    variant with its passage's full text (the full-text field, as if the variant were the
    passage's question). `passage_text(doc_id)` is the passage's keyword text."""
    (directory / LAYER_FILE).write_text(json.dumps(
        [{"doc_id": v.doc_id, "text": v.text, "origin": v.origin} for v in variants],
        ensure_ascii=False), encoding="utf-8")
    np.save(directory / VECTORS_FILE, np.ascontiguousarray(vectors, dtype=np.float32))
    own = [tokenizer.tokens(v.text) for v in variants]
    Bm25.build(own).save(directory / KEYWORD_FILE)
    full: dict[str, list[str]] = {}
    for v in variants:
        if v.doc_id not in full:
            full[v.doc_id] = tokenizer.tokens(passage_text(v.doc_id))
    Bm25.build([t + full[v.doc_id] for t, v in zip(own, variants, strict=True)]).save(
        directory / FULL_FILE)


def read_variants(directory: Path) -> list[Variant]:
    """The variants of a generation (none for one written before variants existed)."""
    path = directory / LAYER_FILE
    if not path.exists():
        return []
    return [Variant(d["doc_id"], d["text"], d.get("origin", SOURCE))
            for d in json.loads(path.read_text(encoding="utf-8"))]


@dataclass
class VariantLayer:
    """The variants of the serving generation, mapped to passage rows."""

    variants: list[Variant]
    rows: np.ndarray  # passage row of each variant
    vectors: np.ndarray
    keyword: Bm25 | None
    full: Bm25 | None = None
    by_row: dict[int, list[int]] = field(default_factory=dict)
    # Per variant: whether it is scored on the question field's BM25 (None: all are). Only an
    # FAQ's variants are; a plain-language line of an ordinance article or a page section
    # counts on the dense question side and in the full-text field, not in a keyword field
    # whose other rows are locators and headings (see `asks_questions`).
    on_head: np.ndarray | None = None

    @classmethod
    def open(cls, directory: Path, rows: dict[str, int], dim: int) -> VariantLayer:
        variants = read_variants(directory)
        if not variants:
            return cls.empty(dim)
        if any(v.doc_id not in rows for v in variants):  # cannot happen in a written generation
            raise ValueError(f"{directory}: variants name passages the generation lacks")
        layer = cls(variants, np.array([rows[v.doc_id] for v in variants], dtype=np.int64),
                    load_array(directory / VECTORS_FILE), Bm25.load(directory / KEYWORD_FILE),
                    Bm25.load(directory / FULL_FILE))
        for i, row in enumerate(layer.rows.tolist()):
            layer.by_row.setdefault(row, []).append(i)
        return layer

    @classmethod
    def empty(cls, dim: int) -> VariantLayer:
        return cls([], np.zeros(0, dtype=np.int64), np.zeros((0, dim), dtype=np.float32), None)

    def __len__(self) -> int:
        return len(self.variants)

    def keyword_scores(self, terms: list[str], idf: Callable[[str], float]) -> np.ndarray:
        """BM25 of each variant, weighted by the question field's idf so that a variant's score
        is on the same scale as an official question's."""
        if self.keyword is None or not len(self):
            return np.zeros(0, dtype=np.float32)
        scores = self.keyword.scores(terms, idf=idf)
        return scores if self.on_head is None else np.where(self.on_head, scores, 0).astype(
            np.float32)

    def asks_questions(self, is_question_field: Callable[[int], bool]) -> None:
        """Mark which variants count on the question field's BM25: those of passages whose
        question field holds a question (`is_question_field(row)`: an FAQ), not a locator or a
        heading. Scored there, a short plain line on an article (「水道料金はいくら？」) matched
        one common word as strongly as an FAQ's whole question and put the article above the
        FAQ that answers it (gold.jsonl dev hit@1 0.848 → 0.821; without: 0.836)."""
        flags = {row: is_question_field(row) for row in set(self.rows.tolist())}
        self.on_head = np.array([flags[r] for r in self.rows.tolist()], dtype=bool)

    def full_scores(self, terms: list[str], idf: Callable[[str], float]) -> np.ndarray:
        """BM25 of each variant together with its passage's text, on the full field's scale."""
        if self.full is None or not len(self):
            return np.zeros(0, dtype=np.float32)
        return self.full.scores(terms, idf=idf)

    def cosines(self, qvec: np.ndarray) -> np.ndarray:
        return (self.vectors @ qvec).astype(np.float32) if len(self) else np.zeros(0, np.float32)

    def best_per_row(self, values: np.ndarray, n_rows: int) -> np.ndarray:
        """Each passage row's best value over its variants (-inf for rows without any)."""
        out = np.full(n_rows, -np.inf, dtype=np.float32)
        if len(self):
            np.maximum.at(out, self.rows, values)
        return out

    def top_rows(self, values: np.ndarray, k: int) -> set[int]:
        """Passage rows of the k best variants (dense candidates the collection may lack)."""
        if not len(self):
            return set()
        k = min(k, len(self))
        idx = np.argpartition(-values, k - 1)[:k]
        return {int(self.rows[i]) for i in idx}

    def best_of_row(self, row: int, values: np.ndarray) -> tuple[int, float] | None:
        """The row's best variant (index, value), or None when the row has no variant."""
        ids = self.by_row.get(row)
        if not ids:
            return None
        best = max(ids, key=lambda i: float(values[i]))
        return best, float(values[best])

    def matched_share(self, terms: list[str], index: int, idf: Callable[[str], float],
                      full: bool = False) -> float:
        """Share of the query's idf mass that variant `index` contains (with its passage's text
        when `full`)."""
        index_ = self.full if full else self.keyword
        if index_ is None:
            return 0.0
        return index_.matched_share(terms, index, idf=idf)
