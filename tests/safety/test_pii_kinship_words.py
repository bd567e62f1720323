"""A family word is not a name: 「うちのばあちゃんが…」 became 「［氏名］が…」 (南浦 fresh, dev) and
「うちのじいちゃんが倒れた」 「［氏名］ちゃんが倒れた」, because kana before ちゃん reads as a
child's name. Residents name their family this way all the time, in emergencies too; the
words for grandparents, parents and siblings, in kana or kanji, with or without お and an
honorific, are never masked. A name said with one (芳子おばあちゃん) still is."""

import pytest

from tests.safety.masking import assert_masked_or_kept


@pytest.mark.parametrize("text", [
    "ちょっと聞きたいんですが、うちのばあちゃんが最近火の消し忘れが増えてて心配なんです",
    "うちのじいちゃんが倒れた",
    "かあちゃんが入院してしまって、介護の申請を代わりにしたい",
    "とうちゃんの介護保険のことで相談です",
    "ねえちゃんの子どもの保育園のことで聞きたい",
    "にいちゃんが市外に引っ越した",
    "うちのおばあちゃんが心配",
    "おじいちゃんの年金の手続きを代わりにできますか",
    "じっちゃんの通院にタクシー券使える？",
    "ばっちゃんがデイサービスに行きたがらない",
    "ばあばが孫の送り迎えをしています",
    "じいじの免許返納で何かもらえる？",
    "母ちゃんの国保の保険料が高い",
    "おかあさんの代わりに来ました",
    "おねえちゃんと弟の医療証",
    "ひいばあちゃんの介護のことで",
    "隣のおっちゃんが言ってた",
    "近所のおばちゃんが倒れてる",
    "あかちゃんの よぼうせっしゅ どこで",
    "赤ちゃんのおむつ代",
    "あんちゃんが車で事故った",
    "おじょうちゃんの入学準備",
    "ぼっちゃんの通学路",
])
def test_family_words_stay(text):
    assert_masked_or_kept(text, None)


@pytest.mark.parametrize("text, name", [
    ("芳子おばあちゃんが入院しました", "芳子"),
    ("ゆいちゃんが熱を出しました", "ゆい"),
    ("うちのりょうたくんが小学校に上がります", "りょうた"),
    ("かとうさんに伝えてください", "かとう"),
    ("さとうちゃんが熱を出しました", "さとう"),
    ("叔母のひろこおばさんが一人暮らしです", "ひろこ"),
])
def test_names_with_family_words_or_honorifics_are_still_masked(text, name):
    assert_masked_or_kept(text, name)


def test_kana_that_only_begins_a_word_is_no_name():
    # A child's kana: しょう reads as a name only through the dictionary's ショウ, and is glued
    # to がく, the rest of しょうがく (小学). A kana name before です still is one.
    assert_masked_or_kept("ぼくはしょうがく３ねんせいです。としょかんでほんかりたい", None)
    assert_masked_or_kept("ぼくはゆうとです", "ゆうと")


@pytest.mark.parametrize("text, value", [
    # after a space, a particle that begins a word is none: smoke and sparks, not 黒井 ひのこ
    ("となりのおうち けむり くろい ひのこ とんでる", None),
    # spaced kana: a particle standing alone after the given name still ends it
    ("かとう たける の 2にんで いきます", "たける"),
    ("黒井 ひのこと申します", "ひのこ"),
])
def test_a_given_name_after_a_space_ends_where_a_particle_stands(text, value):
    assert_masked_or_kept(text, value)
