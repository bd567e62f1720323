from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bot.service.office_hours import OfficeHours, format_ja, handoff_notice
from bot.settings import HandoffSettings

JST = ZoneInfo("Asia/Tokyo")
h = HandoffSettings()
HOURS = OfficeHours.from_settings(h.weekdays, h.opens, h.closes, h.holidays_path, h.timezone)


@pytest.mark.parametrize("at, open_", [
    (datetime(2026, 11, 24, 10, 0, tzinfo=JST), True),     # Tuesday
    (datetime(2026, 11, 24, 8, 29, tzinfo=JST), False),    # before opening
    (datetime(2026, 11, 24, 17, 15, tzinfo=JST), False),   # closing time
    (datetime(2026, 11, 28, 10, 0, tzinfo=JST), False),    # Saturday
    (datetime(2026, 11, 23, 10, 0, tzinfo=JST), False),    # 勤労感謝の日
    (datetime(2026, 12, 30, 10, 0, tzinfo=JST), False),    # 年末年始
])
def test_is_open(at, open_):
    assert HOURS.is_open(at) is open_


def test_next_open_skips_weekends_and_holidays():
    friday_night = datetime(2026, 11, 20, 19, 0, tzinfo=JST)
    assert HOURS.next_open(friday_night) == datetime(2026, 11, 24, 8, 30, tzinfo=JST)
    new_year = datetime(2026, 12, 28, 18, 0, tzinfo=JST)
    assert HOURS.next_open(new_year) == datetime(2027, 1, 4, 8, 30, tzinfo=JST)
    utc = datetime(2026, 11, 24, 1, 0, tzinfo=ZoneInfo("UTC"))  # 10:00 JST
    assert HOURS.is_open(utc)


def test_notice_is_honest_about_the_time():
    during = handoff_notice(HOURS, datetime(2026, 11, 24, 10, 0, tzinfo=JST), "0199-21-1111")
    assert "このチャットでお返事します" in during and "時間外" not in during
    after = handoff_notice(HOURS, datetime(2026, 11, 20, 19, 0, tzinfo=JST), "0199-21-1201")
    assert "開庁時間外" in after and "11月24日（火）8時30分以降" in after
    assert "0199-21-1201" in after and "119" in after


def test_format_ja():
    assert format_ja(datetime(2027, 1, 4, 8, 0, tzinfo=JST)) == "1月4日（月）8時"
