"""The BM25 index's query-term coverage: batched over rows, and read from saved arrays."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.keyword import Bm25, load_array

TERMS = ["ごみ", "粗大", "収集", "住民票", "写し", "窓口", "料金", "予約"]
docs = st.lists(st.lists(st.sampled_from(TERMS), max_size=6), min_size=1, max_size=8)


def _one_by_one(index: Bm25, terms: list[str], row: int) -> float:
    """The definition: the idf share of the query's distinct terms that occur in `row`."""
    total = sum(index.term_idf(t) for t in dict.fromkeys(terms))
    matched = sum(index.term_idf(t) for t in dict.fromkeys(terms)
                  if t in index.vocab and row in index.docs[
                      index.indptr[index.vocab[t]]:index.indptr[index.vocab[t] + 1]])
    return matched / total if total else 0.0


@settings(max_examples=60, deadline=None)
@given(docs, st.lists(st.sampled_from([*TERMS, "未知語"]), max_size=5), st.data())
def test_matched_shares_equals_the_share_of_each_row(token_lists: list[list[str]],
                                                    terms: list[str],
                                                    data: st.DataObject) -> None:
    index = Bm25.build(token_lists)
    rows = data.draw(st.lists(st.integers(0, len(token_lists) - 1), max_size=6))
    shares = index.matched_shares(terms, rows)
    assert shares.shape == (len(rows),)
    for row, share in zip(rows, shares, strict=True):
        assert share == _one_by_one(index, terms, row)
        assert index.matched_share(terms, row) == share


def test_saved_arrays_are_plain_views_of_the_map(tmp_path: Path) -> None:
    """Indexing a np.memmap costs a Python-level wrapper per access; the loaded arrays are
    plain ndarrays that still read from the file (not copied into the process)."""
    Bm25.build([["ごみ", "収集"], ["住民票"]]).save(tmp_path / "kw")
    docs_array = load_array(tmp_path / "kw.docs.npy")
    assert type(docs_array) is np.ndarray
    assert not docs_array.flags.owndata and not docs_array.flags.writeable
    loaded = Bm25.load(tmp_path / "kw")
    assert loaded.matched_share(["ごみ", "住民票"], 1) > 0
