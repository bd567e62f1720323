"""The one-FAQ change benchmark on a small index: each change is answered from a generation
that shares the previous one's data, and the index is put back afterwards."""

from __future__ import annotations

import csv

from bench.change import measure
from ingest.index import ingest
from ingest.store import IndexPaths, read_passages
from tests.conftest import MINI


def test_changes_are_answered_and_undone(tmp_path, embedder):
    synthetic = tmp_path / "synthetic"
    synthetic.mkdir()
    with open(synthetic / "synthetic_000.csv", "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["ID", "分類", "質問", "回答", "担当課", "電話番号", "URL", "更新日"])
        w.writerow(["SYN000-1", "ごみ", "北部地区では、粗大ごみはどう出しますか",
                    "北部地区の窓口でのご案内です。粗大ごみは申込制です。", "生活環境課", "", "",
                    ""])
        w.writerow(["SYN000-2", "図書館", "北部地区では、本は何冊借りられますか",
                    "北部地区の窓口でのご案内です。10冊までです。", "図書館", "", "", ""])
    index = tmp_path / "index"
    ingest([MINI, synthetic], index, embedder, progress=False)
    paths = IndexPaths(index)
    before = {p.doc_id: p.text for p in read_passages(paths.generation_dir(
        paths.current_generation()))}
    timings = measure(index, synthetic, embedder, tmp_path / "work")
    assert [t.change for t in timings] == ["approve one variant", "publish one new FAQ",
                                           "edit one FAQ row"]
    assert all(t.answered for t in timings), [t.to_dict() for t in timings]
    assert all(t.delta for t in timings)
    after = {p.doc_id: p.text for p in read_passages(paths.generation_dir(
        paths.current_generation()))}
    assert after == before
