"""A full disk or a read-only index directory: the documented exit code and one line that
says why, never a traceback, and the serving generation untouched. The disk is a real small
tmpfs in a private mount namespace (root in this project's machines and CI)."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ingest.failures import storage_failure
from tests.conftest import MINI

ROOT = Path(__file__).resolve().parents[2]


def _namespaced(tmp_path: Path, mount: str, *command: str) -> subprocess.CompletedProcess:
    if shutil.which("unshare") is None:
        pytest.skip("unshare is not installed")
    probe = subprocess.run(["unshare", "-m", "sh", "-c", f"mount -t tmpfs tmpfs {tmp_path}"],
                           capture_output=True)
    if probe.returncode != 0:
        pytest.skip("no private mount namespace here (needs root)")
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "ANONYMIZED_TELEMETRY": "False"}
    return subprocess.run(["unshare", "-m", "sh", "-c", f'{mount} && exec "$@"', "sh",
                           sys.executable, "-m", "bot.cli", *command],
                          capture_output=True, text=True, cwd=ROOT, env=env, timeout=300)


@pytest.mark.slow
def test_disk_full_ingest_exits_74_with_one_line(tmp_path):
    disk = tmp_path / "disk"
    disk.mkdir()
    proc = _namespaced(tmp_path, f"mount -t tmpfs -o size=256k tmpfs {disk}",
                       "ingest", str(MINI), "--index", str(disk / "idx"), "--quiet")
    assert proc.returncode == 74, proc.stderr
    assert proc.stderr.strip().splitlines() == [
        "取り込みに失敗しました（索引は変更していません）: ディスクの空きがありません"]


@pytest.mark.slow
def test_read_only_index_ingest_exits_74_and_keeps_serving(tmp_path):
    from bot.cli import main

    index = tmp_path / "idx"
    assert main(["ingest", str(MINI / "faq" / "mini_sjis.csv"), "--index", str(index),
                 "--quiet"]) == 0
    before = (index / "CURRENT").read_text()
    proc = _namespaced(tmp_path, f"mount --bind {index} {index} && "
                       f"mount -o remount,ro,bind {index}",
                       "ingest", str(MINI / "reiki"), "--index", str(index), "--quiet")
    assert proc.returncode == 74, proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1 and "読み取り専用" in proc.stderr
    assert (index / "CURRENT").read_text() == before


def test_storage_failure_reads_wrapped_errors():
    import errno
    import sqlite3

    try:
        try:
            raise sqlite3.OperationalError("database or disk is full")
        except sqlite3.OperationalError as inner:
            raise RuntimeError("chroma failed") from inner
    except RuntimeError as outer:
        assert storage_failure(outer) == "ディスクの空きがありません"
    read_only = OSError(errno.EROFS, "ro", "/x")
    assert storage_failure(read_only) == "索引の置き場所が読み取り専用です（/x）"
    assert storage_failure(ValueError("something else")) is None
