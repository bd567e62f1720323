"""Rules written for the tenth fresh batch (issue 13), each as a general principle and tested
on variants, not on the batch's own messages: every value must be masked whole, and the
look-alikes beside them must stay."""

import pytest

from bot.safety.pii import find
from tests.safety.masking import masked_whole

SHAPES = [
    # e-mail: a line break before @, any bracket around a spelled @
    ("アドレス\nsatoko.m\n@icloud.com", "satoko.m\n@icloud.com"),
    ("mika.t〈at〉gmail.com に送ってください", "mika.t〈at〉gmail.com"),
    ("返信は ryo-k《at》yahoo.co.jp へ", "ryo-k《at》yahoo.co.jp"),
    # a local part after its provider and は, with a dot, an underscore, a hyphen or a digit
    ("gmailはyui_0808です", "yui_0808"),
    ("yahooはhanako.s.2000でお願いします", "hanako.s.2000"),
    # the provider named first, the part before @ under its own label
    ("メールはyahooで、ユーザー名はken-ichi.oです", "ken-ichi.o"),
    ("icloudのアカウントはmomoka1122です", "momoka1122"),
]


NAMES = [
    # honorifics drawn out in chat
    ("小島さーん、書類届きましたか", "小島"),
    ("ゆいちゃーん、また遊ぼうね", "ゆい"),
    # という者; kana messages spaced after と
    ("佐々木という者ですが、先ほどの件で", "佐々木"),
    ("わたなべと いいます。よろしく", "わたなべ"),
    # a surname after a verb that describes the writer (する/している, not only した)
    ("民生委員をしている大川です。", "大川"),
    ("見守り活動をしている吉野です。", "吉野"),
    # a katakana given name one space after a surname; a name's own と before a space
    ("主人の母、内田 トメが施設に入ります", "内田 トメ"),
    ("担当は 加藤 ハナでした", "加藤 ハナ"),
    ("たなか ゆうと 7さいです", "たなか ゆうと"),
    # family words in kana; compounds (孫息子, 兄の子); birth orders said to be a name
    ("ちちの まさおが 入院しました", "まさお"),
    ("むすめの ひまりが かぜです", "ひまり"),
    ("孫娘の心結が来ます", "心結"),
    ("兄の子のさくらを預かっています", "さくら"),
    ("長男が湊、次男が律です", "律"),
    ("息子 湊 2020年5月1日生まれ", "湊"),
    # spouses as residents call them; こちら before the writer's name
    ("旦那の健太郎が平日来られません", "健太郎"),
    ("家内の幸子が申請します", "幸子"),
    ("はい、こちら高橋です", "高橋"),
    # signatures: より after a sentence, でした, where the writer lives in brackets, a dash,
    # an English closing on its own line, an initial glued to a surname
    ("また よろしく。 しおりより", "しおり"),
    ("失礼いたしました。井上でした", "井上"),
    ("ご確認ください。森（港町在住）", "森"),
    ("いつもありがとう ―― つじ", "つじ"),
    ("Thanks a lot,\nMaria", "Maria"),
    ("Many thanks,\nPriya", "Priya"),
    ("よろしくお願いします\nK.Tanaka", "K.Tanaka"),
    # a name after a chat greeting, before です
    ("どもーはなです", "はな"),
    ("おつかれさまです、まゆです🙏", "まゆ"),
    # where a person is reached, or what the city called about
    ("岩崎まで折り返しお願いします", "岩崎"),
    ("小林の携帯に連絡ください", "小林"),
    ("前田の件でお電話しました", "前田"),
    # labels: 予約名, 登録名, 苗字 with は; a name going on with a particle after a label
    ("予約名はSuzukiで入れました", "Suzuki"),
    ("登録名はハヤシ ミツルになってます", "ハヤシ ミツル"),
    ("苗字は佐藤です", "佐藤"),
    # romanized names of other languages before desu
    ("park jisoo desu", "park jisoo"),
    ("lee minho desu. yoroshiku", "lee minho"),
]


LOOK_ALIKES = [
    # a title glued to the kanji before it is one word (保|健師 read as a given name)
    "市の保健師さんに相談したい",
    "看護師さんに聞きました",
    # a public figure's works and monuments
    "宮沢賢治の全集はありますか",
    "太宰治の本を借りたい",
    "松尾芭蕉の句碑がある公園",
    # kana nouns after family words (トキ is a given name, とき is a time)
    "上の子のときは実家に頼っていました",
    "娘のときは大変でした",
    # birth orders and family words before what they are, not who
    "上の子は元気です",
    "下の子が病気で休んでいます",
    "姉の子どもが来ます",
    "いつまでに出せばいいですか",
    # labels with nothing personal after them
    "今の苗字のままでいたい",
    "名字が変わりました",
    "名前のところに何を書けば",
    "本人であることを確認してください",
    # places before まで / の, a place Sudachi reads as a surname
    "駅まで電話してください",
    "千葉の件でご連絡しました",
    "大家の連絡先を教えてほしい",
    # a provider and a word, romaji words that are no name
    "gmailは使えますか",
    "gmailはspamに入りますか",
    "sodai gomi desu",
    # spouses and こちら before what is not a name
    "旦那さんの扶養に入っています",
    "奥さんの実家が遠いです",
    "こちら市民課ですか",
    # a chat greeting and a word that is no name
    "どうも、よろしくです",
]


@pytest.mark.parametrize(("text", "value"), SHAPES + NAMES)
def test_tenth_round_value_is_masked(text, value):
    assert masked_whole(text, value), [(s.kind, s.text) for s in find(text)]


@pytest.mark.parametrize("text", LOOK_ALIKES)
def test_tenth_round_look_alike_stays(text):
    assert find(text) == [], [(s.kind, s.text) for s in find(text)]
