"""`madoguchi eval` commands end to end over the mini index (through eval.cli.main, which is
what bot/cli.py dispatches to)."""

import argparse
import json

from bot.pipeline.confidence import Calibration
from eval.cli import add_parsers, main
from tests.eval.conftest import MINI_GOLD


def test_parsers_wire_into_a_root_command():
    root = argparse.ArgumentParser(prog="madoguchi")
    add_parsers(root.add_subparsers(dest="command", required=True))
    args = root.parse_args(["eval", "--gold", "g.jsonl", "--split", "test", "--out", "o"])
    assert (args.command, args.eval_command, str(args.gold[0]), args.split) == (
        "eval", None, "g.jsonl", "test")
    args = root.parse_args(["eval", "compare", "a.json", "b.json"])
    assert args.eval_command == "compare" and str(args.b) == "b.json"
    args = root.parse_args(["eval", "gate", "--gold", "g", "--floors", "f.json"])
    assert (args.eval_command, args.split, str(args.floors[0])) == ("gate", "dev", "f.json")
    args = root.parse_args(["eval", "calibrate", "--gold", "g", "--out", "c.json"])
    assert (args.eval_command, args.split, str(args.out)) == ("calibrate", "dev", "c.json")


def test_eval_writes_the_reports(mini_index, tmp_path, capsys):
    out = tmp_path / "eval-out"
    code = main(["--gold", str(MINI_GOLD), "--split", "test", "--index", str(mini_index),
                 "--out", str(out), "--quiet"])
    assert code == 0
    assert {p.name for p in out.iterdir()} == {"results.jsonl", "report.md", "report.html",
                                               "report.json"}
    printed = capsys.readouterr().out
    assert "hit@1" in printed and "ablation keyword" in printed
    data = json.loads((out / "report.json").read_text("utf-8"))
    assert {r["split"] for r in data["rows"]} == {"test"}

    assert main(["compare", str(out / "report.json"), str(out / "results.jsonl")]) == 0
    assert "Questions whose outcome changed (0)" in capsys.readouterr().out


def test_usage_errors(tmp_path, capsys):
    assert main(["--quiet"]) == 64
    assert "--gold" in capsys.readouterr().err
    assert main(["--gold", str(tmp_path / "none.jsonl")]) == 64
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "x"}\n', encoding="utf-8")
    assert main(["--gold", str(bad)]) == 2
    assert "bad.jsonl:1" in capsys.readouterr().err
    assert main(["--gold", str(MINI_GOLD), "--index", str(tmp_path / "no-index"), "--quiet"]) == 64
    assert main(["compare", str(tmp_path / "a.json"), str(tmp_path / "b.json")]) == 64


def test_calibrate_writes_a_loadable_file(mini_index, tmp_path, capsys):
    out = tmp_path / "confidence.json"
    assert main(["calibrate", "--gold", str(MINI_GOLD), "--index", str(mini_index),
                 "--out", str(out), "--quiet"]) == 0
    printed = capsys.readouterr().out
    assert "MADOGUCHI_ANSWER__TARGET_PRECISION" in printed and "AUROC" in printed
    loaded = Calibration.load(out)
    assert set(loaded.top.weights) >= {"cos_head", "rival_margin"} and loaded.curve
    assert main(["calibrate", "--gold", str(MINI_GOLD), "--split", "test",
                 "--out", str(out)]) == 64


def test_gate_passes_and_fails(mini_index, tmp_path, capsys):
    lenient, strict = tmp_path / "lenient.json", tmp_path / "strict.json"
    lenient.write_text(json.dumps({"floors": {"hit@1": 0.1, "emergency_recall": 0.5},
                                   "ceilings": {"privacy_echo_rate": 0.0}}), encoding="utf-8")
    strict.write_text(json.dumps({"floors": {"hit@1": 0.1, "coverage": 1.01,
                                             "handoff_f1": 1.01}}), encoding="utf-8")
    common = ["--gold", str(MINI_GOLD), "--index", str(mini_index), "--quiet"]
    assert main(["gate", *common, "--floors", str(lenient)]) == 0
    assert "eval gate: OK" in capsys.readouterr().out
    assert main(["gate", *common, "--floors", str(strict)]) == 1
    err = capsys.readouterr().err
    assert "FAILED — 2 of 3" in err
    assert "coverage:" in err and "below its floor 1.01" in err and "handoff_f1:" in err
    assert "hit@1" not in err


def test_two_gold_files_side_by_side_and_gated_each(mini_index, tmp_path, capsys):
    other = tmp_path / "other_gold.jsonl"
    other.write_text(MINI_GOLD.read_text(encoding="utf-8"), encoding="utf-8")
    common = ["--gold", str(MINI_GOLD), "--gold", str(other), "--index", str(mini_index),
              "--quiet"]
    assert main([*common, "--no-ablations", "--out", str(tmp_path / "out")]) == 0
    printed = capsys.readouterr().out
    header = next(line for line in printed.splitlines() if "mini_gold.jsonl" in line
                  and "other_gold.jsonl" in line and "問" not in line)
    assert header.index("mini_gold.jsonl") < header.index("other_gold.jsonl")
    assert "resolved_rate" in printed and "wrong_answer_rate" in printed
    assert (tmp_path / "out" / "other_gold" / "report.json").exists()
    lenient = tmp_path / "lenient.json"
    lenient.write_text(json.dumps({"floors": {"hit@1": 0.1}}), encoding="utf-8")
    strict = tmp_path / "strict.json"
    strict.write_text(json.dumps({"floors": {"hit@1": 1.01}}), encoding="utf-8")
    assert main(["gate", *common, "--floors", str(lenient), "--floors", str(lenient)]) == 0
    assert main(["gate", *common, "--floors", str(lenient), "--floors", str(strict)]) == 1
    assert "other_gold.jsonl" in capsys.readouterr().err
    assert main(["gate", *common, "--floors", str(lenient)]) == 64


def test_calibrate_with_learnt_variants(mini_index, tmp_path, capsys):
    out = tmp_path / "confidence.json"
    assert main(["calibrate", "--gold", str(MINI_GOLD), "--index", str(mini_index),
                 "--out", str(out), "--learn-folds", "2", "--quiet"]) == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    dev = sum(1 for line in MINI_GOLD.read_text(encoding="utf-8").splitlines()
              if '"dev"' in line)
    assert data["top"]["n"] > dev  # each dev question twice: without and with variants
    assert "variant" in Calibration.load(out).top.weights
