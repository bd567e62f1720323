from pathlib import Path

import pytest

from ingest.schema import SourceType
from ingest.sources import html_page, ordinance
from ingest.sources.common import SourceError

REIKI = Path(__file__).parents[1] / "fixtures" / "mini" / "reiki"


def by_id(result):
    return {p.doc_id: p for p in result.passages}


def test_html_ordinance_split_by_article():
    passages = by_id(html_page.load(REIKI / "tesuryo.html"))
    assert list(passages) == ["tesuryo#第1条", "tesuryo#第2条", "tesuryo#第2条の2",
                              "tesuryo#第3条", "tesuryo#附則"]
    art = passages["tesuryo#第2条"]
    assert art.source_type is SourceType.ORDINANCE
    assert art.locator == "テスト市手数料条例 第2条"
    assert art.text.splitlines()[0] == "（手数料の額）"
    assert "(1) 住民票の写しの交付 1通につき300円" in art.text
    assert "２ 前項の手数料は、申請の際に徴収する。" in art.text
    assert art.extra["chapter"] == "第2章 手数料"
    assert art.url == "https://www.city.kazamino.example.jp/reiki/tesuryo.html#j2"
    assert passages["tesuryo#第2条の2"].url.endswith("#j2-2")
    assert (art.department, art.contact) == ("総務課", "0199-21-1102")
    assert "平成18年4月1日から施行" in passages["tesuryo#附則"].text
    assert "例規集" not in "".join(p.text for p in passages.values())


def test_plain_text_ordinance_with_kanji_numerals():
    passages = by_id(ordinance.load(REIKI / "koen.txt"))
    assert list(passages) == ["koen#第1条", "koen#第2条", "koen#第3条", "koen#附則"]
    assert passages["koen#第2条"].locator == "テスト市都市公園条例 第2条"
    assert "十日前までに" in passages["koen#第2条"].text
    assert "一 植物を採取すること。" in passages["koen#第3条"].text


@pytest.mark.parametrize("numeral, value", [
    ("1", 1), ("１２", 12), ("十", 10), ("十二", 12), ("二十三", 23), ("百五", 105), ("三", 3)])
def test_to_int(numeral, value):
    assert ordinance.to_int(numeral) == value


@pytest.mark.parametrize("line, key", [
    ("第12条 市長は", "第12条"), ("第十二条の二　前条", "第12条の2"), ("第3条", "第3条"),
    ("第3条の規定により", None), ("前条第2項", None)])
def test_article_key(line, key):
    assert ordinance.article_key(line) == key


def test_ordinance_without_articles_is_rejected(tmp_path):
    path = tmp_path / "empty.txt"
    path.write_text("風見野市なにかの条例\nこの条例には条がありません。\n", encoding="utf-8")
    with pytest.raises(SourceError, match="条"):
        ordinance.load(path)


def test_table_of_contents_does_not_swallow_the_articles():
    lines = ["テスト条例", "目次", "第1章 総則（第1条・第2条）", "附則", "第1章 総則", "（目的）",
             "第1条 この条例は目的を定める。", "第2条 定義を定める。", "附 則", "施行する。"]
    keys = [a.key for a in ordinance.split_articles(lines)]
    assert keys == ["第1条", "第2条", "附則"]
