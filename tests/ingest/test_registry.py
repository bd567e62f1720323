"""The source registry: the index is a function of the sources a city names, moves replace
instead of duplicating, and confidentiality of any copy wins in the same generation."""

import json
import shutil
from pathlib import Path

from ingest import registry
from ingest.index import ingest
from ingest.store import ChromaConfig, Generation, IndexPaths


def doc_ids(index: Path) -> set[str]:
    gen = Generation.open(IndexPaths(index), ChromaConfig())
    try:
        return {p.doc_id for p in gen.passages}
    finally:
        gen.close()


def gomi(ids: set[str]) -> set[str]:
    return {d for d in ids if d.startswith("gomi-sodai#")}


def mark_confidential(page: Path) -> None:
    page.with_name(page.name + ".meta.yaml").write_text("confidentiality: 機密性2\n",
                                                        encoding="utf-8")


def test_moved_folder_then_reclassified_page_leaves_the_index(
        corpus_copy, tmp_path, embedder, settings_factory):
    """The audit's case: move the folder, mark a page 機密性2, ingest the new path."""
    from bot.factory import build

    index = tmp_path / "idx"
    ingest([corpus_copy], index, embedder, progress=False)
    assert gomi(doc_ids(index))
    moved = tmp_path / "moved"
    corpus_copy.rename(moved)
    mark_confidential(moved / "pages" / "gomi-sodai.html")
    report = ingest([moved], index, embedder, progress=False)
    assert not gomi(doc_ids(index))
    assert len(report.moved) == 8 and not report.missing
    assert not any("重複" in p.message for p in report.rejected)
    assert all(registry.under(p, [moved]) for p in registry.registered(index))
    reply = build(settings_factory(index), embedder=embedder).pipeline.answer(
        "粗大ごみの出し方を教えて")
    assert not gomi({c.doc_id for c in reply.candidates} | {c.doc_id for c in reply.citations})


def test_moved_folder_with_edits_serves_the_edit(corpus_copy, tmp_path, embedder):
    index = tmp_path / "idx"
    ingest([corpus_copy], index, embedder, progress=False)
    moved = tmp_path / "moved"
    corpus_copy.rename(moved)
    csv = moved / "faq" / "mini_faq.csv"
    csv.write_text(csv.read_text(encoding="utf-8-sig").replace("1人10点まで", "1人15点まで"),
                   encoding="utf-8-sig")
    first = ingest([moved], index, embedder, progress=False)
    gen = Generation.open(IndexPaths(index), ChromaConfig())
    tosho = [p for p in gen.passages if p.doc_id == "T-TOSHO-001"]
    gen.close()
    assert len(tosho) == 1 and "1人15点まで" in tosho[0].text
    assert not any("重複" in p.message for p in first.rejected)
    again = ingest([moved], index, embedder, progress=False)
    assert not again.swapped and len(again.unchanged) == 8


def test_a_confidential_copy_withholds_every_other_copy(corpus_copy, tmp_path, embedder):
    """Both copies exist: the duplicate is an error naming both files, and confidentiality of
    either copy removes the document from the index."""
    index = tmp_path / "idx"
    ingest([corpus_copy], index, embedder, progress=False)
    copy = tmp_path / "copy"
    shutil.copytree(corpus_copy, copy)
    mark_confidential(copy / "pages" / "gomi-sodai.html")
    report = ingest([copy], index, embedder, progress=False)
    assert not gomi(doc_ids(index))
    old_page = str((corpus_copy / "pages" / "gomi-sodai.html").resolve())
    assert any(p.path == old_page and "機密性2/3" in p.message for p in report.refused)
    dup = [p for p in report.rejected if "重複" in p.message]
    assert dup and all(str(copy) in p.message or str(corpus_copy) in p.message for p in dup)
    assert any(str(corpus_copy) in p.path and str(copy) in p.message for p in dup)
    # Still an error on the next run (it was silently accepted from the second run on).
    assert not ingest([copy], index, embedder, progress=False).ok
    # Reclassifying the original, not the copy, withholds it too.
    (copy / "pages" / "gomi-sodai.html.meta.yaml").unlink()
    mark_confidential(corpus_copy / "pages" / "gomi-sodai.html")
    ingest([corpus_copy], index, embedder, progress=False)
    assert not gomi(doc_ids(index))


def test_deleted_source_outside_the_named_paths_goes_with_prune(corpus_copy, tmp_path,
                                                                 embedder):
    index = tmp_path / "idx"
    ingest([corpus_copy / "pages"], index, embedder, progress=False)
    ingest([corpus_copy / "reiki"], index, embedder, progress=False)
    (corpus_copy / "pages" / "gomi-sodai.html").unlink()
    report = ingest([corpus_copy / "reiki"], index, embedder, progress=False)
    assert report.missing == [str((corpus_copy / "pages" / "gomi-sodai.html").resolve())]
    assert gomi(doc_ids(index))  # kept (and listed) until pruned
    report = ingest([corpus_copy / "reiki"], index, embedder, progress=False, prune=True)
    assert report.removed == [str((corpus_copy / "pages" / "gomi-sodai.html").resolve())]
    assert not gomi(doc_ids(index)) and "koen#第1条" in doc_ids(index)


def test_naming_a_vanished_folder_removes_its_sources(corpus_copy, tmp_path, embedder):
    index = tmp_path / "idx"
    ingest([corpus_copy / "pages"], index, embedder, progress=False)
    ingest([corpus_copy / "reiki"], index, embedder, progress=False)
    shutil.rmtree(corpus_copy / "pages")
    report = ingest([corpus_copy / "pages"], index, embedder, progress=False)
    assert len(report.removed) == 1 and not gomi(doc_ids(index))


def test_renamed_file_replaces_itself(corpus_copy, tmp_path, embedder):
    index = tmp_path / "idx"
    ingest([corpus_copy], index, embedder, progress=False)
    old = corpus_copy / "reiki" / "koen.txt"
    new = corpus_copy / "reiki" / "toshi-koen.txt"
    old.rename(new)
    report = ingest([corpus_copy], index, embedder, progress=False)
    assert report.moved == [(str(old.resolve()), str(new.resolve()))]
    ids = doc_ids(index)
    assert "toshi-koen#第1条" in ids and not any(d.startswith("koen#") for d in ids)


def test_duplicate_doc_ids_name_both_files_on_every_run(corpus_copy, tmp_path, embedder):
    dup = corpus_copy / "faq" / "zz_dup.csv"
    dup.write_text("ID,質問,回答\nT-SHIMIN-001,別の質問,別の回答\n", encoding="utf-8")
    index = tmp_path / "idx"
    for _ in range(2):
        report = ingest([corpus_copy / "faq"], index, embedder, progress=False)
        [problem] = [p for p in report.rejected if "重複" in p.message]
        assert problem.path.endswith("zz_dup.csv") and "mini_faq.csv" in problem.message


def test_registry_is_in_the_manifest(corpus_copy, tmp_path, embedder):
    index = tmp_path / "idx"
    ingest([corpus_copy], index, embedder, progress=False)
    paths = IndexPaths(index)
    manifest = json.loads((paths.generation_dir(paths.current_generation() or "")
                           / "manifest.json").read_text(encoding="utf-8"))
    manual = next(v for k, v in manifest["sources"].items() if k.endswith("internal-manual.md"))
    assert manual["refused"] and manual["refused_docs"] and not manual["doc_ids"]


def test_a_registry_only_change_shares_every_data_file(corpus_copy, tmp_path, embedder):
    """A source re-saved without changing what it says (its hash changes, its passages do not)
    writes a generation that shares the serving one's files; only the manifest is new."""
    index = tmp_path / "idx"
    first = ingest([corpus_copy], index, embedder, progress=False)
    before = doc_ids(index)
    faq = corpus_copy / "faq" / "mini_faq.csv"
    faq.write_bytes(faq.read_bytes() + b"\n")
    second = ingest([corpus_copy], index, embedder, progress=False)
    assert second.swapped and second.delta and second.generation != first.generation
    paths = IndexPaths(index)
    old_dir, new_dir = (paths.generation_dir(g) for g in (first.generation, second.generation))
    manifest = json.loads((new_dir / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["chroma_generation"] == first.generation
    assert manifest["sources"][str(faq.resolve())]["hash"] != json.loads(
        (old_dir / "manifest.json").read_text(encoding="utf-8"))["sources"][str(faq.resolve())][
        "hash"]
    assert (new_dir / "passages.jsonl").stat().st_ino == (old_dir / "passages.jsonl").stat().st_ino
    assert doc_ids(index) == before and "T-TOSHO-001" in before
    third = ingest([corpus_copy], index, embedder, progress=False)
    assert not third.swapped  # and now nothing is left to do
