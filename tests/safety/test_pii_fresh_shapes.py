"""Shapes from the third hand-written batch (issue 13), written as general variants: other
separators, other languages and other labels for the same kind of value, and the public
numbers and addresses that look like a resident's but are an office's."""

import pytest

from bot.safety import pii
from tests.safety.masking import assert_masked_or_kept

MASKED = [
    # addresses: ノ/の between the numbers, buildings with wings, floors and lettered rooms
    ("北町2ノ5ノ11に住んでいます", "北町2ノ5ノ11"),
    ("若葉台3の2の15です", "若葉台3の2の15"),
    ("中央5-3-2 パークハイツ中央 B棟 305 です", "中央5-3-2 パークハイツ中央 B棟 305"),
    ("緑川2丁目4番6号 メゾン緑川 3階C号室", "緑川2丁目4番6号 メゾン緑川 3階C号室"),
    ("本町2丁目3-4 さくら荘12号に住んでます", "本町2丁目3-4 さくら荘12号"),
    ("〒998-0123 風見野市港町3-5", "港町3-5"),
    ("住所：若葉台8-3", "若葉台8-3"),
    # romanized addresses, either order, with a room
    ("I live at 4-2-17 Honcho.", "4-2-17 Honcho"),
    ("Apt 203, 1-5-9 Midorikawa, Kazamino", "Apt 203, 1-5-9 Midorikawa"),
    ("My address is Midorikawa 2-4-6", "Midorikawa 2-4-6"),
    ("7-4 Nishigaoka, Kazamino-shi", "7-4 Nishigaoka"),
    ("Vivo en Sakae 5-1-2", "Sakae 5-1-2"),
    ("Moro em 中央2-7-14, perto da estação", "中央2-7-14"),
    # phones: underscores, tildes (half and full width, wave dash), digits one by one
    ("TEL 090_1234_5678", "090_1234_5678"),
    ("携帯 080〜1234〜5678", "080〜1234〜5678"),
    ("携帯 080～1234～5678", "080～1234～5678"),
    ("電話は０　８　０　１　２　３　４　５　６　７　８です", "５　６　７　８"),
    ("携帯 080 – 2345 – 6789 まで", "2345 – 6789"),
    ("市民課に0199-55-1234から電話しました", "0199-55-1234"),  # the caller's own number
    # e-mail: (a), (arroba), [at mark], a character the message says stands for @
    ("hanako.s(a)example.jp へ", "hanako.s(a)example.jp"),
    ("joao.silva (arroba) example.com.br", "joao.silva (arroba) example.com.br"),
    ("k.tanaka[at mark]example.co.jp", "k.tanaka[at mark]example.co.jp"),
    ("wei.lin*example.cn（*を@に変えてください）", "wei.lin*example.cn"),
    ("kim.j#example.kr (replace # with @)", "kim.j#example.kr"),
    ("mail: ana$exemplo.com.br — troque $ por @", "ana$exemplo.com.br"),
    ("返信は yuki.m @ example . jp へ", "yuki.m @ example . jp"),
    ("アドレスは sora_99@docomo です", "sora_99@docomo"),
    # My Number after what residents call it
    ("まいなんばーは 2345 6789 0123", "2345 6789 0123"),
    ("通知カードに書いてある番号は 1111.2222.3333", "1111.2222.3333"),
    # 介護保険・後期高齢者医療の被保険者番号
    ("介護保険証の番号は 1234567890", "1234567890"),
    ("後期高齢者医療 9876543210 の件", "9876543210"),
    ("保険証は記号 風ア12 番号 345", "風ア12 番号 345"),
    # postal codes: a space, labels in kana and other languages
    ("〒998 0012", "998 0012"),
    ("ゆうびんばんごうは 998-0345", "998-0345"),
    ("ZIP: 998-0345", "998-0345"),
    ("CEP 998-0345", "998-0345"),
    ("우편번호 998-0345", "998-0345"),
    # number plates: mopeds (municipality, no class), a short serial, romanized
    ("原付のナンバーは港町 か 1234", "港町 か 1234"),
    ("ナンバーは風見野市さ55です", "風見野市さ55"),
    ("緑川 500 な 3-21 の車", "緑川 500 な 3-21"),
    ("plate: Shinagawa 330 sa 12-34", "Shinagawa 330 sa 12-34"),
    ("バイク 港町か789 を廃車", "港町か789"),
    # dates of birth in the residents' other languages
    ("Nací el 3 de mayo de 1990", "3 de mayo de 1990"),
    ("Nascido em 2 de março de 1979", "2 de março de 1979"),
    ("1990년 3월 1일생입니다", "1990년 3월 1일"),
    ("생일은 1985년 12월 24일", "1985년 12월 24일"),
    ("Tôi sinh ngày 5 tháng 6 năm 1985", "5 tháng 6 năm 1985"),
    ("我1985年6月5号出生", "1985年6月5号"),
    ("88年11月2日生まれです", "88年11月2日"),
    ("Tanggal lahir: 2 Januari 1992", "2 Januari 1992"),
    ("Ipinanganak ako noong Hunyo 7, 1991", "Hunyo 7, 1991"),
    ("Née le 4 juillet 1983", "4 juillet 1983"),
    ("ngày sinh của con là 12/10/2019", "12/10/2019"),
    # bank accounts split by a space
    ("口座番号 123 4567 です", "123 4567"),
    ("普通預金 4321 765", "4321 765"),
    ("Minha conta: 7654321", "7654321"),
    ("계좌번호 2345678 입니다", "2345678"),
    # certificates with their number, bracketed or in groups
    ("療育手帳（第12345号）の更新", "12345"),
    ("免許証 第3012 4455 6678号", "3012 4455 6678"),
    ("身体障害者手帳 第2023-5678号", "2023-5678"),
    ("病院の診察券 00123456 をなくした", "00123456"),
]

KEPT = [
    # free dial and navi dial numbers belong to businesses
    "0120-123-456に電話していいですか",
    "0800-111-2222は無料ですか",
    "0570-000-111はナビダイヤル？",
    # an office's number or address, named beside it
    "保健センター（0199-33-4444）の予約",
    "子育て支援課に0199-30-1234でかけた",
    "北部公民館の電話番号は0199-44-1234ですか",
    "港町支所の住所は港町1-2-8ですか",
    "北部公民館の住所は北風見野3丁目5番2号ですか",
    # dates, steps, classes and counts that look like the shapes above
    "Meeting on 2025-06-01 Sunday",
    "Step 1-2-3 Submit",
    "El evento es el 3 de mayo de 2025",
    "2025年5月3日号の広報",
    "郵便で100円",
    "風見野市に3回電話した",
    "手順の1の2を読んだ",
    "3の2組の保護者会",
    "第3の2条",
    "令和7年4の1",
    "風見野市 と 2市で共同",
    "介護保険料は 2024年度から",
    "運転免許証の更新は 2025年",
    "身体障害者手帳2級です",
    "口座振替は 5月 27日",
    "except 998 0863",
    "Route 3-2-1 bus",
    "Page 1-2-3 Note",
    "look at me",
    "午前9時～午後5時",
    "5~10人",
    "10:00~12:00",
    "2023、2024、2025年度の比較",
    "ナンバー 3 のバス",
    "風見野市 は 3年ぶり",
]


@pytest.mark.parametrize(("text", "value"), [*MASKED, *((text, None) for text in KEPT)])
def test_fresh_shape(text, value):
    """A value in MASKED is replaced by a placeholder; a text in KEPT (value None) stays."""
    assert_masked_or_kept(text, value)


def test_a_mobile_starting_080_0_is_not_free_dial():
    assert pii.mask("折り返しは080 0143 4766へ").text == "折り返しは［電話番号］へ"


def test_a_room_after_an_office_address_makes_it_a_residents():
    masked = pii.mask("港町支所の住所は港町1-2-8 201号室").text
    assert "1-2-8" not in masked
