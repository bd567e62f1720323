"""Rules written for the fifteenth fresh batch (issue 13): a phone given in pieces (a mobile's
first two groups, the last four said to be the rest), an e-mail typed letter by letter, a birth
date said with の between month and day or written in kana, a 番地 after 丁目の, a kana district
before its ちょうめ, a postal code before の and an address, lower-case romaji beside 住所,
insurance numbers after 記号番号 with the insurer's kanji or after a bare 番号; household
members listed with ages or school years, given names that are common words after kin words
(息子の大地が, 孫の空（5歳）), うちの + a given name, who-is-who said by a child, a friend's
name after 後輩の, nicknames and the real name after their labels, a name opening quoted speech
before a particle, what a door plate was seen to say, a note's addressee before へ, a phone
chain with arrows, one romaji word where a name is said — and everyday words that are no
names: a department's number and a clinic's, an association's mail, pets after セキセイの or
「柴犬、名前は」, the carrier 佐川 in a delivery, public figures, characters and bands before
their event or held up as a model. Each is tested on variants, not on the batch's own
messages."""

import pytest

from bot.safety.pii import find
from tests.safety.masking import masked_whole

VALUES = [
    # a phone in pieces
    ("けいたい 070-8812 …のこりはあとで送ります", "070-8812"),
    ("さっきの電話番号の続きは3391です", "3391"),
    ("4420が下4桁です", "4420"),
    ("電話の残り:6673", "6673"),
    # an e-mail typed letter by letter
    ("メール t a r o 7 @ e x a m p l e . j p です", "t a r o 7 @ e x a m p l e . j p"),
    # birth dates said or written in kana
    ("誕生日は平成三年の二月の十日です", "平成三年の二月の十日"),
    ("せいねんがっぴは しょうわ55ねん4がつ1にち", "しょうわ55ねん4がつ1にち"),
    ("うまれた日は2015ねん8がつ8かです", "2015ねん8がつ8か"),
    # addresses
    ("栄町2丁目の14番地に住んでます", "栄町2丁目の14番地"),
    ("うちは さくらが 4ちょうめ 2の9 です", "さくらが 4ちょうめ 2の9"),
    ("住所は midorikawa 5-1-8 です", "midorikawa 5-1-8"),
    ("999-0142の東町4-3-2です", "999-0142"),
    # insurance numbers
    ("保険証の記号番号は 北保 31-2208 です", "北保 31-2208"),
    ("後期高齢者の保険、番号 0077123456 です", "0077123456"),
]

NAMES = [
    ("夫 雅人 45歳、わたし 真理子 44歳です", "真理子"),
    ("長男 翼 中1、次男 大地 年中", "大地"),
    ("娘の光（2歳）の健診", "光"),
    ("息子の大地が熱を出しました", "大地"),
    ("兄の勇気と妹の希が", "勇気"),
    ("うちの和彦がね、最近物忘れがひどくて", "和彦"),
    ("おとうさんがけんじで、ママがあやのです", "けんじ"),
    ("おとうさんがけんじで、ママがあやのです", "あやの"),
    ("わたしはみさき、弟はそうた", "みさき"),
    ("同級生のなつみが転校してきました", "なつみ"),
    ("あだ名は「ケンタ」です", "ケンタ"),
    ("通称「マサ」で呼ばれてます", "マサ"),
    ("母は「博之には内緒」と言ってます", "博之"),
    ("表札を見たら岡部と書いてあった", "岡部"),
    ("たくやへ\n冷蔵庫にごはんあります", "たくや"),
    ("緊急連絡：木村（090-1111-2222）→ 中原（080-3333-4444）", "中原"),
    ("おれ、かいと。公園のトイレこわれてる", "かいと"),
    ("nakamura to moushimasu. juminhyo kudasai", "nakamura"),
    ("watashi no namae sato yuki. yoroshiku", "sato yuki"),
    ("thanks!!\nfrom hiroshi", "hiroshi"),
    ("this is kenta, i live in kazamino", "kenta"),
    ("my husband taro and i", "taro"),
    ("kimura haruka, tel 090-2222-3333", "kimura haruka"),
    ("sign: m.tanaka", "m.tanaka"),
    ("ありがとう🙏\nyuki", "yuki"),
    ("fujitaです\n住所は東町1-2-3", "fujita"),
]

LOOK_ALIKES = [
    # a department's or a clinic's number, an association's mail
    ("0199-23-4411（子育て世代包括支援センター）に電話した", "0199-23-4411"),
    ("休日急患診療所は0199-22-5511ですか", "0199-22-5511"),
    ("kanko@kazamino-kanko.example.jp は観光協会のアドレスですか",
     "kanko@kazamino-kanko.example.jp"),
    # amounts and counts that follow 残り / 下4桁 shapes
    ("残りは1200円です", "1200"),
    ("電話代の残りは3000円くらい", "3000"),
    # pets, carriers
    ("セキセイのルリちゃんが逃げました", "ルリ"),
    ("うちのトイプー、名前はマロン。登録したい", "マロン"),
    ("佐川さんに集荷をお願いしたら、粗大ごみは持っていけないと言われた", "佐川"),
    # public figures, characters and bands
    ("羽生結弦さんのアイスショーの日は駐車場ありますか", "羽生結弦"),
    ("大谷翔平選手のパブリックビューイングはどこで", "大谷翔平"),
    ("イチロー選手みたいになりたい", None),
    ("藤井聡太さんみたいに強くなりたい", "藤井聡太"),
    ("しんちゃんのスタンプラリーの景品", "しんちゃん"),
    ("B'zのライブの日は道が混みますか", "B'z"),
    ("Mr. Childrenのコンサートの臨時バス", "Mr. Children"),
    # state words after a family word, English said of someone
    ("my dad fell down and he is not breathing", "fell"),
    ("my husband just choked me", "just"),
    ("this is urgent, please help", "urgent"),
    ("daijoubu desu", "daijoubu"),
    ("父はるすです", "るす"),
]


@pytest.mark.parametrize(("text", "value"), VALUES + NAMES)
def test_fifteenth_round_value_is_masked(text, value):
    assert masked_whole(text, value), [text[s.start:s.end] for s in find(text)]


@pytest.mark.parametrize(("text", "kept"), LOOK_ALIKES)
def test_fifteenth_round_look_alike_stays(text, kept):
    spans = [(s.start, s.end) for s in find(text)]
    if kept is None:
        assert spans == [], [text[s:e] for s, e in spans]
        return
    start = text.index(kept)
    assert not any(s < start + len(kept) and start < e for s, e in spans), [
        text[s:e] for s, e in spans]
