"""Rules written for the eighth fresh batch (issue 13), each as a general principle: every
value must be masked whole, and the look-alikes beside them must stay."""

import pytest

from bot.safety.pii import find
from tests.safety.masking import masked_whole

SHAPES = [
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
    # e-mail: a spelled underscore or hyphen in the local part; a space on one side of a dot
    ("taro アンダーバー yamada@gmail.com に送って", "taro アンダーバー yamada@gmail.com"),
    ("ken ハイフン ito@example.jp", "ken ハイフン ito@example.jp"),
    ("taro_yamada@gmail .com です", "taro_yamada@gmail .com"),
    ("taro@example. co. jp です", "taro@example. co. jp"),
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
]


LOOK_ALIKES = [
    "I live at home, so I cannot come",
    "O157の食中毒について教えて",
    "本町3丁目で2025年に工事がありますか",
    "1 2 3 の順に並べてください",
]


NAMES = [
    # a surname before の父です / の祖母です after a particle or a verb
    ("３年２組の村瀬の父です。給食費について", "村瀬"),
    ("ひまわり保育園に通う坂井の祖母です。", "坂井"),
    # romaji in any case before desu / です, lower case before 'here'
    ("TANAKA hiroshi desu. Gomi no dashikata ga wakarimasen", "TANAKA hiroshi"),
    ("sakamoto yuiです。印鑑証明がほしい", "sakamoto yui"),
    ("hello, hiroshi tanaka here. how do i get a resident certificate?", "hiroshi tanaka"),
    # katakana parts joined by ・ before といいます / です, after any word
    ("ネパールから来たラム・バハドゥル・タパといいます。", "ラム・バハドゥル・タパ"),
    ("韓国出身のイ・ソヨンです。保育園について", "イ・ソヨン"),
    # Latin names: an abbreviated first name, a short capitalised part, a title, po, &
    ("Hello, this is Ma. Lourdes Reyes from Honmachi.", "Ma. Lourdes Reyes"),
    ("Nguyen Van AnとNguyen Thi Lanの夫婦です。", "Nguyen Van An"),
    ("Please send it to Ms. Chen Yu at the office", "Chen Yu"),
    ("Jerome Bautista po. I lost my residence card", "Jerome Bautista"),
    ("Pradeep Karki & Sunita Karki, we need an interpreter", "Sunita Karki"),
    ("Mero naam Suman Rai ho.", "Suman Rai"),
    # a hiragana name after a label, before です and a comma
    ("名前はりょうたです、小学生です。", "りょうた"),
    # names opening a contact line in Hangul and Chinese
    ("김하늘(1993.4.5), 주소 本町1-5-3-201", "김하늘"),
    ("李明、电话090-7788-1122", "李明"),
    # the owner of a car; a surname with 宛て; a surname that visits or calls
    ("車は品川 300 か 23-45、持ち主は野口です", "野口"),
    ("書類は竹田宛てにお願いします", "竹田"),
    ("その件で荒木が伺います。", "荒木"),
    ("空き家の件で松下が連絡しました", "松下"),
    # a child's hiragana name the dictionary does not know, after うちの; a surname after
    # うちは where a clause ends in hiragana
    ("うちのひなのが熱を出したので", "ひなの"),
    ("宛名が違うんですけどうちは杉浦です", "杉浦"),
    # a postal code alone on a line
    ("郵便番号は\n９９９－０１５６\nです", "９９９－０１５６"),
]


NAME_LOOK_ALIKES = [
    "3歳児の母です。健診の持ち物は？",
    "市内の小学生の母です。",
    "平成25年生まれの娘、令和7年4月から小学生です",
    "Kokumin kenko hoken no tetsuzuki o shitai desu",
    "we are all here, please help",
    "See No. 5 and St. Mary hospital",
    "うちのねこがいなくなりました",
    "そのうちは無料です",
    "Garbage Collection from Monday, please",
    "999-0101",
    "I was at school. Or maybe at home.",
]


@pytest.mark.parametrize(("text", "value"), SHAPES + NAMES)
def test_eighth_round_value_is_masked(text, value):
    assert masked_whole(text, value), [(s.kind, s.text) for s in find(text)]


@pytest.mark.parametrize("text", LOOK_ALIKES + NAME_LOOK_ALIKES)
def test_eighth_round_look_alike_stays(text):
    assert find(text) == []


def test_a_full_stop_ends_an_address():
    text = "mail: a.b@example.co.jp. Thanks"
    assert [s.text for s in find(text)] == ["a.b@example.co.jp"]
