"""`madoguchi line-sim`: a signed event to a running service (uvicorn on 127.0.0.1), and what
the fake LINE API received, printed."""

from __future__ import annotations

import socket
import threading
import time

import pytest
import uvicorn

from bot.channels.line_fake import FakeLineApi
from bot.cli import main

from .conftest import SECRET, TOKEN


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def serve():
    """Run an app under uvicorn in a thread; yields its webhook URL."""
    servers = []

    def start(app) -> str:
        port = free_port()
        server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port,
                                               log_level="warning", lifespan="off"))
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        deadline = time.monotonic() + 10
        while not server.started and time.monotonic() < deadline:
            time.sleep(0.02)
        assert server.started
        servers.append((server, thread))
        return f"http://127.0.0.1:{port}/line/webhook"

    yield start
    for server, thread in servers:
        server.should_exit = True
        thread.join(10)


def sim_env(monkeypatch, tmp_path, api_base: str, secret: str = SECRET) -> None:
    monkeypatch.chdir(tmp_path)  # no .env from the developer's checkout
    monkeypatch.setenv("LINE_CHANNEL_SECRET", secret)
    monkeypatch.setenv("LINE_CHANNEL_ACCESS_TOKEN", TOKEN)
    monkeypatch.setenv("MADOGUCHI_LINE__API_BASE", api_base)


def test_line_sim_against_a_running_fake(line_app_factory, fake, serve, monkeypatch, tmp_path,
                                         capsys):
    url = serve(line_app_factory())
    sim_env(monkeypatch, tmp_path, fake.url)
    assert main(["line-sim", "住民票の写しはどこで取れますか", "--url", url]) == 0
    out = capsys.readouterr().out
    assert "HTTP 200" in out and "loading indicator" in out and "reply" in out
    assert "市民課窓口" in out and "[役に立った] [役に立たなかった] [職員に相談]" in out
    assert len(fake.replies) == 1


def test_line_sim_starts_the_fake_when_none_runs(line_app_factory, line_settings, serve,
                                                 monkeypatch, tmp_path, capsys):
    from bot.settings import LineSettings

    base = f"http://127.0.0.1:{free_port()}"
    url = serve(line_app_factory(line_settings(line=LineSettings(api_base=base))))
    sim_env(monkeypatch, tmp_path, base)
    assert main(["line-sim", "--event", "follow", "--url", url, "--json"]) == 0
    out = capsys.readouterr().out
    assert '"kind": "reply"' in out and "友だち追加ありがとうございます" in out


def test_line_sim_group_without_mention_expects_silence(line_app_factory, fake, serve,
                                                        monkeypatch, tmp_path, capsys):
    url = serve(line_app_factory())
    sim_env(monkeypatch, tmp_path, fake.url)
    assert main(["line-sim", "こんにちは", "--group", "G1", "--url", url]) == 0
    assert "呼び出しはありませんでした" in capsys.readouterr().out


def test_line_sim_reports_a_refused_signature(line_app_factory, fake, serve, monkeypatch,
                                              tmp_path, capsys):
    url = serve(line_app_factory())
    sim_env(monkeypatch, tmp_path, fake.url, secret="not-the-service-secret")
    assert main(["line-sim", "住民票", "--url", url]) == 1
    captured = capsys.readouterr()
    assert "HTTP 400" in captured.out and "署名" in captured.err


def test_line_sim_without_a_service(fake, monkeypatch, tmp_path, capsys):
    sim_env(monkeypatch, tmp_path, fake.url)
    url = f"http://127.0.0.1:{free_port()}/line/webhook"
    assert main(["line-sim", "住民票", "--url", url]) == 1
    assert "madoguchi serve" in capsys.readouterr().err


@pytest.mark.parametrize(("env", "argv", "message"), [
    ({"LINE_CHANNEL_SECRET": ""}, ["line-sim", "質問"], "LINE_CHANNEL_SECRET"),
    ({"MADOGUCHI_LINE__API_BASE": "https://api.line.me"}, ["line-sim", "質問"], "本物の LINE"),
    ({}, ["line-sim"], "質問を指定"),
])
def test_line_sim_usage_errors(monkeypatch, tmp_path, capsys, env, argv, message):
    sim_env(monkeypatch, tmp_path, "http://127.0.0.1:9")
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    assert main(argv) == 64
    assert message in capsys.readouterr().err


def test_line_sim_when_the_fake_port_is_taken(monkeypatch, tmp_path, capsys):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        sim_env(monkeypatch, tmp_path, f"http://127.0.0.1:{busy.getsockname()[1]}")
        assert main(["line-sim", "質問", "--timeout", "1"]) == 64
    assert "フェイク" in capsys.readouterr().err


def test_standalone_fake_prints_calls(capsys):
    import httpx

    from bot.channels.line_fake import describe

    with FakeLineApi() as f:
        httpx.post(f"{f.url}/v2/bot/message/push",
                   json={"to": "U1", "messages": [{"type": "text", "text": "一行目\n二行目"}]})
        (call,) = f.dump()
    lines = describe(call)
    assert lines[0] == "── push → U1  [HTTP 200]"
    assert lines[1] == "   1. 一行目\n      二行目"
