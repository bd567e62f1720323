"""A small OpenAI-compatible chat-completions server for tests, on a free port. What it answers
depends on the requested model name, so one server plays every fault case."""

from __future__ import annotations

import json
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

PASSAGE = re.compile(r'<passage id="(\d+)" source="[^"]*">\n(.*?)\n</passage>', re.S)


def faithful(user: str, n: int = 1) -> str:
    """The first two sentences of passage n, each citing it."""
    text = dict(PASSAGE.findall(user))[str(n)]
    parts = [s.strip() for s in re.split(r"[。\n]", text)
             if s.strip() and not re.fullmatch(r"[（(].*[)）]", s.strip())][:2]
    return "".join(f"{s}[{n}]。" for s in parts)


def content_for(model: str, user: str) -> str:
    """The assistant's text for each behaviour (model name)."""
    answers = {
        "faithful": lambda: faithful(user),
        "invent_fee": lambda: "住民票の写しの交付は市民課で行います[1]。手数料は500円です[1]。",
        "cite_missing": lambda: faithful(user).replace("[1]", "[9]", 1),
        "uncited": lambda: faithful(user) + "窓口は混み合いますので、お早めにお越しください。",
        "wrong_language": lambda: "A copy of the residence certificate costs 300 yen [1].",
        "refusal": lambda: "NO_ANSWER",
        "personal": lambda: "担当の山田太郎さん（090-1234-5678）が対応します[1]。",
        "hang": lambda: faithful(user),
        "judge": lambda: '{"faithfulness": 1.0, "answer_relevance": 0.75, "reason": "テスト"}',
    }
    return answers[model]()


class FakeOpenAI:
    """Start with `with FakeOpenAI() as server:`; `server.base_url` is the API base."""

    def __init__(self, hang_s: float = 3.0) -> None:
        self.requests: list[dict[str, Any]] = []
        self.hang_s = hang_s
        self._stop = threading.Event()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._httpd.server_address[1]}/v1"

    def __enter__(self) -> FakeOpenAI:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._httpd.shutdown()
        self._httpd.server_close()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                server.requests.append(body)
                model = body["model"]
                if model == "hang":
                    server._stop.wait(server.hang_s)
                if model == "malformed":
                    return self._send(200, b'{"id": "x", "choices": [{"message": ')
                if model == "error":
                    return self._send(500, b'{"error": {"message": "boom"}}')
                user = next(m["content"] for m in body["messages"] if m["role"] == "user")
                text = content_for(model, user)
                reply = {"id": "chatcmpl-test", "object": "chat.completion",
                         "created": int(time.time()), "model": model,
                         "choices": [{"index": 0, "finish_reason": "stop",
                                      "message": {"role": "assistant", "content": text}}],
                         "usage": {"prompt_tokens": len(user), "completion_tokens": len(text),
                                   "total_tokens": len(user) + len(text)}}
                self._send(200, json.dumps(reply, ensure_ascii=False).encode())

            def _send(self, status: int, data: bytes) -> None:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                try:
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (the timeout case)

        return Handler
