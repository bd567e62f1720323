"""Name shapes from the seventh hand-written batch (issue 13), written as variants of each rule
rather than copies of the gold: more labels (旧姓, 連絡者, 担当者名, 姓名, 이름:), a Korean name
closing a message, a signature after a dash, a surname the dictionary lists before its phone,
a short katakana given name or a one-kanji name joined to a family word, the next names of a
list, two names before 兄弟/双子, lower-case self-introductions — and the look-alikes that
must stay (a common katakana word after a family word, 姉妹都市, English states, the city's own
mail domain); e-mail obfuscations (◎, a comma or 。 for the dot, a local part beside its
provider) and offices' postal codes and 代表 numbers; numbers after any 「…番号」 label that
is not a public number's; birthdays after their label in short forms."""

import pytest

from tests.safety.masking import assert_masked_or_kept

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
    ("안녕하세요, 박지훈입니다", "박지훈"),
    ("申込者\nNAKAMURA YUTO", "NAKAMURA YUTO"),
    ("オ ジヘと申します", "オ ジヘ"),
    ("うちのさくらがまだ予防接種を受けていません", "さくら"),
    # e-mail: ◎ for @, a comma or 。 for the dot after a real @, a local part by its provider
    ("連絡は yuna.k◎example.jp へ", "yuna.k◎example.jp"),
    ("送り先 kenta_77@example,co,jp", "kenta_77@example,co,jp"),
    ("haru.m @example。ne。jp に返信ください", "haru.m @example。ne。jp"),
    ("メールは mio.t2001 (yahoo) です", "mio.t2001"),
    ("icloudのsoma.f.88で登録しています", "soma.f.88"),
    # a resident's postal code or address beside an office only said as a landmark
    ("〒999-0177 風見野市旭町4-4-4 支所の近くです", "4-4-4"),
    ("税務課に〒999-0177で届けを出しました", "999-0177"),
    # any other 「…番号」「…ID」 before a number of four digits or more names the resident
    ("学生証番号 22B0417 で申し込みました", "22B0417"),
    ("利用者ID：00781234", "00781234"),
    ("限度額適用認定証 番号 00456123", "00456123"),
    ("免許 第4411 2233 0987号", "4411 2233 0987"),
    # a birthday right after its label with a two-digit year, or without the year
    ("生年月日：88/11/03", "88/11/03"),
    ("誕生日は10月3日です", "10月3日"),
    # a moped's plate after ナンバー without 市 after the municipality
    ("原付のナンバーは南浦 ね 4412です", "南浦 ね 4412"),
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
    "kosodate@city.kazamino.example,jp でいいですか",
    "うちのマンションが古くて耐震診断を受けたい",
    "うちのおっとが手続きに行きます",
    "I live at home, so I cannot come on Monday",
    "メールアドレスはgmail.comでも登録できますか",
    # the city's offices' numbers as residents name them
    "支所の代表0199-21-4321に電話しました",
    "南部出張所は〒999-0142ですか",
    "〒999-0142 風見野市役所 南部出張所あて",
    "市役所の郵便番号は999-0140で合っていますか",
    # numbers that name no one: a business's, a product's, a seat's, an FAQ's
    "法人番号 4000020012345 の確認方法",
    "商品番号 55012 のごみ袋はどこで買えますか",
    "整理券番号 1052 で呼ばれました",
    "FAQ番号 No.2048 を見ました",
    "誕生日会は12月10日です",
    "住民票に旧姓のせれる？",
    "ハザードマップを見たら、うちのあたりが濃い色でした",
]


@pytest.mark.parametrize(("text", "value"), [*MASKED, *((text, None) for text in KEPT)])
def test_seventh_batch_shape(text, value):
    """A value in MASKED is replaced by a placeholder; a text in KEPT (value None) stays."""
    assert_masked_or_kept(text, value)
