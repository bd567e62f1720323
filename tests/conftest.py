"""Shared fixtures: one real embedder per session, the mini corpus indexed once (read-only),
and fresh copies for tests that change sources or the index."""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

MINI = Path(__file__).parent / "fixtures" / "mini"


@pytest.fixture(scope="session")
def embedder():
    from ingest.embed import UseEmbedder

    return UseEmbedder()


@pytest.fixture(scope="session")
def mini_index(tmp_path_factory, embedder) -> Path:
    """The mini corpus indexed once; tests must not modify it."""
    from ingest.index import ingest

    index = tmp_path_factory.mktemp("mini-index")
    ingest([MINI], index, embedder, progress=False)
    return index


@pytest.fixture
def corpus_copy(tmp_path) -> Path:
    """A private copy of the mini corpus that a test may edit."""
    dst = tmp_path / "corpus"
    shutil.copytree(MINI, dst)
    return dst


@pytest.fixture(scope="session")
def settings_factory():
    from bot.settings import Settings

    def make(index: Path, **overrides) -> Settings:
        return Settings(index_dir=index, **overrides)

    return make


@pytest.fixture(scope="session")
def pipeline(mini_index, embedder, settings_factory):
    from bot.factory import build

    return build(settings_factory(mini_index), embedder=embedder).pipeline


PG_URL = os.environ.get("MADOGUCHI_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")


def _pg_available() -> bool:
    try:
        import psycopg

        with psycopg.connect(PG_URL, connect_timeout=2):
            return True
    except Exception:  # noqa: BLE001 - any failure means "not here"
        return False


@contextlib.contextmanager
def fresh_pg_database(prefix: str = "madoguchi_test") -> Iterator[str]:
    """A new PostgreSQL database, dropped afterwards (skip, or fail under
    MADOGUCHI_REQUIRE_PG, when the server does not answer)."""
    if not _pg_available():
        if os.environ.get("MADOGUCHI_REQUIRE_PG"):
            pytest.fail(f"PostgreSQL is required but does not answer at {PG_URL}")
        pytest.skip("PostgreSQL is not running on 127.0.0.1:5432")
    import uuid

    import psycopg

    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield PG_URL.rsplit("/", 1)[0] + "/" + name
    finally:
        with psycopg.connect(PG_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def pg_database():
    """A fresh PostgreSQL database for this test session, dropped at the end."""
    with fresh_pg_database() as url:
        yield url


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request, tmp_path):
    """Each store test runs on SQLite and on the real PostgreSQL server."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/store.sqlite3"
    url = request.getfixturevalue("pg_database")
    from bot.store.db import make_engine
    from bot.store.models import Base

    engine = make_engine(url)
    with engine.begin() as conn:
        Base.metadata.drop_all(conn)
        conn.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
    engine.dispose()
    return url


@pytest.fixture
def app_factory(mini_index, embedder, settings_factory, tmp_path):
    """Build the real app over the mini index with an isolated database and data dir."""
    from bot import factory
    from bot.app import create_app
    from bot.store.db import Database

    created = []

    def make(database_url: str | None = None, index: Path | None = None, **overrides):
        if index is None:  # a private copy: approving an FAQ re-indexes
            index = tmp_path / f"index-{len(created)}"
            shutil.copytree(mini_index, index)
        settings = settings_factory(index, data_dir=tmp_path / "data",
                                    database_url=database_url or f"sqlite:///{tmp_path}/app.db")
        components = factory.build(settings, embedder=embedder)
        db = Database(settings.database_url)
        app = create_app(settings, components=components, db=db, **overrides)
        created.append(db)
        return app

    yield make
    for db in created:
        db.engine.dispose()


@pytest.fixture
def cut_database():
    """Points an app's database at a port where nothing listens (PostgreSQL gone)."""
    from sqlalchemy import create_engine

    from bench.load import free_port

    def cut(app) -> None:
        db = app.state.services.db
        db.engine.dispose()
        db.engine = create_engine(f"postgresql+psycopg://nobody@127.0.0.1:{free_port()}/none",
                                  connect_args={"connect_timeout": 1})
        db._sessions.configure(bind=db.engine)
    return cut
