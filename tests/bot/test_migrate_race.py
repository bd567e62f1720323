"""Replicas starting together on a fresh PostgreSQL database all migrate without error (the
first takes the advisory lock and migrates; the others then find the schema current)."""

import threading

import pytest
from sqlalchemy import inspect

from bot.store.db import Database
from tests.conftest import fresh_pg_database

pytestmark = pytest.mark.postgres


def test_replicas_racing_to_migrate_a_fresh_database():
    with fresh_pg_database() as url:
        dbs = [Database(url) for _ in range(4)]
        errors: list[BaseException] = []
        barrier = threading.Barrier(len(dbs))

        def start(db: Database) -> None:
            barrier.wait()
            try:
                db.migrate()
            except BaseException as exc:  # noqa: BLE001 - collected and asserted below
                errors.append(exc)

        threads = [threading.Thread(target=start, args=(db,)) for db in dbs]
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
        try:
            assert errors == []
            assert "escalations" in inspect(dbs[0].engine).get_table_names()
        finally:
            for db in dbs:
                db.engine.dispose()
