"""Plain-language lines (言い換え) for ordinance articles and page sections, from the source
file's `.meta.yaml` sidecar."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ingest import sources
from ingest.sources.common import SourceError, read_sidecar

REIKI = Path(__file__).parents[1] / "fixtures" / "mini" / "reiki"
PAGES = Path(__file__).parents[1] / "fixtures" / "mini" / "pages"


@pytest.fixture
def tesuryo(tmp_path):
    path = tmp_path / "tesuryo.html"
    shutil.copy(REIKI / "tesuryo.html", path)
    return path


def _by_id(result):
    return {p.doc_id: p for p in result.passages}


def test_lines_attach_to_the_articles_they_name(tesuryo):
    tesuryo.with_name("tesuryo.html.meta.yaml").write_text(
        "department: 市民課\n"
        "言い換え:\n"
        "  第2条:\n"
        "    - 住民票は1通いくら？\n"
        "    - 住民票は１通いくら？\n"  # the same line in full-width digits
        "  第2条の2: 証明書代を返してほしい\n", encoding="utf-8")
    result = sources.load(tesuryo)
    passages = _by_id(result)
    assert not result.problems
    assert passages["tesuryo#第2条"].variants == ("住民票は1通いくら？",)
    assert passages["tesuryo#第2条の2"].variants == ("証明書代を返してほしい",)
    assert passages["tesuryo#第1条"].variants == ()
    # the article's own text is untouched, and the sidecar's plain keys still apply
    assert "いくら" not in passages["tesuryo#第2条"].text
    assert passages["tesuryo#第2条"].department == "市民課"
    assert "言い換え" not in read_sidecar(tesuryo)


def test_whole_doc_id_keys_work_too(tesuryo):
    tesuryo.with_name("tesuryo.html.meta.yaml").write_text(
        "言い換え:\n  tesuryo#第3条: 手数料をまけてほしい\n", encoding="utf-8")
    assert _by_id(sources.load(tesuryo))["tesuryo#第3条"].variants == ("手数料をまけてほしい",)


def test_a_key_naming_no_passage_is_reported(tesuryo):
    tesuryo.with_name("tesuryo.html.meta.yaml").write_text(
        "言い換え:\n  第99条: どこにもない条\n  第2条: 住民票の値段\n", encoding="utf-8")
    result = sources.load(tesuryo)
    assert [p.message for p in result.problems] == [
        "言い換えの「第99条」に当たる条・見出しがありません"]
    assert _by_id(result)["tesuryo#第2条"].variants == ("住民票の値段",)


def test_lines_must_be_a_mapping(tesuryo):
    tesuryo.with_name("tesuryo.html.meta.yaml").write_text(
        "言い換え:\n  - 住民票の値段\n", encoding="utf-8")
    with pytest.raises(SourceError, match="言い換え"):
        sources.load(tesuryo)


def test_without_a_sidecar_nothing_changes(tesuryo):
    result = sources.load(tesuryo)
    assert all(p.variants == () for p in result.passages)
