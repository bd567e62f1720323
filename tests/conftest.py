"""Shared fixtures: one real embedder per session, the mini corpus indexed once (read-only),
and fresh copies for tests that change sources or the index."""

from __future__ import annotations

import os
import shutil
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
