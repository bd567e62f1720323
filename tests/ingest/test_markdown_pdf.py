from pathlib import Path

import pytest

from ingest.schema import Confidentiality, SourceType
from ingest.sources import markdown, pdf
from ingest.sources.common import SourceError

DOCS = Path(__file__).parents[1] / "fixtures" / "mini" / "docs"


def test_markdown_front_matter_and_sections():
    passages = {p.doc_id: p for p in markdown.load(DOCS / "soudan.md").passages}
    assert list(passages) == ["shimin-soudan#intro", "shimin-soudan#horitsu",
                              "shimin-soudan#gyosei"]
    law = passages["shimin-soudan#horitsu"]
    assert law.source_type is SourceType.MARKDOWN
    assert law.locator == "市民相談のご案内 ＞ 法律相談"
    assert law.url.endswith("/soudan/shimin.html#horitsu")
    assert law.department == "市民相談室"


def test_markdown_confidentiality_is_read():
    [p] = markdown.load(DOCS / "internal-manual.md").passages
    assert p.confidentiality is Confidentiality.LEVEL2


def test_markdown_bad_front_matter(tmp_path):
    path = tmp_path / "bad.md"
    path.write_text("---\ntitle: [unclosed\n---\n## a\nb\n", encoding="utf-8")
    with pytest.raises(SourceError, match="フロントマター"):
        markdown.load(path)


def test_pdf_pages_with_sidecar_metadata():
    passages = pdf.load(DOCS / "guide.pdf").passages
    assert [p.doc_id for p in passages] == ["gomi-guide#p1", "gomi-guide#p2"]
    spray = passages[1]
    assert "穴をあけずに燃やさないごみの日" in spray.text
    assert spray.locator == "テスト市 ごみの出し方ガイド 2ページ"
    assert spray.url.endswith("guide.pdf#page=2")
    assert spray.department == "生活環境課"


@pytest.mark.parametrize("data", [b"", b"%PDF-1.4 this is not really a pdf"])
def test_broken_pdf_is_rejected(tmp_path, data):
    path = tmp_path / "x.pdf"
    path.write_bytes(data)
    with pytest.raises(SourceError):
        pdf.load(path)
