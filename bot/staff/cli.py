"""`madoguchi staff list|add|disable|enable|reset-password|set-role`: staff accounts from the
command line, through the same service as the admin page; and `madoguchi faq publish`, which
writes the approved FAQs from the database into the index again (after an index was rebuilt
from scratch). Every failure is one Japanese line on stderr and exit status 64, never a
traceback."""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path
from typing import Any

EXIT_OK, EXIT_USAGE = 0, 64
ROLE_CHOICES = ["staff", "admin"]


def add_parser(sub: Any) -> None:
    p = sub.add_parser("staff", help="職員アカウントの管理")
    staff_sub = p.add_subparsers(dest="staff_command", required=True)
    staff_sub.add_parser("list", help="職員アカウントの一覧")
    add = staff_sub.add_parser("add", help="職員アカウントを作成する（パスワードは対話入力）")
    add.add_argument("name")
    add.add_argument("--role", choices=ROLE_CHOICES, default="staff")
    add.add_argument("--department", default="")
    _password_stdin(add)
    for name, text in (("disable", "アカウントを無効にする（ログインできなくなる）"),
                       ("enable", "無効にしたアカウントを有効に戻す")):
        staff_sub.add_parser(name, help=text).add_argument("name")
    reset = staff_sub.add_parser("reset-password",
                                 help="仮パスワードを設定する（次回ログイン時に変更が必要）")
    reset.add_argument("name")
    _password_stdin(reset)
    role = staff_sub.add_parser("set-role", help="役割を変更する")
    role.add_argument("name")
    role.add_argument("role", choices=ROLE_CHOICES)


def _password_stdin(p: argparse.ArgumentParser) -> None:
    p.add_argument("--password-stdin", action="store_true",
                   help="パスワードを標準入力から1行読む（自動化用）")


class CliError(Exception):
    """A message for stderr."""


def read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    if not sys.stdin.isatty():
        raise CliError("端末がないためパスワードを対話入力できません。"
                       "--password-stdin を付けて標準入力から渡してください")
    try:
        password = getpass.getpass("パスワード（10文字以上）: ")
        again = getpass.getpass("もう一度: ")
    except (EOFError, KeyboardInterrupt) as exc:
        raise CliError("パスワードの入力が中断されました") from exc
    if password != again:
        raise CliError("パスワードが一致しません")
    return password


def run(args: argparse.Namespace, settings: Any) -> int:
    from sqlalchemy.exc import SQLAlchemyError

    from bot.service.notifier import ChannelNotifier
    from bot.service.staff import StaffError, StaffService
    from bot.store.db import Database

    try:
        password = (read_password(args.password_stdin)
                    if args.staff_command in ("add", "reset-password") else "")
        db = Database(settings.database_url)
        db.migrate()
        service = StaffService(ChannelNotifier({}))
        with db.session() as s:
            lines = _do(service, s, args, password)
    except (CliError, StaffError) as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_USAGE
    except (SQLAlchemyError, OSError) as exc:
        where = settings.database_url.split("@")[-1]
        print(f"データベースを使えません（{where}）: {exc.__class__.__name__}: "
              f"{str(exc).splitlines()[0] if str(exc) else ''}", file=sys.stderr)
        return EXIT_USAGE
    print("\n".join(lines))
    return EXIT_OK


def _do(service: Any, s: Any, args: argparse.Namespace, password: str) -> list[str]:
    cmd, name = args.staff_command, getattr(args, "name", "")
    if cmd == "list":
        rows = service.accounts(s)
        return [_row(a) for a in rows] or ["職員アカウントはありません"]
    if cmd == "add":
        service.add(s, name, password, args.role, args.department)
        return [f"職員 {name}（{args.role}）を作成しました"]
    if cmd in ("disable", "enable"):
        service.set_active(s, None, name, cmd == "enable")
        return [f"職員 {name} を{'有効' if cmd == 'enable' else '無効'}にしました"]
    if cmd == "reset-password":
        service.reset_password(s, None, name, password)
        return [f"職員 {name} のパスワードを再設定しました（次回ログイン時に変更が必要です）"]
    service.set_role(s, None, name, args.role)
    return [f"職員 {name} の役割を {args.role} にしました"]


def _row(a: Any) -> str:
    state = "有効" if a.active else "無効"
    if a.must_change_password:
        state += "・要パスワード変更"
    return f"{a.name}\t{a.role}\t{a.department or '-'}\t{state}"


def add_faq_parser(sub: Any) -> None:
    p = sub.add_parser("faq", help="承認済み FAQ の管理")
    faq_sub = p.add_subparsers(dest="faq_command", required=True)
    publish = faq_sub.add_parser("publish", help="データベースの承認済み FAQ を索引に反映する")
    publish.add_argument("--index", type=Path, default=None, metavar="DIR",
                         help="索引ディレクトリ（既定: MADOGUCHI_INDEX_DIR または ./data/index）")


def run_faq(args: argparse.Namespace, settings: Any) -> int:
    from sqlalchemy.exc import SQLAlchemyError

    from bot.factory import chroma_config
    from bot.service import faq_index
    from bot.store.db import Database
    from ingest.embed import make_embedder
    from ingest.index import ingest

    path = faq_index.export_path(settings.data_dir)

    def reindex(csv_path: Path) -> None:
        report = ingest([csv_path], settings.index_dir, make_embedder(settings.embedder),
                        chroma_config(settings), progress=False)
        if not report.ok:
            raise CliError("索引に反映できませんでした: "
                           + "; ".join(str(p) for p in report.rejected))

    try:
        db = Database(settings.database_url)
        db.migrate()
        with db.session() as s:
            count = faq_index.publish(s, path, reindex)
            variants = variant_service(settings).publish(s)
    except CliError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_USAGE
    except (SQLAlchemyError, OSError) as exc:
        print(f"反映できませんでした: {exc.__class__.__name__}: {exc}", file=sys.stderr)
        return EXIT_USAGE
    print(f"承認済み FAQ {count} 件・言い換え {variants} 件を索引 {settings.index_dir} に"
          f"反映しました（{path}）")
    return EXIT_OK


def add_variants_parser(sub: Any) -> None:
    p = sub.add_parser("variants", help="質問の言い換え（承認済み）の書き出し・取り込み・反映")
    v_sub = p.add_subparsers(dest="variants_command", required=True)
    ex = v_sub.add_parser("export", help="言い換えを CSV に書き出す（誰が・いつ・なぜ を含む）")
    ex.add_argument("file", type=Path, help="書き出す CSV（- なら標準出力）")
    im = v_sub.add_parser("import", help="書き出した CSV から言い換えを取り込み、索引に反映する")
    im.add_argument("file", type=Path)
    for name, text in (("apply", "データベースの承認済み言い換えを索引に反映する"),
                       ("list", "承認待ち・承認済みの言い換えの一覧")):
        q = v_sub.add_parser(name, help=text)
        q.add_argument("--index", type=Path, default=None, metavar="DIR",
                       help="索引ディレクトリ（既定: MADOGUCHI_INDEX_DIR または ./data/index）")
    im.add_argument("--index", type=Path, default=None, metavar="DIR",
                    help="索引ディレクトリ（既定: MADOGUCHI_INDEX_DIR または ./data/index）")


def variant_service(settings: Any) -> Any:
    """The variant service over the configured index, as the console builds it."""
    from bot.factory import chroma_config
    from bot.service.variants import VariantService
    from ingest.delta import apply_variants
    from ingest.embed import make_embedder
    from ingest.store import IndexPaths, read_passages

    def apply(variants: list[Any]) -> None:
        change = apply_variants(settings.index_dir, variants, make_embedder(settings.embedder),
                                chroma_config(settings))
        print(change.line())

    def passage(doc_id: str) -> Any:
        paths = IndexPaths(settings.index_dir)
        gen = paths.current_generation()
        if gen is None:
            return None
        return next((p for p in read_passages(paths.generation_dir(gen)) if p.doc_id == doc_id),
                    None)

    return VariantService(apply, passage)


def run_variants(args: argparse.Namespace, settings: Any) -> int:
    from sqlalchemy.exc import SQLAlchemyError

    from bot.service.variants import STATUS_JA, VariantError
    from bot.store.db import Database

    service = variant_service(settings)
    lines: list[str] = []
    try:
        db = Database(settings.database_url)
        db.migrate()
        with db.session() as s:
            cmd = args.variants_command
            if cmd == "export":
                text = service.export_csv(s)
                if str(args.file) == "-":
                    sys.stdout.write(text)
                    return EXIT_OK
                args.file.write_text(text, encoding="utf-8")
                lines.append(f"言い換えを書き出しました: {args.file}")
            elif cmd == "import":
                count, problems = service.import_csv(s, args.file.read_text(encoding="utf-8-sig"))
                lines += [f"取り込み: {count} 件", *problems]
                lines.append(f"索引に反映: 承認済み {service.publish(s)} 件")
            elif cmd == "apply":
                lines.append(f"索引に反映: 承認済み {service.publish(s)} 件")
            else:
                rows = [*service.pending(s), *service.approved(s)]
                lines += [f"{r.id}\t{r.doc_id}\t{STATUS_JA.get(r.status, r.status)}\t{r.kind}"
                          f"\t{r.text}" for r in rows] or ["言い換えはありません"]
    except (VariantError, CliError, FileNotFoundError) as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_USAGE
    except (SQLAlchemyError, OSError, UnicodeDecodeError) as exc:
        print(f"処理できませんでした: {exc.__class__.__name__}: {exc}", file=sys.stderr)
        return EXIT_USAGE
    print("\n".join(lines))
    return EXIT_OK
