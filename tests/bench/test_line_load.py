"""A small bounded run of the LINE surge benchmark against the real server and the fake API:
correctness only — every event acknowledged with 200, every one answered exactly once.
Timings are for `python -m bench.line_load`, not asserted."""

import asyncio
import shutil

import pytest

from bench.line_load import SECRET, TOKEN, surge, wait_answered
from bench.load import Server
from bot.channels.line_fake import FakeLineApi

pytestmark = pytest.mark.slow
QUESTIONS = ["燃やすごみの収集日はいつですか", "住民票の写しはどこで取れますか",
             "粗大ごみの出し方を教えて", "職員と話したい", "水道の使用開始の手続きは？"]


def test_a_bounded_line_surge_is_acknowledged_and_answered_once(mini_index, tmp_path):
    index = tmp_path / "index"
    shutil.copytree(mini_index, index)
    with FakeLineApi(access_token=TOKEN) as fake:
        server = Server(index, f"sqlite:///{tmp_path}/line.sqlite3", workers=2,
                        data_dir=tmp_path / "data", settings={
                            "LINE_CHANNEL_SECRET": SECRET, "LINE_CHANNEL_ACCESS_TOKEN": TOKEN,
                            "MADOGUCHI_LINE__API_BASE": fake.url})
        with server.running(tmp_path / "server.log"):
            run = asyncio.run(surge(f"{server.base}/line/webhook", 10.0, 2.0, 5, QUESTIONS))
            wait_answered(fake, len(run.sent), 120.0)
        result = run.summary(fake)
    assert result["events"] == 20 and result["acked_200"] == 20, result
    assert result["answered"] == 20 and result["answered_twice"] == 0, result
    assert result["rejected_by_api"] == 0, result
    assert set(result["answer_ms"]) == {"p50", "p95", "p99", "max"}
