"""`madoguchi line-sim "質問"`: try the LINE flow without a LINE account. Sends a correctly
signed webhook event to a running madoguchi and prints what the LINE API (the local fake at
MADOGUCHI_LINE__API_BASE) received. Starts that fake itself when none is running there.

The event builders here are also what the tests use, so both speak the same LINE."""

from __future__ import annotations

import argparse
import base64
import hashlib
import hmac
import json
import sys
import time
import uuid
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from bot.channels.line_fake import FakeLineApi, describe
from bot.settings import Settings

DEFAULT_URL = "http://127.0.0.1:8000/line/webhook"
DEFAULT_USER = "U" + hashlib.sha256(b"madoguchi line-sim").hexdigest()[:32]
MEDIA = ("sticker", "image", "video", "audio", "location", "file")
KINDS = ("text", "postback", "follow", "unfollow", "join", *MEDIA)
LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")
EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 64


def sign(body: bytes, secret: str) -> str:
    """X-Line-Signature: base64 of HMAC-SHA256 of the raw body with the channel secret."""
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def webhook_body(events: list[dict[str, Any]], destination: str = "Ubot") -> bytes:
    return json.dumps({"destination": destination, "events": events},
                      ensure_ascii=False).encode("utf-8")


def _id() -> str:
    return uuid.uuid4().hex.upper()[:26]


def _content(kind: str, text: str, mention: bool) -> dict[str, Any]:
    base: dict[str, Any] = {"type": kind, "id": str(uuid.uuid4().int)[:18], "quoteToken": _id()}
    provider = {"contentProvider": {"type": "line"}}
    extra: dict[str, dict[str, Any]] = {
        "text": {"text": text},
        "sticker": {"packageId": "446", "stickerId": "1988", "stickerResourceType": "STATIC"},
        "image": provider, "video": {**provider, "duration": 3000},
        "audio": {**provider, "duration": 3000},
        "location": {"title": "市役所", "address": "風見野市", "latitude": 35.0,
                     "longitude": 139.0},
        "file": {"fileName": "memo.pdf", "fileSize": 1024}}
    base.update(extra[kind])
    if kind == "text" and mention:
        base["text"] = "@窓口 " + text
        base["mention"] = {"mentionees": [{"type": "user", "index": 0, "length": 3,
                                           "isSelf": True}]}
    return base


def make_event(kind: str = "text", *, user: str = DEFAULT_USER, text: str = "",
               data: str = "", group: str | None = None, mention: bool = False,
               redelivery: bool = False, timestamp_ms: int | None = None,
               event_id: str | None = None, reply_token: str | None = None,
               mode: str = "active") -> dict[str, Any]:
    """One webhook event as LINE sends it (the fields the SDK requires, and realistic ids)."""
    source: dict[str, Any] = ({"type": "group", "groupId": group, "userId": user} if group
                              else {"type": "user", "userId": user})
    ev: dict[str, Any] = {
        "type": "message" if kind in ("text", *MEDIA) else kind, "mode": mode,
        "timestamp": timestamp_ms if timestamp_ms is not None else int(time.time() * 1000),
        "source": source, "webhookEventId": event_id or _id(),
        "deliveryContext": {"isRedelivery": redelivery}}
    if kind != "unfollow":
        ev["replyToken"] = reply_token or uuid.uuid4().hex
    if ev["type"] == "message":
        ev["message"] = _content(kind, text, mention)
    elif kind == "postback":
        ev["postback"] = {"data": data}
    elif kind == "follow":
        ev["follow"] = {"isUnblocked": False}
    return ev


def add_parser(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "line-sim", help="署名つき LINE Webhook を送り、LINE API（フェイク）が受けた内容を表示",
        description="起動中の madoguchi に LINE の Webhook イベントを送ります。サービスと同じ "
                    "LINE_CHANNEL_SECRET と MADOGUCHI_LINE__API_BASE（127.0.0.1 のフェイク）を"
                    "設定して実行してください。")
    p.add_argument("question", nargs="?", default="", help="送る文字メッセージ")
    p.add_argument("--url", default=DEFAULT_URL, help=f"Webhook URL（既定 {DEFAULT_URL}）")
    p.add_argument("--event", choices=KINDS, default="text", help="イベントの種類（既定 text）")
    p.add_argument("--data", default="", help="postback の data（例: action=handoff）")
    p.add_argument("--user", default=DEFAULT_USER, help="LINE ユーザー ID")
    p.add_argument("--group", metavar="GROUP_ID", help="グループからのイベントにする")
    p.add_argument("--mention", action="store_true", help="グループでボットにメンションする")
    p.add_argument("--timeout", type=float, default=30.0, help="応答を待つ秒数")
    p.add_argument("--json", action="store_true", help="受けた呼び出しを JSON で出力")


def run(args: argparse.Namespace, settings: Settings) -> int:
    """Send one signed event, then print the LINE API calls it caused."""
    problem = _usage_problem(args, settings)
    if problem:
        print(problem, file=sys.stderr)
        return EXIT_USAGE
    base = settings.line.api_base.rstrip("/")
    try:
        calls, stop = _fake_at(base, settings.line_channel_access_token)
    except OSError as exc:
        print(f"{base} でフェイクの LINE API を起動できません: {exc}", file=sys.stderr)
        return EXIT_USAGE
    try:
        return _exchange(args, settings, calls)
    finally:
        stop()


def _usage_problem(args: argparse.Namespace, settings: Settings) -> str:
    if not settings.line_channel_secret:
        return ("LINE_CHANNEL_SECRET を設定してください（サービスと同じ値） / "
                "set LINE_CHANNEL_SECRET to the service's channel secret")
    if urlsplit(settings.line.api_base).hostname not in LOCAL_HOSTS:
        return ("MADOGUCHI_LINE__API_BASE を 127.0.0.1 のフェイクにしてください"
                "（例: http://127.0.0.1:8090）。本物の LINE には送りません。")
    if args.event == "text" and not args.question:
        return "送る質問を指定してください（例: madoguchi line-sim \"粗大ごみの出し方\"）"
    return ""


def _fake_at(base: str, token: str) -> tuple[Callable[[], list[dict[str, Any]]],
                                              Callable[[], None]]:
    """Use the fake already running at `base`, or start one there for this run."""
    import httpx

    try:
        httpx.get(f"{base}/_fake/calls", timeout=2.0).raise_for_status()
        return (lambda: httpx.get(f"{base}/_fake/calls", timeout=5.0).json()["calls"],
                lambda: None)
    except httpx.HTTPError:
        pass
    url = urlsplit(base)
    fake = FakeLineApi(url.hostname or "127.0.0.1", url.port or 80, token or None).start()
    return fake.dump, fake.stop


def _exchange(args: argparse.Namespace, settings: Settings,
              calls: Callable[[], list[dict[str, Any]]]) -> int:
    import httpx

    before = len(calls())
    event = make_event(args.event, user=args.user, text=args.question, data=args.data,
                       group=args.group, mention=args.mention)
    body = webhook_body([event])
    try:
        r = httpx.post(args.url, content=body, timeout=10.0, headers={
            "Content-Type": "application/json",
            "X-Line-Signature": sign(body, settings.line_channel_secret)})
    except httpx.HTTPError as exc:
        print(f"Webhook を送れません（{args.url}）: {exc}\nmadoguchi serve は起動していますか？",
              file=sys.stderr)
        return EXIT_FAILED
    print(f"→ webhook {args.event} ({event['webhookEventId']}) : HTTP {r.status_code}")
    if r.status_code != 200:
        print(r.text, file=sys.stderr)
        return EXIT_FAILED
    expect = args.event != "unfollow" and (not args.group or args.mention or args.event == "join")
    received = _wait(calls, before, expect, args.timeout)
    if args.json:
        print(json.dumps(received, ensure_ascii=False, indent=1))
    else:
        for call in received:
            print("\n".join(describe(call)))
    answered = any(c["kind"] in ("reply", "push") for c in received)
    if expect and not answered:
        print(f"{args.timeout:g} 秒待ちましたが応答がありません。サービスは "
              f"MADOGUCHI_LINE__API_BASE={settings.line.api_base} で起動していますか？",
              file=sys.stderr)
        return EXIT_FAILED
    if not received:
        print("（LINE API への呼び出しはありませんでした）")
    return EXIT_FAILED if any(c["status"] >= 300 for c in received) else EXIT_OK


def _wait(calls: Callable[[], list[dict[str, Any]]], before: int, expect: bool,
          timeout: float, settle: float = 0.5) -> list[dict[str, Any]]:
    """New calls once an answer arrived and nothing more came for `settle` seconds."""
    deadline = time.monotonic() + (timeout if expect else 1.5)
    seen, quiet_since = 0, time.monotonic()
    while time.monotonic() < deadline:
        new = calls()[before:]
        if len(new) != seen:
            seen, quiet_since = len(new), time.monotonic()
        answered = any(c["kind"] in ("reply", "push") for c in new)
        if expect and answered and time.monotonic() - quiet_since >= settle:
            return new
        time.sleep(0.05)
    return calls()[before:]
