"""A local fake of the LINE Messaging API: an HTTP server on 127.0.0.1 that the SDK is pointed at
(`MADOGUCHI_LINE__API_BASE=http://127.0.0.1:PORT`). It records reply, push and loading-indicator
calls, checks them against LINE's documented limits (so a message LINE would refuse fails here
too), and answers like LINE does. Used by the tests and by `madoguchi line-sim`.

    python -m bot.channels.line_fake --port 8090     # run it on its own
"""

from __future__ import annotations

import argparse
import json
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

PATHS = {"/v2/bot/message/reply": "reply", "/v2/bot/message/push": "push",
         "/v2/bot/chat/loading/start": "loading"}
# LINE's documented limits, kept here on their own so the fake checks our formatter
# independently (https://developers.line.biz/en/reference/messaging-api/).
MAX_MESSAGES = 5
MAX_TEXT = 5000
MAX_ALT_TEXT = 1500
MAX_QUICK_REPLIES = 13
MAX_LABEL = 20
MAX_ACTION_TEXT = 300
MAX_POSTBACK_DATA = 300
MAX_URI = 1000
MAX_FLEX_BYTES = 30_000


def units(text: str) -> int:
    """Characters as LINE counts them (UTF-16 code units)."""
    return len(text.encode("utf-16-le")) // 2


@dataclass
class Call:
    """One request the fake received, and what it answered."""

    kind: str
    path: str
    status: int
    body: dict[str, Any]
    errors: list[str] = field(default_factory=list)
    at: float = field(default_factory=time.time)

    @property
    def messages(self) -> list[dict[str, Any]]:
        return list(self.body.get("messages") or [])

    @property
    def texts(self) -> list[str]:
        return [m.get("text", "") for m in self.messages if m.get("type") == "text"]


class FakeLineApi:
    """Start with `with FakeLineApi() as fake:`; point the SDK at `fake.url`."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0,
                 access_token: str | None = None) -> None:
        self.access_token = access_token
        self.expired_reply_tokens: set[str] = set()
        self.expire_all_reply_tokens = False
        self._used_tokens: set[str] = set()
        self._calls: list[Call] = []
        self._lock = threading.Condition()
        self._server = ThreadingHTTPServer((host, port), _handler(self))
        self._server.daemon_threads = True
        self._thread: threading.Thread | None = None
        self.on_call: Callable[[Call], None] | None = None

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> FakeLineApi:
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,),
                                        daemon=True, name="fake-line-api")
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> FakeLineApi:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- what was received ------------------------------------------------------------------

    def calls(self, kind: str | None = None, ok_only: bool = True) -> list[Call]:
        with self._lock:
            return [c for c in self._calls if (kind is None or c.kind == kind)
                    and (c.status < 300 or not ok_only)]

    @property
    def replies(self) -> list[Call]:
        return self.calls("reply")

    @property
    def pushes(self) -> list[Call]:
        return self.calls("push")

    @property
    def loadings(self) -> list[Call]:
        return self.calls("loading")

    @property
    def rejected(self) -> list[Call]:
        return [c for c in self.calls(ok_only=False) if c.status >= 300]

    def clear(self) -> None:
        with self._lock:
            self._calls.clear()

    def wait_for(self, count: int, kind: str | None = None, timeout: float = 10.0) -> bool:
        """Wait until at least `count` accepted calls (of `kind`) were received."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while len([c for c in self._calls if (kind is None or c.kind == kind)
                       and c.status < 300]) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._lock.wait(left)
            return True

    # -- the API ----------------------------------------------------------------------------

    def handle(self, path: str, auth: str, body: bytes) -> tuple[int, dict[str, Any]]:
        kind = PATHS.get(path)
        if kind is None:
            return 404, {"message": "Not found"}
        if self.access_token is not None and auth != f"Bearer {self.access_token}":
            return self._record(kind, path, 401, {}, ["Authentication failed"])
        try:
            data = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            return self._record(kind, path, 400, {}, ["The request body is not valid JSON"])
        errors = _check(kind, data if isinstance(data, dict) else {})
        if not errors and kind == "reply":
            errors = self._use_token(str(data.get("replyToken", "")))
        return self._record(kind, path, 400 if errors else (202 if kind == "loading" else 200),
                            data if isinstance(data, dict) else {}, errors)

    def _use_token(self, token: str) -> list[str]:
        with self._lock:
            if (self.expire_all_reply_tokens or token in self.expired_reply_tokens
                    or token in self._used_tokens):
                return ["Invalid reply token"]
            self._used_tokens.add(token)
        return []

    def _record(self, kind: str, path: str, status: int, data: dict[str, Any],
                errors: list[str]) -> tuple[int, dict[str, Any]]:
        call = Call(kind, path, status, data, errors)
        with self._lock:
            self._calls.append(call)
            self._lock.notify_all()
        if self.on_call is not None:
            self.on_call(call)
        if errors:
            if errors == ["Invalid reply token"]:
                return status, {"message": "Invalid reply token"}
            return status, {"message": f"The request body has {len(errors)} error(s)",
                            "details": [{"message": e} for e in errors]}
        if kind == "loading":
            return status, {}
        sent = [{"id": str(int(time.time() * 1000) + i), "quoteToken": f"q{i}"}
                for i, _ in enumerate(data.get("messages") or [])]
        return status, {"sentMessages": sent}

    def dump(self, after: int = 0) -> list[dict[str, Any]]:
        with self._lock:
            return [asdict(c) for c in self._calls[after:]]


def _check(kind: str, data: dict[str, Any]) -> list[str]:
    if kind == "loading":
        chat, seconds = data.get("chatId"), data.get("loadingSeconds", 20)
        ok = isinstance(chat, str) and chat and isinstance(seconds, int) and \
            5 <= seconds <= 60 and seconds % 5 == 0
        return [] if ok else ["chatId and loadingSeconds (5–60, a multiple of 5) are required"]
    errors: list[str] = []
    if kind == "reply" and not data.get("replyToken"):
        errors.append("replyToken is required")
    if kind == "push" and not data.get("to"):
        errors.append("to is required")
    msgs = data.get("messages")
    if not isinstance(msgs, list) or not 1 <= len(msgs) <= MAX_MESSAGES:
        return [*errors, f"messages: 1 to {MAX_MESSAGES} messages are required"]
    for i, m in enumerate(msgs):
        errors.extend(f"messages[{i}].{e}" for e in _check_message(m))
    return errors


def _check_message(m: dict[str, Any]) -> list[str]:
    errors: list[str] = []
    if m.get("type") == "text":
        text = m.get("text")
        if not isinstance(text, str) or not text or units(text) > MAX_TEXT:
            errors.append(f"text: 1 to {MAX_TEXT} characters")
    elif m.get("type") == "flex":
        alt = m.get("altText")
        if not isinstance(alt, str) or not alt or units(alt) > MAX_ALT_TEXT:
            errors.append(f"altText: 1 to {MAX_ALT_TEXT} characters")
        size = len(json.dumps(m.get("contents"), ensure_ascii=False).encode("utf-8"))
        if m.get("contents", {}).get("type") != "bubble" or size > MAX_FLEX_BYTES:
            errors.append("contents: a bubble of at most 30 KB")
        errors.extend(_check_actions(m.get("contents")))
    else:
        errors.append(f"type: unsupported by the fake ({m.get('type')})")
    items = (m.get("quickReply") or {}).get("items")
    if items is not None:
        if not 1 <= len(items) <= MAX_QUICK_REPLIES:
            errors.append(f"quickReply.items: 1 to {MAX_QUICK_REPLIES} items")
        for item in items:
            errors.extend(_check_action(item.get("action") or {}))
    return errors


def _check_actions(node: Any) -> list[str]:
    if isinstance(node, list):
        return [e for n in node for e in _check_actions(n)]
    if not isinstance(node, dict):
        return []
    errors = _check_action(node["action"]) if isinstance(node.get("action"), dict) else []
    return errors + [e for k, v in node.items() if k != "action" for e in _check_actions(v)]


def _check_action(a: dict[str, Any]) -> list[str]:
    errors: list[str] = []
    label = a.get("label")
    if not isinstance(label, str) or not label or units(label) > MAX_LABEL:
        errors.append(f"action.label: 1 to {MAX_LABEL} characters ({label!r})")
    kind = a.get("type")
    if kind == "postback" and len(str(a.get("data", ""))) > MAX_POSTBACK_DATA:
        errors.append(f"action.data: at most {MAX_POSTBACK_DATA} characters")
    for key in ("displayText", "text"):
        if key in a and (not a[key] or units(str(a[key])) > MAX_ACTION_TEXT):
            errors.append(f"action.{key}: 1 to {MAX_ACTION_TEXT} characters")
    if kind == "uri" and not (str(a.get("uri", "")).startswith(("http://", "https://", "tel:"))
                              and units(str(a.get("uri", ""))) <= MAX_URI):
        errors.append("action.uri: http, https or tel, at most 1000 characters")
    if kind not in ("postback", "message", "uri"):
        errors.append(f"action.type: unsupported by the fake ({kind})")
    return errors


def _handler(fake: FakeLineApi) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length)
            status, data = fake.handle(urlsplit(self.path).path,
                                       self.headers.get("Authorization", ""), body)
            self._json(status, data)

        def do_GET(self) -> None:
            url = urlsplit(self.path)
            if url.path != "/_fake/calls":
                self._json(404, {"message": "Not found"})
                return
            after = parse_qs(url.query).get("after", ["0"])[0]
            self._json(200, {"calls": fake.dump(int(after) if after.isdigit() else 0)})

        def do_DELETE(self) -> None:
            fake.clear()
            self._json(200, {})

        def _json(self, status: int, data: dict[str, Any]) -> None:
            raw = json.dumps(data, ensure_ascii=False).encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(raw)))
            self.send_header("x-line-request-id", "fake-request")
            self.end_headers()
            self.wfile.write(raw)

        def log_message(self, format: str, *args: Any) -> None:
            return None

    return Handler


def describe(call: dict[str, Any]) -> list[str]:
    """A recorded call as a few readable lines (what a resident would see)."""
    body = call.get("body") or {}
    head = {"reply": f"reply (replyToken {body.get('replyToken', '?')})",
            "push": f"push → {body.get('to', '?')}",
            "loading": f"loading indicator → {body.get('chatId', '?')} "
                       f"({body.get('loadingSeconds', 20)} 秒)"}.get(call["kind"], call["kind"])
    lines = [f"── {head}  [HTTP {call['status']}]"]
    lines += [f"   ! {e}" for e in call.get("errors") or []]
    for i, m in enumerate(body.get("messages") or [], start=1):
        if m.get("type") == "text":
            text = m.get("text", "").replace("\n", "\n      ")
            lines.append(f"   {i}. {text}")
        else:
            alt = str(m.get("altText", "")).replace("\n", "\n      ")
            lines.append(f"   {i}. [{m.get('type')}] {alt}")
        items = (m.get("quickReply") or {}).get("items") or []
        if items:
            labels = " ".join(f"[{(it.get('action') or {}).get('label', '')}]" for it in items)
            lines.append(f"      クイックリプライ: {labels}")
    return lines


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bot.channels.line_fake",
                                description="LINE Messaging API のローカルなフェイク")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8090)
    p.add_argument("--token", default=None, help="受け付けるアクセストークン（省略時は確認しない）")
    args = p.parse_args(argv)
    fake = FakeLineApi(args.host, args.port, args.token)
    fake.on_call = lambda call: print("\n".join(describe(asdict(call))), flush=True)
    print(f"fake LINE Messaging API on {fake.url} "
          f"(MADOGUCHI_LINE__API_BASE={fake.url}); Ctrl+C で終了")
    try:
        fake._server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        fake._server.server_close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
