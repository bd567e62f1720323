"""The chat page's opening: the notice from the language's data file (placeholders filled,
phone numbers tappable) and topic buttons from the corpus's FAQ categories with editable
examples."""

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from bot.service.start import StartPage
from bot.settings import PACKAGE_DATA
from bot.web.phones import tel_links


def test_page_shows_notice_topics_and_tel_links(app_factory):
    html = TestClient(app_factory()).get("/").text
    assert "365 日間保存" in html and "個人情報は入力しないでください" in html
    assert '<a class="tel" href="tel:119"' in html
    assert 'href="tel:0199211111"' in html  # the footer's main number
    assert '<summary lang="ja">ごみ・リサイクル</summary>' in html
    assert "例規" not in html.split('id="topics"')[1].split("</div>")[0]
    assert 'data-ask="粗大ごみはどうやって出せばいいですか"' in html


def test_topics_fall_back_to_the_corpus_questions(tmp_path: Path):
    path = tmp_path / "start.yaml"
    path.write_text("examples: {}\n", encoding="utf-8")
    page = StartPage.load(path)

    class P:
        def __init__(self, category, question, source_type="faq"):
            self.category, self.question, self.source_type = category, question, source_type

    passages = [P("子育て", "児童手当は？。"), P("子育て", "保育園は？"), P("ごみ", "粗大ごみは？"),
                P("子育て", "", "page")]
    topics = page.topics(passages, limit=5, per_topic=1)
    assert [(t.name, t.examples) for t in topics] == [("子育て", ["児童手当は？"]),
                                                      ("ごみ", ["粗大ごみは？"])]


def test_start_file_must_be_a_mapping(tmp_path: Path):
    path = tmp_path / "start.yaml"
    path.write_text("- a\n", encoding="utf-8")
    with pytest.raises(ValueError, match="examples"):
        StartPage.load(path)


def test_shipped_data_file_loads():
    page = StartPage.load(PACKAGE_DATA / "start.yaml")
    assert "例規" in page.hidden and page.examples["ごみ・リサイクル"]


def test_tel_links_escape_text():
    html = str(tel_links("<b>代表 0199-21-1111</b>"))
    assert html.startswith("&lt;b&gt;代表 ") and 'href="tel:0199211111"' in html
