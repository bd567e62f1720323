"""Engine, sessions and migrations. SQLite is the embedded default; DATABASE_URL selects
PostgreSQL (`postgresql://…` is read as the psycopg 3 driver)."""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def normalise_url(url: str) -> str:
    if url.startswith("postgres://"):
        url = "postgresql://" + url.removeprefix("postgres://")
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return url


@dataclass(frozen=True)
class Timeouts:
    """PostgreSQL limits, so a dead network or a stuck statement costs seconds, never a hang:
    connecting, one statement, and a session left idle inside a transaction (0: no limit).
    TCP keepalives and a TCP user timeout notice a peer that silently stopped answering."""

    connect_s: float = 10.0
    statement_s: float = 0.0
    idle_in_transaction_s: float = 0.0

    def connect_args(self) -> dict[str, Any]:
        """libpq connection parameters (psycopg passes them through)."""
        options = " ".join(f"-c {name}={int(seconds * 1000)}" for name, seconds in (
            ("statement_timeout", self.statement_s),
            ("idle_in_transaction_session_timeout", self.idle_in_transaction_s)) if seconds > 0)
        args: dict[str, Any] = {
            "connect_timeout": max(1, math.ceil(self.connect_s)),
            "keepalives": 1, "keepalives_idle": 10, "keepalives_interval": 5,
            "keepalives_count": 3, "tcp_user_timeout": int(max(self.connect_s, 10.0) * 1000)}
        return {**args, "options": options} if options else args


def make_engine(url: str, pool: int = 8, timeout_s: float = 5.0,
                timeouts: Timeouts | None = None) -> Engine:
    """An engine with a pool of `pool` connections; a request waits at most `timeout_s` for a
    connection (or SQLite's write lock) and then fails fast (the app answers 503), never hangs.
    SQLite runs in WAL mode: readers never wait for the one writer. PostgreSQL gets
    `timeouts` (by default only the connect timeout)."""
    url = normalise_url(url)
    if url.startswith("sqlite"):
        memory = url in ("sqlite://", "sqlite:///:memory:")
        if not memory:
            path = url.split("///", 1)[-1]
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        pooling: dict[str, Any] = ({"poolclass": StaticPool} if memory else
                                   {"pool_size": pool, "max_overflow": 0,
                                    "pool_timeout": timeout_s})
        engine = create_engine(url, connect_args={"check_same_thread": False,
                                                  "timeout": timeout_s}, **pooling)

        @event.listens_for(engine, "connect")
        def _pragmas(conn: Any, _record: Any) -> None:
            cur = conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            if not memory:
                cur.execute("PRAGMA journal_mode=WAL")
            cur.close()

        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=pool, max_overflow=pool // 2,
                         pool_timeout=timeout_s,
                         connect_args=(timeouts or Timeouts()).connect_args())


MIGRATION_LOCK = 0x6D61646F  # "mado": the advisory lock replicas take around migrations


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest Alembic revision. On PostgreSQL, replicas starting
    together take turns (a transaction-scoped advisory lock): the first migrates, the others
    then find the schema current."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            # A migration may rightly take longer than a request's statement limit.
            conn.execute(text("SET LOCAL statement_timeout = 0"))
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


class Database:
    def __init__(self, url: str, pool: int = 8, timeout_s: float = 5.0,
                 timeouts: Timeouts | None = None) -> None:
        self.engine = make_engine(url, pool, timeout_s, timeouts)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    def migrate(self) -> None:
        migrate(self.engine)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """One unit of work: committed on success, rolled back on any error."""
        with self._sessions() as s:
            try:
                yield s
                s.commit()
            except BaseException:
                s.rollback()
                raise
