"""`madoguchi eval`: run the gold set, compare two runs, calibrate confidence, gate regressions.

bot/cli.py wires it with `add_parsers(sub)` and the handler `cmd_eval(args, settings)`;
`python -m eval …` runs the same commands on their own."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.settings import PACKAGE_DATA, Settings

if TYPE_CHECKING:
    from bot.pipeline.run import Pipeline
    from eval.gold import GoldItem
    from eval.rows import ResultRow
    from eval.runner import EvalRun

EXIT_OK, EXIT_GATE_FAILED, EXIT_REJECTED, EXIT_USAGE = 0, 1, 2, 64
SUMMARY = ("hit@1", "hit@3", "recall@10", "ndcg@10", "answered_precision", "coverage",
           "clarify_rate", "wrong_answer_rate", "resolved_rate", "topics_covered_rate",
           "handoff_f1", "emergency_recall", "false_handoff_rate", "privacy_echo_rate",
           "p_top_auroc", "p_top_ece", "latency_p95_ms")


def _gold_args(p: argparse.ArgumentParser, required: bool, split: str | None) -> None:
    p.add_argument("--gold", type=Path, required=required, metavar="FILE.jsonl",
                   action="append",
                   help="正解データ（1 行 1 問の JSONL、またはそれを含むフォルダ）。"
                        "繰り返すと各ファイルを並べて評価する")
    default = "" if split is None else f"（既定: {split}）"
    p.add_argument("--split", choices=("dev", "test"), default=split,
                   help="この split の問だけを使う" + default)
    p.add_argument("--index", type=Path, default=None, metavar="DIR",
                   help="索引ディレクトリ（既定: MADOGUCHI_INDEX_DIR または ./data/index）")
    p.add_argument("--quiet", action="store_true", help="進捗表示をしない")


def add_parsers(subparsers: Any) -> argparse.ArgumentParser:
    """Add `eval` (with `compare`, `calibrate`, `gate`) to the root command's subparsers."""
    p = subparsers.add_parser(
        "eval", help="正解データで評価する（報告書・比較・較正・回帰ゲート）",
        description="正解データの全問を実際の応答パイプラインに通し、検索・回答・引用・引き継ぎを"
                    "採点して results.jsonl, report.md, report.html, report.json を書き出します。")
    _gold_args(p, required=False, split=None)
    p.add_argument("--out", type=Path, default=Path("eval-out"), metavar="DIR",
                   help="出力フォルダ（既定: eval-out/）")
    p.add_argument("--failures", type=int, default=10, metavar="N",
                   help="失敗例を種類ごとに最大 N 件載せる（既定: 10）")
    p.add_argument("--no-ablations", action="store_true",
                   help="keyword / dense / hybrid の比較を省く")
    p.add_argument("--learn-folds", type=int, default=None, metavar="K",
                   help="学習の模擬: K 分割し、他の分割の質問を正解パッセージの承認済み言い換え"
                        "として加え、残りの分割を尋ねる。指標ごとの向上を報告する")
    p.add_argument("--learn-targets", choices=("first", "all"), default="first",
                   help="--learn-folds で質問を付ける先: first = 最初の正解（作成者が想定した）"
                        "パッセージ（既定）、all = 評価 2 のすべてのパッセージ")
    p.add_argument("--composer", choices=("extractive", "llm"), default="extractive",
                   help="llm: 抜粋と生成（MADOGUCHI_LLM__*）の回答を並べて比べる")
    sub = p.add_subparsers(dest="eval_command", metavar="{compare,calibrate,safety,gate,pii}")
    c = sub.add_parser("compare", help="2 回の評価結果を比べる（改善・悪化）")
    c.add_argument("a", type=Path, metavar="A.json", help="前の report.json か results.jsonl")
    c.add_argument("b", type=Path, metavar="B.json", help="後の report.json か results.jsonl")
    c.add_argument("--json", action="store_true", help="結果を JSON で出力")
    k = sub.add_parser("calibrate", help="確信度モデルを dev split で当てはめる")
    _gold_args(k, required=True, split="dev")
    k.add_argument("--out", type=Path, default=PACKAGE_DATA / "confidence.json", metavar="PATH",
                   help="書き出す較正ファイル（既定: bot/data/confidence.json）")
    k.add_argument("--l2", type=float, default=0.05, help="L2 正則化の強さ（既定: 0.05）")
    k.add_argument("--target-precision", type=float, default=0.95,
                   help="回答しきい値で目指す precision（既定: 0.95）")
    k.add_argument("--learn-folds", type=int, default=None, metavar="K",
                   help="言い換えを学習した状態（--learn-folds と同じ K 分割）の回答も"
                        "加えて当てはめる")
    from eval import safety

    safety.add_parser(sub)
    g = sub.add_parser("gate", help="主要指標が下限を下回ったら失敗する（終了コード 1）")
    _gold_args(g, required=True, split="dev")
    g.add_argument("--floors", type=Path, action="append", metavar="FILE",
                   help="下限値の JSON（--gold と同じ順に 1 つずつ。既定: eval/floors.json）")
    g.add_argument("--out", type=Path, default=None, metavar="DIR",
                   help="報告書もこのフォルダに書き出す")
    q = sub.add_parser("pii", help="個人情報マスキングの再現率と誤検出率（種類別）")
    q.add_argument("--gold", type=Path, default=None, metavar="FILE.jsonl",
                   help="個人情報の正解データ（既定: tests/fixtures/pii_gold.jsonl）")
    q.add_argument("--split", choices=("dev", "test"), default="dev",
                   help="この split で測る（既定: dev。調整は dev だけで）")
    q.add_argument("--json", action="store_true", help="結果を JSON で出力")
    q.add_argument("--quiet", action="store_true", help="見逃し・誤検出の一覧を出さない")
    return p


def cmd_eval(args: argparse.Namespace, settings: Settings) -> int:
    """Dispatch `madoguchi eval [compare|calibrate|gate]`."""
    handlers = {None: _cmd_run, "compare": _cmd_compare, "calibrate": _cmd_calibrate,
                "gate": _cmd_gate, "pii": _cmd_pii,
                "safety": _cmd_safety}
    return handlers[getattr(args, "eval_command", None)](args, settings)


def _cmd_safety(args: argparse.Namespace, settings: Settings) -> int:
    from eval import safety

    return safety.command(args, settings.answer.emergency_path, settings.embedder)


def _err(message: str) -> None:
    print(message, file=sys.stderr)


def _load_items(args: argparse.Namespace) -> list[tuple[Path, list[GoldItem]]] | int:
    """The items of each --gold file (in the order given), or an exit code."""
    from eval.gold import GoldError, load_gold

    if not args.gold:
        _err("--gold FILE.jsonl で正解データを指定してください")
        return EXIT_USAGE
    missing = [str(g) for g in args.gold if not g.exists()]
    if missing:
        _err(f"正解データが見つかりません: {', '.join(missing)}")
        return EXIT_USAGE
    try:
        return [(g, load_gold(g, args.split)) for g in args.gold]
    except GoldError as exc:
        _err(f"正解データを読めません: {exc}")
        return EXIT_REJECTED


def _pipeline(settings: Settings) -> Pipeline | int:
    from bot.factory import build

    try:
        return build(settings, index_dir=settings.index_dir).pipeline
    except FileNotFoundError as exc:
        _err(str(exc))
        return EXIT_USAGE


def _learning_golds_and_pipeline(args: argparse.Namespace, settings: Settings
                                 ) -> tuple[list[tuple[Path, list[GoldItem]]], Pipeline] | int:
    """`_golds_and_pipeline` for `--learn-folds K`, refusing K < 2 (a usage error)."""
    if args.learn_folds < 2:
        _err("--learn-folds には 2 以上を指定してください")
        return EXIT_USAGE
    return _golds_and_pipeline(args, settings)


def _golds_and_pipeline(args: argparse.Namespace, settings: Settings
                        ) -> tuple[list[tuple[Path, list[GoldItem]]], Pipeline] | int:
    """The items of each --gold file and the pipeline, or the exit code."""
    golds = _load_items(args)
    if isinstance(golds, int):
        return golds
    pipeline = _pipeline(settings)
    if isinstance(pipeline, int):
        return pipeline
    return golds, pipeline


def _evaluate(args: argparse.Namespace, settings: Settings, ablations: bool
              ) -> list[EvalRun] | int:
    """One run per --gold file, over one pipeline."""
    from tqdm import tqdm

    from eval.runner import evaluate

    loaded = _golds_and_pipeline(args, settings)
    if isinstance(loaded, int):
        return loaded
    golds, pipeline = loaded
    runs = []
    for gold, items in golds:
        meta = {"gold": str(gold), "split": args.split,
                "started": dt.datetime.now().isoformat(timespec="seconds")}
        with tqdm(total=len(items), disable=args.quiet, desc=f"eval {gold.name}",
                  file=sys.stderr) as bar:
            run = evaluate(pipeline, items, meta, with_ablations=ablations,
                           progress=_ticker(bar))
        unknown = run.meta["unknown_doc_ids"]
        if unknown:
            _err(f"注意: {gold} の doc_id のうち {len(unknown)} 件が索引にありません: "
                 + ", ".join(unknown[:10]) + (" …" if len(unknown) > 10 else ""))
        runs.append(run)
    return runs


def _items_and_pipeline(args: argparse.Namespace, settings: Settings
                        ) -> tuple[list[GoldItem], Pipeline] | int:
    """The items of every --gold file together and the pipeline, or the exit code."""
    loaded = _golds_and_pipeline(args, settings)
    if isinstance(loaded, int):
        return loaded
    golds, pipeline = loaded
    return [item for _, items in golds for item in items], pipeline


def _ticker(bar: Any) -> Any:
    return lambda n: bar.update(1)


def _summary(runs: list[EvalRun]) -> str:
    """The headline metrics of each run, side by side (one column per gold file)."""
    from eval.report import fmt

    names = [Path(r.meta["gold"]).name for r in runs]
    width = max(12, *(len(n) for n in names))
    split = runs[0].meta.get("split") or "all"
    lines = [f"split {split}: " + ", ".join(f"{n} {r.meta['n']} 問"
                                            for n, r in zip(names, runs, strict=True)),
             " " * 22 + "".join(f"{n:>{width + 2}}" for n in names)]
    for name in SUMMARY:
        values = [fmt(name, r.aggregates["overall"].get(name)) for r in runs]
        lines.append(f"  {name:<20}" + "".join(f"{v:>{width + 2}}" for v in values))
    for run, gold in zip(runs, names, strict=True):
        for a in run.ablations:
            lines.append(f"  {gold} ablation {a.name:<11} hit@1 "
                         f"{fmt('', a.metrics.get('hit@1'))}  recall@10 "
                         f"{fmt('', a.metrics.get('recall@10'))}  ndcg@10 "
                         f"{fmt('', a.metrics.get('ndcg@10'))}")
    return "\n".join(lines)


def _out_dir(base: Path, run: EvalRun, several: bool) -> Path:
    return base / Path(run.meta["gold"]).stem if several else base


def _cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    from eval.report import write_report

    if args.composer == "llm":
        return _cmd_composers(args, settings)
    if args.learn_folds is not None:
        return _cmd_learn(args, settings)
    runs = _evaluate(args, settings, ablations=not args.no_ablations)
    if isinstance(runs, int):
        return runs
    written = []
    for run in runs:
        paths = write_report(run, _out_dir(args.out, run, len(runs) > 1), args.failures)
        written += [str(p) for p in paths.values()]
    print(_summary(runs))
    print("書き出し: " + ", ".join(written))
    return EXIT_OK


def _cmd_learn(args: argparse.Namespace, settings: Settings) -> int:
    """`--learn-folds K`: the gain from learning residents' questions as variants
    (eval/learn.py)."""
    from tqdm import tqdm

    from bot.factory import chroma_config
    from eval.learn import learn_folds

    loaded = _learning_golds_and_pipeline(args, settings)
    if isinstance(loaded, int):
        return loaded
    golds, pipeline = loaded
    out: dict[str, Any] = {}
    lines = []
    for gold, items in golds:
        with tqdm(total=2 * len(items), disable=args.quiet, desc=f"learn {gold.name}",
                  file=sys.stderr) as bar:
            result = learn_folds(pipeline, items, args.learn_folds, chroma_config(settings),
                                 progress=_ticker(bar), targets=args.learn_targets)
        out[str(gold)] = {"split": args.split, **result.to_dict()}
        lines += result.lines(f"{gold.name}（split {args.split or 'all'}）")
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / "learn_folds.json"
    path.write_text(json.dumps(out, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print("\n".join(lines))
    print(f"書き出し: {path}")
    return EXIT_OK


def _cmd_composers(args: argparse.Namespace, settings: Settings) -> int:
    """`--composer llm`: extractive and generative answers side by side (eval/generative.py)."""
    from tqdm import tqdm

    from bot.llm.model import chat_model
    from eval.generative import Judge, compare_composers, summary_text, write

    if settings.llm.provider == "none":
        _err("--composer llm には生成モデルの設定が必要です: MADOGUCHI_LLM__PROVIDER など"
             "（docs/llm.md）")
        return EXIT_USAGE
    loaded = _items_and_pipeline(args, settings)
    if isinstance(loaded, int):
        return loaded
    items, pipeline = loaded
    judge = None
    if settings.llm.judge_model:  # the same server, another model
        judge_model = chat_model(settings.llm, settings.llm.judge_model)
        judge = Judge.load(judge_model) if judge_model is not None else None
    with tqdm(total=2 * len(items), disable=args.quiet, desc="eval", file=sys.stderr) as bar:
        data = compare_composers(pipeline, items, judge, progress=_ticker(bar))
    paths = write(data, args.out)
    print(summary_text(data))
    print("書き出し: " + ", ".join(str(p) for p in paths.values()))
    return EXIT_OK


def _cmd_compare(args: argparse.Namespace, settings: Settings) -> int:
    from eval.compare import compare, load_run, render, to_json

    missing = [str(p) for p in (args.a, args.b) if not p.exists()]
    if missing:
        _err(f"見つかりません: {', '.join(missing)}")
        return EXIT_USAGE
    try:
        result = compare(load_run(args.a), load_run(args.b))
    except ValueError as exc:
        _err(f"評価結果を読めません: {exc}")
        return EXIT_REJECTED
    print(json.dumps(to_json(result), ensure_ascii=False, indent=1) if args.json
          else render(result))
    return EXIT_OK


def _cmd_calibrate(args: argparse.Namespace, settings: Settings) -> int:
    from eval.calibrate import CalibrationError, calibration_json, current_auroc, fit

    if args.split != "dev":
        _err("較正は dev split だけで行います（test は評価用に取っておきます）: --split dev")
        return EXIT_USAGE
    loaded = _calibration_rows(args, settings)
    if isinstance(loaded, int):
        return loaded
    rows, choice_rows = loaded
    try:
        fitted = fit(rows, args.l2, args.target_precision, choice_rows)
    except CalibrationError as exc:
        _err(f"較正できません: {exc}")
        return EXIT_REJECTED
    args.out.parent.mkdir(parents=True, exist_ok=True)
    source = " + ".join(str(g) for g in args.gold)
    args.out.write_text(json.dumps(calibration_json(fitted, source), ensure_ascii=False,
                                   indent=1) + "\n", encoding="utf-8")
    print(f"書き出し: {args.out}")
    print(f"dev: n={fitted.top.n}; P(1位が正しい) 正例 {fitted.top.positives}, AUROC "
          f"{_auc(fitted.top.auroc)}（これまでの確信度では {_auc(current_auroc(rows))}）; "
          f"P(選択肢に正解) 正例 {fitted.choices.positives}, AUROC {_auc(fitted.choices.auroc)}")
    print(_operating_text(fitted, args.target_precision))
    return EXIT_OK


def _calibration_rows(args: argparse.Namespace, settings: Settings
                      ) -> tuple[list[ResultRow], list[ResultRow] | None] | int:
    """The dev rows to fit on, and those of the choice model (None: the same); with
    --learn-folds every question answered twice: as the index is, and with the other folds'
    questions learnt as variants (eval/learn.py), so the answer model also sees variant
    matches; the choice model keeps the first answers."""
    from bot.factory import chroma_config
    from eval.learn import learn_folds

    if not args.learn_folds:
        runs = _evaluate(args, settings, ablations=False)
        return runs if isinstance(runs, int) else ([row for run in runs for row in run.rows],
                                                   None)
    loaded = _learning_golds_and_pipeline(args, settings)
    if isinstance(loaded, int):
        return loaded
    golds, pipeline = loaded
    before: list[ResultRow] = []
    after: list[ResultRow] = []
    for _, items in golds:
        result = learn_folds(pipeline, items, args.learn_folds, chroma_config(settings))
        before += result.before
        after += result.after
    return before + after, before


def _auc(value: float | None) -> str:
    return f"{value:.3f}" if value is not None else "n/a"


def _operating_text(fitted: Any, target: float) -> str:
    """The operating point the pipeline will use with this file."""
    answer_at = fitted.calibration.answer_threshold(target)
    point = next((c for c in fitted.curve if c.threshold >= answer_at), None)
    lines = [f"動作点（dev）: 回答 P(1位が正しい) ≥ {answer_at:.2f}"
             + (f"（precision {point.precision:.3f}, coverage {point.coverage:.3f}; "
                f"目標 precision {target:g} = MADOGUCHI_ANSWER__TARGET_PRECISION）"
                if point else ""),
             f"  確認 P(選択肢に正解) ≥ {fitted.clarify:.2f}、それ未満は職員へ引き継ぎ"]
    return "\n".join(lines)


def _cmd_gate(args: argparse.Namespace, settings: Settings) -> int:
    from eval.gate import FloorsError, check, load_limits

    floors = args.floors or [Path("eval/floors.json")]
    if len(floors) != len(args.gold):
        _err(f"--floors は --gold と同じ数だけ指定してください（{len(args.gold)} 個の正解データに "
             f"{len(floors)} 個の下限値ファイル）")
        return EXIT_USAGE
    missing = [str(f) for f in floors if not f.exists()]
    if missing:
        _err(f"下限値ファイルが見つかりません: {', '.join(missing)}")
        return EXIT_USAGE
    try:
        limits = [load_limits(f) for f in floors]
    except FloorsError as exc:
        _err(f"下限値ファイルを読めません: {exc}")
        return EXIT_REJECTED
    runs = _evaluate(args, settings, ablations=False)
    if isinstance(runs, int):
        return runs
    failed = False
    for run, limit, floor in zip(runs, limits, floors, strict=True):
        if args.out is not None:
            from eval.report import write_report

            write_report(run, _out_dir(args.out, run, len(runs) > 1))
        problems = check(run.aggregates["overall"], limit)
        checked = len(limit.floors) + len(limit.ceilings)
        if problems:
            failed = True
            _err(f"eval gate: FAILED — {len(problems)} of {checked} headline metrics out of "
                 f"bounds ({run.meta['gold']}, split {args.split}, floors {floor}):")
            for p in problems:
                _err(f"  ✗ {p}")
        else:
            print(f"eval gate: OK — {checked} headline metrics within their floors "
                  f"({run.meta['gold']}: {run.meta['n']} questions, split {args.split})")
    return EXIT_GATE_FAILED if failed else EXIT_OK


def _cmd_pii(args: argparse.Namespace, settings: Settings) -> int:
    from bot.safety.pii import Masker
    from eval import pii

    path = args.gold or pii.DEFAULT_GOLD
    if not path.exists():
        _err(f"正解データが見つかりません: {path}")
        return EXIT_USAGE
    try:
        gold = pii.load(path, args.split)
    except (ValueError, KeyError, TypeError) as exc:
        _err(f"正解データを読めません: {exc}")
        return EXIT_REJECTED
    masker = Masker.load()
    report = pii.evaluate(gold, lambda t: [(s.start, s.end) for s in masker.find(t)],
                          args.split)
    if args.json:
        print(json.dumps(report.to_dict(), ensure_ascii=False, indent=1))
    else:
        lines = report.lines()
        print("\n".join(lines if not args.quiet else lines[:len(report.recall_by_kind)
                                                                + len(report.recall_by_style) + 2]))
    return EXIT_OK


def parser() -> argparse.ArgumentParser:
    """A root parser with only `eval`, for `python -m eval`."""
    root = argparse.ArgumentParser(prog="madoguchi")
    add_parsers(root.add_subparsers(dest="command", required=True))
    return root


def main(argv: list[str] | None = None) -> int:
    """`python -m eval …` = `madoguchi eval …` (e.g. `python -m eval gate --gold F`)."""
    args = parser().parse_args(["eval", *(sys.argv[1:] if argv is None else argv)])
    settings = Settings()
    if args.index is not None:
        settings.index_dir = args.index
    return cmd_eval(args, settings)
