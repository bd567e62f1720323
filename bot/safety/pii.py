"""Detect and mask personal data in a resident's message before it is stored, logged, traced,
shown to staff outside the conversation or sent to any model.

`find` returns spans of the original text; `mask` replaces each with a placeholder such as
［電話番号］ or ［氏名］, so the question stays answerable
(「山田花子です。住民票を郵送で取りたい」 → 「［氏名］です。住民票を郵送で取りたい」);
`warning` is the Japanese notice shown to the resident. Placeholders, labels, the warning,
the public-number allowlist and the never-a-name words live in bot/data/pii.yaml.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from bot.safety import pii_rules
from bot.safety.folding import fold
from bot.safety.names import NameFinder

DEFAULT_PATH = Path(__file__).resolve().parent.parent / "data" / "pii.yaml"

# Kinds in priority order: when two detections overlap, the earlier kind wins.
KINDS = ("email", "my_number", "bank_account", "insurance_number", "id_number", "phone",
         "vehicle_number", "postal_code", "birth_date", "address", "name")
_PRIORITY = {kind: i for i, kind in enumerate(KINDS)}
# The order a resident reads them in the warning.
_WARNING_ORDER = ("name", "address", "postal_code", "phone", "email", "birth_date", "my_number",
                  "bank_account", "insurance_number", "id_number", "vehicle_number")
_MAX_PASSES = 4
_LABEL_PREFIX = re.compile(r"^[^0-9０-９A-Za-zＡ-Ｚａ-ｚ+＋〒]+")


@dataclass(frozen=True)
class PiiSpan:
    """One piece of personal data: its kind and where it is in the original text."""

    kind: str
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class MaskResult:
    text_masked: str
    spans: tuple[PiiSpan, ...]
    kinds: tuple[str, ...]

    @property
    def found(self) -> bool:
        return bool(self.spans)

    @property
    def text(self) -> str:
        """Alias of `text_masked`, for callers that expect `.text`."""
        return self.text_masked


@dataclass(frozen=True)
class PiiConfig:
    placeholders: Mapping[str, str]
    labels: Mapping[str, str]
    warning: str
    notes: Mapping[str, str] = field(default_factory=dict)
    allow_phones: frozenset[str] = frozenset()
    names: NameFinder = field(default_factory=NameFinder, compare=False)
    allow_addresses: frozenset[str] = frozenset()
    allow_postal_codes: frozenset[str] = frozenset()
    allow_email_domains: frozenset[str] = frozenset()

    def allowed(self, kind: str, folded_value: str) -> bool:
        """True for a published address, postal code or e-mail domain of the city (folded
        spelling)."""
        if kind == "email":
            value = re.sub(r"[ ]?[,。、][ ]?", ".", folded_value.lower()).replace(" ", "")
            return any(value.endswith(d) and not value[-len(d) - 1:-len(d)].isalnum()
                       for d in self.allow_email_domains)
        if kind == "postal_code":
            return re.sub(r"[^0-9]", "", folded_value) in self.allow_postal_codes
        if kind == "address":
            key = pii_rules.address_key(folded_value)
            return any(key.endswith(a) for a in self.allow_addresses)
        return False

    @classmethod
    def load(cls, path: Path = DEFAULT_PATH, extra_allow: Iterable[str] = ()) -> PiiConfig:
        """Read pii.yaml; `extra_allow` adds public phone numbers (any spelling)."""
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        missing = [k for k in KINDS if k not in data["placeholders"] or k not in data["labels"]]
        if missing:
            raise ValueError(f"{path}: 置換文字列またはラベルがありません: {', '.join(missing)}")
        allow = [*data.get("allow_phones", []), *extra_allow]
        return cls(placeholders=dict(data["placeholders"]), labels=dict(data["labels"]),
                   warning=data["warning"], notes=dict(data.get("notes", {})),
                   allow_phones=frozenset(pii_rules.national_digits(str(n)) for n in allow),
                   names=NameFinder(data.get("not_names", [])),
                   allow_addresses=frozenset(pii_rules.address_key(fold(str(a), True).text)
                                             for a in data.get("allow_addresses", [])),
                   allow_postal_codes=frozenset(re.sub(r"[^0-9]", "", fold(str(p)).text)
                                                for p in data.get("allow_postal_codes", [])),
                   allow_email_domains=frozenset(str(d).lower()
                                                 for d in data.get("allow_email_domains", [])))


@lru_cache(maxsize=1)
def default_config() -> PiiConfig:
    """The packaged configuration, read once."""
    return PiiConfig.load()


def find(text: str, config: PiiConfig | None = None) -> list[PiiSpan]:
    """Every piece of personal data in `text`, as non-overlapping spans in text order.

    Once a value is found, its other occurrences in the message are spans too, even where
    no rule would match them on their own (「口座番号1234567…1234567に」).
    """
    config = config or default_config()
    numeric, plain = fold(text, numbers=True), fold(text)
    found = [PiiSpan(h.kind, *numeric.source_span(h.start, h.end), "")
             for h in pii_rules.structured(numeric.text, config.allow_phones)
             if h.end > h.start and not config.allowed(h.kind, numeric.text[h.start:h.end])]
    names = [(s, e) for s, e in config.names.find(plain.text) if e > s]
    found += [PiiSpan("name", *plain.source_span(s, e), "") for s, e in names]
    dated = (pii_rules.date_after_name(plain.text, e) for _, e in names)
    found += [PiiSpan(h.kind, *plain.source_span(h.start, h.end), "") for h in dated if h]
    chosen: list[PiiSpan] = []
    for span in sorted(found, key=lambda h: (_PRIORITY[h.kind], h.start - h.end, h.start)):
        if not any(_overlaps(span, c) for c in chosen):
            chosen.append(span)
    spans = [PiiSpan(s.kind, s.start, s.end, text[s.start:s.end]) for s in chosen]
    return sorted(_with_repeats(text, spans), key=lambda s: s.start)


def mask(text: str, config: PiiConfig | None = None) -> MaskResult:
    """`text` with every span replaced by its placeholder.

    Masking repeats until nothing more is found (at most a few passes), so the result never
    contains detectable data and masking a masked text changes nothing. `spans` are those of
    the first pass, in the original text; `kinds` covers every pass.
    """
    config = config or default_config()
    first = find(text, config)
    spans, kinds = first, {s.kind for s in first}
    for _ in range(_MAX_PASSES):
        if not spans:
            break
        text = _replace(text, spans, config.placeholders)
        spans = find(text, config)
        kinds |= {s.kind for s in spans}
    return MaskResult(text, tuple(first), tuple(k for k in KINDS if k in kinds))


def without_placeholders(masked: str, config: PiiConfig | None = None) -> str:
    """The masked text with placeholders blanked, for retrieval: 「［氏名］です。住民票を…」 should
    not rank pages about 氏名 higher."""
    config = config or default_config()
    for placeholder in set(config.placeholders.values()):
        masked = masked.replace(placeholder, " ")
    return masked


def warning(kinds: Iterable[str], config: PiiConfig | None = None) -> str:
    """The Japanese notice for a resident who sent personal data ('' when none was sent)."""
    config = config or default_config()
    present = [k for k in _WARNING_ORDER if k in set(kinds)]
    if not present:
        return ""
    text = config.warning.format(kinds="・".join(config.labels[k] for k in present))
    notes = [config.notes[k] for k in present if k in config.notes]
    return "\n".join([text, *notes])


@dataclass(frozen=True)
class Masker:
    """`find` / `mask` / `warning` bound to one configuration, to hand to the service."""

    config: PiiConfig = field(default_factory=default_config)

    @classmethod
    def load(cls, path: Path = DEFAULT_PATH, extra_allow: Iterable[str] = ()) -> Masker:
        return cls(PiiConfig.load(path, extra_allow))

    def find(self, text: str) -> list[PiiSpan]:
        return find(text, self.config)

    def mask(self, text: str) -> MaskResult:
        return mask(text, self.config)

    def warning(self, kinds: Iterable[str]) -> str:
        return warning(kinds, self.config)


def _overlaps(a: pii_rules.Hit | PiiSpan, b: pii_rules.Hit | PiiSpan) -> bool:
    return a.start < b.end and b.start < a.end


def _with_repeats(text: str, spans: list[PiiSpan]) -> list[PiiSpan]:
    """`spans` plus the other occurrences of their values (see `_value`); linear in the
    occurrences, so a long message repeating one value stays fast."""
    out = list(spans)
    covered = bytearray(len(text))
    for span in spans:
        covered[span.start:span.end] = b"\x01" * (span.end - span.start)
    seen: set[str] = set()
    for span in sorted(spans, key=lambda s: s.start - s.end):
        value = _value(span)
        if value is None or value in seen:
            continue
        seen.add(value)
        at = text.find(value)
        while at >= 0:
            end = at + len(value)
            if not any(covered[at:end]):
                out.append(PiiSpan(span.kind, at, end, value))
                covered[at:end] = b"\x01" * len(value)
            at = text.find(value, at + 1)
    return out


def _value(span: PiiSpan) -> str | None:
    """What to look for elsewhere: a name of two characters or more, or the number itself
    without its label (口座番号1234567 → 1234567) when it has four characters or more."""
    if span.kind in {"name", "email", "address"}:
        return span.text if len(span.text.strip()) >= 2 else None
    value = _LABEL_PREFIX.sub("", span.text)
    return value if len(value) >= 4 else None


def _replace(text: str, spans: list[PiiSpan], placeholders: Mapping[str, str]) -> str:
    out, last = [], 0
    for span in spans:
        out += [text[last:span.start], placeholders[span.kind]]
        last = span.end
    return "".join(out) + text[last:]
