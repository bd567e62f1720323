"""Rules written for the twelfth fresh batch (issue 13): names the way residents write them in
chat — households listed member by member, a name beside its phone number, people met, told or
heard from, a pronoun glued to a kana name, children listed in brackets after a count, a letter's
address 「…様方 …様」 — and kana verbs after a noun that are no names (感知器 つけかた). Each is
tested on variants, not on the batch's own messages: every value must be masked whole, and the
look-alikes beside them must stay."""

import pytest

from bot.safety.pii import find
from tests.safety.masking import masked_whole

SHAPES = [
    # e-mail: 'at' between underscores or hyphens, before a real top-level domain
    ("連絡は ken.t_at_example.co.jp まで", "ken.t_at_example.co.jp"),
    ("yuka-at-example.com（-at-を@に）", "yuka-at-example.com"),
]


NAMES = [
    # a household listed member by member: a colon, a space or ・ between them, a line each
    ("世帯の人\n父:正樹\n母:由紀子\n私", "正樹"),
    ("世帯の人\n父:正樹\n母:由紀子\n私", "由紀子"),
    ("夫浩二 妻真由美 の二人です", "浩二"),
    ("夫浩二 妻真由美 の二人です", "真由美"),
    ("弟直樹・妹香織・私で母を見ています", "香織"),
    ("緊急連絡先 兄誠 090-2211-3344", "誠"),
    ("祖母の和子か叔母の美紀が迎えに行きます", "和子"),
    # a name opening a line, its phone right after it
    ("中野 080-1122-3344 夕方なら出られます", "中野"),
    ("いのうえ 090 1234 5678", "いのうえ"),
    ("森本携帯090-3344-5566", "森本"),
    ("Ahmed Khan tel 080 1234 9876", "Ahmed Khan"),
    # met, told or heard from, at a clause start or after a time word
    ("昨日大森に会ったら、まだ届いてないって", "大森"),
    ("杉山と一緒に手続きに行きます", "杉山"),
    ("石井に伝えておいてもらえますか", "石井"),
    # a given name Sudachi reads as one only, before の
    ("退院して健太の世話をしています", "健太"),
    # a role word a resident names people by
    ("同居人の岡田が転出しました", "岡田"),
    ("婚約者の智也と住む家を探してます", "智也"),
    # the writer: a surname opening the message with an age, or who it is from; a greeting
    ("大川　45歳　会社員です。国保のことで", "大川"),
    ("村上より、急ぎのお願いです。", "村上"),
    ("どうも安田っす。ごみの件", "安田"),
    ("平井の家内でございます", "平井"),
    # a pronoun glued to a name
    ("おれ健太やけど、原付の廃車ってどこ", "健太"),
    ("ぼくそうま、小3です", "そうま"),
    # children listed in brackets after a count; names in a list Sudachi tags in kana
    ("子ども2人（ゆうき、ひなの）の医療証", "ひなの"),
    ("あやとみくとわたしで行きます", "みく"),
    # hiragana after kanji before ちゃん: a name the dictionary knows
    ("昨日えりちゃんと遊んでいたら", "えり"),
    # a child with a school year after は
    ("うちは翼（小4）だけです", "翼"),
    # a letter's address: the person in a household named
    ("宛名は山口様方 ミン様でいいですか", "ミン"),
    # a full name whose one-kanji given name Sudachi cut from the next kanji
    ("申込者\n・森田 陽向\nです", "森田 陽向"),
    # a hiragana surname glued to a hiragana given name
    ("いしだゆうこです よろしくおねがいします", "いしだゆうこ"),
    # the same name in another script in brackets; Latin 's and kin
    ("Chen Wei（陳偉）です", "陳偉"),
    ("Maria Lopez's son needs a school place.", "Maria Lopez"),
]


LOOK_ALIKES = [
    # a kana verb after a noun: a question typed in kana, in dialect or not
    "消火器 つかいかた おしえて",
    "保険証 おとした どうしよ",
    "住民票 とれんかった",
    "窓口 つないで",
    "ハザードマップで赤いとこやった",
    # a sentence ending after a family word, not a list going on
    "子どもがけがしそう",
    # pronouns before ordinary words, set off by a comma
    "あたしやっぱ、やめときます",
    "ぼくもう、わからん",
    # an age after who, not a name; a word in brackets after a name that is no spelling
    "料金は大人（12歳以上）500円",
    "うちは子ども（3歳）がいます",
    "お知らせはちゃんと来ますか",
    "子ども2人（まだ小さい）です",
    # a department's phone, a city line
    "市役所 0199-21-1111",
    "代表 0199-21-1111",
    "file_at_home.txt が開けない",
]


@pytest.mark.parametrize(("text", "value"), SHAPES + NAMES)
def test_twelfth_round_value_is_masked(text, value):
    assert masked_whole(text, value), [(s.kind, s.text) for s in find(text)]


@pytest.mark.parametrize("text", LOOK_ALIKES)
def test_twelfth_round_look_alike_stays(text):
    assert find(text) == [], [(s.kind, s.text) for s in find(text)]


def test_a_word_in_brackets_after_a_name_is_not_always_its_spelling():
    text = "田中（仮名）さんの件"
    assert not any(t.text == "仮名" for t in find(text))
