"""The `madoguchi` command: ingest, ask (later serve, eval …)."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bot.channels import line_richmenu, line_sim
from bot.settings import Settings
from bot.staff import cli as staff_cli
from eval.cli import add_parsers as add_eval_parsers
from eval.cli import cmd_eval

EXIT_OK, EXIT_REJECTED, EXIT_USAGE, EXIT_IO = 0, 2, 64, 74


def _index_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("--index", type=Path, default=None, metavar="DIR",
                   help="索引ディレクトリ（既定: MADOGUCHI_INDEX_DIR または ./data/index）")


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="madoguchi",
                                   description="自治体向け問い合わせチャットボット madoguchi")
    sub = root.add_subparsers(dest="command", required=True)
    p = sub.add_parser("ingest", help="FAQ・例規・ページ・PDF を索引に取り込む")
    p.add_argument("paths", nargs="+", type=Path)
    _index_arg(p)
    p.add_argument("--json", action="store_true", help="結果を JSON で出力")
    p.add_argument("--quiet", action="store_true", help="進捗表示をしない")
    p.add_argument("--prune", action="store_true",
                   help="登録済みでファイルがなくなったソースを索引から削除する")
    p = sub.add_parser("sources", help="索引に登録されたソースの一覧")
    _index_arg(p)
    p.add_argument("--json", action="store_true", help="JSON で出力")
    p = sub.add_parser("ask", help="質問に答える")
    p.add_argument("question", nargs="?")
    _index_arg(p)
    p.add_argument("--trace", action="store_true", help="各段階の途中経過を表示")
    p.add_argument("--json", action="store_true", help="返答を JSON で出力")
    p.add_argument("--batch", type=Path, metavar="FILE.jsonl",
                   help='1 行 1 問 {"id", "question"} を読み、1 行 1 返答の JSON を出力')
    p = sub.add_parser("serve", help="Web チャット・職員コンソール・API を起動する")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--workers", type=int, default=None,
                   help="ワーカープロセス数（既定: MADOGUCHI_SERVER__WORKERS、0 なら CPU コア数）")
    _index_arg(p)
    staff_cli.add_parser(sub)
    staff_cli.add_faq_parser(sub)
    staff_cli.add_variants_parser(sub)
    p = sub.add_parser("purge", help="保存期間を過ぎた会話を削除または匿名化する")
    p.add_argument("--days", type=int, default=None,
                   help="保存期間（日）。既定: MADOGUCHI_LIMITS__RETENTION_DAYS（365）")
    p.add_argument("--mode", choices=["delete", "anonymise"], default="delete")
    p.add_argument("--no-scrub", action="store_true",
                   help="残す会話・トレース・エスカレーションを現在のマスキングでかけ直さない")
    line_sim.add_parser(sub)
    line_richmenu.add_parser(sub)
    add_eval_parsers(sub)
    return root


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    settings = Settings()
    if getattr(args, "index", None) is not None:
        settings.index_dir = args.index
    handler = {"ingest": cmd_ingest, "sources": cmd_sources, "ask": cmd_ask, "serve": cmd_serve,
               "staff": staff_cli.run, "faq": staff_cli.run_faq,
               "variants": staff_cli.run_variants, "purge": cmd_purge,
               "line-sim": line_sim.run, "line-richmenu": line_richmenu.run,
               "eval": cmd_eval}[args.command]
    return handler(args, settings)


def cmd_ingest(args: argparse.Namespace, settings: Settings) -> int:
    from bot.factory import chroma_config
    from bot.ops.metrics import record_ingest
    from ingest import registry
    from ingest.embed import make_embedder
    from ingest.failures import storage_failure
    from ingest.index import ingest

    known = registry.registered(settings.index_dir) if settings.index_dir.exists() else {}
    # A path that is gone may still be named: that removes what was registered under it.
    missing = [str(p) for p in args.paths if not p.exists()
               and not any(registry.under(k, [p.resolve()]) for k in known)]
    if missing:
        print(f"見つかりません: {', '.join(missing)}", file=sys.stderr)
        return EXIT_USAGE
    embedder = make_embedder(settings.embedder, threads=os.cpu_count() or 1)
    try:
        report = ingest(args.paths, settings.index_dir, embedder, chroma_config(settings),
                        progress=not args.quiet, prune=args.prune)
    except Exception as exc:
        reason = storage_failure(exc)
        if reason is None:
            raise
        print(f"取り込みに失敗しました（索引は変更していません）: {reason}", file=sys.stderr)
        return EXIT_IO
    record_ingest(settings.index_dir, report.generation, report.seconds, report.passages,
                  report.swapped)
    if args.json:
        print(json.dumps(report.to_dict(), ensure_ascii=False, indent=1))
    else:
        print("\n".join(report.lines()))
    return EXIT_OK if report.ok else EXIT_REJECTED


def cmd_sources(args: argparse.Namespace, settings: Settings) -> int:
    from ingest import registry

    records = registry.registered(settings.index_dir)
    rows = [{"path": r.path, "exists": r.exists, "passages": len(r.indexed),
             "refused": r.refused, "refused_documents": r.refused_docs}
            for r in sorted(records.values(), key=lambda r: r.path)]
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=1))
        return EXIT_OK
    for row in rows:
        state = "索引中" if row["exists"] else "ファイルなし（--prune で削除）"
        refused = f"・機密のため除外 {row['refused']}" if row["refused"] else ""
        print(f"{row['path']}\t{state}\tパッセージ {row['passages']}{refused}")
    print(f"ソース {len(rows)} 件（見つからない {sum(not r['exists'] for r in rows)} 件）")
    return EXIT_OK


def cmd_ask(args: argparse.Namespace, settings: Settings) -> int:
    from bot.factory import build
    from bot.render import render_text

    if not args.question and not args.batch:
        print("質問を指定するか --batch FILE.jsonl を指定してください", file=sys.stderr)
        return EXIT_USAGE
    try:
        pipeline = build(settings).pipeline
        if args.batch:
            return _batch(pipeline, args.batch)
        reply = pipeline.answer(args.question)
    except FileNotFoundError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_USAGE
    if args.json:
        data = reply.model_dump(mode="json", exclude=set() if args.trace else {"trace"})
        print(json.dumps(data, ensure_ascii=False, indent=1))
    else:
        print(render_text(reply, trace=args.trace))
    return EXIT_OK


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    import logging.config

    import uvicorn

    from bot.app import create_app
    from bot.ops import logs
    from bot.store.startup import EXIT_UNAVAILABLE, DatabaseUnavailable

    srv = settings.server
    workers = args.workers or srv.workers or os.cpu_count() or 1
    for var in BLAS_THREADS:  # one BLAS thread per worker: processes, not threads, use the cores
        os.environ.setdefault(var, "1")
    log_config = logs.config(srv.log_format)
    logging.config.dictConfig(log_config)
    try:
        if workers > 1:
            _prepare_workers(settings)
        elif os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
            _multiprocess_metrics()
        app: Any = create_app(settings) if workers == 1 else "bot.app:app_from_environment"
    except FileNotFoundError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_USAGE
    except DatabaseUnavailable as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_UNAVAILABLE
    print(f"madoguchi: http://{args.host}:{args.port}/ （職員コンソール /staff 、API 文書 /docs）"
          f" ワーカー {workers}", flush=True)
    uvicorn.run(app, factory=workers > 1, workers=workers if workers > 1 else None,
                host=args.host, port=args.port, log_config=log_config, access_log=False,
                timeout_graceful_shutdown=srv.graceful_s,
                forwarded_allow_ips=srv.forwarded_allow_ips, proxy_headers=True)
    return EXIT_OK


BLAS_THREADS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def _prepare_workers(settings: Settings) -> None:
    """Before the workers start: the index must exist, the schema is migrated once (not raced
    by N workers), and the workers read the index directory from the environment."""
    from bot.store.db import Database
    from bot.store.startup import migrate_when_ready, timeouts
    from ingest.store import IndexPaths

    if IndexPaths(settings.index_dir).current_generation() is None:
        raise FileNotFoundError(f"索引がありません: {settings.index_dir}"
                                "（先に madoguchi ingest を実行してください）")
    srv = settings.server
    db = Database(settings.database_url, timeouts=timeouts(srv))
    migrate_when_ready(db, srv.db_start_wait_s)
    db.engine.dispose()
    os.environ["MADOGUCHI_INDEX_DIR"] = str(Path(settings.index_dir).resolve())
    _multiprocess_metrics()


def _multiprocess_metrics() -> None:
    """Workers write their metrics to one fresh directory, so a scrape of any worker sums them
    (prometheus-client's multiprocess mode, chosen when the workers import it)."""
    import tempfile

    from bot.ops.metrics import MULTIPROC_ENV

    given = os.environ.get(MULTIPROC_ENV)
    if given:
        Path(given).mkdir(parents=True, exist_ok=True)
        for stale in Path(given).glob("*.db"):  # a previous run's samples
            stale.unlink(missing_ok=True)
    else:
        os.environ[MULTIPROC_ENV] = tempfile.mkdtemp(prefix="madoguchi-metrics-")


def cmd_purge(args: argparse.Namespace, settings: Settings) -> int:
    from bot.service.retention import purge
    from bot.store.db import Database

    days = args.days if args.days is not None else settings.limits.retention_days
    db = Database(settings.database_url)
    db.migrate()
    try:
        with db.session() as s:
            report = purge(s, days, args.mode, None if args.no_scrub else _mask_text())
    except ValueError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_USAGE
    verb = "削除" if report.mode == "delete" else "匿名化"
    print(f"{days} 日より前の会話 {report.conversations} 件"
          f"（メッセージ {report.messages} 件）を{verb}しました")
    if not args.no_scrub:
        print(f"残りの会話を現在のマスキングでかけ直しました（変更 {report.scrubbed} 件）")
    return EXIT_OK


def _mask_text() -> Callable[[str], str]:
    from bot.safety.pii import Masker

    masker = Masker.load()
    return lambda text: masker.mask(text).text


def _batch(pipeline, path: Path) -> int:  # type: ignore[no-untyped-def]
    from bot.render import batch_row

    status = EXIT_OK
    with open(path, encoding="utf-8") as fh:
        for number, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                item = json.loads(line)
                question, qid = str(item["question"]), item.get("id", number)
            except (json.JSONDecodeError, KeyError, TypeError) as exc:
                print(f"{path}:{number}: 読めない行です: {exc}", file=sys.stderr)
                status = EXIT_REJECTED
                continue
            row = batch_row(qid, pipeline.answer(question))
            print(json.dumps(row, ensure_ascii=False), flush=True)
    return status


if __name__ == "__main__":
    sys.exit(main())
