from pathlib import Path

import pytest

from ingest.schema import SourceType
from ingest.sources import html_page
from ingest.sources.common import SourceError

PAGE = Path(__file__).parents[1] / "fixtures" / "mini" / "pages" / "gomi-sodai.html"


def test_page_main_content_split_by_heading_with_anchors():
    passages = {p.doc_id: p for p in html_page.load(PAGE).passages}
    assert list(passages) == ["gomi-sodai#intro", "gomi-sodai#moushikomi", "gomi-sodai#ryokin"]
    sec = passages["gomi-sodai#moushikomi"]
    assert sec.source_type is SourceType.PAGE
    assert sec.title == "粗大ごみの出し方"
    assert sec.locator == "粗大ごみの出し方 ＞ 申し込み方法"
    assert sec.url == "https://www.city.kazamino.example.jp/kurashi/gomi/sodai.html#moushikomi"
    assert (sec.department, sec.contact, sec.category) == ("生活環境課", "0199-21-1701",
                                                           "ごみ・リサイクル")
    assert "小型の品目 500円" in passages["gomi-sodai#ryokin"].text


def test_navigation_breadcrumbs_side_menu_and_footer_are_dropped():
    text = "\n".join(p.text for p in html_page.load(PAGE).passages)
    for noise in ("文字サイズ", "子育て・教育", "ホーム >", "関連リンク", "代表電話", "©"):
        assert noise not in text


def test_page_without_content_is_rejected(tmp_path):
    path = tmp_path / "x.html"
    path.write_text("<html><body><nav>メニュー</nav><footer>フッター</footer></body></html>",
                    encoding="utf-8")
    with pytest.raises(SourceError, match="本文"):
        html_page.load(path)
