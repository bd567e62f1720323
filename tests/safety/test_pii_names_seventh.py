"""Name shapes from the seventh hand-written batch (issue 13), written as variants of each rule
rather than copies of the gold: more labels (旧姓, 連絡者, 担当者名, 姓名, 이름:), a Korean name
closing a message, a signature after a dash, a surname the dictionary lists before its phone,
a short katakana given name or a one-kanji name joined to a family word, the next names of a
list, two names before 兄弟/双子, lower-case self-introductions — and the look-alikes that
must stay (a common katakana word after a family word, 姉妹都市, English states, the city's own
mail domain)."""

import pytest

from bot.safety import pii

MASKED = [
    ("結婚前の旧姓は川端です", "川端"),
    ("連絡者：今野 090-5512-3344", "今野"),
    ("申請者名：Mei Tanaka", "Mei Tanaka"),
    ("姓名：刘建国，我想问问税的事", "刘建国"),
    ("이름：한지민\n주소 변경하고 싶어요", "한지민"),
    ("도와주셔서 고맙습니다.\n윤서준", "윤서준"),
    ("Thank you.\n— Mateus", "Mateus"),
    ("連絡は 岸（080-7712-9931）まで", "岸"),
    ("祖父のキチが施設に入りました", "キチ"),
    ("娘柚の入園について", "柚"),
    ("上から蒼真と結菜です", "結菜"),
    ("いつきとあおいの双子です", "いつき"),
    ("いつきとあおいの双子です", "あおい"),
    ("im sunil, where is the tax office", "sunil"),
    ("hello my name is maria clara from brazil", "maria clara"),
]

KEPT = [
    "母のケアが大変で仕事を休みたいです",
    "東京と大阪の姉妹都市の交流イベントはありますか",
    "パンとケーキの姉妹店が市内にできるそうです",
    "i am confused about the tax letter",
    "i'm pregnant, what should i do",
    "im from nepal and new in kazamino",
    "息子達の学童の申込み",
    "kosodate@city.kazamino.example.jp に送ればいいですか",
]


@pytest.mark.parametrize(("text", "value"), [*MASKED, *((text, None) for text in KEPT)])
def test_seventh_batch_shape(text, value):
    """A value in MASKED is replaced by a placeholder; a text in KEPT (value None) stays."""
    masked = pii.mask(text).text
    if value is None:
        assert masked == text
    else:
        assert value not in masked and "［" in masked, masked
