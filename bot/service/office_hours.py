"""The city hall's calendar: when staff can answer, and honest Japanese wording about it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml

from bot.service.languages import Language

WEEKDAYS_JA = "月火水木金土日"


@dataclass(frozen=True)
class OfficeHours:
    weekdays: frozenset[int]
    opens: time
    closes: time
    holidays: frozenset[date]
    tz: ZoneInfo

    @classmethod
    def from_settings(cls, weekdays: list[int], opens: str, closes: str, holidays_path: Path,
                      timezone: str) -> OfficeHours:
        raw = yaml.safe_load(holidays_path.read_text(encoding="utf-8")) or []
        days = frozenset(d if isinstance(d, date) else date.fromisoformat(str(d)) for d in raw)
        return cls(frozenset(weekdays), time.fromisoformat(opens), time.fromisoformat(closes),
                   days, ZoneInfo(timezone))

    def local(self, at: datetime) -> datetime:
        return at.astimezone(self.tz) if at.tzinfo else at.replace(tzinfo=self.tz)

    def is_working_day(self, day: date) -> bool:
        return day.weekday() in self.weekdays and day not in self.holidays

    def is_open(self, at: datetime) -> bool:
        at = self.local(at)
        return self.is_working_day(at.date()) and self.opens <= at.time() < self.closes

    def next_open(self, at: datetime) -> datetime:
        """The next moment staff are at work (at itself if open now)."""
        at = self.local(at)
        if self.is_open(at):
            return at
        day = at.date() if at.time() < self.opens else at.date() + timedelta(days=1)
        for _ in range(60):
            if self.is_working_day(day):
                return datetime.combine(day, self.opens, self.tz)
            day += timedelta(days=1)
        raise ValueError("60日先まで開庁日がありません。休日設定を確認してください")


def format_ja(at: datetime) -> str:
    """「11月24日（火）8時30分」."""
    minutes = f"{at.minute}分" if at.minute else ""
    return f"{at.month}月{at.day}日（{WEEKDAYS_JA[at.weekday()]}）{at.hour}時{minutes}"


def handoff_notice(hours: OfficeHours, at: datetime, urgent_phone: str,
                   language: Language | None = None) -> str:
    """What happens next after a handoff, said honestly for the time of day (in `language`
    when given, else Japanese)."""
    if language is not None:
        if hours.is_open(at):
            return language.reply("hours_open")
        opens = hours.next_open(at)
        when = format_ja(opens) if language.code == "ja" else language.when(opens)
        return language.reply("hours_closed", next=when, phone=urgent_phone)
    if hours.is_open(at):
        return ("職員が内容を確認し、このチャットでお返事します。"
                "しばらくお待ちください（窓口の混雑状況により時間がかかることがあります）。")
    nxt = format_ja(hours.next_open(at))
    return (f"現在は開庁時間外のため、職員は対応していません。{nxt}以降に職員が確認し、"
            f"このチャットでお返事します。お急ぎの場合は {urgent_phone} へお電話ください"
            "（緊急の場合は 119 / 110）。")
