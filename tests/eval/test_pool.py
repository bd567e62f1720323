"""Pooled judging: which items are pooled, what is searched, the union of rankings, qrels files,
and rewriting a gold's `relevant` from the judgements."""

import json

import pytest

from eval.ablations import ablation_ranking, ablation_retrievers
from eval.gold import GoldItem, load_gold
from eval.pool import (
    QrelsError,
    apply_qrels,
    main,
    merge_rankings,
    pool_item,
    pool_queries,
    poolable,
    read_qrels,
    retriever_ranker,
    sheet_rows,
    write_qrels,
)


def item(**fields) -> GoldItem:
    base = {"id": "q1", "question": "手数料は？", "expect": "answer", "type": "faq"}
    return GoldItem.model_validate(base | fields)


def test_followups_are_also_searched_after_the_earlier_messages():
    turn = item(type="followup", history=["住民票はどこで取れますか", "土日もやってる？"])
    meant = "住民票はどこで取れますか 土日もやってる？ 手数料は？"
    assert pool_queries(turn) == ["手数料は？", meant]
    switch = item(type="switch", history=["住民票はどこで取れますか"], question="避難所どこ？")
    assert pool_queries(switch) == ["避難所どこ？"]
    assert pool_queries(item()) == ["手数料は？"]


def test_emergencies_and_chit_chat_are_not_pooled():
    assert poolable(item()) and poolable(item(type="not_covered", expect="handoff"))
    assert poolable(item(type="person", expect="handoff"))
    assert not poolable(item(type="out_of_scope", expect="handoff"))
    assert not poolable(item(type="emergency", expect="emergency"))


def test_merge_keeps_each_documents_best_rank():
    assert merge_rankings([["a", "b", "c"], ["c", "d"], []]) == ["a", "c", "b", "d"]


def test_pool_item_cuts_each_ranking_at_depth_and_lists_unjudged_documents():
    calls = []

    def rank(query: str, depth: int) -> list[list[str]]:
        calls.append((query, depth))
        return [["A", "B", "C"], ["D", "A"], ["E"]]

    entry = pool_item(item(relevant={"A": 2}), rank, 2, {"D": 0})
    assert calls == [("手数料は？", 2)]
    assert entry.pooled == ("A", "D", "E", "B")
    assert entry.unjudged == ("E", "B")


def test_qrels_round_trip_in_gold_order(tmp_path):
    path = tmp_path / "g.qrels"
    write_qrels(path, {"b": {"X": 0, "Y": 2}, "a": {"Z": 1}, "zz": {"W": 2}}, ["a", "b"])
    assert path.read_text().splitlines() == ["a 0 Z 1", "b 0 Y 2", "b 0 X 0", "zz 0 W 2"]
    assert read_qrels(path) == {"a": {"Z": 1}, "b": {"Y": 2, "X": 0}, "zz": {"W": 2}}
    assert read_qrels(tmp_path / "missing.qrels") == {}


@pytest.mark.parametrize("bad", ["a 0 X", "a 0 X 3", "a 0 X two"])
def test_bad_qrels_lines_name_file_and_line(tmp_path, bad):
    path = tmp_path / "g.qrels"
    path.write_text(f"a 0 Y 1\n{bad}\n")
    with pytest.raises(QrelsError, match=r"g\.qrels:2"):
        read_qrels(path)


def test_judgements_override_the_gold_and_zero_removes():
    records = [{"id": "a", "relevant": {"X": 1, "Y": 2}}, {"id": "b", "relevant": {"Z": 2}}]
    out, changed = apply_qrels(records, {"a": {"Y": 0, "X": 2, "W": 1}})
    assert out == [{"id": "a", "relevant": {"X": 2, "W": 1}}, {"id": "b", "relevant": {"Z": 2}}]
    assert list(out[0]["relevant"]) == ["X", "W"] and changed == 1


def test_apply_command_rewrites_the_gold_file(tmp_path, capsys):
    gold = tmp_path / "g.jsonl"
    rows = [{"id": "a", "question": "粗大ごみ", "relevant": {}, "expect": "answer",
             "type": "short"},
            {"id": "b", "question": "人と話したい", "relevant": {}, "expect": "handoff",
             "type": "person", "note": "kept"}]
    gold.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))
    qrels = tmp_path / "g.qrels"
    qrels.write_text("a 0 D1 2\na 0 D2 0\nb 0 D3 1\n")
    assert main(["apply", "--gold", str(gold), "--qrels", str(qrels)]) == 0
    a, b = load_gold(gold)
    assert a.relevant == {"D1": 2} and b.relevant == {"D3": 1}
    assert json.loads(gold.read_text().splitlines()[1])["note"] == "kept"
    assert "2 items changed" in capsys.readouterr().out

    qrels.write_text("c 0 D1 2\n")
    assert main(["apply", "--gold", str(gold), "--qrels", str(qrels)]) == 2
    assert "c" in capsys.readouterr().err


def test_sheet_pools_the_three_retrievers_and_lists_only_unjudged_documents(pipeline,
                                                                           mini_gold):
    base = pipeline.retriever
    passages = {p.doc_id: p for p in base.index.get().passages}
    rank = retriever_ranker(base)
    hybrid, keyword, dense = (ablation_ranking(r, "粗大ごみ 料金", 3)
                              for r in ablation_retrievers(base, base.weights).values())
    assert sorted(map(sorted, rank("粗大ごみ 料金", 3))) == sorted(map(sorted,
                                                                      (hybrid, keyword, dense)))
    entries, rows = sheet_rows(mini_gold, rank, passages, {}, depth=3, width=20)
    assert {e.item_id for e in entries} == {i.id for i in mini_gold if poolable(i)}
    assert rows and all(len(d["text"]) <= 21 for r in rows for d in r["unjudged"])
    judged = {e.item_id: dict.fromkeys(e.pooled, 0) for e in entries}
    assert sheet_rows(mini_gold, rank, passages, judged, depth=3)[1] == []


def test_sheet_command_writes_the_judging_sheet(mini_index, tmp_path, capsys):
    gold = tmp_path / "g.jsonl"
    gold.write_text(json.dumps({"id": "a", "question": "粗大ごみの料金", "relevant": {},
                                "expect": "answer", "type": "short"}, ensure_ascii=False) + "\n")
    out = tmp_path / "sheet.jsonl"
    assert main(["sheet", "--gold", str(gold), "--qrels", str(tmp_path / "none.qrels"),
                 "--index", str(mini_index), "--depth", "2", "--out", str(out)]) == 0
    row = json.loads(out.read_text().splitlines()[0])
    assert row["id"] == "a" and row["unjudged"]
    assert "1 items pooled" in capsys.readouterr().out
