"""A time word before ちゃんと is not a name: 「今朝ちゃんと届いたか…」 was masked as
「［氏名］ちゃんと届いたか…」 (fresh3 realistic gold, dev), because a kanji word before ちゃん
reads as a child's name. Words the dictionary lists only as adverbial nouns (今朝, 先週, 最近, 皆)
are never one; names before ちゃん, くん and 先生 still are."""

import pytest

from tests.safety.masking import assert_masked_or_kept


@pytest.mark.parametrize("text", [
    "今朝ちゃんと届いたか確認したいんですが",
    "先週ちゃんと出したのに督促状が来ました",
    "明日ちゃんと行けるか不安です",
    "皆ちゃんと並んでいました",
])
def test_time_words_before_chanto_stay(text):
    assert_masked_or_kept(text, None)


@pytest.mark.parametrize("text, name", [
    ("花子ちゃんと一緒に行きます", "花子"),
    ("凪ちゃんが熱を出しました", "凪"),
    ("担任は、ゆうこ先生です", "ゆうこ"),
])
def test_names_before_honorifics_are_still_masked(text, name):
    assert_masked_or_kept(text, name)
