"""How the console shows things: local time with its zone, Japanese labels for reasons,
decisions and statuses. Registered once as Jinja filters and globals."""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo
from zoneinfo import ZoneInfo

from fastapi.templating import Jinja2Templates

STATUS_JA = {"open": "未対応", "assigned": "対応中", "answered": "回答済み", "closed": "完了"}
PRIORITY_JA = {0: "緊急", 1: "職員希望", 2: "評価低", 3: "自動応答不可", 4: "不正利用の疑い"}
REASON_JA = {
    "emergency": "緊急の内容",
    "handoff_requested": "住民が職員を希望",
    "handoff_low_confidence": "自動応答の確信度が低い",
    "handoff_no_source": "該当する資料がない",
    "negative_feedback": "「役に立たなかった」が続いた",
    "handoff_feedback": "「役に立たなかった」が続いた",
    "staff_handling": "職員が対応中",
    "answered": "自動応答",
    "clarify": "聞き返し",
    "guard_empty": "空の入力",
    "guard_injection": "不正な指示の疑い",
    "handoff_suspected_abuse": "不正利用の疑い",
    "rate_limited": "送信が多すぎる",
    "error_internal": "システムエラー",
}
DECISION_JA = {"answer": "回答", "clarify": "聞き返し", "handoff": "職員へ引き継ぎ",
               "emergency": "緊急"}
ROLE_JA = {"resident": "住民", "bot": "自動応答", "staff": "職員", "system": "お知らせ"}


def zone(name: str) -> tzinfo:
    return ZoneInfo(name)


def to_local(value: datetime, tz: tzinfo) -> datetime:
    """Stored times are naive UTC; shown in the city's zone."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(tz)


def local_time(value: datetime | None, tz: tzinfo, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """「2026-11-30 12:53 JST」: the zone is always shown."""
    if value is None:
        return "—"
    local = to_local(value, tz)
    return f"{local.strftime(fmt)} {local.tzname()}"


def reason_ja(code: str) -> str:
    return REASON_JA.get(code, code)


def install(templates: Jinja2Templates, timezone: str) -> None:
    tz = zone(timezone)
    env = templates.env
    env.filters["local"] = lambda v, fmt="%Y-%m-%d %H:%M": local_time(v, tz, fmt)
    env.filters["reason_ja"] = reason_ja
    env.globals.update(status_ja=STATUS_JA, priority_ja=PRIORITY_JA, decision_ja=DECISION_JA,
                       role_ja=ROLE_JA, timezone_name=timezone)
