"""Dense candidates from the memory-mapped matrix (exact or partitioned) or from Chroma: the same
rankings, Chroma never opened by the matrix, and a re-index swapped atomically in every mode."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from bot.retrieval.hybrid import FusionWeights, HybridRetriever, IndexHandle
from bot.retrieval.synonyms import Synonyms
from ingest.index import ingest
from ingest.store import ChromaConfig
from ingest.text import Tokenizer

QUESTIONS = ("粗大ごみの出し方", "住民票の写しが欲しい", "How do I get a resident card?",
             "図書館の開館時間", "公園で火を使ってもいいですか")


def _retriever(index: Path, embedder, mode: str, probe: int = 10**6) -> HybridRetriever:
    # exact_below=0: the mode is used at any size (the mini corpus is tiny)
    return HybridRetriever(IndexHandle(index, ChromaConfig()), embedder, Tokenizer(),
                           Synonyms(()), FusionWeights(), exact_below=0, dense_index=mode,
                           probe=probe)


def _systems() -> int:
    from chromadb.api.shared_system_client import SharedSystemClient

    return len(SharedSystemClient._identifier_to_system)


@pytest.mark.parametrize("mode", ["exact", "partitioned"])
def test_the_matrix_candidates_are_the_brute_force_ones(mini_index, embedder, mode):
    r = _retriever(mini_index, embedder, mode)
    gen = r.index.get()
    r.candidates = max(2, len(gen.passages) // 4)  # fewer than all: a real choice
    n = 2 * r.candidates
    for q in QUESTIONS:
        qvec = embedder.embed([q])[0]
        cos = np.concatenate([gen.head @ qvec, gen.body @ qvec])
        best = np.argsort(-cos, kind="stable")[:n]
        assert r._dense_candidates(gen, qvec, None) == {int(i) % len(gen.head) for i in best}


def test_every_mode_ranks_alike(mini_index, embedder):
    ranked = {}
    for mode in ("exact", "partitioned", "chroma"):
        r = _retriever(mini_index, embedder, mode)
        ranked[mode] = [[h.passage.doc_id for h in r.retrieve(q, 5, f).hits]
                        for q in QUESTIONS for f in (None, {"source_type": "faq"})]
        r.index.close()
    assert ranked["exact"] == ranked["partitioned"] == ranked["chroma"]


def test_the_matrix_never_opens_chroma(mini_index, embedder):
    before = _systems()
    r = _retriever(mini_index, embedder, "partitioned", probe=2)
    for q in QUESTIONS:
        assert r.retrieve(q, 5).hits
    assert _systems() == before


def _faq(path: Path, rows: int, prefix: str, question: str) -> None:
    lines = ["ID,質問,回答"] + [f"{prefix}-{i},{question}{i}番について,{question}{i}番の答えです。"
                                for i in range(rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.mark.parametrize("rows", [3, 260])  # a shared-collection delta, a full generation
def test_a_reindex_swaps_the_partitions_and_a_failed_one_keeps_serving(
        corpus_copy, tmp_path, embedder, rows):
    index = tmp_path / "idx"
    ingest([corpus_copy], index, embedder, progress=False)
    r = _retriever(index, embedder, "partitioned", probe=1)
    old = r.index.get()
    assert r.retrieve("かざみ湖の遊覧船の予約", 5).hits

    _faq(corpus_copy / "faq" / "boats.csv", rows, "BOAT", "かざみ湖の遊覧船の予約")

    def crash(gen_dir: Path) -> None:
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        ingest([corpus_copy], index, embedder, progress=False, before_swap=crash)
    assert r.index.get() is old
    assert not any(h.passage.doc_id.startswith("BOAT")
                   for h in r.retrieve("かざみ湖の遊覧船の予約", 5).hits)

    report = ingest([corpus_copy], index, embedder, progress=False)
    assert report.swapped and report.delta == (rows < 200)
    gen = r.index.get()
    assert gen.name == report.generation and (gen.shared == old.name) == report.delta
    qvec = embedder.embed(["かざみ湖の遊覧船の予約0番について"])[0]
    rows_found = r._dense_candidates(gen, qvec, None)
    assert gen.rows["BOAT-0"] in rows_found
    top = r.retrieve("かざみ湖の遊覧船の予約0番について", 5).hits
    assert top[0].passage.doc_id == "BOAT-0"
    r.index.close()
