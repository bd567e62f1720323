"""Start-up with the database down: wait for it, retrying with one clear log line per try,
for at most `wait_s` seconds; then stop with the reason (`DatabaseUnavailable`), which the CLI
prints as one line and exits 69 (EX_UNAVAILABLE) — never a traceback."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from sqlalchemy.exc import OperationalError

from bot.settings import ServerSettings
from bot.store.db import Database, Timeouts

log = logging.getLogger(__name__)
EXIT_UNAVAILABLE = 69


class DatabaseUnavailable(RuntimeError):
    """The database did not answer within the start-up wait."""


def timeouts(server: ServerSettings) -> Timeouts:
    """The PostgreSQL limits of a serving process, from the one settings object."""
    return Timeouts(server.db_connect_timeout_s, server.db_statement_timeout_s,
                    server.db_idle_in_transaction_s)


def reason(exc: BaseException) -> str:
    """The driver's first line (host, port and why; never the password)."""
    inner = getattr(exc, "orig", None) or exc
    first = (str(inner).strip().splitlines() or [type(inner).__name__])[0]
    return first[:300]


def migrate_when_ready(db: Database, wait_s: float, sleep: Callable[[float], None] = time.sleep,
                       clock: Callable[[], float] = time.monotonic) -> None:
    """Migrate the schema once the database answers; DatabaseUnavailable after `wait_s`."""
    deadline, delay, tries = clock() + wait_s, 0.5, 0
    while True:
        try:
            db.migrate()
            if tries:
                log.info("データベースに接続しました（%d 回目） / database is up", tries + 1)
            return
        except OperationalError as exc:
            tries += 1
            left = deadline - clock()
            if left <= 0:
                raise DatabaseUnavailable(
                    f"データベースに接続できません（{tries} 回試行、{wait_s:g} 秒待ちました）: "
                    f"{reason(exc)}") from None
            pause = min(delay, left)
            log.warning("データベースに接続できません: %s — %.1f 秒後に再試行します（あと最大 "
                        "%.0f 秒） / database unavailable, retrying", reason(exc), pause, left)
            sleep(pause)
            delay = min(delay * 2, 5.0)
