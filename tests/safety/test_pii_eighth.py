"""Rules written for the eighth fresh batch (issue 13), each as a general principle: every
value must be masked whole, and the look-alikes beside them must stay."""

import pytest

from bot.safety.pii import find


def _masked(text: str, value: str) -> bool:
    start = text.index(value)
    spans = [(s.start, s.end) for s in find(text)]
    return all(any(s <= i < e for s, e in spans)
               for i in range(start, start + len(value)) if text[i].isalnum())


@pytest.mark.parametrize(("text", "value"), [
    # phones: the letter O opening a number, a line break after a separator
    ("O9O-4471-2286に折り返しを", "O9O-4471-2286"),
    ("o8o-2214-7765に電話してください", "o8o-2214-7765"),
    ("090-\n4417-2281にお願いします", "090-\n4417-2281"),
    # e-mail: [.] in brackets, Vietnamese words for @ and the dot, a spelled dot in the local
    # part, and a spoken 'at' that does not swallow the real address after it
    ("ogawa.t [@] gmail [.] com", "ogawa.t [@] gmail [.] com"),
    ("Email tôi: ngoc.anh a còng gmail chấm com", "ngoc.anh a còng gmail chấm com"),
    ("taro dot yamada at gmail dot com", "taro dot yamada at gmail dot com"),
    ("you can reach me at joy.mendoza (at) yahoo (dot) com or by phone",
     "joy.mendoza (at) yahoo (dot) com"),
    # digits typed one by one are one number
    ("口座は7 1 2 3 4 5 6です", "7 1 2 3 4 5 6"),
    # the other calendar's year in brackets inside a date of birth
    ("1990年(平成2年)4月1日生まれです", "1990年(平成2年)4月1日"),
    ("平成2年（1990年）4月1日生まれ", "平成2年（1990年）4月1日"),
    # rooms: a floor and a letter, #, a letter before the number, in brackets, in Latin
    ("若葉台2丁目4番地の7 グリーンコーポ2F-Bです", "若葉台2丁目4番地の7 グリーンコーポ2F-B"),
    ("東雲2-3-4 パークサイド東雲#301に引っ越しました", "東雲2-3-4 パークサイド東雲#301"),
    ("若葉台4-2-2-B101です", "若葉台4-2-2-B101"),
    ("港町4-11-2(ハイツ港 B-2)です", "港町4-11-2(ハイツ港 B-2)"),
    ("新田4-5-6, Rm 202", "新田4-5-6, Rm 202"),
    ("My address: Room 201, Sun Heights, 3-4-5 Honmachi",
     "Room 201, Sun Heights, 3-4-5 Honmachi"),
    ("Moro no apartamento 402, Chuo 3-6-1", "apartamento 402, Chuo 3-6-1"),
    ("Tôi sống ở Wakabadai 1-9-4, phòng 203", "Wakabadai 1-9-4, phòng 203"),
    ("3-2-1 Shinden, Apt 204", "3-2-1 Shinden, Apt 204"),
    # a kanji numeral with 十 as the last number of an address
    ("新田二丁目三番地の十です", "新田二丁目三番地の十"),
])
def test_eighth_round_shape(text, value):
    assert _masked(text, value), [(s.kind, s.text) for s in find(text)]


@pytest.mark.parametrize("text", [
    "I live at home, so I cannot come",
    "O157の食中毒について教えて",
    "本町3丁目で2025年に工事がありますか",
    "1 2 3 の順に並べてください",
])
def test_eighth_round_look_alikes_stay(text):
    assert find(text) == []
