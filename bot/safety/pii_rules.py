"""Pattern detectors for structured personal data, run on the folded text (see `folding`).

Each detector returns `Hit`s in folded coordinates; `pii` resolves overlaps and maps them back
to the original message. Kinds: my_number, phone, email, postal_code, address, birth_date,
bank_account, insurance_number, id_number. A pattern's group `n`, when present, is the part
that is masked (the value after a label such as 被保険者番号は), else the whole match.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from bot.safety import mynumber


@dataclass(frozen=True)
class Hit:
    kind: str
    start: int
    end: int


def _hits(kind: str, patterns: Sequence[re.Pattern[str]], text: str) -> list[Hit]:
    """One hit per match of each pattern: its group `n` if it has one, else the whole match."""
    out: list[Hit] = []
    for pattern in patterns:
        group: int | str = "n" if "n" in pattern.groupindex else 0
        out.extend(Hit(kind, m.start(group), m.end(group)) for m in pattern.finditer(text))
    return out


_SEP = r"(?:は|が|:|の)?[ ]?"


def _labelled(labels: str, value: str) -> re.Pattern[str]:
    """`value` right after one of `labels` (and は / : / a space); only the value is masked."""
    return re.compile(rf"(?:{labels}){_SEP}(?:is[ ]|was[ ])?(?P<n>{value})", re.IGNORECASE)


# --- e-mail -------------------------------------------------------------------------------
# Spelled-out @ and dot: 「(at)」「[at]」「アットマーク」「 at 」「ドット」「(dot)」.
_AT = (r"(?:[ ]?[@★☆][ ]?"
       r"|[ ]?[(\[<{【][ ]?(?:at|@|★|アットマーク|あっとまーく|アット|あっと)[ ]?[)\]>}】][ ]?"
       r"|[ ]?(?:アットマーク|あっとまーく|アット|あっと)[ ]?"
       r"|[ ](?:at|AT)[ ])")
_DOT = r"(?:\.|[ ]?[(\[<{][ ]?dot[ ]?[)\]>}][ ]?|[ ]?(?:ドット|どっと)[ ]?|[ ](?:dot|DOT)[ ])"
_EMAIL = re.compile(rf"(?<![A-Za-z0-9._%+\-])[A-Za-z0-9._%+\-]{{1,64}}{_AT}[A-Za-z0-9\-]{{1,63}}"
                    rf"(?:{_DOT}[A-Za-z0-9\-]{{1,63}}){{0,8}}{_DOT}[A-Za-z]{{2,24}}(?![A-Za-z0-9])",
                    re.IGNORECASE)


def emails(text: str) -> list[Hit]:
    """Addresses like taro.suzuki@example.com, also spelled out (tanaka (at) example.com,
    tanaka アットマーク example ドット com); ＠ and full-width letters are folded already."""
    return _hits("email", [_EMAIL], text)


# --- digit runs (My Number, phones) -------------------------------------------------------
# Groups of digits joined by what residents type between them: - . ・ / space, parentheses,
# 「の」 (〇九〇の一二三四…). Hidden characters and dash look-alikes are folded away already.
_JOIN = r"(?:[ ]?[\-./・][ ]?|[ ]?[()][ ]?|[ ]|の)"
_DIGIT_RUN = re.compile(rf"""
    (?<![0-9A-Za-z+\-./(])
    (?P<run>(?:\(\+[ ]?81\)[ \-]?|\+[ ]?81[ \-]?(?:\(0\)[ \-]?)?|\([ ]?)?[0-9]+
            (?:{_JOIN}{{1,2}}\(?[0-9]+\)?)*)
    (?![0-9]|[\-.][0-9])
""", re.VERBOSE)
_MYNUMBER_CONTEXT = re.compile(r"マイナンバー|個人番号|マイナ|my ?number", re.IGNORECASE)


_GROUP = re.compile(r"(?:\(\+[ ]?81\)[ \-]?|\+[ ]?81[ \-]?(?:\(0\)[ \-]?)?|\([ ]?)?[0-9]+\)?")


def _runs(text: str) -> Iterator[tuple[int, int, str]]:
    """(start, end, digits) of every run of up to five consecutive digit groups inside a
    longer run, so 「090-1234-5678 / 03-1234-5678」 yields both numbers."""
    for m in _DIGIT_RUN.finditer(text):
        run_start = m.start("run")
        groups = [(run_start + g.start(), run_start + g.end())
                  for g in _GROUP.finditer(m.group("run"))]
        for i in range(len(groups)):
            for j in range(i, min(i + 5, len(groups))):
                start, end = groups[i][0], groups[j][1]
                if text[end - 1] == ")" and "(" not in text[start:end]:
                    end -= 1
                if text[start] == "(" and (")" not in text[start:end] or text[end - 1] == ")"):
                    start += 1  # 「（080-0000-7890）」: the brackets are the sentence's
                    end -= text[end - 1] == ")"
                yield start, end, re.sub(r"[^0-9+]", "", text[start:end])


def my_numbers(text: str) -> list[Hit]:
    """12 digits in any grouping: a valid check digit, or any 12 digits within 30 characters
    after マイナンバー / 個人番号 (a mistyped number is still personal)."""
    out = []
    for start, end, digits in _runs(text):
        if len(digits) != 12 or not digits.isdigit():
            continue
        near = text[max(0, start - 30):start]
        if mynumber.is_valid(digits) or _MYNUMBER_CONTEXT.search(near):
            out.append(Hit("my_number", start, end))
    return out


# --- phone numbers ------------------------------------------------------------------------
_ELEVEN_DIGIT_PREFIXES = ("020", "050", "070", "080", "090", "0800")


def national_digits(number: str) -> str:
    """The number as dialled inside Japan: +81 becomes 0, separators go."""
    digits = re.sub(r"[^0-9+]", "", number.replace("(0)", ""))
    if digits.startswith("+81"):
        digits = "0" + digits[3:].lstrip("0")
    return digits


def is_phone(digits: str) -> bool:
    """Landline and toll-free (0120, 0570): 10 digits; mobile, IP, 0800: 11 digits."""
    if not digits.isdigit() or not digits.startswith("0") or digits[1:2] == "0":
        return False
    return len(digits) == (11 if digits.startswith(_ELEVEN_DIGIT_PREFIXES) else 10)


def phones(text: str, allow: frozenset[str] = frozenset()) -> list[Hit]:
    """Japanese phone numbers in any common spelling (090-1234-5678, 090.1234.5678,
    090・1234・5678, (03)1234-5678, +81 90 …), except those in `allow` (digits only)."""
    out = []
    for start, end, _ in _runs(text):
        digits = national_digits(text[start:end])
        if is_phone(digits) and digits not in allow:
            out.append(Hit("phone", start, end))
    return out


# --- postal codes and addresses ------------------------------------------------------------
_PLACE_AHEAD = (r"(?=[ ]?(?:北海道|東京都|京都府|大阪府|[一-龥]{2,3}県"
                r"|[一-龥ぁ-んァ-ヴ]{1,6}[市区町村郡]))")
_POSTAL = (re.compile(r"〒[ ]?[0-9]{3}-?[0-9]{4}(?![0-9])"),
           _labelled("郵便番号", r"[0-9]{3}-?[0-9]{4}(?![0-9])"),
           re.compile(rf"(?<![0-9\-〒 ])[0-9]{{3}}-[0-9]{{4}}(?![0-9\-]){_PLACE_AHEAD}"))

_NUM = "(?:[0-9]+|[一二三四五六七八九十]+)"
# A building and room after the house number: 「グリーンハイツ203号室」「メゾン若葉 305」「-402」.
_BUILDING = (r"(?:[ァ-ヴA-Za-z][ァ-ヴー・A-Za-z一-龥々がヶノ]{1,15}"
             r"|[一-龥々ヶが]{1,10}(?:荘|寮|団地|住宅|ビル|棟|館|ハイツ|マンション|コーポ|ハウス))")
_ROOM = (rf"(?:[ ]?(?:{_BUILDING}[ ]?)?[0-9]{{1,4}}(?:号室|号棟|号|階|F)?"
         r"(?![0-9]|[年月日円歳人時分]|-[0-9])|-[0-9]{3,4}(?![0-9]))?")
_HOUSE = re.compile(rf"""
    (?<![0-9\-〒])(?<!〒[ ])
    (?:
        {_NUM}丁目[ ]?{_NUM}(?:番地?|-)[ ]?(?:(?:の|-)?[0-9]+号?)?
      | [0-9]+番地(?:の?[0-9]+号?)?
      | [0-9]+番[0-9]+号
      | (?P<dashed>[1-9][0-9]{{0,3}}(?:-[0-9]{{1,4}}){{1,3}})(?:号)?
    )
    (?P<room>{_ROOM})
    (?![0-9]|-[0-9])
""", re.VERBOSE)
_PLACE_CHAR = re.compile(r"[一-龥々〆ヵヶァ-ヴー]")
_PLACE_INFIX = "がヶケノの"
_ADDRESS_LABELS = ("新住所", "旧住所", "現住所", "住所地", "住所", "本籍地", "本籍", "所在地",
                   "在住")
_MUNICIPALITY_END = re.compile(r"[都道府県市区町村郡]$")


def address_key(folded: str) -> str:
    """An address reduced for comparison with the published ones: 風見野市本町1丁目1番1号 →
    風見野市本町1-1-1."""
    key = re.sub(r"丁目|番地の?|番|号|の(?=[0-9])", "-", folded.replace(" ", ""))
    return re.sub(r"-+", "-", key).strip("-")


def postal_codes(text: str) -> list[Hit]:
    """〒123-4567 anywhere; 123-4567 after 郵便番号 or right before a prefecture or city."""
    return _hits("postal_code", _POSTAL, text)


def _place_start(text: str, end: int, limit: int = 24) -> int:
    """Walk left over the place name (kanji, katakana; が/ヶ/の only between kanji)."""
    i = end
    while i > 0 and end - i < limit:
        ch = text[i - 1]
        infix = ch in _PLACE_INFIX and i >= 2 and _PLACE_CHAR.match(text[i - 2]) is not None
        if not (_PLACE_CHAR.match(ch) or infix):
            break
        i -= 1
    for label in _ADDRESS_LABELS:
        if text.startswith(label, i):
            return i + len(label)
    return i


def _is_house_number(place: str, dashed: str | None) -> bool:
    if place.endswith(("番号", "番", "号")):
        return False
    if dashed is not None and place.endswith(("の", "が")):
        return False  # 「手順の1-2-3」: a place name does not end in a particle
    if dashed is None:
        return True
    if dashed.count("-") == 1:
        return _MUNICIPALITY_END.search(place) is not None
    return len(place) >= 2


def addresses(text: str) -> list[Hit]:
    """A place name followed by a house-level number (…丁目…番…号, …番地, N-N-N).

    A district alone (本町3丁目, 若葉台) is not personal and is kept, so questions about
    collection days by area stay answerable. N-N-N needs a place name of at least two
    characters before it; N-N one ending in 都道府県市区町村.
    """
    out = []
    for m in _HOUSE.finditer(text):
        start = _place_start(text, m.start())
        if text[start:m.start()].startswith("丁目"):
            continue  # inside a …丁目… address found whole
        if _is_house_number(text[start:m.start()], m.group("dashed")):
            out.append(Hit("address", start, m.end()))
    return out



# --- dates of birth -------------------------------------------------------------------------
_ERA = r"(?:明治|大正|昭和|平成|令和|[MTSHRmtshr](?:\.[ ]?)?)"
_MONTH = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
          r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?")
_Y4 = r"(?:18|19|20)[0-9]{2}"
_M = r"(?:0?[1-9]|1[0-2])"
_D = r"(?:0?[1-9]|[12][0-9]|3[01])"
_DATE = (rf"(?<![0-9\-/.])(?:{_ERA}[ ]?(?:[0-9]{{1,2}}|元)[ ]?年[ ]?{_M}[ ]?月[ ]?{_D}[ ]?日"
         rf"|{_Y4}[ ]?年[ ]?{_M}[ ]?月[ ]?{_D}[ ]?日"
         rf"|(?:{_Y4}|{_ERA}(?:[0-9]{{1,2}}|元))[/.\-]{_M}[/.\-]{_D}(?![0-9])"
         rf"|(?:{_D}[/.\-]{_M}|{_M}[/.\-]{_D})[/.\-]{_Y4}(?![0-9])"
         rf"|{_D}(?:st|nd|rd|th)?[ ]?{_MONTH},?[ ]?{_Y4}(?![0-9])"
         rf"|{_MONTH}[ ]?{_D}(?:st|nd|rd|th)?,?[ ]?{_Y4}(?![0-9]))")
_BIRTH_AFTER = r"(?:生まれ|うまれ|生(?![一-龥])|誕生|出生)"
_BIRTH = (re.compile(rf"(?P<n>{_DATE})(?=[ ]?(?:に|の)?[ ]?{_BIRTH_AFTER})", re.IGNORECASE),
          _labelled(r"生年月日|誕生日|出生日期|出生年月日|生日|生まれは|date of birth"
                    r"|birth ?date|birthday|d\.?o\.?b\.?|born(?: on| in)?|誕生|생년월일|생일"
                    r"|ngày sinh|sinh ngày|data de nascimento|nascid[oa] em|nasci em"
                    r"|fecha de nacimiento|nacido el", _DATE),
          re.compile(rf"(?<!［)(?:生年月日|誕生日|date of birth|birthday|born)[^。\n［]{{0,12}}?"
                     rf"(?P<n>{_DATE})", re.IGNORECASE))


def birth_dates(text: str) -> list[Hit]:
    """A full date (year, month, day) followed by 生まれ/生 or after 生年月日/誕生日.

    A year alone (昭和30年生まれ) or a date without 生まれ (6月1日) is kept: residents ask
    about cohorts (「昭和36年4月2日以降生まれの年金」) and deadlines.
    """
    return _hits("birth_date", _BIRTH, text)


# --- bank accounts, insurance and other personal numbers ----------------------------------
_BANK = (re.compile(rf"(?:[一-龥ァ-ヴー]{{1,10}}支店[ ]?)?(?:(?:普通|当座|貯蓄)(?:預金)?[ ]?)?"
                    rf"(?:口座)?(?:番号)?{_SEP}(?<![0-9])[0-9]{{3}}-?[0-9]{{4}}(?![0-9]|-[0-9])"),

         re.compile(rf"店番(?:号)?{_SEP}[0-9]{{3}}(?![0-9])"),
         re.compile(r"記号[ ]?1[0-9]{4}[ ,、]?番号[ ]?[0-9]{8}(?![0-9])"))
_BANK_WORDS = ("支店", "普通", "当座", "貯蓄", "口座", "店番", "記号", "銀行", "信金", "信用",
               "信組", "労金", "農協", "JA", "ゆうちょ", "バンク", "振込先", "振替")

_INSURANCE = (
    _labelled("被保険者(?:証)?(?:の)?番号|保険証(?:の)?番号", r"[0-9A-Za-z\-]{4,12}"),
    _labelled("基礎年金番号|年金番号|年金手帳(?:の番号)?|年金の番号",
              r"[0-9]{4}[ \-]?[0-9]{6}(?![0-9])"),
    re.compile(rf"記号{_SEP}[0-9A-Za-z\-]{{1,10}}[ ,、・]?(?:の)?番号{_SEP}[0-9\-]{{0,12}}[0-9]"),
    re.compile(r"(?<![0-9\-])[0-9]{4}-[0-9]{6}(?![0-9]|-[0-9])"))

_ID_LABELS = ("お客様番号|お客さま番号|顧客番号|カード番号|会員番号|受給者番号|受給者証番号"
              "|手帳番号|受付番号|利用者番号|登録番号|整理番号|免許証番号|免許証の番号|旅券番号"
              "|パスポート番号|在留カード番号|証明書番号|宛名番号")
_ID_NUMBER = (_labelled(_ID_LABELS, r"第?[A-Za-z]{0,2}[0-9][0-9A-Za-z\-]{3,15}[0-9A-Za-z]号?"),
              # 在留カード: AB12345678CD; passport: TK1234567 (any case, optional spaces)
              re.compile(r"(?<![A-Za-z0-9])[A-Za-z]{2}[ ]?[0-9]{8}[ ]?[A-Za-z]{2}(?![A-Za-z0-9])"),
              re.compile(r"(?<![A-Za-z0-9\-])[A-Za-z]{2}[0-9]{7}(?![A-Za-z0-9])"))


# Seven digits a little after a bank's name: 「振込先は風見野銀行の1234567」.
_BANK_NEAR = re.compile(r"(?:銀行|信金|信用金庫|信組|信用組合|労金|農協|JA|ゆうちょ|バンク|口座"
                        r"|振込先|振替|(?i:account|acct)(?:[ ](?i:number|no\.?))?)"
                        r"[^0-9。\n]{0,16}?(?<![0-9])(?P<n>[0-9]{3}-?[0-9]{4})"
                        r"(?![0-9]|-[0-9])")


def bank_accounts(text: str) -> list[Hit]:
    """口座番号 1234567, 本町支店 普通 1234567, 店番 123, ゆうちょ 記号1xxxx 番号xxxxxxxx,
    and seven digits shortly after a bank's name."""
    hits = [h for h in _hits("bank_account", _BANK, text)
            if any(w in text[h.start:h.end] for w in _BANK_WORDS)]
    return hits + _hits("bank_account", [_BANK_NEAR], text)


def insurance_numbers(text: str) -> list[Hit]:
    """被保険者番号, 保険証の記号・番号, 基礎年金番号 (1234-567890)."""
    return _hits("insurance_number", _INSURANCE, text)


def id_numbers(text: str) -> list[Hit]:
    """Numbers after お客様番号 / カード番号 / 免許証番号 …, 在留カード and passport numbers."""
    return _hits("id_number", _ID_NUMBER, text)


# --- number plates ------------------------------------------------------------------------
# 品川300あ1234, 練馬 330 ね 45-67, なにわ501わ・・12: area name, class number, one kana,
# then up to four digits (a hyphen after two, dots for leading blanks).
_PLATE = re.compile(r"""
    (?:[一-龥]{1,4}|[ぁ-ん]{2,4})[ ]?
    (?<![0-9])[0-9]{1,3}[ ]?[あ-ろわを][ ]?
    (?:[0-9]{2}-[0-9]{2}|[・.]{1,3}[ ]?[0-9]{1,3}|[0-9]{1,4})(?![0-9]|-[0-9])
""", re.VERBOSE)


def vehicle_numbers(text: str) -> list[Hit]:
    """Car number plates."""
    return _hits("vehicle_number", [_PLATE], text)


Detector = Callable[[str], list[Hit]]
_BEFORE_PHONES: tuple[Detector, ...] = (emails, my_numbers, bank_accounts, insurance_numbers,
                                        id_numbers, vehicle_numbers)
_AFTER_PHONES: tuple[Detector, ...] = (postal_codes, birth_dates, addresses)


def structured(text: str, allow_phones: frozenset[str] = frozenset()) -> Iterator[Hit]:
    """Every structured hit, in priority order (earlier wins an overlap)."""
    for detect in _BEFORE_PHONES:
        yield from detect(text)
    yield from phones(text, allow_phones)
    for detect in _AFTER_PHONES:
        yield from detect(text)
