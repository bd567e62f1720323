"""Canonical forms and the facts a sentence asserts (bot/llm/facts.py)."""

import pytest

from bot.llm.facts import NameFinder, canonical, facts
from ingest.text import kanji_number


@pytest.mark.parametrize(("raw", "expected"), [
    ("手数料は三百円です", "手数料は300円です"),
    ("１万５千円", "15000円"),
    ("1.5万円", "15000円"),
    ("1,200円", "1200円"),
    ("¥300", "300円"),
    ("300 yen", "300円"),
    ("令和6年4月1日", "2024年4月1日"),
    ("平成元年", "1989年"),
    ("令和六年", "2024年"),
    ("二〇二四年", "2024年"),
    ("from April 1, 2024", "from 2024年4月1日"),
    ("第二条", "第2条"),
    ("十分ご注意ください。一時的に止めます。万一の場合",
     "十分ご注意ください。一時的に止めます。万一の場合"),
])
def test_canonical_form(raw, expected):
    assert canonical(raw) == expected


def test_kanji_numbers():
    assert [kanji_number(s) for s in ("三百", "千五百", "二十", "1万5千", "百")] == [
        300, 1500, 20, 15000, 100]


@pytest.fixture(scope="module")
def names():
    return NameFinder()


def test_facts_of_a_sentence(names):
    said = facts("令和6年4月1日から、手数料は1通三百円です。電話 0199-21-1201、"
                 "https://www.city.kazamino.example.jp/a.html [1]", names)
    assert said.numbers == {("2024", "年"), ("4", "月"), ("1", "日"), ("1", "通"), ("300", "円")}
    assert said.phones == {"0199211201"}
    assert said.urls == {"https://www.city.kazamino.example.jp/a.html"}


def test_units_are_grouped_by_family(names):
    assert facts("14 days", names).numbers == facts("14日間", names).numbers == {("14", "日")}
    assert facts("3か月", names).numbers == {("3", "月")}


def test_proper_nouns(names):
    assert facts("東京都の新宿区へ", names).names == {"東京都", "新宿区"}
    assert facts("Tokyo", names).names == frozenset()
