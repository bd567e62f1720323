"""Rules written for the fourteenth fresh batch (issue 13): values in shapes no earlier batch
had — LINE display names set between emoji or marks, a signature under a ruled line, a handle
signing off, a full name whose surname Sudachi read as a common noun before 殿, a household
member after a slash, participants listed with slashes, katakana names joined by ＝, a title or
a romaji cue before capitals, the writer described by an earlier call, a child named before its
age, a phone spelled in kana or split by a filler or a line break, a kana address, a birth date
with 年の and a slash, a licence number after 「…の番号、」 — and everyday words that are no
names: katakana loanwords joined by ・, Latin capitals holding an acronym, an animal before
ちゃん, 「名前は未定」, public figures and characters before an event about them. Each is tested
on variants, not on the batch's own messages."""

import pytest

from bot.safety.pii import find
from tests.safety.masking import masked_whole

VALUES = [
    # a phone spelled in kana (voice input), split by a filler or by a line break
    ("でんわは ぜろはちぜろ いちにいさんよん ごおろくななはち です",
     "ぜろはちぜろ いちにいさんよん ごおろくななはち"),
    ("ケイタイ ゼロキュウゼロ ナナナナ ハチハチ イチイチ",
     "ゼロキュウゼロ ナナナナ ハチハチ イチイチ"),
    ("けいたいは080の、えっと、4471の2290です", "080の、えっと、4471の2290"),
    ("連絡先 070 5512\n8836", "070 5512\n8836"),
    # an address in kana with the house number after ちょうめ
    ("うちは きたまち 5ちょうめ 12の4 です", "きたまち 5ちょうめ 12の4"),
    ("2ちょうめ 3ばん 15ごう に すんでます", "2ちょうめ 3ばん 15ごう"),
    # a birth date with 年の and a slash; a licence number after 「…の番号、」
    ("生年月日は昭和62年の7/30です", "昭和62年の7/30"),
    ("免許の番号、512345678901 です", "512345678901"),
]

NAMES = [
    # display names between emoji or marks, and a signature under a ruled line
    ("🍀まりこ🍀です。ごみの日を教えて", "まりこ"),
    ("★Haruka★より 保育園の件です", "Haruka"),
    ("🐶けんと&ゆいな🐱のママです。予防接種の予約をしたい", "けんと"),
    ("🐶けんと&ゆいな🐱のママです。予防接種の予約をしたい", "ゆいな"),
    ("みさき🌷 って名前でLINEしてます", "みさき"),
    ("よろしくお願いします\n------\nMINAMI", "MINAMI"),
    # a full name whose surname the dictionary also reads as a common noun, before 殿
    ("宮内 勇 殿\n書類を同封します", "宮内 勇"),
    # a household member after a slash; participants listed with slashes after a count
    ("夫／健太郎／42歳 の扶養について", "健太郎"),
    ("申込者：2名（大森／上野）", "大森"),
    ("申込者：2名（大森／上野）", "上野"),
    # katakana names joined by ＝ before ちゃん, in a list after a role
    ("息子の友達のマリー＝アンヌちゃんが来ます", "マリー＝アンヌ"),
    ("同居人 ジャン＝ポール・マルタン（フランス国籍）", "ジャン＝ポール・マルタン"),
    # a title in capitals; romaji after ローマ字で
    ("Please call MRS. GARCIA ELENA about the bill.", "GARCIA ELENA"),
    ("ローマ字だと YAMAGUCHI SHOTA で合ってますか", "YAMAGUCHI SHOTA"),
    # the writer described by how they reached the city before
    ("昨日ご相談した岡田の件で、もう一度お願いします", "岡田"),
    # 『…です』 quoted
    ("職員さんが『タカギです』と言ってました", "タカギ"),
    # katakana names whose parts are words, and names before ちゃん the dictionary also lists
    ("ローズ・ミラーさんの代理です", "ローズ・ミラー"),
    ("ミナちゃん(4)の入園の件", "ミナ"),
    # a child named between spaces before its age
    ("娘 りん 5歳です。保育園の申し込みを", "りん"),
    # a handle in romaji alone on the last line after a closing
    ("よろしくお願いします\nt.yamada", "t.yamada"),
]

LOOK_ALIKES = [
    # katakana loanwords joined by ・ or ＝
    "ワーク・ライフ・バランスの講座",
    "ペット・ボトルの回収日",
    "ノート・パソコンは小型家電で出せますか",
    # Latin capitals holding an acronym
    "QR CODE を読み取ってください",
    "JR EAST の時刻表",
    # an animal in katakana before ちゃん
    "ネコちゃんの里親募集はありますか",
    "ウサギちゃんを飼ってもいい市営住宅は？",
    # an age said without a name; romaji that is a word, not a handle
    "息子 いま 3さい です",
    "ありがとうございました。\nsumimasen",
    # no name given
    "名前は未定です。出生届はいつまで",
    "名前は不明です",
    # public figures and characters before an event about them
    "羽生結弦の写真展はどこですか",
    "美空ひばりのコンサートの映像を見る会",
    "鬼太郎のスタンプラリーの台紙",
    "ちびまる子ちゃんのイベントはいつ？",
    # kana words that read as digits but are no phone
    "さんにん で いく",
    # a district alone in kana
    "ひがしまち 3ちょうめ の ごみ の ひ",
    # dates that are no birthdays
    "令和8年の4/1から料金が変わります",
]


@pytest.mark.parametrize(("text", "value"), VALUES + NAMES)
def test_fourteenth_round_value_is_masked(text, value):
    assert masked_whole(text, value), [text[s.start:s.end] for s in find(text)]


@pytest.mark.parametrize("text", LOOK_ALIKES)
def test_fourteenth_round_look_alike_stays(text):
    assert find(text) == [], [text[s.start:s.end] for s in find(text)]
