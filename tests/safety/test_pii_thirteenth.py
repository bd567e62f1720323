"""Rules written for the thirteenth fresh batch (issue 13): values in shapes no earlier batch
had — the opening of quoted speech, a chat log copied in, a form's reading line, old and variant
kanji (髙, 﨑, 𠮷), lower-case romaji after a romaji cue, a dialect self-introduction, dates of
birth with の or the era's first year in words, a flat by block and door — and everyday words
that are no names: role words in kana (けあまねさん), the house next door, a pet's name, a
carrier called with さん. Each is tested on variants, not on the batch's own messages: every
value must be masked whole, and the look-alikes must stay."""

import pytest

from bot.safety.pii import find
from tests.safety.masking import masked_whole

VALUES = [
    # dates of birth: の between the year and the month; the era's first year in words
    ("平成の最初の年の8月3日生まれです", "平成の最初の年の8月3日"),
    ("昭和のはじめの年の1月9日生まれ", "昭和のはじめの年の1月9日"),
    ("娘は2018年の11月2日生まれ", "2018年の11月2日"),
    ("生まれは平成五年の五月五日です", "平成五年の五月五日"),
    ("born on 21st of June 1984", "21st of June 1984"),
    # a flat by block and door; a building name with kana before its room
    ("西町の県営団地 3号棟 201号室に住んでいます", "県営団地 3号棟 201号室"),
    ("住所は港町2丁目の市営住宅7棟の102です", "港町2丁目の市営住宅7棟の102"),
    ("若葉台1丁目3番2号 コーポさくら 一〇二", "若葉台1丁目3番2号 コーポさくら 一〇二"),
]

NAMES = [
    # old and variant kanji the dictionary does not know
    ("𠮷村と申します。", "𠮷村"),
    ("嶋﨑 美穂の代理です", "嶋﨑 美穂"),
    ("髙木です。児童手当について", "髙木"),
    # the opening of quoted speech
    ("祖母が「おい、和夫」と呼ぶんです", "和夫"),
    ("息子に「健太、早く支度して」と言っても", "健太"),
    ("手紙に「菅原より」と書かれていました", "菅原"),
    # a chat log copied in
    ("夫とのやりとりです\n浩之：保険証どこ？", "浩之"),
    # a form's reading line
    ("氏名　中野 由香\nよみ　なかの ゆか", "なかの ゆか"),
    # lower-case romaji after a romaji cue
    ("namae wa kobayashi emi desu", "kobayashi emi"),
    ("watashi wa tran van nam desu", "tran van nam"),
    ("from: sato kenta\nsubject: gomi", "sato kenta"),
    # a dialect self-introduction
    ("わしは堀内じゃ。税金のことで", "堀内"),
    ("おら、木村っちゅうもんだけど", "木村"),
]

LOOK_ALIKES = [
    # role words in kana before さん, and the house next door
    "けあまねさんが しやくしょに いけって",
    "じちかいちょうさんに きいたら わからんって",
    "となりのおばちゃんが たおれてた",
    "おとなりの いぬが ずっと ないてる",
    # a pet's name
    "猫の名前はミケです。迷子の届けはどこに",
    "うちの犬のハナが人をかんでしまいました",
    "インコのキーちゃんがにげた",
    # a carrier called with さん
    "ヤマトさんが来たけど留守でした",
    "クロネコさんで送った書類は届いてますか",
    # a dish the dictionary's other entries read as a name
    "ちゃんぽんの店の前にごみが",
    # romaji that is no name after a cue
    "watashi wa nihongo ga sukoshi wakarimasu",
    "namae wa kaite arimasu",
    # labels before a colon at a line's start
    "内容：児童手当の申請\n期限：来週の金曜",
    "Endereço: não sei ainda",
    # a date that is no birthday
    "2024年の4月1日から制度が変わりましたか",
    "市営住宅の3棟の前の街灯が消えています",
]


@pytest.mark.parametrize(("text", "value"), VALUES + NAMES)
def test_thirteenth_round_value_is_masked(text, value):
    assert masked_whole(text, value), [text[s.start:s.end] for s in find(text)]


@pytest.mark.parametrize("text", LOOK_ALIKES)
def test_thirteenth_round_look_alike_stays(text):
    assert find(text) == [], [text[s.start:s.end] for s in find(text)]
