"""Timeouts and clean failures of the database (issue 14): PostgreSQL limits on connecting,
statements and idle transactions; a 503 (not a 500) when the database is gone; and a start-up
that waits for the database with a clear log line, or stops with one line and exit 69."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, OperationalError

from bench.load import Server, free_port
from tests.ops.test_scale_out import wait_for


@pytest.fixture
def pg_url():
    from tests.conftest import fresh_pg_database

    with fresh_pg_database("madoguchi_timeouts") as url:
        yield url


def test_postgres_sessions_carry_the_configured_limits(pg_url):
    from bot.settings import ServerSettings
    from bot.store.db import Database
    from bot.store.startup import timeouts

    server = ServerSettings(db_statement_timeout_s=1, db_idle_in_transaction_s=1)
    db = Database(pg_url, timeouts=timeouts(server))
    try:
        with db.engine.connect() as conn:
            assert conn.execute(text("SHOW statement_timeout")).scalar() == "1s"
            assert conn.execute(text("SHOW idle_in_transaction_session_timeout")).scalar() == "1s"
            with pytest.raises(OperationalError, match="statement timeout"):
                conn.execute(text("SELECT pg_sleep(30)"))
        with db.engine.connect() as conn:
            conn.execute(text("SELECT 1"))  # a transaction is open, then left idle
            time.sleep(2)
            with pytest.raises(DBAPIError, match="idle-in-transaction timeout"):
                conn.execute(text("SELECT 1"))
    finally:
        db.engine.dispose()


@contextmanager
def silent_server() -> Iterator[int]:
    """A port that completes the TCP handshake and then never says a word (a network that
    drops the packets after the SYN would look the same to the client)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    try:
        yield listener.getsockname()[1]
    finally:
        listener.close()


def test_connecting_to_a_silent_server_gives_up(tmp_path):
    from bot.settings import ServerSettings
    from bot.store.db import Database
    from bot.store.startup import timeouts

    outcome: list[BaseException] = []

    def connect(port: int) -> None:
        db = Database(f"postgresql://nobody@127.0.0.1:{port}/none",
                      timeouts=timeouts(ServerSettings(db_connect_timeout_s=1)))
        try:
            with db.engine.connect():
                pass
        except BaseException as exc:  # noqa: BLE001 - the test inspects it
            outcome.append(exc)

    with silent_server() as port:
        t = threading.Thread(target=connect, args=(port,), daemon=True)
        t.start()
        t.join(60)  # without a connect timeout this would wait for ever
        assert not t.is_alive(), "the connection attempt did not give up"
    assert isinstance(outcome[0], OperationalError)


def test_requests_get_503_not_500_when_the_database_is_gone(app_factory, cut_database):
    app = app_factory()
    cut_database(app)
    r = TestClient(app).post("/api/chat", json={"message": "燃やすごみの収集日はいつですか"})
    assert r.status_code == 503, r.text
    assert r.headers["Retry-After"] and "混み合って" in r.json()["detail"]


class Forwarder:
    """A TCP forwarder from a port to PostgreSQL: the database "comes up" when it starts."""

    def __init__(self, port: int, target: tuple[str, int] = ("127.0.0.1", 5432)) -> None:
        self.port, self.target = port, target
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)

    def start(self) -> Forwarder:
        self.listener.bind(("127.0.0.1", self.port))
        self.listener.listen(32)
        threading.Thread(target=self._accept, daemon=True).start()
        return self

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(self.target)
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(src: socket.socket, dst: socket.socket) -> None:
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def close(self) -> None:
        self.listener.close()


def _log_has(path: Path, needle: str) -> bool:
    return path.exists() and needle in path.read_text(errors="replace")


@pytest.mark.slow
def test_start_up_waits_for_the_database_and_says_so(pg_url, mini_index, tmp_path):
    port = free_port()
    url = pg_url.replace("127.0.0.1:5432", f"127.0.0.1:{port}")
    server = Server(index=mini_index, database_url=url, workers=1, data_dir=tmp_path / "data",
                    settings={"MADOGUCHI_SERVER__DB_START_WAIT_S": "300",
                              "MADOGUCHI_SERVER__DB_CONNECT_TIMEOUT_S": "2",
                              "MADOGUCHI_SERVER__LOG_FORMAT": "text"})
    log = tmp_path / "serve.log"
    failed: list[BaseException] = []

    def start() -> None:
        try:
            server.start(log, wait_s=300)
        except BaseException as exc:  # noqa: BLE001 - reported below
            failed.append(exc)

    starting = threading.Thread(target=start)
    starting.start()
    forwarder = Forwarder(port)
    try:
        assert wait_for(lambda: _log_has(log, "再試行します"), 180), log.read_text()
        forwarder.start()  # the database is back
        starting.join(300)
        assert not failed, log.read_text()
        assert httpx.get(f"{server.base}/readyz", timeout=30).status_code == 200
        assert "データベースに接続しました" in log.read_text()
    finally:
        server.stop()
        forwarder.close()


@pytest.mark.slow
@pytest.mark.parametrize("workers", ["1", "2"])
def test_start_up_without_the_database_stops_with_one_line(mini_index, tmp_path, workers):
    env = {**os.environ, "DATABASE_URL": f"postgresql://nobody@127.0.0.1:{free_port()}/none",
           "MADOGUCHI_SERVER__DB_START_WAIT_S": "1", "MADOGUCHI_SERVER__LOG_FORMAT": "text",
           "MADOGUCHI_DATA_DIR": str(tmp_path / "data"), "HF_HUB_OFFLINE": "1"}
    proc = subprocess.run([sys.executable, "-m", "bot.cli", "serve", "--workers", workers,
                           "--port", str(free_port()), "--index", str(mini_index)],
                          env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 69, proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout
    last = proc.stderr.strip().splitlines()[-1]
    assert last.startswith("データベースに接続できません（") and "Connection refused" in last
