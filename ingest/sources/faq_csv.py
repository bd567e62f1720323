"""FAQ CSV in the municipal standard open-data layout (自治体標準オープンデータセット「FAQ」)
and the header variants cities actually publish. One passage per question and answer."""

from __future__ import annotations

import csv
import hashlib
import io
import re
import unicodedata
from pathlib import Path

from ingest.schema import LoadResult, Passage, Problem, SourceType
from ingest.sources.common import SourceError, confidentiality_of, decode, read_sidecar

# Column roles, each with the header spellings seen in published FAQ files (after normalizing).
COLUMNS: dict[str, tuple[str, ...]] = {
    "id": ("id", "no", "no.", "番号", "faq番号", "faqid", "管理番号", "通し番号", "項番"),
    "question": ("質問", "問い", "問", "q", "question", "質問内容", "質問文", "よくある質問"),
    "answer": ("回答", "答え", "答", "a", "answer", "回答内容", "回答文"),
    "category": ("分類", "カテゴリ", "カテゴリー", "category", "大分類", "分野", "区分"),
    "url": ("url", "関連url", "参照url", "リンク", "link", "関連リンク", "詳細url"),
    "department": ("担当課", "担当部署", "所管課", "担当部局", "担当", "部署", "部署名",
                   "担当課名"),
    "contact": ("電話番号", "電話", "連絡先", "問い合わせ先", "問合せ先", "お問い合わせ先",
                "問合せ", "お問い合わせ"),
    "updated": ("更新日", "回答日", "最終更新日", "更新年月日", "作成日", "公開日", "掲載日"),
    "confidentiality": ("機密性", "公開区分", "機密区分", "公開範囲"),
    "municipality": ("地方公共団体名", "自治体名", "団体名"),
    "note": ("備考", "注記"),
    # Question variants: several per cell, one per line.
    "variants": ("類似質問", "言い換え", "別の聞き方", "質問の言い換え", "言い換え質問",
                 "類似の質問", "質問の別表現", "類義文"),
}
_PHONE = re.compile(r"^[\d０-９()（）\-‐－ー―\s内線]+$")


def _norm_header(cell: str) -> str:
    cell = unicodedata.normalize("NFKC", cell).strip().strip("\ufeff").lower()
    return re.sub(r"[\s「」『』【】\[\]]", "", cell)


def map_columns(header: list[str]) -> dict[str, int]:
    """Role → column index, matched by header name; the first matching column wins."""
    mapping: dict[str, int] = {}
    names = [_norm_header(h) for h in header]
    for role, spellings in COLUMNS.items():
        for i, name in enumerate(names):
            if name in spellings and i not in mapping.values():
                mapping[role] = i
                break
    return mapping


def load(path: Path) -> LoadResult:
    """Read one FAQ CSV; broken rows are reported with their line number and skipped."""
    text = decode(path.read_bytes())
    defaults = read_sidecar(path)
    dialect = "excel-tab" if path.suffix.lower() == ".tsv" else "excel"
    reader = csv.reader(io.StringIO(text, newline=""), dialect=dialect)
    try:
        header = next(reader)
    except StopIteration as exc:
        raise SourceError("見出し行がありません") from exc
    except csv.Error as exc:
        raise SourceError(f"CSV の見出し行が読めません: {exc}", line=1) from exc
    cols = map_columns(header)
    missing = [role for role in ("question", "answer") if role not in cols]
    if missing:
        raise SourceError(f"質問・回答の列が見つかりません（見出し: {', '.join(header)}）", line=1)
    result = LoadResult()
    seen: dict[str, int] = {}
    start = 2
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            result.problems.append(Problem(str(path), f"CSV の行が壊れています: {exc}", start))
            start = reader.line_num + 1
            continue
        line, start = start, reader.line_num + 1
        if not any(cell.strip() for cell in row):
            continue
        try:
            passage = _row_passage(path, row, cols, defaults, line, len(header))
        except SourceError as exc:
            result.problems.append(Problem(str(path), exc.message, line))
            continue
        if passage.doc_id in seen:
            message = f"ID {passage.doc_id} が {seen[passage.doc_id]} 行目と重複しています"
            result.problems.append(Problem(str(path), message, line))
            continue
        seen[passage.doc_id] = line
        result.passages.append(passage)
    return result


def _cell(row: list[str], cols: dict[str, int], role: str) -> str:
    i = cols.get(role)
    if i is None or i >= len(row):
        return ""
    return row[i].strip()


def _row_passage(
    path: Path, row: list[str], cols: dict[str, int], defaults: dict[str, str], line: int,
    width: int,
) -> Passage:
    needed = max(cols["question"], cols["answer"]) + 1
    if len(row) < needed:
        raise SourceError(f"列が足りません（{len(row)} 列、少なくとも {needed} 列必要）")
    if len(row) > width and any(cell.strip() for cell in row[width:]):
        raise SourceError(f"列が多すぎます（{len(row)} 列、見出しは {width} 列）。"
                          "カンマを含むセルは \" で囲んでください")
    question, answer = _cell(row, cols, "question"), _cell(row, cols, "answer")
    if not question or not answer:
        raise SourceError("質問または回答が空です")
    row_id = _cell(row, cols, "id") or _fallback_id(path, question)
    department = _cell(row, cols, "department") or defaults.get("department", "")
    contact = _cell(row, cols, "contact") or defaults.get("contact", "")
    if contact and not department and not _PHONE.match(contact):
        department, contact = contact, ""
    return Passage(
        doc_id=unicodedata.normalize("NFKC", row_id),
        source_type=SourceType.FAQ,
        title=question,
        question=question,
        text=answer.replace("\r\n", "\n"),
        url=_cell(row, cols, "url") or defaults.get("url", ""),
        department=department,
        contact=contact,
        category=_cell(row, cols, "category") or defaults.get("category", ""),
        updated=_cell(row, cols, "updated") or defaults.get("updated", ""),
        confidentiality=confidentiality_of(
            _cell(row, cols, "confidentiality") or defaults.get("confidentiality")),
        source_path=str(path),
        extra={"line": str(line), "note": _cell(row, cols, "note")},
        variants=split_variants(_cell(row, cols, "variants"), question),
    )


def split_variants(cell: str, question: str = "") -> tuple[str, ...]:
    """The variants of one cell: one per line, blanks, repeats and the question itself dropped.

    Compared after NFKC and without spaces, so 「ゴミ　出し方」 and 「ゴミ 出し方」 are one."""
    seen = {_variant_key(question)} if question else set()
    out = []
    for line in cell.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        text = line.strip()
        key = _variant_key(text)
        if text and key not in seen:
            seen.add(key)
            out.append(text)
    return tuple(out)


def _variant_key(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def _fallback_id(path: Path, question: str) -> str:
    """Without an ID column, a hash of the question keeps the id stable across re-ingests."""
    digest = hashlib.sha1(question.encode("utf-8")).hexdigest()[:10]
    return f"{path.stem}-{digest}"
