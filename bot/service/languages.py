"""The resident's language: page chrome, the opening notice and every fixed reply per language,
from data files a city can correct (`bot/data/lang/<code>.yaml`); which language to use; and the
Japanese pipeline reply said in that language around the official Japanese text.

Japanese stays the pipeline's language (its fixed replies are `replies.toml`): a reply in another
language replaces the fixed Japanese parts (intro, hints, headings) by the language's own,
keeps the quoted official text and its links, says that the text is Japanese, and says how to
ask for an interpreter or a person."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml

from bot.pipeline.outcome import Outcome, Reply
from bot.pipeline.replies import FRAGMENTS, Replies

JAPANESE = "ja"
EASY = "ja-easy"
CODES = ("ja", "ja-easy", "en", "zh-Hans", "zh-Hant", "ko", "vi", "pt", "tl", "ne")
LANG_PATTERN = "^(" + "|".join(re.escape(c) for c in CODES) + ")$"
# Fixed replies every file must hold besides one per outcome (Japanese takes the outcome texts
# and FRAGMENTS from replies.toml, which the pipeline reads).
SERVICE = ("staff_handling", "resumed", "feedback_handoff", "hours_open", "hours_closed",
           "foreign_note", "interpreter")
LOCALISED = ("clarify_two", "clarify_none", "contact_hint", "city_hint", "department_hint",
             "sources_heading")
SAMPLE = {"city_name": "市", "city_phone": "0", "department": "課", "contact": "0",
          "first": "a", "second": "b", "next": "n", "phone": "0", "code": "C", "hours": "1",
          "topic": "t", "number": "0", "retention_days": "1", "question": "q"}

DEVANAGARI = re.compile("[\u0900-\u097f]")
HANGUL = re.compile("[\uac00-\ud7af\u1100-\u11ff]")
KANA = re.compile("[\u3041-\u30ff]")
HAN = re.compile("[\u4e00-\u9fff]")
LATIN_WORD = re.compile(r"[a-zà-ỹ]+")
VIETNAMESE = re.compile("[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]")
# Characters written differently in the two Chinese scripts (a few frequent ones each).
TRADITIONAL = set("們這個麼說請問對經過給讓還該當為與從來時會學國裡區處號證書買賣電話"
                  "費辦覺氣關開門錢體銀發後臺灣機場車見網頁寫讀聽語遺丟記碼寶懷嬰預"
                  "療醫藥稅繳錄鑑圖館託兒產幣樣類歲員詢諮樓煙")
SIMPLIFIED = set("们这个么说请问对经过给让还该当为与从来时会学国里区处号证书买卖电话"
                 "费办觉气关开门钱体银发后台湾机场车见网页写读听语遗丢记码宝怀婴预"
                 "疗医药税缴录鉴图馆托儿产币样类岁员询咨楼烟")
WORDS = {
    "pt": {"como", "onde", "posso", "preciso", "quero", "meu", "minha", "para", "fazer", "você",
           "não", "que", "uma", "do", "da", "dos", "das", "e", "o", "eu", "pagar", "é"},
    "tl": {"ang", "ng", "mga", "po", "paano", "saan", "ako", "ko", "ba", "ito", "kung",
           "magkano", "pwede", "puwede", "na", "sa", "namin", "kami", "yung"},
    "en": {"the", "how", "where", "what", "when", "can", "my", "i", "do", "is", "to", "a",
           "of", "for", "get", "need", "and", "in", "lost", "want"},
}


def detect(text: str) -> str:
    """The language a message is written in (one of CODES; 'ja' when unsure)."""
    if DEVANAGARI.search(text):
        return "ne"
    if HANGUL.search(text):
        return "ko"
    if KANA.search(text):
        return JAPANESE
    if HAN.search(text):
        return _chinese(text)
    lowered = text.lower()
    if VIETNAMESE.search(lowered):
        return "vi"
    words = LATIN_WORD.findall(lowered)
    if not words:
        return JAPANESE
    scores = {code: sum(w in vocab for w in words) for code, vocab in WORDS.items()}
    scores["pt"] += 2 * len(re.findall("ção|ões|ã|õ|ê", lowered))
    best = max(scores, key=lambda c: (scores[c], c == "en"))
    return best if scores[best] else "en"


def _chinese(text: str) -> str:
    """Kanji without kana: Chinese unless it reads as Japanese keywords (住民票 手数料)."""
    from bot.retrieval.language import is_japanese

    if is_japanese(text):
        return JAPANESE
    traditional = sum(c in TRADITIONAL for c in text)
    simplified = sum(c in SIMPLIFIED for c in text)
    return "zh-Hant" if traditional > simplified else "zh-Hans"


def from_accept_language(header: str) -> str | None:
    """The first supported language of an Accept-Language header (zh-TW → zh-Hant …)."""
    for part in header.split(","):
        tag = part.split(";")[0].strip().lower()
        if not tag:
            continue
        if tag.startswith("zh"):
            return "zh-Hant" if any(x in tag for x in ("hant", "tw", "hk", "mo")) else "zh-Hans"
        base = tag.split("-")[0]
        base = "tl" if base == "fil" else base
        if base in CODES:
            return base
    return None


def template_pattern(template: str) -> re.Pattern[str]:
    """A fixed text with {placeholders} as a regex capturing each value."""
    parts = re.split(r"\{(\w+)\}", template)
    body = "".join(re.escape(p) if i % 2 == 0 else f"(?P<{p}>.+?)"
                   for i, p in enumerate(parts))
    return re.compile(body + "$")


@dataclass(frozen=True)
class Language:
    code: str
    name: str
    html_lang: str
    chrome: dict[str, str]
    notice: list[str]
    replies: dict[str, str]
    weekdays: list[str] = field(default_factory=list)
    next_format: str = ""

    @property
    def foreign(self) -> bool:
        return self.code not in (JAPANESE, EASY)

    def reply(self, key: str, **values: str) -> str:
        return self.replies[key].format(**values) if values else self.replies[key]

    def when(self, at: datetime) -> str:
        """A date and time as this language writes it (the next office opening)."""
        return self.next_format.format(weekday=self.weekdays[at.weekday()], month=at.month,
                                       day=at.day, hour=at.hour, minute=f"{at.minute:02d}")


def _load(path: Path, japanese: Replies | None, chrome_keys: set[str]) -> Language:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    code = path.stem
    replies = {str(k): str(v) for k, v in (data.get("replies") or {}).items()}
    if japanese is not None:  # Japanese: the pipeline's own fixed replies
        replies |= {o.value: japanese.text(o) for o in Outcome}
        replies |= {f: japanese.fragments[f] for f in FRAGMENTS}
    chrome = {str(k): str(v) for k, v in (data.get("chrome") or {}).items()}
    needed = [o.value for o in Outcome] + list(SERVICE) + list(LOCALISED)
    missing = [f"replies.{k}" for k in needed if k not in replies]
    missing += [f"chrome.{k}" for k in sorted(chrome_keys - set(chrome))]
    notice = [str(x) for x in data.get("notice") or []]
    if not notice:
        missing.append("notice")
    if code != JAPANESE and (len(data.get("weekdays") or []) != 7 or not data.get("next_format")):
        missing.append("weekdays / next_format")
    if missing:
        raise ValueError(f"{path}: 定型文がありません: {', '.join(missing)}")
    for key, text in [*replies.items(), *chrome.items()]:
        try:
            text.format(**SAMPLE)
        except (KeyError, IndexError, ValueError) as exc:
            raise ValueError(f"{path}: {key} の差し込み {{…}} が正しくありません: {exc}") from exc
    return Language(code, str(data.get("name") or code), str(data.get("html_lang") or code),
                    chrome, notice, replies, [str(w) for w in data.get("weekdays") or []],
                    str(data.get("next_format") or ""))


@dataclass(frozen=True)
class Languages:
    table: dict[str, Language]
    japanese: Replies

    @classmethod
    def load(cls, folder: Path, japanese: Replies) -> Languages:
        """Every language file; a missing file, key or broken placeholder fails here."""
        ja = yaml.safe_load((folder / "ja.yaml").read_text(encoding="utf-8")) or {}
        chrome_keys = set((ja.get("chrome") or {}).keys())
        table = {}
        for code in CODES:
            path = folder / f"{code}.yaml"
            if not path.exists():
                raise ValueError(f"{path}: 言語ファイルがありません")
            table[code] = _load(path, japanese if code == JAPANESE else None, chrome_keys)
        return cls(table, japanese)

    def get(self, code: str | None) -> Language:
        return self.table.get(code or JAPANESE) or self.table[JAPANESE]

    def choose(self, requested: str | None, text: str) -> str:
        """The reply language: the message's own when it is not Japanese; for Japanese with
        kana, Japanese (やさしい日本語 when that was switched on); else the requested one."""
        detected = detect(text)
        if detected != JAPANESE:
            return detected
        if KANA.search(text):
            return EASY if requested == EASY else JAPANESE
        return requested if requested in self.table else JAPANESE

    def localise(self, reply: Reply, code: str, city: dict[str, str]) -> str:
        """The reply's text in language `code`: fixed parts replaced, the official Japanese
        text kept; for a foreign language with a note saying so and how to reach a person."""
        lang = self.get(code)
        if lang.code == JAPANESE:
            return reply.answer
        lines = self._lines(reply, lang)
        note = lang.replies["foreign_note"]
        if lang.foreign and note and reply.decision in ("answer", "clarify"):
            lines.insert(0, note)
        wanted = reply.decision == "handoff" or (lang.foreign and reply.decision != "emergency")
        if wanted and lang.replies["interpreter"]:
            lines.append(lang.reply("interpreter", **city))
        return "\n".join(lines)

    def _lines(self, reply: Reply, lang: Language) -> list[str]:
        intro = self.japanese.text(reply.outcome)
        text = reply.answer
        if text.startswith(intro):
            text = lang.reply(reply.outcome.value) + text[len(intro):]
        patterns = [(template_pattern(self.japanese.fragments[k]), k) for k in LOCALISED]
        return [self._line(line, lang, patterns) for line in text.split("\n")]

    def _line(self, line: str, lang: Language, patterns: list[tuple[re.Pattern[str], str]]
              ) -> str:
        indent = line[:len(line) - len(line.lstrip())]
        for pattern, key in patterns:
            m = pattern.match(line.strip())
            if m:
                return indent + lang.reply(key, **m.groupdict())
        return line

    def chrome(self, code: str, **values: Any) -> dict[str, Any]:
        """What the page needs: the chrome texts, the notice, the language list."""
        lang = self.get(code)
        return {"code": lang.code, "html_lang": lang.html_lang, "t": lang.chrome,
                "notice": [n.format(**values) for n in lang.notice],
                "languages": [(c, x.name) for c, x in self.table.items()]}
