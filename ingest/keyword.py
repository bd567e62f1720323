"""BM25 keyword index over Sudachi terms, stored as CSR arrays beside the vector store.

Own ~80 lines rather than a library: the confidence step needs each query term's idf (and a
score's ceiling), and the on-disk format must be plain arrays that any replica can load.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

K1 = 1.2
B = 0.75


@dataclass
class Bm25:
    vocab: dict[str, int]
    idf: np.ndarray
    indptr: np.ndarray
    docs: np.ndarray
    weights: np.ndarray
    n_docs: int
    avgdl: float = 0.0  # 0: unknown (saved before it was kept); patch() then cannot run

    @classmethod
    def build(cls, token_lists: list[list[str]]) -> Bm25:
        n = len(token_lists)
        lengths = np.array([len(t) for t in token_lists], dtype=np.float32)
        avgdl = float(lengths.mean()) if n and lengths.sum() else 1.0
        postings: dict[str, list[tuple[int, int]]] = {}
        for doc, tokens in enumerate(token_lists):
            for term, tf in Counter(tokens).items():
                postings.setdefault(term, []).append((doc, tf))
        vocab = {term: i for i, term in enumerate(sorted(postings))}
        indptr = np.zeros(len(vocab) + 1, dtype=np.int64)
        docs_l: list[int] = []
        weights_l: list[float] = []
        idf = np.zeros(len(vocab), dtype=np.float32)
        for term, i in vocab.items():
            plist = postings[term]
            idf[i] = math.log(1 + (n - len(plist) + 0.5) / (len(plist) + 0.5))
            for doc, tf in plist:
                norm = K1 * (1 - B + B * lengths[doc] / avgdl)
                docs_l.append(doc)
                weights_l.append(tf * (K1 + 1) / (tf + norm))
            indptr[i + 1] = len(docs_l)
        return cls(vocab, idf, indptr, np.array(docs_l, dtype=np.int32),
                   np.array(weights_l, dtype=np.float32), n, avgdl)

    def patch(self, keep: np.ndarray, replaced: dict[int, list[str]],
              added: list[list[str]]) -> Bm25:
        """A new index for a changed collection, in time proportional to the postings rather
        than to re-tokenising every document: old rows with `keep[row]` False leave, rows in
        `replaced` (old row → its new tokens) get new postings, `added` documents are appended.

        Rows keep their order (kept old rows first, then the added ones). The length
        normalisation keeps this index's average document length (a few changed documents
        move it negligibly; a full build recomputes it); idf is recomputed for every term."""
        if not self.avgdl:
            raise ValueError("this index was saved without its average length; rebuild it")
        keep = np.asarray(keep, dtype=bool)
        new_row = np.cumsum(keep) - 1  # old row → new row (valid where keep)
        n_new = int(keep.sum()) + len(added)
        drop = ~keep
        for row in replaced:
            drop[row] = True
        terms = np.repeat(np.arange(len(self.vocab), dtype=np.int64), np.diff(self.indptr))
        stay = ~drop[self.docs]
        terms, docs = terms[stay], new_row[self.docs[stay]].astype(np.int64)
        weights = np.asarray(self.weights)[stay]
        vocab = dict(self.vocab)
        fresh = [(int(new_row[r]), t) for r, t in sorted(replaced.items()) if keep[r]]
        fresh += [(int(keep.sum()) + i, t) for i, t in enumerate(added)]
        add_t, add_d, add_w = [], [], []
        for doc, tokens in fresh:
            norm = K1 * (1 - B + B * len(tokens) / self.avgdl)
            for term, tf in Counter(tokens).items():
                add_t.append(vocab.setdefault(term, len(vocab)))
                add_d.append(doc)
                add_w.append(tf * (K1 + 1) / (tf + norm))
        # The kept postings are still in (term, doc) order (rows keep their order), so the few
        # new ones are merged in rather than everything sorted again (3M postings at 100k).
        add_key = (np.array(add_t, dtype=np.int64) * (n_new + 1)
                   + np.array(add_d, dtype=np.int64))
        new_order = np.argsort(add_key, kind="stable")
        at = np.searchsorted(terms * (n_new + 1) + docs, add_key[new_order], side="right")
        terms = np.insert(terms, at, np.array(add_t, dtype=np.int64)[new_order])
        docs = np.insert(docs, at, np.array(add_d, dtype=np.int64)[new_order])
        weights = np.insert(weights, at, np.array(add_w, dtype=np.float32)[new_order])
        counts = np.bincount(terms, minlength=len(vocab))
        if (counts == 0).any():  # terms no document has any more leave, as in a fresh build
            alive = counts > 0
            renumber = np.cumsum(alive) - 1
            vocab = {t: int(renumber[i]) for t, i in vocab.items() if alive[i]}
            terms, counts = renumber[terms], counts[alive]
        indptr = np.zeros(len(vocab) + 1, dtype=np.int64)
        indptr[1:] = np.cumsum(counts)
        df = np.diff(indptr).astype(np.float64)
        idf = np.log(1 + (n_new - df + 0.5) / (df + 0.5)).astype(np.float32)
        return Bm25(vocab, idf, indptr, docs.astype(np.int32), weights.astype(np.float32),
                    n_new, self.avgdl)

    @property
    def max_idf(self) -> float:
        return float(self.idf.max()) if len(self.idf) else math.log(2.0)

    def term_idf(self, term: str) -> float:
        """idf of a term; unseen terms count as the rarest (they make a query harder to match)."""
        i = self.vocab.get(term)
        return float(self.idf[i]) if i is not None else self.max_idf

    def scores(self, terms: list[str],
               idf: Callable[[str], float] | None = None) -> np.ndarray:
        """BM25 of every document; `idf` replaces this index's own term weights (a small index
        scored on the scale of a larger one)."""
        out = np.zeros(self.n_docs, dtype=np.float32)
        for term in terms:
            i = self.vocab.get(term)
            if i is None:
                continue
            s, e = self.indptr[i], self.indptr[i + 1]
            weight = self.idf[i] if idf is None else idf(term)
            out[self.docs[s:e]] += weight * self.weights[s:e]
        return out

    def matched_share(self, terms: list[str], row: int,
                      idf: Callable[[str], float] | None = None) -> float:
        """Share of the query's idf mass whose terms occur in document `row` (0 without terms).

        How much of what the resident asked about the passage mentions at all; unseen terms
        count as unmatched."""
        return float(self.matched_shares(terms, [row], idf)[0])

    def matched_shares(self, terms: list[str], rows: list[int],
                       idf: Callable[[str], float] | None = None) -> np.ndarray:
        """`matched_share` for several documents at once (one postings search per term)."""
        at_rows = np.asarray(rows, dtype=np.int64)
        matched = np.zeros(len(at_rows), dtype=np.float64)
        total = 0.0
        weigh = idf or self.term_idf
        for term in dict.fromkeys(terms):
            weight = weigh(term)
            total += weight
            i = self.vocab.get(term)
            if i is None or not len(at_rows):
                continue
            postings = self.docs[self.indptr[i]:self.indptr[i + 1]]
            if len(postings):
                at = np.minimum(np.searchsorted(postings, at_rows), len(postings) - 1)
                matched += weight * (postings[at] == at_rows)
        return matched / total if total else np.zeros(len(at_rows), dtype=np.float64)

    def ceiling(self, terms: list[str]) -> float:
        """The score a document matching every query term very strongly would approach."""
        return sum(self.term_idf(t) for t in terms) * (K1 + 1)

    def save(self, path: Path) -> None:
        """One .npy per array (memory-mapped by readers) and the vocabulary as JSON."""
        for name in _ARRAYS:
            np.save(_array_path(path, name), getattr(self, name))
        path.with_suffix(".vocab.json").write_text(
            json.dumps({"n_docs": self.n_docs, "avgdl": self.avgdl, "vocab": self.vocab},
                       ensure_ascii=False),
            encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> Bm25:
        """Open a saved index; its arrays are memory-mapped, shared by every process."""
        meta = json.loads(path.with_suffix(".vocab.json").read_text(encoding="utf-8"))
        if not _array_path(path, "idf").exists():  # written before the .npy layout
            with np.load(path.with_suffix(".npz")) as old:
                return cls(meta, old["idf"], old["indptr"], old["docs"], old["weights"],
                           int(old["n_docs"][0]))
        idf, indptr, docs, weights = (load_array(_array_path(path, n)) for n in _ARRAYS)
        return cls(meta["vocab"], idf, indptr, docs, weights, int(meta["n_docs"]),
                   float(meta.get("avgdl", 0.0)))


_ARRAYS = ("idf", "indptr", "docs", "weights")


def _array_path(path: Path, name: str) -> Path:
    return path.with_name(f"{path.name}.{name}.npy")


def load_array(path: Path) -> np.ndarray:
    """A saved array, memory-mapped read-only (an empty one cannot be mapped: read it).

    Returned as a plain ndarray view of the map: still shared and not copied, but indexing it
    skips `np.memmap`'s per-access bookkeeping (a third of the keyword scoring's time)."""
    try:
        return np.asarray(np.load(path, mmap_mode="r"))
    except ValueError:
        return np.load(path)
