"""Rules written for the sixteenth PII batch (issue 13), a batch of look-alikes: what a family
word is said to be or to do is no name (a kana state, activity or place after は/が, a body part
after の, a copula after the family word), 丈夫 and 工夫 hold no 夫, a kana noun, の and a noun
after うちの is a phrase, and a character or a celebrity held up as a model with さん/くん/ちゃん
before みたい is no resident. Names in the same slots are still masked. Each is tested on
variants, not on the batch's own messages."""

import pytest

from bot.safety.pii import find
from tests.safety.masking import masked_whole

VALUES = [
    ("祖母のはつえが施設に入りたいと言ってます", "はつえ"),
    ("弟のりょうへいは夜勤なので、面談は夕方にしてほしい", "りょうへい"),
    ("妻がさゆりで、私が浩です。転居届を二人分", "さゆり"),
    ("娘の結衣の手がかぶれてしまって", "結衣"),
    ("父の高田 茂の足が悪いので、介護タクシーを", "高田 茂"),
    ("息子の颯太が頭をぶつけました", "颯太"),
    ("田村さんみたいに親切な職員さんばかりだといいのに", "田村"),
    ("yamada kenji desu. kaji no hoken wo shiritai", "yamada kenji"),
]

LOOK_ALIKES = [  # each masked before the round
    ("娘はようちえんの送迎バスに乗れますか", "ようちえん"),
    ("母はげんきがないので、見守りサービスを", "げんき"),
    ("祖母はねたきりなので、おむつ券を", "ねたきり"),
    ("父はたんしんふにん中です", "たんしんふにん"),
    ("夫の顔が腫れてきた", "顔"),
    ("孫の顔が見たいので帰省します", "顔"),
    ("丈夫なひもで縛りました", "ひも"),
    ("弟ですが、兄の分も申請できますか", "ですが"),
    ("サザエさんみたいな家族で、手当が知りたい", "サザエ"),
    ("コナンくんみたいな名探偵になりたい息子です", "コナン"),
    ("イチローさんみたいにストイックな父", "イチロー"),
    ("ドラミちゃんみたいな妹", "ドラミ"),
    # A plea in romaji before desu is no name: it says what is happening (after batch 16).
    ("tasukete kudasai kaji desu, ie ga moeteru", "kaji"),
    ("dareka tasukete kemuri desu", "kemuri"),
    ("hayaku kite kega desu", "kega"),
]


@pytest.mark.parametrize(("text", "value"), VALUES)
def test_sixteenth_round_name_is_masked(text, value):
    assert masked_whole(text, value), [text[s.start:s.end] for s in find(text)]


@pytest.mark.parametrize(("text", "kept"), LOOK_ALIKES)
def test_sixteenth_round_look_alike_stays(text, kept):
    start = text.index(kept)
    touched = [s for s in find(text) if s.start < start + len(kept) and start < s.end]
    assert touched == [], [text[s.start:s.end] for s in touched]
