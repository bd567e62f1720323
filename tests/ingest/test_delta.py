"""A few changed passages make a generation that shares the serving one's collection and copies
its unchanged rows: keyword indexes patched, changed rows scored exactly, answers as a full
rebuild would give."""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.retrieval.hybrid import FusionWeights, HybridRetriever, IndexHandle
from bot.retrieval.synonyms import Synonyms
from ingest import delta
from ingest.index import ingest
from ingest.keyword import Bm25
from ingest.readings import Readings
from ingest.store import ChromaConfig, IndexPaths
from ingest.text import Tokenizer

DOCS = [["住民票", "写し", "交付"], ["粗大", "ごみ", "申込", "ごみ"], ["図書館", "本", "借りる"],
        ["児童", "手当", "申請"]]
QUERIES = [["ごみ"], ["本", "図書館"], ["住民票", "申請"], ["犬", "登録"], ["手当"]]


def test_patch_equals_a_build_of_the_changed_collection():
    base = Bm25.build(DOCS)
    keep = np.array([True, False, True, True])
    replaced = {2: ["図書館", "雑誌", "借りる", "延長"]}
    added = [["犬", "登録", "保健所"]]
    expected = Bm25.build([DOCS[0], replaced[2], DOCS[3], added[0]])
    patched = replace(base, avgdl=expected.avgdl).patch(keep, replaced, added)
    assert patched.n_docs == expected.n_docs == 4
    for q in QUERIES:
        assert np.allclose(patched.scores(q), expected.scores(q), atol=1e-5), q
        for row in range(4):
            assert patched.matched_share(q, row) == pytest.approx(expected.matched_share(q, row))
    with pytest.raises(ValueError):
        replace(base, avgdl=0.0).patch(keep, {}, [])


WORDS = ["住民票", "ごみ", "図書館", "犬", "手当", "申請", "登録", "本"]
collections = st.lists(st.lists(st.sampled_from(WORDS), min_size=1, max_size=5), min_size=1,
                       max_size=8)


@settings(max_examples=60, deadline=None)
@given(collections, st.data())
def test_any_patch_equals_a_build(docs, data):
    """Postings stay sorted by document within each term (coverage searches them), whatever
    is kept, replaced and added."""
    keep = np.array(data.draw(st.lists(st.booleans(), min_size=len(docs), max_size=len(docs))))
    kept_rows = [r for r in range(len(docs)) if keep[r]]
    replaced = {r: data.draw(st.lists(st.sampled_from(WORDS), min_size=1, max_size=5))
                for r in data.draw(st.lists(st.sampled_from(kept_rows), unique=True))
                } if kept_rows else {}
    added = data.draw(collections)
    expected = Bm25.build([replaced.get(r, docs[r]) for r in kept_rows] + added)
    patched = replace(Bm25.build(docs), avgdl=expected.avgdl).patch(keep, replaced, added)
    assert set(patched.vocab) == set(expected.vocab)
    for term, i in patched.vocab.items():
        postings = patched.docs[patched.indptr[i]:patched.indptr[i + 1]].tolist()
        j = expected.vocab[term]
        assert postings == expected.docs[expected.indptr[j]:expected.indptr[j + 1]].tolist()
        assert patched.term_idf(term) == pytest.approx(expected.term_idf(term))
    for q in [[w] for w in WORDS] + [WORDS[:3]]:  # (weights keep the base's average length)
        for row in range(expected.n_docs):
            assert patched.matched_share(q, row) == pytest.approx(expected.matched_share(q, row))


def _edit(corpus):
    faq = corpus / "faq" / "mini_faq.csv"
    text = faq.read_text(encoding="utf-8-sig")
    text = text.replace("1人10点まで、2週間借りることができます。",
                        "1人15点まで、3週間借りることができます。")
    text = "\n".join(line for line in text.splitlines() if "T-GOMI-002" not in line) + "\n"
    text += ("999016,T-PET-001,テスト市,動物,飼い犬の登録はどこでできますか,"
             "犬を飼い始めたら30日以内に保健所で登録してください。手数料は3000円です。,"
             "保健所,0199-30-0000,,2026-04-01,テスト用の架空データ\n")
    faq.write_text(text, encoding="utf-8")


def test_small_change_writes_a_delta_generation(tmp_path, corpus_copy, embedder, monkeypatch):
    index = tmp_path / "index"
    first = ingest([corpus_copy], index, embedder, progress=False)
    _edit(corpus_copy)
    second = ingest([corpus_copy], index, embedder, progress=False)
    assert second.swapped and second.delta
    # T-KOSODATE-001 only moved up a line: reported as updated, indexed as unchanged
    assert (second.passages_added, second.passages_updated, second.passages_removed) == (1, 2, 1)
    paths = IndexPaths(index)
    gen_dir = paths.generation_dir(second.generation)
    manifest = json.loads((gen_dir / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["chroma_generation"] == first.generation
    assert not (gen_dir / "chroma").exists()
    ids = json.loads((gen_dir / "doc_ids.json").read_text(encoding="utf-8"))
    assert "T-GOMI-002" not in ids and ids[-1] == "T-PET-001"
    assert sorted(np.load(gen_dir / "exact_rows.npy").tolist()) == sorted(
        [ids.index("T-TOSHO-001"), ids.index("T-PET-001")])
    assert second.to_dict()["delta"] and "差分のみ" in "\n".join(second.lines())
    # the added passage's words are spelled from kana in the delta generation too
    assert "飼い犬" not in Readings.load(paths.generation_dir(first.generation)).convert(
        "かいいぬ とうろく")
    assert "飼い犬" in Readings.load(gen_dir).convert("かいいぬ とうろく")

    full = tmp_path / "full"
    ingest([corpus_copy], full, embedder, progress=False)
    delta_r = _retriever(index, embedder)
    full_r = _retriever(full, embedder)
    for q in ["飼い犬を登録したい", "図書館で何冊借りられる", "燃やすごみの収集日", "住民票の写し",
              "粗大ごみの申し込み"]:
        got = [h.passage.doc_id for h in delta_r.retrieve(q).hits[:3]]
        want = [h.passage.doc_id for h in full_r.retrieve(q).hits[:3]]
        assert got[0] == want[0], (q, got, want)
    dense = _retriever(index, embedder, FusionWeights(0, 0, 1))
    assert dense.retrieve("飼い犬を登録したい").hits[0].passage.doc_id == "T-PET-001"
    tosho = next(h for h in delta_r.retrieve("図書館の本").hits
                 if h.passage.doc_id == "T-TOSHO-001")
    assert "15点" in tosho.passage.text
    assert all(h.passage.doc_id != "T-GOMI-002" for h in dense.retrieve("燃やすごみ").hits)
    for r in (delta_r, full_r, dense):
        r.index.close()

    # a change beyond the limit writes a complete generation again
    monkeypatch.setattr(delta, "MIN_ROWS", 2)
    (corpus_copy / "faq" / "mini_faq.csv").unlink()
    third = ingest([corpus_copy], index, embedder, progress=False)
    assert third.swapped and not third.delta
    assert (paths.generation_dir(third.generation) / "chroma").exists()


def _retriever(index, embedder, weights=None):
    return HybridRetriever(IndexHandle(index, ChromaConfig()), embedder, Tokenizer(),
                           Synonyms(()), weights or FusionWeights())


def test_can_patch_limits(tmp_path, mini_index):
    paths = IndexPaths(mini_index)
    gen = paths.current_generation()
    small = delta.PassageDiff([], ["a"], [])
    assert delta.can_patch(paths, gen, small, 1000)
    assert not delta.can_patch(paths, gen, delta.PassageDiff([], [], []), 1000)
    big = delta.PassageDiff([], [str(i) for i in range(delta.MIN_ROWS + 1)], [])
    assert not delta.can_patch(paths, gen, big, 1000)


@pytest.mark.parametrize("kernel_copy", [True, False])
def test_vector_rows_are_copied_in_runs(tmp_path, monkeypatch, kernel_copy):
    """Kept rows keep their order, dropped rows leave, room is left for added rows; the same
    with or without the kernel's copy_file_range (another file system)."""
    from ingest.delta import _copy_rows, _runs

    if not kernel_copy:
        def refuse(*_args):
            raise OSError(18, "Invalid cross-device link")
        monkeypatch.setattr("os.copy_file_range", refuse)
    base = np.arange(7 * 3, dtype=np.float32).reshape(7, 3)
    np.save(tmp_path / "base.npy", base)
    keep = np.array([True, True, False, True, False, False, True])
    assert _runs(keep) == [(0, 2), (3, 4), (6, 7)]
    _copy_rows(tmp_path / "base.npy", tmp_path / "out.npy", keep, 6)
    out = np.load(tmp_path / "out.npy")
    assert out.shape == (6, 3)
    assert np.array_equal(out[:4], base[keep]) and not out[4:].any()
    _copy_rows(tmp_path / "base.npy", tmp_path / "none.npy", np.zeros(7, dtype=bool), 0)
    assert np.load(tmp_path / "none.npy").shape == (0, 3)


def test_row_spans_are_saved_and_carried_through_a_delta(tmp_path, corpus_copy, embedder):
    """Readers take each row's byte span from passages.jsonl.spans.npy instead of scanning the
    file; a delta generation computes them from its base's, and they match a scan."""
    from ingest.store import PassageStore, _scan

    index = tmp_path / "index"
    ingest([corpus_copy], index, embedder, progress=False)
    _edit(corpus_copy)
    second = ingest([corpus_copy], index, embedder, progress=False)
    assert second.delta
    path = IndexPaths(index).generation_dir(second.generation) / "passages.jsonl"
    saved = np.load(path.with_name("passages.jsonl.spans.npy"))
    data = path.read_bytes()
    starts, ends = _scan(data, len(data))
    assert saved.tolist() == np.stack([starts, ends], axis=1).tolist()
    with_spans = [p.doc_id for p in PassageStore(path)]
    np.save(path.with_name("passages.jsonl.spans.npy"), saved + 3)
    assert [p.doc_id for p in PassageStore(path)] == with_spans  # not matching: scanned
    path.with_name("passages.jsonl.spans.npy").write_bytes(b"not an array")
    assert [p.doc_id for p in PassageStore(path)] == with_spans  # unreadable: scanned
