"""Rules written for the ninth fresh batch (issue 13), each as a general principle and tested
on variants, not on the batch's own messages: every value must be masked whole, and the
look-alikes beside them must stay."""

import pytest

from bot.safety.pii import find
from tests.safety.masking import masked_whole

SHAPES = [
    # e-mail: a line break after @ (a wrapped address), 「＠マーク」 written after the sign
    ("メールはkaneko.y@\ngmail.comです", "kaneko.y@\ngmail.com"),
    ("hashimoto＠マークyahoo.co.jpに送ってください", "hashimoto＠マークyahoo.co.jp"),
    # a phone right after TEL without a space
    ("TEL0199-45-6789", "0199-45-6789"),
    ("連絡先 tel09012345678", "09012345678"),
]


NAMES = [
    # a surname naming a household: 方, 様方, 宅, 家
    ("郵便は「中村方」で届きますか", "中村"),
    ("宮崎宅の前に車がずっと止まっています", "宮崎"),
    ("松本家の法事で住民票が要ります", "松本"),
    # lists: before a count of people, after a word for a group, opening a clause
    ("ゆうととあおいの二人分の申請です", "ゆうと"),
    ("ゆうととあおいの二人分の申請です", "あおい"),
    ("双子の拓海と陸斗の予防接種の予約", "陸斗"),
    ("美咲と結菜の学童を申し込みました", "結菜"),
    ("Kids: Noah and Mia, both in first grade", "Mia"),
    ("Lucas e Sofia são meus filhos", "Lucas"),
    # signatures: after a slash or a dash at the end, after a closing word, with where the
    # writer lives
    ("よろしくお願いします／吉村", "吉村"),
    ("ベンチが壊れています ― Ken", "Ken"),
    ("Thanks, Anjali", "Anjali"),
    ("以上、小西でした", "小西"),
    ("街灯が切れています。— 本町に住む高田", "高田"),
    # more relatives; a hiragana given name after 娘の / 息子の
    ("姪の美桜が来月から同居します", "美桜"),
    ("嫁の沙織が申請に行きます", "沙織"),
    ("いとこの大翔の代理で問い合わせます", "大翔"),
    ("息子のそらが熱を出しました", "そら"),
    ("うちの子あかりは来年入園です", "あかり"),
    # professional titles as honorifics; someone who お世話になりました
    ("顧問の堀内弁護士に相談してからにします", "堀内"),
    ("先月は岸本がお世話になりました", "岸本"),
    # a surname joined to 私; a surname after a verb that describes the writer
    ("代わりに私大橋が参ります", "大橋"),
    ("先日相談した小池です。", "小池"),
    # a hiragana name after a clause; a hiragana surname before さん after a particle
    ("明日の健診ですがこうたが咳をしていて", "こうた"),
    ("窓口でふじかわさんに聞きました", "ふじかわ"),
    # a katakana name after a word that says who
    ("実習生のアルジュンです。国保について", "アルジュン"),
    # labels: 担当 with a colon, a bracketed qualifier, two spaces in a full name
    ("担当:宮川 に確認してください", "宮川"),
    ("氏名（ローマ字）：Sato Kenji", "Sato Kenji"),
    ("佐々木 　優子です", "佐々木 　優子"),
    # other languages: a Chinese and a Korean family word, Tagalog 'si', Nepali, 'family'
    ("我妻子张敏下周去市政府", "张敏"),
    ("제 아내 김민지가 신청합니다", "김민지"),
    ("Ang asawa ko ay si Jun Cruz, nasa trabaho siya", "Jun Cruz"),
    ("Ma Ramesh Karki hu, Nepal bata", "Ramesh Karki"),
    ("मेरो नाम सीता राई हो", "सीता राई"),
    ("Garcia family, we moved to Chuo last week", "Garcia"),
    # a Latin name of two words set in Japanese before で
    ("ローマ字はWatanabe Akiで登録しています", "Watanabe Aki"),
]


LOOK_ALIKES = [
    # 母っちゃ (a dialect word for mother): a name never opens with a small kana
    "うちの母っちゃ、通院の付き添いが要る",
    # households that are words, or go on in kanji
    "大家さんに聞きました",
    "田中方面のバスは何時ですか",
    "作家の講演会はどこですか",
    # lists that are not of people
    "子どもがいると国保の均等割が半分になるって",
    "燃えるごみとプラの日が同じです",
    "公園のさくらとつつじの剪定",
    # closings without a name
    "以上、よろしくお願いします",
    "Thanks, everyone",
    "道路の件です ／ 至急",
    # nouns written in kana after 娘の / 母の
    "娘のおむつが足りない",
    "母のためにも早く申請したい",
    "父のことが心配です",
    "子供のしつけのことで相談したい",
    # public figures and what is named after them
    "夏目漱石の小説を図書館で借りたい",
    "坂本龍馬記念館はどこですか",
    "小野小町まつりの駐車場",
    # not a self-introduction in Nepali
    "म विदेशी हुँ, ठेगाना दर्ता कसरी गर्ने",
    # a label without a name after it
    "担当の方に折り返しをお願いします",
]


@pytest.mark.parametrize(("text", "value"), SHAPES + NAMES)
def test_ninth_round_value_is_masked(text, value):
    assert masked_whole(text, value), [(s.kind, s.text) for s in find(text)]


@pytest.mark.parametrize("text", LOOK_ALIKES)
def test_ninth_round_look_alike_stays(text):
    assert find(text) == [], [(s.kind, s.text) for s in find(text)]
