"""`madoguchi serve --workers 2` as operators run it: JSON log lines with request ids, one
/metrics summing both workers (prometheus multiprocess mode), and a clean exit on SIGTERM."""

import json
import os
import shutil
import signal
import urllib.request

import pytest

from bench.load import Server
from tests.ops.test_routes import sample

pytestmark = pytest.mark.slow


def get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=30) as r:
        return r.read().decode()


def test_two_workers_one_metrics_json_logs_and_graceful_exit(mini_index, tmp_path):
    index = tmp_path / "index"
    shutil.copytree(mini_index, index)
    server = Server(index=index, database_url=f"sqlite:///{tmp_path}/serve.db", workers=2,
                    data_dir=tmp_path / "data",
                    settings={"PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "prom")})
    log = tmp_path / "serve.log"
    server.start(log)
    try:
        for _ in range(12):
            get(f"{server.base}/healthz")
        req = urllib.request.Request(f"{server.base}/api/chat", method="POST",
                                     data=json.dumps({"message": "粗大ごみの出し方"}).encode(),
                                     headers={"Content-Type": "application/json",
                                              "X-Request-ID": "trace-me-1"})
        with urllib.request.urlopen(req, timeout=60) as r:
            assert r.status == 200 and r.headers["X-Request-ID"] == "trace-me-1"
        text = get(f"{server.base}/metrics")
        healthz = sample(text, "madoguchi_http_requests_total", route="/healthz", status="200")
        assert healthz >= 12  # the start-up probe adds its own; both workers' counts summed
        assert sample(text, "madoguchi_http_requests_total", route="/api/chat") == 1
        assert len(list((tmp_path / "prom").glob("*.db"))) >= 2  # one file per worker
    finally:
        assert server.proc is not None
        os.killpg(server.proc.pid, signal.SIGTERM)
        code = server.proc.wait(60)
    assert code == 0
    lines = [json.loads(x) for x in log.read_text(encoding="utf-8").splitlines()
             if x.startswith("{")]
    chat = [x for x in lines if x.get("route") == "/api/chat"]
    assert chat and chat[0]["request_id"] == "trace-me-1" and chat[0]["status"] == 200
    assert any("Shutting down" in x["msg"] or "Finished server process" in x["msg"]
               for x in lines)
    assert "粗大ごみ" not in log.read_text(encoding="utf-8")
