from pathlib import Path

import pytest

from ingest.schema import Confidentiality, SourceType
from ingest.sources import faq_csv
from ingest.sources.common import SourceError

MINI = Path(__file__).parents[1] / "fixtures" / "mini" / "faq"


def test_standard_layout_utf8_bom_with_multiline_cells():
    result = faq_csv.load(MINI / "mini_faq.csv")
    first = result.passages[0]
    assert first.doc_id == "T-SHIMIN-001"
    assert first.source_type is SourceType.FAQ
    assert first.question == "住民票の写しはどこで取れますか"
    assert "\n手数料は1通300円です。" in first.text
    assert (first.department, first.contact) == ("市民課", "0199-21-1201")
    assert first.category == "住民票・戸籍・印鑑登録"
    assert first.updated == "2026-04-01"
    assert first.url.endswith("juminhyo.html")


def test_broken_row_is_reported_with_file_and_line_and_the_rest_is_kept():
    result = faq_csv.load(MINI / "mini_faq.csv")
    assert [p.doc_id for p in result.passages][-1] == "T-TOSHO-001"
    assert len(result.passages) == 7
    [problem] = result.problems
    assert problem.line == 10 and "空" in problem.message
    assert str(problem).startswith(str(MINI / "mini_faq.csv") + ":10:")


def test_shift_jis_variant_headers():
    result = faq_csv.load(MINI / "mini_sjis.csv")
    suido = result.passages[0]
    assert suido.doc_id == "T-SUIDO-001"
    assert suido.category == "上下水道"
    assert suido.department == "上下水道局 お客さまセンター"
    assert suido.contact == "0199-26-6100"
    assert suido.updated == "2026/04/01"
    assert "料金は2か月ごとに請求します。" in suido.text


def write(tmp_path, text, name="x.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_text(text, encoding=encoding)
    return path


def test_missing_question_column_rejects_the_file(tmp_path):
    path = write(tmp_path, "ID,タイトル,本文\n1,a,b\n")
    with pytest.raises(SourceError, match="質問・回答の列"):
        faq_csv.load(path)


def test_duplicate_ids_and_short_rows_are_problems(tmp_path):
    path = write(tmp_path, "ID,質問,回答\nA1,q1,a1\nA1,q2,a2\nA2\nA3,q3,a3\n")
    result = faq_csv.load(path)
    assert [p.doc_id for p in result.passages] == ["A1", "A3"]
    assert [(p.line, "重複" in p.message or "列が足りません" in p.message)
            for p in result.problems] == [(3, True), (4, True)]


def test_without_id_column_the_id_is_stable_across_reads(tmp_path):
    path = write(tmp_path, "問い,答え,問い合わせ先\nごみの日は,月曜です,生活環境課\n")
    a, b = faq_csv.load(path).passages[0], faq_csv.load(path).passages[0]
    assert a.doc_id == b.doc_id and a.doc_id.startswith("x-")
    assert a.department == "生活環境課" and a.contact == ""


def test_confidentiality_column(tmp_path):
    path = write(tmp_path, "ID,質問,回答,機密性\n1,q,a,機密性2\n2,q2,a2,公開\n")
    levels = [p.confidentiality for p in faq_csv.load(path).passages]
    assert levels == [Confidentiality.LEVEL2, Confidentiality.PUBLIC]


def test_unknown_confidentiality_value_is_a_row_problem(tmp_path):
    path = write(tmp_path, "ID,質問,回答,機密性\n1,q,a,たぶん秘密\n2,q2,a2,公開\n")
    result = faq_csv.load(path)
    assert [p.doc_id for p in result.passages] == ["2"]
    assert "機密性" in result.problems[0].message


def test_column_mapping_by_header_name():
    cols = faq_csv.map_columns(["No.", "カテゴリー", "Ｑ", "Ａ", "担当部署", "更新日"])
    assert cols == {"id": 0, "category": 1, "question": 2, "answer": 3, "department": 4,
                    "updated": 5}


def test_row_with_more_cells_than_the_header_is_a_problem(tmp_path):
    path = write(tmp_path, "ID,質問,回答,担当課\n1,q,料金は1,000円です,市民課\n2,q2,a2,市民課\n")
    result = faq_csv.load(path)
    assert [p.doc_id for p in result.passages] == ["2"]
    assert "列が多すぎます" in result.problems[0].message and result.problems[0].line == 2
