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
    return re.compile(rf"(?:{labels}){_SEP}(?P<n>{value})", re.IGNORECASE)


# --- e-mail -------------------------------------------------------------------------------
_EMAIL = re.compile(r"(?<![A-Za-z0-9._%+\-])[A-Za-z0-9._%+\-]{1,64}@[A-Za-z0-9\-]{1,63}"
                    r"(?:\.[A-Za-z0-9\-]{1,63}){0,8}\.[A-Za-z]{2,24}")


def emails(text: str) -> list[Hit]:
    """Addresses like taro.suzuki@example.com (＠ and full-width letters are folded already)."""
    return _hits("email", [_EMAIL], text)


# --- My Number ----------------------------------------------------------------------------
_TWELVE = re.compile(r"(?<![0-9\-])[0-9]{4}[ \-]?[0-9]{4}[ \-]?[0-9]{4}(?![0-9]|-[0-9])")
_MYNUMBER_CONTEXT = re.compile(r"マイナンバー|個人番号|マイナ|my ?number", re.IGNORECASE)


def my_numbers(text: str) -> list[Hit]:
    """12 digits (4-4-4 with optional spaces or hyphens): a valid check digit, or any 12 digits
    within 20 characters after マイナンバー / 個人番号 (a mistyped number is still personal)."""
    out = []
    for m in _TWELVE.finditer(text):
        digits = re.sub(r"[ \-]", "", m.group(0))
        near = text[max(0, m.start() - 20):m.start()]
        if mynumber.is_valid(digits) or _MYNUMBER_CONTEXT.search(near):
            out.append(Hit("my_number", m.start(), m.end()))
    return out


# --- phone numbers ------------------------------------------------------------------------
_PHONE = re.compile(r"""
    (?<![0-9+\-])
    (?:
        \+81[ \-]?(?:\(0\)[ \-]?)?[0-9]{1,4}[ \-]?[0-9]{1,4}[ \-]?[0-9]{3,4}
      | \(0[0-9]{1,4}\)[ ]?[0-9]{1,4}[ \-]?[0-9]{3,4}
      | 0[0-9]{1,4}[ \-]?\(?[0-9]{1,4}\)?[ \-]?[0-9]{3,4}
    )
    (?![0-9]|-[0-9])
""", re.VERBOSE)
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
    """Japanese phone numbers in any common spelling, except those in `allow` (digits only)."""
    out = []
    for m in _PHONE.finditer(text):
        digits = national_digits(m.group(0))
        if is_phone(digits) and digits not in allow:
            out.append(Hit("phone", m.start(), m.end()))
    return out


# --- postal codes and addresses ------------------------------------------------------------
_PLACE_AHEAD = (r"(?=[ ]?(?:北海道|東京都|京都府|大阪府|[一-龥]{2,3}県"
                r"|[一-龥ぁ-んァ-ヴ]{1,6}[市区町村郡]))")
_POSTAL = (re.compile(r"〒[ ]?[0-9]{3}-?[0-9]{4}(?![0-9])"),
           _labelled("郵便番号", r"[0-9]{3}-?[0-9]{4}(?![0-9])"),
           re.compile(rf"(?<![0-9\-〒 ])[0-9]{{3}}-[0-9]{{4}}(?![0-9\-]){_PLACE_AHEAD}"))

_NUM = "(?:[0-9]+|[一二三四五六七八九十]+)"
_HOUSE = re.compile(rf"""
    (?<![0-9\-])
    (?:
        {_NUM}丁目[ ]?{_NUM}(?:番地?|-)[ ]?(?:[0-9]+号?)?
      | [0-9]+番地(?:の?[0-9]+号?)?
      | [0-9]+番[0-9]+号
      | (?P<dashed>[1-9][0-9]{{0,3}}(?:-[0-9]{{1,4}}){{1,2}})(?:号)?
    )
    (?![0-9]|-[0-9])
""", re.VERBOSE)
_PLACE_CHAR = re.compile(r"[一-龥々〆ヵヶァ-ヴー]")
_PLACE_INFIX = "がヶケノの"
_ADDRESS_LABELS = ("新住所", "旧住所", "現住所", "住所地", "住所", "本籍地", "本籍", "所在地",
                   "在住")
_MUNICIPALITY_END = re.compile(r"[都道府県市区町村郡]$")


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
        if _is_house_number(text[start:m.start()], m.group("dashed")):
            out.append(Hit("address", start, m.end()))
    return out


# --- dates of birth -------------------------------------------------------------------------
_ERA = r"(?:明治|大正|昭和|平成|令和|[MTSHRmtshr]\.?)"
_DATE = (rf"(?:{_ERA}[ ]?(?:[0-9]{{1,2}}|元)年[ ]?[0-9]{{1,2}}月[ ]?[0-9]{{1,2}}日"
         r"|[0-9]{4}年[ ]?[0-9]{1,2}月[ ]?[0-9]{1,2}日"
         rf"|(?:[0-9]{{4}}|{_ERA}[0-9]{{1,2}})[/.\-][0-9]{{1,2}}[/.\-][0-9]{{1,2}}(?![0-9]))")
_BIRTH = (re.compile(rf"(?P<n>{_DATE})(?=[ ]?(?:生まれ|うまれ|生(?![一-龥])|誕生|出生))"),
          _labelled("生年月日|誕生日|date of birth|birthday|born(?: on)?", _DATE))


def birth_dates(text: str) -> list[Hit]:
    """A full date (year, month, day) followed by 生まれ/生 or after 生年月日/誕生日.

    A year alone (昭和30年生まれ) or a date without 生まれ (6月1日) is kept: residents ask
    about cohorts (「昭和36年4月2日以降生まれの年金」) and deadlines.
    """
    return _hits("birth_date", _BIRTH, text)


# --- bank accounts, insurance and other personal numbers ----------------------------------
_BANK = (re.compile(rf"(?:[一-龥ァ-ヴー]{{1,10}}支店[ ]?)?(?:(?:普通|当座|貯蓄)(?:預金)?[ ]?)?"
                    rf"(?:口座)?(?:番号)?{_SEP}(?<![0-9])[0-9]{{7}}(?![0-9])"),
         re.compile(rf"店番(?:号)?{_SEP}[0-9]{{3}}(?![0-9])"),
         re.compile(r"記号[ ]?1[0-9]{4}[ ,、]?番号[ ]?[0-9]{8}(?![0-9])"))
_BANK_WORDS = ("支店", "普通", "当座", "貯蓄", "口座", "店番", "記号")

_INSURANCE = (
    _labelled("被保険者(?:証)?(?:の)?番号|保険証(?:の)?番号", r"[0-9A-Za-z\-]{4,12}"),
    _labelled("基礎年金番号|年金番号", r"[0-9]{4}-?[0-9]{6}(?![0-9])"),
    re.compile(rf"記号{_SEP}[0-9A-Za-z\-]{{1,10}}[ ,、・]?(?:の)?番号{_SEP}[0-9\-]{{0,12}}[0-9]"),
    re.compile(r"(?<![0-9\-])[0-9]{4}-[0-9]{6}(?![0-9]|-[0-9])"))

_ID_LABELS = ("お客様番号|お客さま番号|顧客番号|カード番号|会員番号|受給者番号|受給者証番号"
              "|手帳番号|受付番号|利用者番号|登録番号|整理番号|免許証番号|免許証の番号|旅券番号"
              "|パスポート番号|在留カード番号|証明書番号|宛名番号")
_ID_NUMBER = (_labelled(_ID_LABELS, r"[A-Za-z]{0,2}[0-9][0-9A-Za-z\-]{3,15}[0-9A-Za-z]"),
              re.compile(r"(?<![A-Za-z0-9])[A-Z]{2}[0-9]{8}[A-Z]{2}(?![A-Za-z0-9])"))


def bank_accounts(text: str) -> list[Hit]:
    """口座番号 1234567, 本町支店 普通 1234567, 店番 123, ゆうちょ 記号1xxxx 番号xxxxxxxx."""
    hits = _hits("bank_account", _BANK, text)
    return [h for h in hits if any(w in text[h.start:h.end] for w in _BANK_WORDS)]


def insurance_numbers(text: str) -> list[Hit]:
    """被保険者番号, 保険証の記号・番号, 基礎年金番号 (1234-567890)."""
    return _hits("insurance_number", _INSURANCE, text)


def id_numbers(text: str) -> list[Hit]:
    """Numbers after お客様番号 / カード番号 / 免許証番号 …, and 在留カード numbers."""
    return _hits("id_number", _ID_NUMBER, text)


Detector = Callable[[str], list[Hit]]
_BEFORE_PHONES: tuple[Detector, ...] = (emails, my_numbers, bank_accounts, insurance_numbers,
                                        id_numbers)
_AFTER_PHONES: tuple[Detector, ...] = (postal_codes, birth_dates, addresses)


def structured(text: str, allow_phones: frozenset[str] = frozenset()) -> Iterator[Hit]:
    """Every structured hit, in priority order (earlier wins an overlap)."""
    for detect in _BEFORE_PHONES:
        yield from detect(text)
    yield from phones(text, allow_phones)
    for detect in _AFTER_PHONES:
        yield from detect(text)
