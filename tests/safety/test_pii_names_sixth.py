"""Name shapes from the sixth hand-written batch (issue 13), written as general variants of
each rule rather than copies of the gold: a name in quotes after a label, more labels for other
people, lower-case romaji after a label, a family word joined by ・, a Latin name after a family
word, 「…の妻です」, 「…って人」, Korean signatures, English family words in a list — and things
that look like a name and are not (a loanword compound in brackets, a payment brand)."""

import pytest

from bot.safety import pii
from tests.safety.masking import assert_masked_or_kept

MASKED = [
    ("名義は「ゴメス・アナ」でお願いします", "ゴメス・アナ"),
    ("氏名: tanaka kenta\n住所は後で送ります", "tanaka kenta"),
    ("姉・美穂と一緒に行きます", "美穂"),
    ("妻はLucia、私は日本人です", "Lucia"),
    ("今井の妻です、夫の代わりに聞きます", "今井"),
    ("アレハンドロって人から電話がきました", "アレハンドロ"),
    ("「みつき」って名前で登録しました", "みつき"),
    ("감사합니다. 최지우 올림", "최지우"),
    ("my wife Ana and son Pedro need health insurance", "Pedro"),
    ("Con gái tôi Minh Thư bị sốt", "Minh Thư"),
]

KEPT = [
    "駅前（コミュニティバス）で待ち合わせ",
    "LINE Payはもう使えないの？",
    "Con tôi bị sốt, tôi phải làm gì?",
]


@pytest.mark.parametrize(("text", "value"), [*MASKED, *((text, None) for text in KEPT)])
def test_sixth_batch_shape(text, value):
    """A value in MASKED is replaced by a placeholder; a text in KEPT (value None) stays."""
    assert_masked_or_kept(text, value)


def test_a_label_for_children_masks_each_whole_name():
    assert pii.mask("対象児童：三上 陽向、三上 湊").text == "対象児童：［氏名］、［氏名］"
