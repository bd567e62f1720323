"""Kana-only questions are questions: a hiragana run that carries grammar is never a name.

Residents who type kana only (「じゅうみんひょう ゆうそうで たのめますか」) were masked as if the
end of their question were a spaced kana name, and after a label (代理人) a particle was read as
one (「代理人でもとれる？」): the question lost its words before retrieval, and the resident was
warned about personal data they never typed (fresh realistic gold, fresh2 dev)."""

import pytest

from tests.safety.masking import assert_masked_or_kept


@pytest.mark.parametrize("text", [
    "じゅうみんひょう ゆうそうで たのめますか",
    "住民表の写し 代理人でもとれる？",
    "こせき とりたい ほんせきは おおさか",
    "ほいくえん もうしこみ いつまで しめきりますか",
    "いんかん とうろく したいです",
])
def test_kana_questions_keep_their_words(text):
    assert_masked_or_kept(text, None)


@pytest.mark.parametrize("text, name", [
    ("名前は いしかわ さくら です", "いしかわ さくら"),
    ("代理人 たなか ゆうこ", "たなか ゆうこ"),
    ("山下 和也（やました かずや）です", "やました かずや"),  # ends in ました: still a name
    ("—— みやざき あすか", "みやざき あすか"),
])
def test_kana_names_are_still_masked(text, name):
    assert_masked_or_kept(text, name)
