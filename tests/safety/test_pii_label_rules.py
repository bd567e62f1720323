"""Rules written for the fifth fresh batch (issue 13) as general principles, each tested with
variants of its own rather than the batch's messages: whatever follows the label of a personal
number is that number, a phone label makes any phone-length number a phone, the bank's name and
branch go with the account, spaced e-mail local parts, the city's own mail domain."""

import pytest

from bot.safety import pii
from bot.safety.folding import fold
from tests.safety.masking import assert_masked_or_kept

MASKED = [
    # a personal-ID label, then the number in any shape: letters around it, groups, 第…号
    ("在留カード番号は ZX 40918822 QA です", "40918822"),
    ("在留カード番号は ZX 40918822 QA です", "ZX"),
    ("residence card number: ab 1234 5678 cd", "1234 5678"),
    ("My passport number is P12345678, expires soon", "P12345678"),
    ("Passport no. GB 5531208", "GB 5531208"),
    ("旅券No.XK-4410928", "XK-4410928"),
    ("免許証No.123456789012", "123456789012"),
    ("運転免許証 第 1122 3344 5566 号の住所変更", "1122 3344 5566"),
    ("療育手帳 B-2207 の判定", "B-2207"),
    ("シルバー人材センターの会員番号 S-40817", "S-40817"),
    ("水道の使用者番号→2201-9934", "2201-9934"),
    ("粗大ごみの受付番号 2026-0412-0087 です", "2026-0412-0087"),
    ("健康保険証 0045 1234", "0045 1234"),
    ("受給者証番号 4411-208 の期限", "4411-208"),
    ("Số thẻ cư trú: QR 8830 1127 ZZ", "8830 1127"),
    ("여권 번호는 M12345678 입니다", "M12345678"),
    ("护照号码 E98765432", "E98765432"),
    # insurance: any number after its label; 記号 with a space, on separate lines, 枝番
    ("基礎年金番号→5512 880143", "5512 880143"),
    ("ねんきん番号 2203-118845 です", "2203-118845"),
    ("被保険者番号 K0091234 の保険証", "K0091234"),
    ("記号番号は 4410-2298 です", "4410-2298"),
    ("記号 北保 31 番号 2208", "北保 31"),
    ("記号：北保31\n番号：9902", "9902"),
    ("保険証 記号 12 番号 3456 枝番 02", "枝番 02"),
    # bank: the bank's name, the branch (本店 too) and the account together
    ("あおば銀行 本店 普通 3310928 に", "あおば銀行 本店 普通 3310928"),
    ("さくら信用金庫 駅南支店 当座 0221874", "さくら信用金庫 駅南支店 当座 0221874"),
    ("ゆうちょの 11230-44187721 です", "11230-44187721"),
    ("通帳の記号番号 18820-5539011", "18820-5539011"),
    # phones: a label makes any number of phone length one; Korean mobiles; O for 0
    ("韓国の携帯 010-5523-8841 にも", "010-5523-8841"),
    ("전화번호 010 7712 3389", "010 7712 3389"),
    ("telefone do Brasil: +55 11 98877 6655", "+55 11 98877 6655"),
    ("電話 08O-5512-7730 です", "08O-5512-7730"),
    ("携帯 080 1 2 3 4 5 6 7 8 です", "080 1 2 3 4 5 6 7 8"),
    # e-mail: spaces around the local part's dots, Korean 골뱅이 between the parts
    ("mail: hana . mori @ example . jp", "hana . mori @ example . jp"),
    ("jiwoo.kim골뱅이example.kr 로 보내주세요", "jiwoo.kim골뱅이example.kr"),
    # postal code after a name and a space; a room written 2-B; a Korean birth-date label
    ("受取人 山本 999-0123 風見野市本町3-2-1", "999-0123"),
    ("本町3丁目4-5 コーポ本町 3-C に住んでます", "3-C"),
    ("제 아이가 태어난 날은 2018년 7월 3일이에요", "2018년 7월 3일"),
]

KEPT = [
    # a personal-ID label followed by a year, an age, an amount or a grade stays
    "パスポートは2029年まで有効ですか",
    "在留カードの期限 2026年3月",
    "運転免許証の更新は 2025年",
    "身体障害者手帳2級です",
    "介護保険料は 2024年度から",
    "介護保険 1割負担",
    "国保 12,800円",
    # an insurer's number is not a person's
    "保険者番号は06130012です",
    "保険証 2枚 あります",
    # numbers that are not phones even after 電話
    "電話で 2026-01-15 に予約",
    "電話は 9時から17時",
    # the city's own addresses and mail
    "kosodate@city.kazamino.example に送ればいいですか",
    "INFO@CITY.KAZAMINO.EXAMPLE から届いた",
]


@pytest.mark.parametrize(("text", "value"), [*MASKED, *((text, None) for text in KEPT)])
def test_label_rule(text, value):
    """A value in MASKED is replaced by a placeholder; a text in KEPT (value None) stays."""
    assert_masked_or_kept(text, value)


def test_english_after_a_passport_number_is_kept():
    assert pii.mask("passport A1234567 is with me").text == "passport ［番号］ is with me"


def test_a_letter_o_between_digits_folds_to_zero():
    assert fold("09o-12O4", numbers=True).text == "090-1204"
    assert fold("hello 2go", numbers=True).text == "hello 2go"


def test_a_city_mail_domain_does_not_hide_a_look_alike_domain():
    assert "［" in pii.mask("taro@mycity.kazamino.example").text


NAMES = [
    # a Latin name with an apostrophe; English and other languages' introductions
    ("Name: Sean O'Neill", "O'Neill"),
    ("Hi, my name's Laura Becker and I moved here", "Laura Becker"),
    ("Aqui é a Beatriz Moura, tudo bem?", "Beatriz Moura"),
    ("Chào chị, em là Đặng Thu Trang", "Đặng Thu Trang"),
    ("Nama saya Dewi Lestari", "Dewi Lestari"),
    ("Magandang araw, ako po si Rowena Bautista", "Rowena Bautista"),
    # Chinese and Korean introductions opened by a common surname
    ("我是刘海燕，想问一下", "刘海燕"),
    ("我姓周，电话在下面", "周"),
    ("我的女儿张雨桐今年上小学", "张雨桐"),
    ("저는 정민지입니다", "정민지"),
    # a label in brackets, labels in kana and for other people
    ("【お名前】Peter Novak", "Peter Novak"),
    ("なまえ：すぎもと かえで", "すぎもと かえで"),
    ("受取人 西尾 隆之", "西尾 隆之"),
    # a greeting glued to the name
    ("すみませんにしかわといいます", "にしかわ"),
    # a spaced kana name after の, its given name one the dictionary lists
    ("南風見野のたかぎ ゆいです", "たかぎ ゆい"),
    # a surname, a space and a given name Sudachi reads as something else
    ("五十嵐 颯です", "颯"),
    ("岡本 りく、小学2年です", "りく"),
    # a family member with a name the dictionary does not know, set off by a comma
    ("娘、陽葵の健診です", "陽葵"),
    # a name with its age or date of birth in brackets
    ("うちのこはる（4さい）です", "こはる"),
    ("子ども二人　ゆうと（H30.2.3）、めい（R2.5.8）", "めい"),
    # a name and its phone in brackets; a Latin name before a phone
    ("担当 くろさわ（携帯 090-1111-2222）", "くろさわ"),
    ("Joana Prado 090 1234 5678", "Joana Prado"),
    # signatures: 「…より」 at the end, a hiragana name the dictionary knows
    ("よろしくお願いします　松永より", "松永"),
    ("確認お願いします りん", "りん"),
]

NOT_NAMES = [
    "我是学生，想问一下",
    "我的孩子明年上小学",
    "저는 학생입니다",
    "すみません、質問です",
    "こんにちは、いい天気です",
    "田中 市役所に行きました",
    "子ども（3歳）の健診",
    "長男（5歳）の保育園",
    "ごみの日を教えてください\nりょうかい",
    "Kazamino City 0199-21-1111",
    "どうものむらさき色の袋です",
]


@pytest.mark.parametrize(("text", "name"), NAMES)
def test_name_rule(text, name):
    masked = pii.mask(text).text
    assert name not in masked and "［氏名］" in masked, masked


@pytest.mark.parametrize("text", NOT_NAMES)
def test_not_a_name(text):
    assert "［氏名］" not in pii.mask(text).text


def test_a_bracketed_date_after_a_name_is_a_birth_date():
    result = pii.mask("うちの子　ゆうと（H30.2.3）")
    assert result.text == "うちの子　［氏名］（［生年月日］）"
    assert "birth_date" in result.kinds


def test_a_bracketed_date_after_a_word_is_kept():
    assert pii.mask("申請日（R7.4.1）までに出します").text == "申請日（R7.4.1）までに出します"
