"""Register the LINE rich menu (`bot/data/line_richmenu.json` and the city's image) with the
Messaging API: create the menu, upload its image, make it every user's default.

    madoguchi line-richmenu --image menu.png --web-url https://city.example/chat

Reads LINE_CHANNEL_ACCESS_TOKEN; MADOGUCHI_LINE__API_BASE / __DATA_API_BASE point it at a local
fake for tests. The definition is checked first (size, areas inside it, known actions), so a
broken file fails here with what to fix, not at LINE."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import httpx

from bot.settings import PACKAGE_DATA, Settings

DEFINITION = PACKAGE_DATA / "line_richmenu.json"
SIZES = ({"width": 2500, "height": 1686}, {"width": 2500, "height": 843},
         {"width": 1200, "height": 810}, {"width": 1200, "height": 405},
         {"width": 800, "height": 540}, {"width": 800, "height": 270})
ACTIONS = {"postback", "message", "uri"}
MAX_IMAGE = 1024 * 1024
IMAGE_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg"}


def load(path: Path, web_url: str) -> dict[str, Any]:
    """The definition with {web_url} filled in."""
    text = path.read_text(encoding="utf-8").replace("{web_url}", web_url)
    data: dict[str, Any] = json.loads(text)
    return data


def problems(menu: dict[str, Any]) -> list[str]:
    """What LINE would refuse in a rich-menu definition (empty when it is fine)."""
    size = menu.get("size") or {}
    found = [] if size in SIZES else [f"size {size} は LINE の画像サイズではありません"]
    if not 1 <= len(menu.get("chatBarText", "")) <= 14:
        found.append("chatBarText は 1〜14 文字にしてください")
    areas = menu.get("areas") or []
    if not 1 <= len(areas) <= 20:
        found.append("areas は 1〜20 個にしてください")
    for i, area in enumerate(areas, 1):
        b, action = area.get("bounds") or {}, area.get("action") or {}
        if (b.get("x", -1) < 0 or b.get("y", -1) < 0
                or b.get("x", 0) + b.get("width", 0) > size.get("width", 0)
                or b.get("y", 0) + b.get("height", 0) > size.get("height", 0)):
            found.append(f"area {i}: bounds が画像の外に出ています")
        if action.get("type") not in ACTIONS:
            found.append(f"area {i}: action.type は {sorted(ACTIONS)} のどれかにしてください")
        if action.get("type") == "uri" and not str(action.get("uri", "")).startswith("https://"):
            found.append(f"area {i}: uri は https:// で始まる URL にしてください（--web-url）")
    return found


def register(menu: dict[str, Any], image: bytes, content_type: str, token: str,
             api_base: str, data_api_base: str, default: bool = True,
             client: httpx.Client | None = None) -> str:
    """Create the menu, upload the image, (optionally) set it as default; its id."""
    http = client or httpx.Client(timeout=30)
    auth = {"Authorization": f"Bearer {token}"}
    r = http.post(f"{api_base}/v2/bot/richmenu", json=menu, headers=auth)
    r.raise_for_status()
    menu_id = str(r.json()["richMenuId"])
    r = http.post(f"{data_api_base}/v2/bot/richmenu/{menu_id}/content", content=image,
                  headers={**auth, "Content-Type": content_type})
    r.raise_for_status()
    if default:
        http.post(f"{api_base}/v2/bot/user/all/richmenu/{menu_id}", headers=auth
                  ).raise_for_status()
    return menu_id


def add_parser(subparsers: Any) -> None:
    p = subparsers.add_parser("line-richmenu", help="LINE のリッチメニューを登録する",
                              description=__doc__)
    p.add_argument("--definition", type=Path, default=DEFINITION, help="メニュー定義（JSON）")
    p.add_argument("--image", type=Path, required=True, help="メニュー画像（PNG/JPEG, 1MB 以下）")
    p.add_argument("--web-url", default="", help="Web チャットの URL（{web_url} に入る）")
    p.add_argument("--no-default", action="store_true", help="全員の既定メニューにしない")


def run(args: argparse.Namespace, settings: Settings) -> int:
    menu = load(args.definition, args.web_url)
    found = problems(menu)
    content_type = IMAGE_TYPES.get(args.image.suffix.lower())
    if content_type is None:
        found.append("画像は .png か .jpg にしてください")
    elif args.image.stat().st_size > MAX_IMAGE:
        found.append("画像は 1MB 以下にしてください")
    if not settings.line_channel_access_token:
        found.append("LINE_CHANNEL_ACCESS_TOKEN を設定してください")
    if found:
        print("\n".join(f"リッチメニュー: {p}" for p in found))
        return 2
    menu_id = register(menu, args.image.read_bytes(), content_type or "",
                       settings.line_channel_access_token, settings.line.api_base,
                       settings.line.data_api_base, default=not args.no_default)
    print(f"リッチメニューを登録しました: {menu_id}")
    return 0
