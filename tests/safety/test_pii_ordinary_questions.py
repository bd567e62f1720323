"""Ordinary questions are not personal data: a masked word is lost to the search.

The question golds' dev messages that carry no personal data were masked in nine places — a
common compound after a family word (祖母の葬祭費), an honorific alone (母ちゃん), a pronoun
after a clause (…ですが、こちらでは), a noun and its particle before って人, and Chinese
sentences read with the Japanese dictionary's name tags (楼下冒出很多黑烟, 寶特瓶怎麼丟 taken
as a signature): the question lost the words it was about."""

import json
from pathlib import Path

import pytest

from bot.safety import pii
from tests.safety.masking import assert_masked_or_kept

CORPORA = Path(__file__).resolve().parents[2] / "corpora"


@pytest.mark.parametrize("text", [
    "後期高齢者医療に入ってた祖母の葬祭費、だれがどこで申請するの",
    "母ちゃんの介護保険、申請したいんだけんど",
    "前の町ではごみを前の晩に出してよかったのですが、こちらではいつまでに出せばいいのでしょうか。",
    "目の前で車と自転車がぶつかって人が倒れてる",
    "寶特瓶怎麼丟",
    "楼下冒出很多黑烟，好像着火了",
    "家里有煤气味，我不敢开灯",
    "请问市里有没有心肺复苏培训？",
    "予防接種（子ども）のスケジュール",  # a city's own FAQ question
    # a verb in kana or dialect after a noun, once read as a name
    "担当者　つないで",
    "ハザードマップでうち土砂の赤いとこやった、引っ越しの補助ある？",
    "けむり感知器 つけかた わからん",
])
def test_ordinary_questions_keep_their_words(text):
    assert_masked_or_kept(text, None)


@pytest.mark.parametrize("text, name", [
    ("祖母の和子が入院しました", "和子"),
    ("娘のひなたが熱を出して", "ひなた"),
    ("…なんですがゆうまが熱っぽい", "ゆうま"),
    ("さっき山田さんって人が来ました", "山田"),
    ("よろしくお願いします。\n―― 田中花子", "田中花子"),
    ("周杰", "周杰"),
    ("ほそかわ（携帯 080-1234-5678）", "ほそかわ"),
    ("蓮（息子）が熱を出しました", "蓮"),
    ("我叫王磊，想问一下国民健康保险怎么加入", "王磊"),
])
def test_names_in_those_slots_are_still_masked(text, name):
    assert_masked_or_kept(text, name)


def _dev_questions() -> list[tuple[str, str]]:
    """Every dev question of the question golds that the authors wrote without personal data
    (the gold type personal_data is the one that carries some)."""
    out = []
    for path in sorted(CORPORA.glob("*/gold*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            if row.get("split") == "dev" and row.get("type") != "personal_data":
                out.append((row["id"], row.get("question") or row.get("text") or ""))
    return out


# Left, and listed so that a new one fails: a mistyped word the dictionary reads as a name
# (登緑 for 登録). The three a verb in kana or dialect after a noun had made (担当者 つないで,
# …赤いとこやった、, けむり感知器 つけかた) keep their words since the twelfth PII round; the
# second town's …うちのばあちゃんが since family words are never names, and safety batch 12's
# 「けむり くろい ひのこ とんでる」 since a particle after a space must stand alone to end a
# given name (tests/safety/test_pii_kinship_words.py). Safety batch 14's 「夫の顔がぱんぱん」 and
# batch 15's 「父の顔の片っぽ」 and 「丈夫なひも選んだ」 keep their words since the sixteenth PII
# round (a body part after の is no name; 丈夫 holds no 夫). Safety batch 16's romaji
# 「tasukete kaji desu heya ni kemuri ippai」 is masked 「［氏名］ desu …」 (tasukete kaji read as
# a romaji name); the gate still reads kemuri ippai (tests/safety/test_masked_emergencies.py),
# left for masking's owners.
KNOWN = {"rs-189"}


def test_dev_questions_without_personal_data_are_not_masked():
    masked = [(i, q) for i, q in _dev_questions() if i not in KNOWN and pii.mask(q).text != q]
    assert masked == []


def test_the_known_ones_are_still_masked():
    """A known case that is fixed leaves the list, so the list stays what is left."""
    questions = dict(_dev_questions())
    assert [i for i in sorted(KNOWN) if pii.mask(questions[i]).text == questions[i]] == []
