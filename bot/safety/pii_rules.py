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
# Spelled-out @ and dot: 「(at)」「(a)」「(arroba)」「[at]」「アットマーク」「 at 」「ドット」
# 「(dot)」「[.]」, and in Vietnamese 「a còng」「chấm」.
_AT_WORDS = r"at|a|arroba|at ?mark|@|★|アットマーク|あっとまーく|アット|あっと|골뱅이|a còng"
# (also 「@マーク」 written out after the sign, and a line break before or after it: a wrapped
# address; brackets of any kind around a spelled @: (at) [at] 【at】 〔at〕 《at》)
_AT = (r"(?:\n?[ ]?[@★☆◎](?:マーク)?[ ]?\n?"
       rf"|[ ]?[(\[<{{【〔〈《][ ]?(?:{_AT_WORDS})[ ]?[)\]>}}】〕〉》][ ]?"
       r"|[ ]?(?:アットマーク|あっとまーく|アット|あっと|골뱅이)[ ]?)")
# A spoken 'at' between spaces: the domain must then end in a real top-level domain, since
# 「reach me at joy.mendoza (at) yahoo…」 is no address ending in .mendoza.
_AT_SPOKEN = r"[ ](?:at|arroba|atmark|at mark|at-mark|a còng|a móc)[ ]"
# 'at' between underscores or hyphens (mari.y_at_gmail.com), before a real top-level domain
# only (file_at_home.txt is a file)
_AT_GLUED = r"(?:_at_|-at-)"
_DOT = (r"(?:\.|[ ]\.[ ]|[ ]?[(\[<{【〔〈《][ ]?(?:dot|ponto|punto|点|\.|。|ドット|どっと)[ ]?"
        r"[)\]>}】〕〉》][ ]?"
        r"|[ ]?(?:ドット|どっと)[ ]?"
        r"|[ ](?:dot|ponto|punto|chấm|점)[ ])")
# A local part may be spaced around its dots like the domain (yuki . kobayashi @ …), or
# spell its dots, underscores and hyphens (taro dot yamada at …, taro アンダーバー yamada@…).
_LOCAL_SPELLED = (r"(?:[ ](?:dot|underscore|hyphen)[ ]|[ ]?\((?:dot|underscore|hyphen)\)[ ]?"
                  r"|[ ]?(?:ドット|アンダーバー|アンダースコア|アンダーライン|ハイフン)[ ]?)")
_LOCAL = (r"(?<![A-Za-z0-9._%+\-])[A-Za-z0-9._%+\-]{1,64}"
          rf"(?:(?:[ ]\.[ ]|{_LOCAL_SPELLED})[A-Za-z0-9_%+\-]{{1,64}}){{0,4}}")
# (after a written @, a space on one side of a dot too: gmail .com, gmail. com — before a
# common domain label only, so a sentence's full stop ends the address)
_DOT_WRITTEN = (rf"(?:{_DOT}|[ ]\.|\.[ ](?=(?:com|net|org|info|biz|co|ne|or|ac|go|jp)"
                r"(?![A-Za-z0-9])))")
# (a label before the last dot may be wrapped onto the next line: o.mina@exa⏎mple.com)
_DOMAIN_LABEL = r"[A-Za-z0-9\-]{1,63}(?:\n[A-Za-z0-9\-]{1,63})?"
_DOMAIN = (rf"{_DOMAIN_LABEL}(?:{_DOT_WRITTEN}{_DOMAIN_LABEL}){{0,8}}{_DOT_WRITTEN}"
           r"[A-Za-z]{2,24}(?![A-Za-z0-9])")
# 「hanako@gmail」「ken@docomo」: after a real @, a mail provider stands for its whole domain.
_PROVIDER = (r"(?:gmail|googlemail|yahoo|ymail|icloud|outlook|hotmail|docomo|ezweb"
             r"|softbank|i\.softbank|ymobile|rakuten|nifty|biglobe|ocn|naver|qq|163)"
             r"(?![A-Za-z0-9.\-]|[ ]?(?:\.|ドット|どっと|\(dot\))[ ]?[A-Za-z])")
# (not the ones that are English words: 「I was at school. Or …」)
_SPOKEN_TLD = (r"(?:com|net|org|info|biz|edu|gov|io|jp|vn|cn|kr|br|ph|np|uk|co|ne|ac|ru|fr"
               r"|es|pt|au|ca|tw|hk|th|sg|mx|lk|bd|pk|mm|kh|mn|ng|ua|pl|nl|nz)")
_DOMAIN_SPOKEN = (rf"[A-Za-z0-9\-]{{1,63}}(?:{_DOT}[A-Za-z0-9\-]{{1,63}}){{0,8}}{_DOT}"
                  rf"{_SPOKEN_TLD}(?![A-Za-z0-9])")
_EMAIL = re.compile(rf"{_LOCAL}(?:{_AT}{_DOMAIN}|(?:{_AT_SPOKEN}|{_AT_GLUED}){_DOMAIN_SPOKEN}"
                    rf"|[ ]?@[ ]?{_PROVIDER})", re.IGNORECASE)
# After a real @, a comma, 「。」 or a space may stand for a dot before a top-level domain
# (tanaka@example,com / tanaka @example。com / tanaka@example co jp): only after @, since
# 「live at home, so」 must not read as one.
_TLD = r"(?:com|net|org|info|biz|edu|gov|jp|vn|cn|kr|br|ph|np|id|in|us|uk)"
_LOOSE_DOT = r"(?:[ ]?[.,。、][ ]?|[ ])"
_EMAIL_LOOSE = re.compile(rf"{_LOCAL}[ ]?@[ ]?[A-Za-z0-9\-]{{1,63}}"
                          rf"(?:{_LOOSE_DOT}[A-Za-z0-9\-]{{1,63}}){{0,3}}?{_LOOSE_DOT}{_TLD}"
                          r"(?![A-Za-z0-9])", re.IGNORECASE)
# A mail label, then a local part beside its provider's name: 「メアドは tanaka.h1980 (gmail)」
# 「gmailのtanaka.h.1980」「メールはtanaka1980gmail.com（@抜け）」.
_MAIL_LABEL = r"(?:メールアドレス|メアド|メール|アドレス|e-?mail|mail)"
_PROVIDER_NAME = (r"(?:gmail|yahoo|icloud|outlook|hotmail|docomo|ezweb|softbank|au|ymobile"
                  r"|rakuten|nifty|biglobe|ocn|naver|qq)")
_MAIL_LOCAL = r"[A-Za-z0-9][A-Za-z0-9._%+\-]{2,63}"
_MAIL_LOCAL_MARKED = r"(?=[A-Za-z0-9._%+\-]*[._\-0-9])[A-Za-z0-9][A-Za-z0-9._%+\-]{2,63}"
_MAIL_BY_PROVIDER = (
    re.compile(rf"{_MAIL_LABEL}(?:は|:|が)?[ ]?(?P<n>{_MAIL_LOCAL}[ ]?\({_PROVIDER_NAME}\))",
               re.IGNORECASE),
    re.compile(rf"(?<![A-Za-z0-9])(?P<n>{_PROVIDER_NAME}[ ]?(?:の|で)[ ]?{_MAIL_LOCAL})"
               r"(?=[ ]?(?:です|でお願い|で登録|に|へ|まで|[。、\n]|$))", re.IGNORECASE),
    # 「gmailはshota.kimura.0です」: after は or a colon, a local part with a dot, an
    # underscore, a hyphen or a digit (「gmailはspamに入る」 is a word)
    re.compile(rf"(?<![A-Za-z0-9])(?P<n>{_PROVIDER_NAME}(?:は|:|→)[ ]?{_MAIL_LOCAL_MARKED})"
               r"(?=[ ]?(?:です|でお願い|で登録|に|へ|まで|[。、\n]|$))", re.IGNORECASE),
    # 「メールはgmailで、アカウント名はtomomi.wです」: the provider named first, then the part
    # before @ under its own label
    re.compile(rf"(?<![A-Za-z0-9]){_PROVIDER_NAME}[^\n]{{0,24}}?(?:アカウント名?|ユーザー?名"
               rf"|ユーザー?ID|@の前|@より前|アットマークの前)(?:は|:|が)?[ ]?"
               rf"(?P<n>{_MAIL_LOCAL})(?![A-Za-z0-9._%+\-@])", re.IGNORECASE),
    re.compile(rf"{_MAIL_LABEL}(?:は|:|が)?[ ]?(?P<n>[A-Za-z0-9._%+\-]{{3,64}}?"
               rf"{_PROVIDER_NAME}\.(?:com|co\.jp|ne\.jp|jp))(?![A-Za-z0-9])", re.IGNORECASE))
# A message that says which character stands for @: 「#を@に変えて」「#换成@」「replace # with @」.
_SUBSTITUTE = r"(?P<c>[#$&*=?^~|!/\\◎○●■□◆◇]|\([A-Za-z]{1,8}\)|_[A-Za-z]{1,8}_)"
_AT_INSTRUCTION = (
    re.compile(rf"{_SUBSTITUTE}[ ]?(?:を|は)[ ]?(?:半角の|全角の)?[ ]?@[ ]?(?:に|へ|と)"),
    re.compile(rf"{_SUBSTITUTE}[ ]?(?:换成|換成|改成|替换成|替换为|换为|→|->|=>|=)[ ]?@"),
    re.compile(rf"{_SUBSTITUTE}[ ]?(?:을|를)[ ]?@(?:로|으로)"),
    re.compile(rf"(?:replace|change|swap|troque|troca|substitua|cambia|cambie|reemplaza"
               rf"|reemplace|thay)[ ]+(?:the[ ]+)?{_SUBSTITUTE}[ ]+(?:with|by|for|por|para|con"
               rf"|bằng)[ ]+@", re.IGNORECASE))


# An address typed one character at a time with spaces between (m i k i 0 3 @ e x a m p l e
# . c o m): single letters, digits and marks set apart by one space, an @ among them.
_EMAIL_LETTERED = re.compile(r"(?<![A-Za-z0-9._\-])(?:[A-Za-z0-9._\-][ ]){2,64}@"
                             r"(?:[ ][A-Za-z0-9.\-]){3,253}(?![A-Za-z0-9])")


def emails(text: str) -> list[Hit]:
    """Addresses like taro.suzuki@example.com, also spelled out (tanaka (at) example.com,
    tanaka アットマーク example ドット com), letter by letter between spaces, or with a
    character the message says stands for @ (lihua.wang#example.cn（#换成@）); ＠ and
    full-width letters are folded already."""
    patterns = [_EMAIL, _EMAIL_LOOSE, *_MAIL_BY_PROVIDER]
    for instruction in _AT_INSTRUCTION:
        patterns += [re.compile(rf"{_LOCAL}[ ]?{re.escape(m.group('c'))}[ ]?{_DOMAIN}",
                                re.IGNORECASE) for m in instruction.finditer(text)]
    lettered = [Hit("email", m.start(), m.end()) for m in _EMAIL_LETTERED.finditer(text)
                if _EMAIL.fullmatch(m.group(0).replace(" ", ""))]
    # 「info@….jp は観光協会のアドレスですか」: an office's address, named as such
    return [h for h in _hits("email", patterns, text) + lettered
            if not _OFFICE_ADDRESS_AFTER.match(text, h.end)]


_OFFICE_ADDRESS_AFTER = re.compile(r"[ ]?(?:は|って|が)[ ]?"
                                   r"(?:[一-龥ァ-ヴー]|(?<=[一-龥])て(?=[一-龥])){0,12}(?:課|係|センター|支所|役所|役場|出張所|事務所|公民館"
                                   r"|図書館|会館|保健所|協会|診療所)の(?:メール)?アドレス")


# --- digit runs (My Number, phones) -------------------------------------------------------
# Groups of digits joined by what residents type between them: - . ・ / _ ~ space, a dash
# with spaces around it (090 – 1234), parentheses, 「の」 (〇九〇の一二三四…), and a line break
# after a separator (090-⏎4417-…) or before a last group of four (090 2233⏎4455), and a
# spoken filler between groups (070の、えーと、6621の…). Hidden characters and dash look-alikes
# are folded away already.
_FILLER = r"(?:[、,]?[ ]?(?:えーと|えっと|えーっと|えー|あのー|あの)[、,]?[ ]?)"
_JOIN = (rf"(?:[ ]?[\-./・_~〜‐–—―−ー][ ]?\n?|[ ]?[()][ ]?|[ ]|の{_FILLER}?|{_FILLER}"
         r"|[ ]?\n(?=[0-9]{4}(?![0-9])))")
_DIGIT_RUN = re.compile(rf"""
    (?:(?<![0-9A-Za-z+\-./(])|(?<=[Tt][Ee][Ll]))
    (?P<run>(?:\(\+[ ]?81\)[ \-]?|\+[ ]?81[ \-]?(?:\(0\)[ \-]?)?|\+[ ]?[1-9][0-9]{{0,2}}[ \-]
            |\([ ]?)?[0-9]+
            (?:{_JOIN}{{1,2}}\(?[0-9]+\)?)*)
    (?![0-9]|[\-.][0-9])
""", re.VERBOSE)
# What residents call it: マイナンバー, まいなんばー, 個人番号, 通知カード, and in their languages.
_MYNUMBER_CONTEXT = re.compile(r"マイナ|まいな|個人番号|こじんばんごう|通知カード|つうちかーど"
                               r"|my ?number|mai ?nanba|개인번호|마이넘버|个人编号|個人編號"
                               r"|mã số cá nhân|número (?:de )?(?:my ?number|individual)",
                               re.IGNORECASE)


_MAX_GROUPS = 12
_GROUP = re.compile(r"(?:\(\+[ ]?81\)[ \-]?|\+[ ]?81[ \-]?(?:\(0\)[ \-]?)?"
                    r"|\+[ ]?[1-9][0-9]{0,2}[ \-]|\([ ]?)?[0-9]+\)?")


def _runs(text: str) -> Iterator[tuple[int, int, str]]:
    """(start, end, digits) of every run of up to five consecutive digit groups inside a
    longer run, so 「090-1234-5678 / 03-1234-5678」 yields both numbers; digits typed one by
    one (0 9 0 1 2 …) may form up to twelve groups."""
    for m in _DIGIT_RUN.finditer(text):
        run_start = m.start("run")
        groups = [(run_start + g.start(), run_start + g.end())
                  for g in _GROUP.finditer(m.group("run"))]
        for i in range(len(groups)):
            for j in range(i, min(i + _MAX_GROUPS, len(groups))):
                if j - i >= 5 and sum(e - s for s, e in groups[i:j + 1]) > 13:
                    break  # many groups only while they spell one number (090 2 2 7 1 …)
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


# A department or facility named right beside a number or address makes it the office's:
# 「税務課に0199-21-1310で」「0199-22-3360（保健センター）」「港町支所の住所は港町1丁目2番8号」.
# (て inside kanji: 子育て支援課; a clinic or an association is an office too)
_OFFICE = (r"(?:[一-龥ァ-ヴー]|(?<=[一-龥])て(?=[一-龥])){0,12}"
           r"(?:課|係|センター|支所|支庁|役所|役場|出張所|事務所|公民館"
           r"|図書館|会館|保健所|消防署|警察署|交番|局|窓口|相談所|ダイヤル|ホットライン"
           r"|診療所|協会)")
_OFFICE_BEFORE = re.compile(rf"{_OFFICE}(?:の)?(?:代表番号|代表電話|代表|直通|電話番号|番号|電話"
                            r"|住所|所在地|郵便番号|〒)?"
                            r"(?:は|に|の|:|\(|、)?[ ]?$")
# (not where the office only says where it is: 「本町3-2-1 市役所の近く」)
_OFFICE_AFTER = re.compile(rf"[ ]?(?:\(|は|が|の)?[ ]?{_OFFICE}"
                           r"(?!の?(?:近く|ちかく|隣|となり|前|そば|裏|向かい|付近|周辺|側)|から|まで)")
_OFFICE_POSTAL_BEFORE = re.compile(rf"{_OFFICE}(?:の)?(?:郵便番号|住所|所在地)?"
                                   r"(?:は|:|の|\()?[ ]?$")
_OFFICE_END = re.compile(rf"{_OFFICE}$")


def _beside_office(text: str, start: int, end: int) -> bool:
    return bool(_OFFICE_BEFORE.search(text[max(0, start - 30):start])
                or _OFFICE_AFTER.match(text, end))


def _is_service_number(digits: str, written: str) -> bool:
    """Free dial (0120, 0800) and navi dial (0570) numbers belong to businesses; 0800 only
    when written as its own group, since 080 0123 4567 is a mobile."""
    return digits.startswith(("0120", "0570")) or re.match(r"0800(?![0-9])", written) is not None


# What residents write before their number, in their languages: after one of these, any run
# of 10 to 13 digits is a phone, whatever its country (a Korean 010-…, a Brazilian +55 …).
_PHONE_LABEL = re.compile(
    r"(?:電話|でんわ|デンワ|携帯|ケータイ|けいたい|連絡先|TEL|Tel|tel|phone|Phone|PHONE|mobile"
    r"|Mobile|cell|telefone|celular|tel[eé]fono|điện thoại|SĐT|sđt|전화|핸드폰|휴대폰|电话|手机"
    r"|電話番号)[^0-9。\n]{0,16}$")
# Mobiles of the residents' home countries, written with separators: Korea 010-1234-5678.
_FOREIGN_MOBILE = re.compile(r"01[016789][ \-.][0-9]{3,4}[ \-.][0-9]{4}$")


def _labelled_phone(text: str, start: int, end: int, digits: str) -> bool:
    """A number of phone length after a phone label, or a foreign mobile's shape."""
    if not digits.lstrip("+").isdigit():
        return False
    if _FOREIGN_MOBILE.match(text[start:end]) or (digits.startswith("+")
                                                   and 10 <= len(digits) - 1 <= 15):
        return True  # 010-1234-5678, or any number dialled with a country code
    return 10 <= len(digits.lstrip("+")) <= 13 and bool(
        _PHONE_LABEL.search(text[max(0, start - 24):start]))


# A phone given in pieces, as residents send it over two lines or two messages: a mobile's
# first two groups alone (090-6127, 080 3390 — its last four digits still to come), and a
# group of four said to be the rest (残りは4483, 続きは5512, 7063が最後の4桁). 「残りは1200円」
# is an amount: a unit after the digits, or no phone word in the message, keeps the group.
_MOBILE_HEAD = re.compile(r"(?<![0-9A-Za-z\-./])0[789]0[ \-]?[0-9]{4}"
                          r"(?![0-9]|[ \-.・][0-9])")
_NOT_A_UNIT = r"(?![0-9]|[ ]?[円人件個枚日年月分万千百回歳時号番階才%㎡mkgcKG])"
_LAST_GROUP_SAID = re.compile(
    rf"(?:下[ ]?4[ ]?桁|最後の[ ]?4[ ]?桁|末尾)(?:は|が|:)?[ ]?(?P<a>[0-9]{{4}}){_NOT_A_UNIT}"
    rf"|(?<![0-9])(?P<b>[0-9]{{4}})(?:が|は|:)[ ]?(?:下[ ]?4[ ]?桁|最後の[ ]?4[ ]?桁|末尾)")
_REST_SAID = re.compile(rf"(?:残り|のこり|続き|つづき|後半|あと)(?:の[ ]?4[ ]?桁)?(?:は|が|:)[ ]?"
                        rf"(?P<a>[0-9]{{4}}){_NOT_A_UNIT}")
_PHONE_WORD = re.compile(r"電話|でんわ|携帯|ケータイ|けいたい|番号|ばんごう|TEL|tel|Tel")


def phone_pieces(text: str) -> list[Hit]:
    """A phone number in pieces (see `_MOBILE_HEAD`, `_LAST_GROUP_SAID`, `_REST_SAID`)."""
    out = [Hit("phone", m.start(), m.end()) for m in _MOBILE_HEAD.finditer(text)
           if not re.search(r"〒|郵便|ゆうびん|postal|zip", text[max(0, m.start() - 10):m.start()],
                            re.IGNORECASE)]  # 〒080-0012 is a postal code (Hokkaido)
    spoken = bool(out) or _PHONE_WORD.search(text) is not None
    for pattern, needs_phone_word in ((_LAST_GROUP_SAID, False), (_REST_SAID, True)):
        if needs_phone_word and not spoken:
            continue
        for m in pattern.finditer(text):
            group = "a" if m.group("a") else "b"
            out.append(Hit("phone", m.start(group), m.end(group)))
    return out


# Digits spelled in kana, as voice input or the elderly write a number (ぜろきゅうぜろ …,
# ゼロハチゼロ、ヨンヨンニーイチ …): longest readings first.
_KANA_DIGIT_WORDS = (("0", "ぜろ|ゼロ|れい|レイ|まる|マル"), ("1", "いち|イチ"),
                     ("2", "にい|にー|ニイ|ニー|に|ニ"), ("3", "さん|サン"),
                     ("4", "よん|ヨン|し|シ"),
                     ("5", "ごお|ごー|ゴオ|ゴー|ご|ゴ"), ("6", "ろく|ロク"),
                     ("7", "なな|ナナ|しち|シチ"), ("8", "はち|ハチ"),
                     ("9", "きゅう|きゅー|キュウ|キュー|く|ク"))
_KANA_DIGIT = "(?:" + "|".join(w for _, w in _KANA_DIGIT_WORDS) + ")"
_KANA_DIGIT_OF = {w: d for d, words in _KANA_DIGIT_WORDS for w in words.split("|")}
_KANA_NUMBER = re.compile(rf"(?:ぜろ|ゼロ|れい|レイ|まる|マル)"
                          rf"(?:[ 、,・の\-]?{_KANA_DIGIT}){{9,12}}")
_KANA_DIGIT_TOKEN = re.compile(_KANA_DIGIT)


def kana_phones(text: str, allow: frozenset[str] = frozenset()) -> list[Hit]:
    """A phone number whose digits are spelled in kana, ten or eleven of them in a row."""
    out = []
    for m in _KANA_NUMBER.finditer(text):
        words = list(_KANA_DIGIT_TOKEN.finditer(text, m.start(), m.end()))
        digits = "".join(_KANA_DIGIT_OF[w.group(0)] for w in words)
        for n in (11, 10):  # a word after the number may read as a digit (…ろく し…)
            if len(digits) >= n and is_phone(digits[:n]) and digits[:n] not in allow:
                out.append(Hit("phone", m.start(), words[n - 1].end()))
                break
    return out


def phones(text: str, allow: frozenset[str] = frozenset()) -> list[Hit]:
    """Japanese phone numbers in any common spelling (090-1234-5678, 090.1234.5678,
    090・1234・5678, (03)1234-5678, +81 90 …), except those in `allow` (digits only), free and
    navi dial numbers, and a landline named as a department's or facility's; and any number of
    phone length after a phone label (電話, TEL, 전화 …)."""
    out = []
    for start, end, _ in _runs(text):
        digits = national_digits(text[start:end])
        if digits in allow or _is_service_number(digits, text[start:end]):
            continue
        if not is_phone(digits):
            if _labelled_phone(text, start, end, digits):
                out.append(Hit("phone", start, end))
            continue
        landline = not digits.startswith(_ELEVEN_DIGIT_PREFIXES)
        if landline and _beside_office(text, start, end) and not text.startswith("から", end):
            continue
        out.append(Hit("phone", start, end))
    return out


# --- postal codes and addresses ------------------------------------------------------------
_PLACE_AHEAD = (r"(?=[ ]?(?:北海道|東京都|京都府|大阪府|[一-龥]{2,3}県"
                r"|[一-龥ぁ-んァ-ヴ]{1,6}[市区町村郡]"
                r"|の?[ ]?[一-龥ァ-ヴ]{2,8}[0-9]{1,2}(?:丁目|-[0-9])))")
_POSTAL_LABELS = (r"郵便番号|ゆうびんばんごう|ゆうびん番号|郵便|邮编|邮政编码|郵遞區號|우편번호"
                  r"|(?<![A-Za-z])(?:zip(?:[ ]?code)?|post(?:al)?[ ]?code|c[óo]digo postal|cep"
                  r"|mã bưu (?:chính|điện))")
_POSTAL = (re.compile(r"〒[ ]?[0-9]{3}[ \-]?[0-9]{4}(?![0-9])"),
           _labelled(_POSTAL_LABELS, r"〒?[0-9]{3}[ \-]?[0-9]{4}(?![0-9])"),
           re.compile(rf"(?<![0-9\-〒])(?<![0-9〒][ ])[0-9]{{3}}[ \-][0-9]{{4}}(?![0-9\-])"
                      rf"{_PLACE_AHEAD}"),
           # a line that is nothing but a code of that shape (an answer to 「郵便番号は？」)
           re.compile(r"(?:^|(?<=\n))[ ]?(?P<n>[0-9]{3}[ \-]?[0-9]{4})[ ]?(?=\n|$)"))

_NUM = "(?:[0-9]+|[一二三四五六七八九十]+)"
# A building and room after the house number: 「グリーンハイツ203号室」「メゾン若葉 305」「-402」,
# 「グランシティ南 A棟 812」「サンハイツ西が丘 2階B号室」「ひまわり荘5号」; kana may end the name
# right before the room (「ハイツみどり 301」「コーポさくら 102」).
_BUILDING_WORD = (r"(?:[ァ-ヴA-Za-z][ァ-ヴー・A-Za-z一-龥々がヶノ]{1,15}"
                  r"(?:[ぁ-ゖ]{1,5}(?=[ ]?[0-9]))?"
                  r"|[一-龥々ヶがぁ-んァ-ヴー]{1,10}"
                  r"(?:荘|寮|団地|住宅|ビル|棟|館|ハイツ|マンション|コーポ|ハウス))")
_BUILDING = rf"{_BUILDING_WORD}(?:[ ]{_BUILDING_WORD}){{0,2}}"
_UNIT = r"(?:[A-Za-z0-9]{1,3}(?:号棟|棟)[ ]?)?(?:[0-9]{1,2}(?:階|F)[ ]?)?"
# The room itself: 203, 203号室, 2F-B, B101, #301, B-2, 5-C, A号室.
_ROOM_NUMBER = (r"(?:[#][ ]?)?(?:[0-9]{1,2}-[A-Za-z](?![A-Za-z])|[A-Za-z]-[0-9]{1,4}"
                r"|[A-Za-z]?[0-9]{1,4}[A-Za-z]?(?:号室|号棟|号|室|階|F)?(?:-[A-Za-z](?![A-Za-z]))?"
                r"|[A-Za-z](?:号室|号))"
                r"(?![0-9]|[年月日円歳人時分]|-[0-9])")
_ROOM_LATIN_WORDS = (r"(?:Rm|Room|Apt|Apto|Apartment|Apartamento|Unit|Flat|No|Quarto"
                     r"|Departamento|Depto|Phòng|Căn[ ]hộ|호)")
_ROOM = (rf"(?:[ ]?(?:{_BUILDING}[ ]?)?{_UNIT}{_ROOM_NUMBER}"
         rf"|[ ]?\((?:{_BUILDING}[ ]?)?{_UNIT}{_ROOM_NUMBER}\)"
         rf"|,?[ ]?(?i:{_ROOM_LATIN_WORDS})\.?[ ]?[A-Za-z]?[0-9]{{1,4}}[A-Za-z]?(?![0-9])"
         r"|-[A-Za-z]{0,2}[0-9]{3,4}(?![0-9]))?")
# N-N-N may be written with ノ or の between the numbers: 東町4ノ8ノ2.
_DASH = "[-ノの]"
_HOUSE = re.compile(rf"""
    (?<![0-9\-〒])(?<!〒[ ])
    (?:
        {_NUM}丁目[ ]?(?:の[ ]?)?{_NUM}(?:番地?|-)[ ]?(?:(?:の|-)?[0-9]+号?)?
      | [0-9]+番地(?:の?[0-9]+号?)?
      | [0-9]+番[0-9]+号
      | (?P<dashed>[1-9][0-9]{{0,3}}(?:{_DASH}[0-9]{{1,4}}){{1,3}})(?:号)?
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
    """〒123-4567 anywhere; 123-4567 after 郵便番号, right before a prefecture or city, or alone
    on a line; not
    a code named as an office's (「北部出張所は〒999-0111」「〒999-0111 風見野市役所」)."""
    return [h for h in _hits("postal_code", _POSTAL, text)
            if not (_OFFICE_POSTAL_BEFORE.search(text[max(0, h.start - 30):h.start])
                    or _OFFICE_AFTER.match(text, h.end))]


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


# A city followed by a district (風見野市桜ケ丘), or a postal code or 住所 label just before.
_CITY_AND_DISTRICT = re.compile(r"[一-龥ァ-ヴー]{2,}[市区町村郡][一-龥ァ-ヴーヶケがの]{2,}$")
_ADDRESS_AHEAD = re.compile(r"(?:住所|所在地|〒|(?<![0-9])[0-9]{3}[ \-]?[0-9]{4})"
                            r"(?:は|:|、)?[ ]?$")


def _is_house_number(place: str, dashed: str | None, before: str) -> bool:
    """Whether a number after `place` (preceded by `before`) is a house number: N-N-N needs
    two characters of place; N-N more (see `addresses`)."""
    if place.endswith(("番号", "番", "号")):
        return False
    if dashed is not None and place.endswith(("の", "が")):
        return False  # 「手順の1-2-3」: a place name does not end in a particle
    if dashed is None:
        return True
    if len(re.findall(_DASH, dashed)) > 1:
        return len(place) >= 2
    if _MUNICIPALITY_END.search(place):
        return True
    if len(place) >= 2 and _ADDRESS_AHEAD.search(before):
        return True
    return bool(_CITY_AND_DISTRICT.search(place)) and not _OFFICE_END.search(place)


# A flat in a housing estate, by block and door without a house number: 「市営住宅12棟305号」
# 「東町5丁目の県営団地 3号棟 201号室」 (the district before it, when said, goes with it).
_ESTATE = re.compile(r"(?:[一-龥々ヶがァ-ヴー]{1,6}[0-9]{1,2}丁目の?[ ]?)?"
                     r"(?:市営|県営|都営|府営|道営|町営|村営|公営|UR|公社)?[一-龥々ァ-ヴー]{0,8}"
                     r"(?:住宅|団地)[ ]?[0-9A-Za-z]{1,3}(?:号棟|棟)[ ]?(?:の[ ]?)?[0-9]{1,4}"
                     r"(?:号室|号|室)?(?![0-9])")


# An address in kana, as children, voice input and the elderly write it: a district's 丁目 in
# kana with the house number after it (みなみまち 2ちょうめ 7の3, ひがしまち 3ちょうめ 4ばん 8ごう).
_KANA_ADDRESS = re.compile(r"(?:[ぁ-ゖ]{1,6}(?:まち|ちょう|だい|おか|むら)[ ]?"
                           r"|(?:^|(?<=[はがにのでへ、。 ]))[ぁ-ゖ]{2,6}[ ]"
                           r"(?=[0-9]{1,2}[ ]?ちょうめ))?"
                           r"[0-9]{1,2}[ ]?ちょうめ[ ]?(?:の[ ]?)?[0-9]{1,4}[ ]?"
                           r"(?:ばんち|ばん|の|-)[ ]?(?:[0-9]{1,4}(?:[ ]?ごう)?)?")


def addresses(text: str) -> list[Hit]:
    """A place name followed by a house-level number (…丁目…番…号, …番地, N-N-N), and
    romaji addresses (2-18-6 Minatomachi).

    A district alone (本町3丁目, 若葉台) is not personal and is kept, so questions about
    collection days by area stay answerable. N-N-N needs a place name of at least two
    characters before it; N-N one ending in 都道府県市区町村, a city and a district
    (風見野市桜ケ丘7-2), or a postal code or 住所 just before. An address named as an office's
    (港町支所の住所は…) is kept.
    """
    out = []
    for m in _HOUSE.finditer(text):
        start = _place_start(text, m.start())
        place = text[start:m.start()]
        if place.startswith("丁目"):
            continue  # inside a …丁目… address found whole
        before = text[max(0, start - 16):start]
        office = not m.group("room") and _beside_office(text, start, m.end())
        if _is_house_number(place, m.group("dashed"), before) and not office:
            out.append(Hit("address", start, m.end()))
    out += [Hit("address", m.start(), m.end())
            for pattern in (_ESTATE, _KANA_ADDRESS) for m in pattern.finditer(text)
            if not any(h.start <= m.start() and m.end() <= h.end for h in out)]
    return out + _romaji_addresses(text)


# 「2-18-6 Minatomachi」「Rm 405, 2-18-6 Minatomachi」「Wakabadai 3-8-25」: N-N-N beside a word
# that reads as romanized Japanese (so 「2024-05-01 Monday」 stays) and is long or ends like a
# place (…machi, …dai, …kawa), or any such word when the message speaks of where someone lives
# (English words such as Route or Page read as romaji too). N-N needs that context.
_ROMAJI_WORD = re.compile(r"(?:(?:[kgsztdnhbpmrfjwy]|sh|ch|ts|[kgnhbpmr]y)?[aiueoāīūēōâîûêô]"
                          r"|n(?![aiueoyāīūēō]))+", re.IGNORECASE)
_PLACE_SUFFIX = re.compile(r"(?:machi|cho|chō|dai|oka|kawa|gawa|yama|saki|zaki|hara|bara|mura"
                           r"|shima|jima|sawa|zawa|hama|moto|kita|minami|higashi|nishi|chuo|chūō"
                           r"|naka|sato|tani|dani|mori|hashi|bashi|saka|zaka)$", re.IGNORECASE)
_LIVING = re.compile(r"(?<![A-Za-z])(?:live[sd]?|living|address|addr|apt|apartment|room|rm|moro"
                     r"|morada|endere[çc]o|direcci[óo]n|vivo|tinggal|alamat|nakatira)(?![A-Za-z])"
                     r"|địa chỉ|sống ở|住所|住んで|地址|住在|주소|〒|-(?:shi|ku|cho)(?![A-Za-z])"
                     r"|(?<![A-Za-z])(?:city|ward)(?![A-Za-z])", re.IGNORECASE)
_ROOM_LATIN = rf"(?i:{_ROOM_LATIN_WORDS})\.?[ ]?[A-Za-z]?[0-9]{{1,4}}[A-Za-z]?|[#][0-9]{{1,4}}"
# A building's name between the room and the number: 「Room 201, Sun Heights, 3-4-5 Honmachi」.
_BUILDING_LATIN = r"[A-Z][A-Za-z]+(?:[ ][A-Z][A-Za-z]+){0,3}"
_DASHED_LATIN = r"(?<![0-9\-])[1-9][0-9]{0,2}(?P<dashes>(?:-[0-9]{1,4}){1,3})(?![0-9]|-[0-9])"
_WORD_LATIN = r"(?<![A-Za-z])[A-Za-z][A-Za-zāīūēō]{3,20}(?![A-Za-z])(?:-(?:cho|machi|ku|shi))?"
_ROMAJI_ADDRESS = (
    re.compile(rf"(?:(?:{_ROOM_LATIN}),?[ ]?(?:{_BUILDING_LATIN},?[ ]?)?)?{_DASHED_LATIN},?[ ]?"
               rf"(?P<w>{_WORD_LATIN})(?:,?[ ]?(?:{_ROOM_LATIN}))?"),
    re.compile(rf"(?:(?:{_ROOM_LATIN}),?[ ]?)?(?P<w>{_WORD_LATIN}),?[ ]?{_DASHED_LATIN}"
               rf"(?:,?[ ]?(?:{_ROOM_LATIN}))?"))


def _romaji_addresses(text: str) -> list[Hit]:
    living = _LIVING.search(text) is not None
    out = []
    for pattern in _ROMAJI_ADDRESS:
        for m in pattern.finditer(text):
            word = m.group("w").split("-")[0]
            if _ROMAJI_WORD.fullmatch(word) is None or (word[0].islower() and not living):
                continue  # in lower case (wakabadai 3-2-7) only where the message says 住所
            placelike = len(word) >= 7 or _PLACE_SUFFIX.search(word) is not None
            if living or (placelike and m.group("dashes").count("-") >= 2):
                out.append(Hit("address", m.start(), m.end()))
    return _merged(out)


def _merged(hits: list[Hit]) -> list[Hit]:
    """Overlapping hits of one kind as one: 「Sakuragaoka 7-2, Kazamino-shi」."""
    out: list[Hit] = []
    for hit in sorted(hits, key=lambda h: h.start):
        if out and hit.start < out[-1].end:
            out[-1] = Hit(hit.kind, out[-1].start, max(out[-1].end, hit.end))
        else:
            out.append(hit)
    return out


# --- dates of birth -------------------------------------------------------------------------
_ERA = r"(?:明治|大正|昭和|平成|令和|[MTSHRmtshr](?:\.[ ]?)?)"
_MONTH = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
          r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?")
# Month names in Portuguese, Spanish, French, Indonesian and Tagalog (「15 de agosto de 1987」
# 「3 de mayo de 1990」「15 Agustus 1987」「Agosto 15, 1987」).
_MONTH_OTHER = (r"(?:janeiro|fevereiro|mar[çc]o|abril|maio|junho|julho|agosto|setembro|outubro"
                r"|novembro|dezembro|enero|febrero|marzo|mayo|junio|julio|septiembre|setiembre"
                r"|octubre|noviembre|diciembre|janvier|f[ée]vrier|mars|avril|mai|juin|juillet"
                r"|ao[uû]t|septembre|octobre|novembre|d[ée]cembre|januari|februari|maret|mei"
                r"|juni|juli|agustus|oktober|desember|pebrero|marso|hunyo|hulyo|setyembre"
                r"|oktubre|nobyembre|disyembre)")
_Y4 = r"(?:18|19|20)[0-9]{2}"
_M = r"(?:0?[1-9]|1[0-2])"
_D = r"(?:0?[1-9]|[12][0-9]|3[01])"
# The year in the other calendar may follow in brackets: 1990年(平成2年)4月1日, 平成2年(1990)4月1日.
_ERA_YEAR = r"(?:[0-9]{1,2}|元)"
_ERA_ASIDE = rf"(?:\([ ]?{_ERA}[ ]?{_ERA_YEAR}[ ]?年?[ ]?\)[ ]?)?"
_Y4_ASIDE = r"(?:\([ ]?(?:18|19|20)[0-9]{2}[ ]?年?[ ]?\)[ ]?)?"
# The era's first year said in words (平成の最初の年); の between the year and the month
# (2015年の7月7日, 平成十年の十月十日).
_ERA_FIRST = r"の(?:最初|はじめ|始め|いちばん最初)の年"
_YEAR_OF = r"(?:の[ ]?)?"
# の between the month and the day too, as a date is said (昭和五十二年の九月の三日); and the
# whole date in kana with digits, as a child or voice input writes it (へいせい12ねん6がつ30にち,
# 2001ねん3がつ3か — 3か for みっか).
_DAY_OF = r"(?:の[ ]?)?"
_ERA_KANA = r"(?:めいじ|たいしょう|しょうわ|へいせい|れいわ)"
_DATE_KANA = (rf"(?:{_ERA_KANA}[ ]?(?:[0-9]{{1,2}}|がん)|{_Y4})[ ]?ねん[ ]?(?:の[ ]?)?"
              rf"{_M}[ ]?がつ[ ]?(?:の[ ]?)?{_D}[ ]?"
              r"(?:にち|か(?![ぁ-ゖ]*(?:げつ|かん|ら|な|も|ど)))")
_DATE = (rf"(?<![0-9\-/.])(?:{_ERA}(?:[ ]?{_ERA_YEAR}[ ]?年|{_ERA_FIRST})[ ]?{_YEAR_OF}{_Y4_ASIDE}"
         rf"{_M}[ ]?月[ ]?{_DAY_OF}{_D}[ ]?日"
         rf"|{_Y4}[ ]?年[ ]?{_YEAR_OF}{_ERA_ASIDE}{_M}[ ]?月[ ]?{_DAY_OF}{_D}[ ]?[日号號]"
         rf"|{_DATE_KANA}"
         rf"|{_Y4}[ ]?년[ ]?{_M}[ ]?월[ ]?{_D}[ ]?일"
         rf"|(?:ngày[ ]?)?{_D}[ ]?tháng[ ]?{_M}[ ]?,?[ ]?năm[ ]?{_Y4}"
         rf"|(?<![0-9])[0-9]{{2}}[ ]?年[ ]?{_M}[ ]?月[ ]?{_D}[ ]?日"
         rf"|{_D}[ ]?(?:de[ ]?)?{_MONTH_OTHER}[ ]?(?:de[ ]?|del[ ]?)?{_Y4}(?![0-9])"
         rf"|{_MONTH_OTHER}[ ]?{_D},?[ ]?{_Y4}(?![0-9])"
         rf"|(?:{_Y4}|{_ERA}(?:[0-9]{{1,2}}|元))[/.\-]{_M}[/.\-]{_D}(?![0-9])"
         rf"|(?:{_Y4}|{_ERA}[ ]?{_ERA_YEAR})[ ]?年[ ]?(?:の[ ]?)?{_M}/{_D}(?![0-9/])"
         rf"|(?:{_D}[/.\-]{_M}|{_M}[/.\-]{_D})[/.\-]{_Y4}(?![0-9])"
         rf"|{_D}(?:st|nd|rd|th)?[ ]?(?:of[ ])?{_MONTH},?[ ]?{_Y4}(?![0-9])"
         rf"|{_MONTH}[ ]?{_D}(?:st|nd|rd|th)?,?[ ]?{_Y4}(?![0-9]))")
_BIRTH_AFTER = r"(?:生まれ|うまれ|生(?![一-龥])|誕生|出生|에[ ]?태어|생(?![가-힣])|생입|생이)"
_BIRTH = (re.compile(rf"(?P<n>{_DATE})(?=[ ]?(?:に|の)?[ ]?{_BIRTH_AFTER})", re.IGNORECASE),
          _labelled(r"生年月日|誕生日|出生日期|出生年月日|生日|生まれは|date of birth"
                    r"|せいねんがっぴ|たんじょうび|うまれた日|生まれた日|うまれたひ"
                    r"|birth ?date|birthday|d\.?o\.?b\.?|born(?: on| in)?|誕生"
                    r"|생년월일(?:은|는|이)?|생일(?:은|는|이)?|태어난[ ]?날(?:은|는|이)?"
                    r"|ngày sinh|sinh ngày|sinh|data de nascimento|nascid[oa] em|nasci em"
                    r"|nasceu em|fecha de nacimiento|nac[ií]d[oa] el|nac[ií] el|naci el"
                    r"|n[ée]e? le|date de naissance|tanggal lahir|tgl\.? lahir|lahir(?: pada)?"
                    r"|ipinanganak(?: ako)?(?: noong| sa)?|kaarawan", _DATE),
          re.compile(rf"(?<!［)(?:生年月日|誕生日|せいねんがっぴ|たんじょうび|date of birth"
                     rf"|birthday|born|ngày sinh|sinh nhật"
                     rf"|data de nascimento|fecha de nacimiento|생년월일|出生日期|lahir"
                     rf"|ipinanganak)[^。\n［]{{0,12}}?"
                     rf"(?P<n>{_DATE})", re.IGNORECASE),
          # right after the label, a two-digit year (生年月日 90.5.12) or the day alone
          # (誕生日は5月12日): still the resident's birthday
          _labelled(r"生年月日|誕生日|生日|date of birth|birth ?date|birthday|d\.?o\.?b\.?"
                    r"|생년월일|생일",
                    rf"(?<![0-9])(?:[0-9]{{2}}[/.\-]{_M}[/.\-]{_D}|{_M}[ ]?月[ ]?{_D}[ ]?日"
                    rf"|{_M}/{_D})(?![0-9/.\-])"))


# A full date in brackets right after a person's name: 「あおい（H28.6.6）」「トシ（昭和9.2.14）」.
_DATE_AFTER_NAME = re.compile(rf"[ ]?\((?P<n>{_DATE})(?:生まれ|生)?\)", re.IGNORECASE)


def date_after_name(text: str, end: int) -> Hit | None:
    """The date of birth in brackets right after a name that ends at `end`, if any."""
    m = _DATE_AFTER_NAME.match(text, end)
    return Hit("birth_date", m.start("n"), m.end("n")) if m else None


def birth_dates(text: str) -> list[Hit]:
    """A full date (year, month, day) followed by 生まれ/生 or after 生年月日/誕生日.

    A year alone (昭和30年生まれ) or a date without 生まれ (6月1日) is kept: residents ask
    about cohorts (「昭和36年4月2日以降生まれの年金」) and deadlines.
    """
    return _hits("birth_date", _BIRTH, text)


# --- bank accounts, insurance and other personal numbers ----------------------------------
# Seven digits, maybe split once by a hyphen or a space: 1234567, 123-4567, 5521 068.
_ACCOUNT = (r"(?:(?:[0-9]{7}|[0-9]{3}-[0-9]{4}|[0-9]{4}-[0-9]{3})(?![0-9]|-[0-9])"
            r"|(?:[0-9]{3} [0-9]{4}|[0-9]{4} [0-9]{3})(?![0-9]|[ \-][0-9]))")
# The bank's name and the branch are masked with the account: together they are the account.
_BANK_NAME = (r"(?:[一-龥ァ-ヴーぁ-んA-Za-z]{1,10}(?:銀行|信用金庫|信金|信用組合|信組|労働金庫|労金"
              r"|農協|農業協同組合)|JA[一-龥ァ-ヴーぁ-ん]{0,8}|ゆうちょ(?:銀行)?)")
_BRANCH = r"[一-龥ァ-ヴーぁ-ん0-9]{0,10}(?:支店|本店|営業部|出張所|支所)"
_BANK = (re.compile(rf"(?:{_BANK_NAME}[ ]?)?(?:{_BRANCH}[ ]?)?(?:(?:普通|当座|貯蓄)(?:預金)?[ ]?)?"
                    rf"(?:口座)?(?:番号)?{_SEP}(?<![0-9]){_ACCOUNT}"),

         re.compile(rf"店番(?:号)?{_SEP}[0-9]{{3}}(?![0-9])"),
         re.compile(r"記号[ ]?1[0-9]{4}[ ,、]?番号[ ]?[0-9]{8}(?![0-9])"))
_BANK_WORDS = ("支店", "普通", "当座", "貯蓄", "口座", "店番", "記号", "銀行", "信金", "信用",
               "信組", "労金", "農協", "JA", "ゆうちょ", "バンク", "振込先", "振替")

# --- numbers after a label -----------------------------------------------------------------
# Whatever a resident writes after the name of a personal number is that number, in whatever
# shape: letters and digits in up to five groups joined by a hyphen, dot or slash (or a space
# before a group of three digits or more), maybe framed by 第…号 and with letters before or
# after (RK 58103394 GH, 第 5521 0337 1902 号, K-20391, N04418725, cd 8812 0334 ef). At least
# four digits, and not a year, an age or an amount (パスポートは2029年まで). A form's 受付番号
# counts too: the city can look the resident up by it.
_SHORT_WORDS = (r"(?!(?:is|in|on|to|at|of|or|an|by|my|no|so|as|if|it|we|me|do|be|up|và|là|é|e"
                r"|em|na|ng|po|sa|ni|de|da|do)(?![A-Za-z]))")
_VALUE = (r"第?[ ]?(?:[A-Za-z]{1,3}[ \-]?)?[0-9][0-9A-Za-z]*"
          r"(?:[\-./][0-9A-Za-z]*[0-9][0-9A-Za-z]*|[ ][0-9]{3}[0-9A-Za-z]*){0,4}"
          rf"(?:[ \-]?{_SHORT_WORDS}[A-Za-z]{{1,2}}(?![A-Za-z]))?(?:[ ]?号)?"
          r"(?![0-9A-Za-z]|[ ]?[年月日歳才円人時分件回個枚台階%])")
# Between a label and its value: No., 番号, は, :, →, is, là … and an opening bracket.
_LABEL_SEP = (r"(?:[ ]?(?:No|NO|no|Nr|Num|num|#)\.?)?(?:[ ]?(?:の)?番号)?[ ]?"
              r"(?:は|が|:|=|→|⇒|->|>|is|là|é|:|です|은|는|이|가|、|,)?[ ]?[(\[【「<]?[ ]?")
_INSURANCE_LABELS = (
    r"被保険者(?:証)?(?:の)?(?:番号|記号番号|no)|保険証(?:の)?(?:番号|記号番号)|記号番号|記号・番号"
    r"|基礎年金番号|年金番号|年金手帳(?:の番号)?|年金の番号|ねんきん番号|年金証書(?:の番号)?"
    r"|(?:健康)?保険証"
    r"|(?:介護保険|後期高齢者医療|後期高齢者|国民健康保険|国保)(?:の)?(?:被保険者)?証?(?:の)?(?:番号)?"
    r"|insurance (?:card )?(?:number|no)|pension (?:number|no)|số bảo hiểm|보험증 ?번호"
    r"|保险证号|número do seguro")
_ID_LABELS = (
    r"お客様番号|お客さま番号|顧客番号|カード番号|会員番号|受給者番号|受給者証(?:の)?番号|手帳番号"
    r"|受付番号|申請番号|利用者番号|使用者番号|登録番号|整理番号|管理番号|証明書番号|宛名番号"
    r"|患者番号|診察券番号|契約番号|検針番号|免許証(?:の)?番号|免許番号|旅券番号|パスポート番号"
    r"|在留カード(?:の)?番号|在留カード|特別永住者証明書(?:の)?(?:番号)?|身体障害者手帳|障害者手帳"
    r"|障がい者手帳|療育手帳|精神障害者保健福祉手帳|運転免許証?|免許証|パスポート|旅券|診察券"
    r"|受給者証|資格確認書|図書館カード|利用者カード|免許"
    r"|passport(?: number)?|residence card(?: number)?|zairyu card(?: number)?"
    r"|driver'?s licen[cs]e(?: number)?|licen[cs]e number|card number|member(?:ship)? number"
    r"|số thẻ cư trú(?: của tôi)?|thẻ cư trú|số hộ chiếu|hộ chiếu|护照(?:号码|号)?|護照(?:號碼)?"
    r"|在留卡(?:号码)?|여권(?:[ ]?번호)?|재류카드(?:[ ]?번호)?|운전면허(?:증)?(?:[ ]?번호)?"
    r"|passaporte|pasaporte|n[úu]mero do passaporte|carteira de motorista")


def _label_capture(labels: str) -> re.Pattern[str]:
    return re.compile(rf"(?:{labels}){_LABEL_SEP}(?P<n>{_VALUE})", re.IGNORECASE)


def _enough_digits(text: str, hits: list[Hit], least: int = 4) -> list[Hit]:
    return [h for h in hits if sum(c.isdigit() for c in text[h.start:h.end]) >= least]


_INSURANCE_LABELLED = _label_capture(_INSURANCE_LABELS)
_INSURANCE = (
    # 記号 and 番号 (and 枝番) of a health insurance card, in one or on several lines
    re.compile(rf"記号{_SEP}(?:[0-9A-Za-z\-]{{1,10}}|[一-龥ァ-ヴ]{{1,3}}[ ]?[0-9]{{0,8}})"
               rf"[ ,、・\n]*(?:の)?番号{_SEP}[0-9\-]{{0,12}}[0-9]"
               rf"(?:[ ,、・\n]*枝番{_SEP}[0-9]{{1,3}})?"),
    re.compile(rf"枝番{_SEP}(?P<n>[0-9]{{1,3}})(?![0-9])"),
    # 記号番号 in one, the insurer's kanji before the digits: 「記号番号、風国 2-1187」
    re.compile(rf"記号(?:・)?番号{_LABEL_SEP}(?P<n>[一-龥ァ-ヴ]{{1,3}}[ ]?[0-9][0-9\-]{{0,12}}"
               r"[0-9])(?![0-9])"),
    re.compile(r"(?<![0-9\-])[0-9]{4}-[0-9]{6}(?![0-9]|-[0-9])"))
_ID_LABELLED = _label_capture(_ID_LABELS)
_ID_NUMBER = (
    # 在留カード: AB12345678CD; passport: TK1234567 (any case, optional spaces)
    re.compile(r"(?<![A-Za-z0-9])[A-Za-z]{2}[ ]?[0-9]{8}[ ]?[A-Za-z]{2}(?![A-Za-z0-9])"),
    re.compile(r"(?<![A-Za-z0-9\-])[A-Za-z]{2}[0-9]{7}(?![A-Za-z0-9])"))


# Seven digits a little after a bank's name: 「振込先は風見野銀行の1234567」.
_BANK_NEAR = re.compile(r"(?:銀行|信金|信用金庫|信組|信用組合|労金|農協|JA|ゆうちょ|バンク|口座"
                        r"|账号|帐号|账户|帳號|계좌|tài khoản|(?<![A-Za-z])(?i:conta|cuenta)"
                        r"|振込先|振替|(?i:account|acct)(?:[ ](?i:number|no\.?))?)"
                        rf"[^0-9。\n]{{0,16}}?(?<![0-9])(?P<n>{_ACCOUNT})")


# ゆうちょ's 記号-番号 (5 digits, then up to 8) after its name or 記号番号 / 通帳.
_YUCHO = re.compile(r"(?:ゆうちょ|記号番号|通帳)[^0-9。\n]{0,16}?(?<![0-9])"
                    r"(?P<n>1[0-9]{4}[ \-]?[0-9]{6,8})(?![0-9])")


def bank_accounts(text: str) -> list[Hit]:
    """口座番号 1234567, 本町支店 普通 1234567, 店番 123, ゆうちょ 記号1xxxx 番号xxxxxxxx,
    and seven digits shortly after a bank's name."""
    hits = [h for h in _hits("bank_account", _BANK, text)
            if any(w in text[h.start:h.end] for w in _BANK_WORDS)]
    return hits + _hits("bank_account", [_BANK_NEAR, _YUCHO], text)


# 「介護保険の更新、本人…、番号0023418876」: a bare 番号 a little after an insurance or pension
# word, then eight digits or more that are no phone number.
_BARE_NUMBER = re.compile(r"(?:^|(?<=[、。,\n ]))番号(?:は|が|:|→|、)?[ ]?"
                          r"(?P<n>[0-9]{8,12})(?![0-9])")
_INSURANCE_WORD = re.compile(r"保険|年金|被保")


def insurance_numbers(text: str) -> list[Hit]:
    """Any number after 被保険者番号, 基礎年金番号, 介護保険 …, 保険証の記号・番号・枝番, and
    1234-567890 (a pension number's shape); a bare 番号 after an insurance word."""
    bare = [Hit("insurance_number", m.start("n"), m.end("n")) for m in _BARE_NUMBER.finditer(text)
            if _INSURANCE_WORD.search(text, max(0, m.start() - 40), m.start())
            and not is_phone(m["n"])]
    return (_enough_digits(text, _hits("insurance_number", [_INSURANCE_LABELLED], text))
            + _hits("insurance_number", _INSURANCE, text) + bare)


# Another 「…番号」「…ID」 before a number names the resident when the word is a person's record
# or a document issued to one (学籍番号, 患者ID, 限度額認定証 番号, 被保番号, 通知書番号), unless
# it says whose it is or that it is no person's: a phone, a postal code, an account (those
# have their own rules), an insurer, a business, a product, a seat, a bus, a form or a page.
# At least four digits, as above.
_ANY_LABEL = re.compile(rf"(?<![一-龥ァ-ヴーA-Za-z0-9])(?P<w>[一-龥ァ-ヴー]{{1,10}})[ ]?(?:の)?[ ]?"
                        rf"(?:番号|ID|No\.?|ナンバー)(?![一-龥ァ-ヴー]){_LABEL_SEP}(?P<n>{_VALUE})")
_NOT_A_PERSONS_NUMBER = re.compile(
    r"(?:電話|でんわ|携帯|ファックス|ファクス|FAX|代表|直通|内線|郵便|口座|保険者|法人|事業所|事業者"
    r"|商品|品|型|製造|部屋|座席|席|整理券|路線|系統|バス|便|列車|番組|記事|条例|条|様式|書式|ページ"
    r"|問い合わせ|問合せ|お問合せ|相談|窓口|ダイヤル|緊急|課|局|学校|避難所|図書|書籍|資料|質問|FAQ"
    r"|車|ナンバー|マイ|個人|暗証|認証|番号)$")


# …and only where the word says it is a person's record or a document issued to one.
_PERSONS_RECORD = re.compile(r"(?:者|証|手帳|カード|券|籍|員|生|書|票|人|被保|宛名|世帯|児童|園児"
                             r"|患者|利用|会員|契約|顧客|納税|受験|受講|ユーザー|ログイン|アカウント)$")


def _any_labelled(text: str) -> list[Hit]:
    return [Hit("id_number", m.start("n"), m.end("n")) for m in _ANY_LABEL.finditer(text)
            if _PERSONS_RECORD.search(m["w"]) and not _NOT_A_PERSONS_NUMBER.search(m["w"])]


def id_numbers(text: str) -> list[Hit]:
    """Any number after お客様番号, 免許証, 在留カード, パスポート, 受給者証 … (in the residents'
    languages too), or after any other 「…番号」「…ID」 that is not a public one's, and the
    shapes of residence card and passport numbers."""
    return (_enough_digits(text, _hits("id_number", [_ID_LABELLED], text) + _any_labelled(text))
            + _hits("id_number", _ID_NUMBER, text))


# --- number plates ------------------------------------------------------------------------
# 品川300あ1234, 練馬 330 ね 45-67, なにわ501わ・・12, 風見野 581 あ 2-19: area name, class
# number (two or three digits, so 「本町3の2」「第3の2条」 stay), one kana, then up to four
# digits (a hyphen before the last two, dots for blanks).
_SERIAL = r"(?:[0-9]{1,2}-[0-9]{2}|[・.]{1,3}[ ]?[0-9]{1,3}|[0-9]{1,4})(?![0-9]|-[0-9])"
_PLATE = re.compile(rf"""
    (?:[一-龥]{{1,4}}|(?<![ぁ-ん])(?!ちょうめ)[ぁ-ん]{{2,4}})[ ]?
    (?<![0-9])[0-9]{{2,3}}[ ]?[あ-ろわを][ ]?
    {_SERIAL}
""", re.VERBOSE)
# A moped's plate has the municipality and no class number: 「風見野市 あ 3310」. The kana stands
# alone between spaces, or ナンバー / 標識 / 原付 stands just before.
_PLATE_CONTEXT = (r"(?:ナンバープレート|ナンバー|標識|plate|原付|げんつき|バイク|スクーター)"
                  r"(?:は|が|:|の)?[ ]?")
_MOPED_END = r"(?![一-龥々%])"
_MOPED = (re.compile(rf"[一-龥ァ-ヴー]{{1,6}}[市区町村][ ][あ-ろわを][ ]{_SERIAL}{_MOPED_END}"),
          re.compile(rf"(?i:{_PLATE_CONTEXT})(?P<n>[一-龥々ヶ]{{1,6}}[市区町村]?[ ]?[あ-ろわを][ ]?"
                     rf"{_SERIAL}){_MOPED_END}"))
# Romanized: 「Kazamino 300 ta 88-62」; the kana as its syllable, the area as a romaji word.
_PLATE_KANA_LATIN = (r"(?:a|i|u|e|ka|ki|ku|ke|ko|wo|sa|su|se|so|ta|chi|ti|tsu|tu|te|to|na|ni|nu"
                     r"|ne|no|ha|hi|fu|hu|ho|ma|mi|mu|me|mo|ya|yu|yo|ra|ri|ru|re|ro|wa)")
_PLATE_LATIN = re.compile(rf"(?<![A-Za-z])(?P<w>[A-Z][A-Za-z]{{2,11}})[ ]?[0-9]{{2,3}}[ ]?"
                          rf"{_PLATE_KANA_LATIN}[ ]?[0-9]{{1,2}}-[0-9]{{2}}(?![0-9])")


def vehicle_numbers(text: str) -> list[Hit]:
    """Car and moped number plates, in kana or romanized."""
    latin = [Hit("vehicle_number", m.start(), m.end()) for m in _PLATE_LATIN.finditer(text)
             if _ROMAJI_WORD.fullmatch(m.group("w")) is not None]
    return _hits("vehicle_number", [_PLATE, *_MOPED], text) + latin


Detector = Callable[[str], list[Hit]]
_BEFORE_PHONES: tuple[Detector, ...] = (emails, my_numbers, bank_accounts, insurance_numbers,
                                        id_numbers, vehicle_numbers)
_AFTER_PHONES: tuple[Detector, ...] = (postal_codes, birth_dates, addresses)


def structured(text: str, allow_phones: frozenset[str] = frozenset()) -> Iterator[Hit]:
    """Every structured hit, in priority order (earlier wins an overlap)."""
    for detect in _BEFORE_PHONES:
        yield from detect(text)
    yield from phones(text, allow_phones)
    yield from kana_phones(text, allow_phones)
    yield from phone_pieces(text)
    for detect in _AFTER_PHONES:
        yield from detect(text)
