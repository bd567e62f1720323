"""Rules written for the eleventh fresh batch (issue 13): names in running text, found by
Sudachi's own 人名 tags and the grammar around them rather than by labels or honorifics. Each
is tested on variants, not on the batch's own messages: every value must be masked whole, and
the look-alikes beside them must stay."""

import pytest

from bot.safety.pii import find
from tests.safety.masking import masked_whole

SHAPES = [
    # e-mail: a spelled dot in brackets, a domain wrapped inside a label, a provider and の
    ("返事は y.kawai(アット)example(ドット)jp へ", "y.kawai(アット)example(ドット)jp"),
    ("taku.m[at]example[どっと]com", "taku.m[at]example[どっと]com"),
    ("アドレスは sae.k@exam\nple.co.jp です", "sae.k@exam\nple.co.jp"),
    ("yahoo の hiro_1990 です", "hiro_1990"),
]


NAMES = [
    # a tagged name before a case particle, after a role or kin and の
    ("同僚の佳奈が産休に入ります", "佳奈"),
    ("ヘルパーの村田から連絡がありました", "村田"),
    ("兄貴の直樹が代わりに行きます", "直樹"),
    ("旧姓の高木に戻したい", "高木"),
    # after a verb that describes the person
    ("隣で寝ていた雅人が起きてしまった", "雅人"),
    ("近くに住んでる宮本のおばあちゃんが心配です", "宮本"),
    # opening a clause before a particle
    ("一郎が今年成人式です", "一郎"),
    ("真司と二人で伺います", "真司"),
    # said to be called so
    ("昔の同級生、確か久美子って名前やった", "久美子"),
    ("おかんは和江いうねん", "和江"),
    ("池内とかいう人から電話があった", "池内"),
    # a role in brackets after the name; a pronoun right before it
    ("施設の担当、坂下（生活相談員）から聞きました", "坂下"),
    ("わたし千尋。高校生です", "千尋"),
    # a list of which two or more are names Sudachi tags itself; a word between two of them
    ("三人兄弟で、直人、光、真理子の順", "光"),
    ("メンバーはジョン と メアリー です", "メアリー"),
    # children with their ages
    ("孫はゆうと（5）とめい（2）です", "めい"),
    ("（ゆうなは6さい）", "ゆうな"),
    # a relative joined by ・ or a space, before a school year
    ("祖母・ミツ子の介護認定", "ミツ子"),
    ("息子翔中1です", "翔"),
    # the writer opening the message alone; after a business greeting; a kana surname
    # before ですが; a katakana surname before です
    ("藤井。明日伺います。", "藤井"),
    ("お世話になっております。経理の山岸です。", "山岸"),
    ("あの、たかぎですが、先日の件で", "たかぎ"),
    ("ハヤシです！転出届の件で", "ハヤシ"),
    # what a name tag or door plate says; someone a person took over from
    ("表札に田口とあります", "田口"),
    ("前任の岡本から引き継ぎました", "岡本"),
    # Latin names: 'is my …', '… from <country>', before Korean 입니다, spaced before です,
    # Vietnamese without diacritics
    ("Maria Lopez is my neighbor and needs help", "Maria Lopez"),
    ("Ravi Kumar from India. I want to register.", "Ravi Kumar"),
    ("Park Jiwoo입니다", "Park Jiwoo"),
    ("英語だと Sato Haruki です", "Sato Haruki"),
    ("Xin chao, toi la Pham Van Duc.", "Pham Van Duc"),
    # a kana given name the dictionary spells so, the subject of what only a person does
    ("あおいが来月から保育園に通います", "あおい"),
    ("うちの凛、熱が下がりません", "凛"),
]


LOOK_ALIKES = [
    # words that are also surnames, used as nouns, opening a clause
    "清水が湧いているところ",
    "白石が敷いてある駐車場",
    # a conjunction Sudachi joins to the kanji before it (国又は)
    "国又は地方公共団体が申請するとき",
    "記載した日又は口座振替日",
    # kana words that are also given names, as what they mean
    "さくらが咲いたら行きたい",
    "ひかりが入らない部屋です",
    "みどりが多い公園",
    # an age after who, not a name
    "娘は3歳です",
    "1級の方、75歳以上の方のみの世帯",
    # a facility named after a person, and a character
    "上原医院は土曜も開いていますか",
    "キティちゃんのグッズ",
    # English 'from' before what is not a country; a role in brackets after a department
    "Garbage Collection from Monday",
    # a place named 〜が丘 after a word Sudachi reads as a name
    "和泉が丘の住民です",
    "大和ケ丘に引っ越しました",
    "市民課（担当）に聞きました",
]


@pytest.mark.parametrize(("text", "value"), SHAPES + NAMES)
def test_eleventh_round_value_is_masked(text, value):
    assert masked_whole(text, value), [(s.kind, s.text) for s in find(text)]


@pytest.mark.parametrize("text", LOOK_ALIKES)
def test_eleventh_round_look_alike_stays(text):
    assert find(text) == [], [(s.kind, s.text) for s in find(text)]


def test_a_clinic_named_after_a_doctor_stays_when_the_doctor_is_masked():
    text = "石田医院の石田 誠先生の紹介状です"
    spans = [(s.start, s.end) for s in find(text)]
    assert masked_whole(text, "石田 誠"), spans
    assert not any(s < 4 and 0 < e for s, e in spans), spans
