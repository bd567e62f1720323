"""The `madoguchi` command: exit codes, --json, --trace and the --batch JSON contract."""

import json

from bot.cli import main
from tests.conftest import MINI


def test_ingest_exit_code_says_whether_anything_was_rejected(tmp_path, capsys):
    assert main(["ingest", str(MINI / "faq" / "mini_sjis.csv"), "--index", str(tmp_path / "a"),
                 "--quiet"]) == 0
    assert main(["ingest", str(MINI / "faq"), "--index", str(tmp_path / "b"), "--quiet"]) == 2
    out = capsys.readouterr().out
    assert "不備: " in out and "broken.csv" in out and "mini_faq.csv:10" in out


def test_confidential_refusal_alone_is_not_an_error(tmp_path, capsys):
    code = main(["ingest", str(MINI / "docs"), "--index", str(tmp_path / "i"), "--quiet",
                 "--json"])
    report = json.loads(capsys.readouterr().out)
    assert code == 0 and report["ok"]
    assert any("internal-manual.md" in r and "機密性2" in r for r in report["refused"])


def test_missing_path_is_a_usage_error(tmp_path, capsys):
    assert main(["ingest", str(tmp_path / "nope"), "--index", str(tmp_path / "i")]) == 64
    assert "見つかりません" in capsys.readouterr().err


def test_ask_json(mini_index, capsys):
    assert main(["ask", "燃やすごみの収集日", "--index", str(mini_index), "--json"]) == 0
    reply = json.loads(capsys.readouterr().out)
    assert reply["decision"] in {"answer", "clarify"}
    assert "trace" not in reply
    assert reply["candidates"][0]["doc_id"] == "T-GOMI-002"


def test_ask_trace_shows_every_step(mini_index, capsys):
    assert main(["ask", "粗大ごみ 料金", "--index", str(mini_index), "--trace"]) == 0
    out = capsys.readouterr().out
    for marker in ("トレース", '"step": "guard"', '"normalized"', '"keyword_top"', '"dense_top"',
                   '"fused_top"', '"signals"', '"step": "decide"'):
        assert marker in out


def test_ask_without_index_says_what_to_do(tmp_path, capsys):
    assert main(["ask", "質問", "--index", str(tmp_path / "none")]) == 64
    assert "madoguchi ingest" in capsys.readouterr().err


def test_batch_contract(mini_index, tmp_path, capsys):
    batch = tmp_path / "q.jsonl"
    batch.write_text('{"id": "q1", "question": "図書館の本は何冊借りられる？"}\n'
                     '{"id": 2, "question": "職員と話したい"}\n'
                     "not json\n"
                     '{"id": "q3", "question": "火事です！"}\n', encoding="utf-8")
    assert main(["ask", "--batch", str(batch), "--index", str(mini_index)]) == 2
    captured = capsys.readouterr()
    rows = [json.loads(line) for line in captured.out.splitlines()]
    assert [r["id"] for r in rows] == ["q1", 2, "q3"]
    assert "q.jsonl:3" in captured.err
    for row in rows:
        assert {"id", "decision", "confidence", "answer", "citations", "candidates"} <= set(row)
        assert row["decision"] in {"answer", "clarify", "handoff", "emergency"}
        assert 0 <= row["confidence"] <= 1
    first = rows[0]
    assert first["candidates"][0]["doc_id"] == "T-TOSHO-001"
    assert len(first["candidates"]) <= 20
    assert set(first["candidates"][0]) == {"doc_id", "score"}
    if first["citations"]:
        assert set(first["citations"][0]) >= {"doc_id", "title", "locator", "url"}
    assert rows[1]["decision"] == "handoff" and rows[2]["decision"] == "emergency"


def _pages_then_reiki(tmp_path):
    """A copy of the mini corpus whose pages and ordinances were ingested one after the other."""
    import shutil

    corpus = tmp_path / "corpus"
    shutil.copytree(MINI, corpus)
    index = str(tmp_path / "i")
    main(["ingest", str(corpus / "pages"), "--index", index, "--quiet"])
    main(["ingest", str(corpus / "reiki"), "--index", index, "--quiet"])
    return corpus, index


def test_sources_lists_the_registry_and_prune_removes_vanished_ones(tmp_path, capsys):
    corpus, index = _pages_then_reiki(tmp_path)
    (corpus / "pages" / "gomi-sodai.html").unlink()
    capsys.readouterr()
    assert main(["sources", "--index", index, "--json"]) == 0
    rows = {r["path"].rsplit("/", 1)[-1]: r for r in json.loads(capsys.readouterr().out)}
    assert set(rows) == {"gomi-sodai.html", "koen.txt", "tesuryo.html"}
    assert not rows["gomi-sodai.html"]["exists"] and rows["koen.txt"]["passages"] > 0
    assert main(["ingest", str(corpus / "reiki"), "--index", index, "--quiet"]) == 0
    assert "--prune で削除" in capsys.readouterr().out
    assert main(["ingest", str(corpus / "reiki"), "--index", index, "--quiet", "--prune"]) == 0
    main(["sources", "--index", index])
    out = capsys.readouterr().out
    assert "gomi-sodai.html" not in out and "ソース 2 件（見つからない 0 件）" in out


def test_a_vanished_registered_path_can_be_named_to_remove_it(tmp_path, capsys):
    import shutil

    corpus, index = _pages_then_reiki(tmp_path)
    shutil.rmtree(corpus / "pages")
    capsys.readouterr()
    assert main(["ingest", str(corpus / "pages"), "--index", index, "--quiet", "--json"]) == 0
    assert [p.rsplit("/", 1)[-1] for p in json.loads(capsys.readouterr().out)["removed"]] == [
        "gomi-sodai.html"]
    assert main(["ingest", str(tmp_path / "never"), "--index", index]) == 64
