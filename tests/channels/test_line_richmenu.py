"""The rich menu: the shipped definition is valid, the script creates the menu, uploads the
image and sets it as default against a local fake Messaging API, and refuses a broken file."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from bot.channels import line_richmenu as rm
from bot.cli import main

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


@pytest.fixture
def fake_api():
    """A tiny Messaging API: records (method, path, content type, body) and answers like LINE."""
    calls: list[tuple[str, str, str, bytes]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server's name
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            calls.append(("POST", self.path, self.headers.get("Content-Type", ""), body))
            ok = self.headers.get("Authorization") == "Bearer test-token"
            reply = {"richMenuId": "richmenu-0123"} if self.path == "/v2/bot/richmenu" else {}
            data = json.dumps(reply if ok else {"message": "Authentication failed"}).encode()
            self.send_response(200 if ok else 401)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}", calls
    server.shutdown()
    server.server_close()


def test_shipped_definition_is_valid():
    menu = rm.load(rm.DEFINITION, "https://city.example/chat")
    assert rm.problems(menu) == []
    datas = [a["action"].get("data") for a in menu["areas"]]
    assert "action=handoff" in datas and "action=languages" in datas


def test_problems_name_what_to_fix():
    menu = rm.load(rm.DEFINITION, "")
    menu["areas"][0]["bounds"]["width"] = 3000
    found = rm.problems(menu)
    assert any("area 1" in p and "外" in p for p in found)
    assert any("area 2" in p and "https://" in p for p in found)


def test_register_against_a_local_fake(fake_api, tmp_path, monkeypatch):
    base, calls = fake_api
    image = tmp_path / "menu.png"
    image.write_bytes(PNG)
    monkeypatch.setenv("LINE_CHANNEL_ACCESS_TOKEN", "test-token")
    monkeypatch.setenv("MADOGUCHI_LINE__API_BASE", base)
    monkeypatch.setenv("MADOGUCHI_LINE__DATA_API_BASE", base)
    assert main(["line-richmenu", "--image", str(image),
                 "--web-url", "https://city.example/chat"]) == 0
    assert [(m, p) for m, p, _, _ in calls] == [
        ("POST", "/v2/bot/richmenu"), ("POST", "/v2/bot/richmenu/richmenu-0123/content"),
        ("POST", "/v2/bot/user/all/richmenu/richmenu-0123")]
    created = json.loads(calls[0][3])
    assert created["areas"][1]["action"]["uri"] == "https://city.example/chat"
    assert calls[1][2] == "image/png" and calls[1][3] == PNG


def test_broken_setup_is_refused_before_calling_line(fake_api, tmp_path, monkeypatch, capsys):
    base, calls = fake_api
    image = tmp_path / "menu.gif"
    image.write_bytes(b"GIF89a")
    monkeypatch.delenv("LINE_CHANNEL_ACCESS_TOKEN", raising=False)
    monkeypatch.setenv("MADOGUCHI_LINE__API_BASE", base)
    assert main(["line-richmenu", "--image", str(image)]) == 2
    out = capsys.readouterr().out
    assert "png" in out and "LINE_CHANNEL_ACCESS_TOKEN" in out and "https://" in out
    assert calls == []
