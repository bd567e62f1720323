"""Question variants: read from the FAQ CSV, served from the generation's variant layer, and
changed by a new generation that shares everything else with the serving one."""

from __future__ import annotations

import json
import os

import numpy as np
import pytest

from ingest.delta import apply_variants
from ingest.index import ingest
from ingest.sources.faq_csv import load, split_variants
from ingest.store import ChromaConfig, Generation, IndexPaths
from ingest.variants import Variant, read_variants

HEADER = "ID,質問,回答,類似質問\n"


def test_variant_column_one_per_line(tmp_path):
    csv = tmp_path / "faq.csv"
    csv.write_text(HEADER + 'F-1,粗大ごみの出し方,予約してください。,"ソファを捨てたい\n\n'
                   'タンスの処分方法\nソファを捨てたい\n粗大ごみの出し方"\n'
                   "F-2,犬の登録,保健所で登録します。,\n", encoding="utf-8")
    result = load(csv)
    assert not result.problems
    first, second = result.passages
    assert first.variants == ("ソファを捨てたい", "タンスの処分方法")
    assert second.variants == ()


@pytest.mark.parametrize("header", ["言い換え", "別の聞き方", "質問の言い換え"])
def test_variant_column_spellings(tmp_path, header):
    csv = tmp_path / "faq.csv"
    csv.write_text(f"ID,質問,回答,{header}\nF-1,質問です,回答です。,別の聞き方です\n",
                   encoding="utf-8")
    assert load(csv).passages[0].variants == ("別の聞き方です",)


def test_split_variants_folds_width_and_spaces():
    assert split_variants("ゴミ　出し方\nゴミ 出し方\r\nＡＢＣ\nABC", "ごみ") == (
        "ゴミ　出し方", "ＡＢＣ")


@pytest.fixture
def index_with_variants(tmp_path, corpus_copy, embedder):
    faq = corpus_copy / "faq" / "variants.csv"
    faq.write_text(HEADER + 'V-1,ペットの犬が死んだときの手続き,死亡届を保健所に出してください。,'
                   '"飼い犬が亡くなった\nわんちゃんが死んだらどうする"\n', encoding="utf-8")
    index = tmp_path / "index"
    report = ingest([corpus_copy], index, embedder, progress=False)
    assert report.swapped and not any("variants.csv" in str(p) for p in report.rejected)
    return index


def _open(index):
    paths = IndexPaths(index)
    return paths, Generation.open(paths, ChromaConfig())


def test_source_variants_are_indexed(index_with_variants):
    paths, gen = _open(index_with_variants)
    try:
        texts = {v.text for v in gen.variants.variants}
        assert texts == {"飼い犬が亡くなった", "わんちゃんが死んだらどうする"}
        assert {v.origin for v in gen.variants.variants} == {"csv"}
        assert gen.variants.vectors.shape == (2, 512)
        row = gen.rows["V-1"]
        assert set(gen.variants.rows.tolist()) == {row}
    finally:
        gen.close()


def test_apply_variants_shares_data_and_keeps_previous(index_with_variants, embedder):
    paths = IndexPaths(index_with_variants)
    before = paths.current_generation()
    change = apply_variants(index_with_variants,
                            [Variant("T-GOMI-001", "古いソファを捨てたい", "db:1")], embedder)
    assert change.swapped and change.added == 1 and change.removed == 0
    after = paths.current_generation()
    assert after == change.generation != before
    old, new = paths.generation_dir(before), paths.generation_dir(after)
    # the big files are the very same files; the collection is the previous generation's
    for name in ("passages.jsonl", "head.npy", "body.npy", "keyword_full.docs.npy"):
        assert os.stat(old / name).st_ino == os.stat(new / name).st_ino
    assert not (new / "chroma").exists()
    manifest = json.loads((new / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["chroma_generation"] == before
    # the previous generation still holds only the source variants
    assert {v.origin for v in read_variants(old)} == {"csv"}
    texts = [(v.text, v.origin) for v in read_variants(new)]
    assert ("古いソファを捨てたい", "db:1") in texts and ("飼い犬が亡くなった", "csv") in texts
    gen = Generation.open(paths, ChromaConfig())
    try:
        assert len(gen.variants) == 3
        got = gen.collection.query(query_embeddings=[np.ones(512).tolist()], n_results=2,
                                   include=["distances"])
        assert got["ids"][0]
    finally:
        gen.close()
    # the same set again is a no-op; an empty set takes the approved one out again
    assert not apply_variants(index_with_variants,
                              [Variant("T-GOMI-001", "古いソファを捨てたい", "db:1")],
                              embedder).swapped
    removed = apply_variants(index_with_variants, [], embedder)
    assert removed.swapped and removed.removed == 1
    assert {v.origin for v in read_variants(paths.generation_dir(removed.generation))} == {"csv"}


def test_variants_survive_reingest_and_unknown_doc_ids_are_dropped(index_with_variants,
                                                                   corpus_copy, embedder):
    apply_variants(index_with_variants, [Variant("T-GOMI-001", "古いソファを捨てたい", "db:1"),
                                         Variant("NO-SUCH-FAQ", "どこにもない", "db:2")],
                   embedder)
    (corpus_copy / "faq" / "extra.csv").write_text(
        HEADER + "X-1,新しい質問です,新しい回答です。,\n", encoding="utf-8")
    report = ingest([corpus_copy], index_with_variants, embedder, progress=False)
    assert report.swapped
    paths = IndexPaths(index_with_variants)
    texts = {(v.doc_id, v.text) for v in read_variants(paths.generation_dir(report.generation))}
    assert ("T-GOMI-001", "古いソファを捨てたい") in texts
    assert not any(d == "NO-SUCH-FAQ" for d, _ in texts)
    # one added FAQ: a generation that still shares the first one's collection
    assert report.delta and not (paths.generation_dir(report.generation) / "chroma").exists()
