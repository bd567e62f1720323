"""A message that names an ordinance article is answered with that article."""

import pytest

from bot.retrieval.reference import article, locator, names


@pytest.mark.parametrize("text, expected", [
    ("図書館条例の第5条には何が書いてありますか", "第5条"),
    ("印鑑条例 第十四条", "第14条"),
    ("手数料条例第２条の２", "第2条の2"),
    ("第 3 条", "第3条"),
    ("第2条と第3条の違い", None),  # two articles: searched
    ("粗大ごみの出し方", None),
])
def test_the_article_a_message_names(text, expected):
    assert locator(text) == expected


@pytest.mark.parametrize("text, title, expected", [
    ("図書館条例の第5条", "風見野市立図書館条例", True),
    ("印鑑条例第14条", "風見野市印鑑条例", True),
    ("廃棄物条例の第19条", "風見野市廃棄物の減量及び適正処理に関する条例", True),  # its start
    ("公園条例 第6条", "テスト市都市公園条例", True),  # its end, before 条例
    ("印鑑条例第14条", "風見野市立図書館条例", False),
    ("第5条", "風見野市立図書館条例", False),  # no ordinance named
])
def test_which_ordinance_a_message_names(text, title, expected):
    assert names(text, title) is expected


def test_one_article_or_none():
    titles = {"toshokan#第5条": "風見野市立図書館条例", "inkan#第5条": "風見野市印鑑条例",
              "toshokan#第6条": "風見野市立図書館条例", "FAQ-1": ""}
    assert article("図書館条例の第5条", titles, titles.get) == "toshokan#第5条"
    assert article("第5条って何", titles, titles.get) is None  # which ordinance?
    assert article("図書館条例の第9条", titles, titles.get) is None  # no such article


def test_a_named_article_is_answered_with_it(pipeline):
    reply = pipeline.answer("手数料条例の第2条には何が書いてありますか")
    assert reply.decision == "answer"
    assert [c.doc_id for c in reply.citations] == ["tesuryo#第2条"]
    pick = next(s for s in reply.trace["steps"] if s["step"] == "pick")
    assert pick["by"] == "article"
    searched = pipeline.answer("第2条には何が書いてありますか")  # no ordinance named
    assert "pick" not in [s["step"] for s in searched.trace["steps"]]
