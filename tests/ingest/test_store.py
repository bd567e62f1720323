"""The generation on disk as readers open it: memory-mapped arrays shared between processes,
passages read by row, generations written before that layout still readable, and no Chroma
client left behind by a long-running process."""

import json
import shutil

import numpy as np
import pytest

from bot.retrieval.hybrid import IndexHandle
from ingest.index import ingest
from ingest.keyword import Bm25
from ingest.store import ChromaConfig, Generation, IndexPaths, PassageStore, read_passages


def _open(index):
    return Generation.open(IndexPaths(index), ChromaConfig())


def test_arrays_are_memory_mapped_and_passages_read_by_row(mini_index):
    gen = _open(mini_index)
    try:
        for array in (gen.head, gen.body, gen.keyword_full.docs, gen.keyword_head.weights):
            assert isinstance(array, np.memmap) or isinstance(array.base, np.memmap)
        expected = read_passages(gen.directory)
        assert len(gen.passages) == len(expected)
        assert list(gen.passages) == expected
        assert gen.passages[-1] == expected[-1] and gen.passages[1:3] == expected[1:3]
        assert all(gen.rows[p.doc_id] == i for i, p in enumerate(expected))
        assert gen.doc_ids == [p.doc_id for p in expected]
        assert gen.row_of(f"body:{expected[2].doc_id}") == 2 and gen.row_of("head:nope") is None
        with pytest.raises(IndexError):
            gen.passages[len(expected)]
    finally:
        gen.close()


def test_passage_store_reads_a_file_without_trailing_newline(tmp_path, mini_index):
    lines = (mini_index / "generations").glob("*/passages.jsonl")
    text = next(iter(lines)).read_text(encoding="utf-8").rstrip("\n")
    path = tmp_path / "passages.jsonl"
    path.write_text(text + "\n\n", encoding="utf-8")  # a blank line is not a passage
    store = PassageStore(path)
    assert len(store) == len(text.splitlines())
    path.write_text(text, encoding="utf-8")
    assert PassageStore(path)[-1].doc_id == json.loads(text.splitlines()[-1])["doc_id"]
    (tmp_path / "empty.jsonl").write_text("", encoding="utf-8")
    assert len(PassageStore(tmp_path / "empty.jsonl")) == 0


def test_generation_written_before_the_npy_layout_still_opens(mini_index, tmp_path):
    index = tmp_path / "old"
    shutil.copytree(mini_index, index)
    gen_dir = index / "generations" / IndexPaths(index).current_generation()
    head, body = np.load(gen_dir / "head.npy"), np.load(gen_dir / "body.npy")
    np.savez(gen_dir / "vectors.npz", head=head, body=body)
    for stem in ("keyword_full", "keyword_head"):
        bm25 = Bm25.load(gen_dir / stem)
        np.savez(gen_dir / f"{stem}.npz", idf=bm25.idf, indptr=bm25.indptr, docs=bm25.docs,
                 weights=bm25.weights, n_docs=np.array([bm25.n_docs]))
        (gen_dir / f"{stem}.vocab.json").write_text(json.dumps(bm25.vocab), encoding="utf-8")
        for name in ("idf", "indptr", "docs", "weights"):
            (gen_dir / f"{stem}.{name}.npy").unlink()
    for name in ("head.npy", "body.npy", "doc_ids.json"):
        (gen_dir / name).unlink()
    new, old = _open(mini_index), _open(index)
    try:
        assert np.array_equal(new.head, old.head) and old.rows == new.rows
        terms = list(new.keyword_full.vocab)[:5]
        assert np.allclose(new.keyword_full.scores(terms), old.keyword_full.scores(terms))
    finally:
        new.close()
        old.close()


def test_an_older_layout_is_rewritten_by_the_next_ingest(corpus_copy, tmp_path, embedder):
    index = tmp_path / "idx"
    first = ingest([corpus_copy], index, embedder, progress=False)
    manifest = index / "generations" / first.generation / "manifest.json"
    data = json.loads(manifest.read_text(encoding="utf-8"))
    manifest.write_text(json.dumps({**data, "schema_version": 1}), encoding="utf-8")
    again = ingest([corpus_copy], index, embedder, progress=False)
    assert again.swapped and again.generation != first.generation


def _systems() -> int:
    from chromadb.api.shared_system_client import SharedSystemClient

    return len(SharedSystemClient._identifier_to_system)


def test_repeated_ingests_and_swaps_leave_no_chroma_client_behind(corpus_copy, tmp_path,
                                                                  embedder):
    index = tmp_path / "idx"
    before = _systems()
    handle = IndexHandle(index, ChromaConfig())
    for n in range(4):
        csv = corpus_copy / "faq" / "mini_faq.csv"
        csv.write_text(csv.read_text(encoding="utf-8-sig") + f"\nX-{n},分類,質問{n}？,答え{n}。,"
                       "市民課,0199-00-0000,,2024-04-01\n", encoding="utf-8-sig")
        assert ingest([corpus_copy], index, embedder, progress=False).swapped
        handle.get()
    # the serving generation and the one it replaced (requests may still read it) stay open
    assert _systems() - before <= 2
    handle.close()
    assert _systems() == before


def test_a_pinned_generation_serves_the_whole_block_across_a_swap(corpus_copy, tmp_path,
                                                                   embedder):
    index = tmp_path / "idx"
    assert ingest([corpus_copy], index, embedder, progress=False).swapped
    handle = IndexHandle(index, ChromaConfig())
    try:
        with handle.pinned() as gen:
            csv = corpus_copy / "faq" / "mini_faq.csv"
            csv.write_text(csv.read_text(encoding="utf-8-sig") + "\nX-1,分類,質問？,答え。,"
                           "市民課,0199-00-0000,,2024-04-01\n", encoding="utf-8-sig")
            assert ingest([corpus_copy], index, embedder, progress=False).swapped
            assert handle.get() is gen  # one answer reads one generation
            with handle.pinned() as inner:
                assert inner is gen
        assert handle.get().name != gen.name  # the next answer reads the new one
        assert len(handle.get().passages) == len(gen.passages) + 1
    finally:
        handle.close()
