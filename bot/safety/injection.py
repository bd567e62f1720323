"""Prompt injection, jailbreaks, instruction extraction and hidden Unicode in residents' messages.

`sanitize` removes invisible characters (Unicode tag characters U+E0000–E007F, zero-width and
bidi controls, every other format character) and says how many it removed; `detect` decides
whether a message must be refused with a fixed reply, and why. The patterns are data, in
bot/data/injection.yaml (see its header for how text is matched).
"""

from __future__ import annotations

import base64
import binascii
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from ingest.text import fold_kana

DEFAULT_PATH = Path(__file__).resolve().parent.parent / "data" / "injection.yaml"

_TAG_FIRST, _TAG_LAST = 0xE0000, 0xE007F
_BLACK_FLAG = "\U0001f3f4"  # 🏴 + tag letters + cancel tag is a subdivision flag (🏴󠁧󠁢󠁳󠁣󠁴󠁿)
_HANGUL_FILLERS = {"\u115f", "\u1160", "\u3164", "\uffa0"}
_SPACES = re.compile(r"[^\S\n]+")
_SQUEEZE = re.compile(r"[\s・･_\-.*|/\\'\"`~^]+")
_LEET = str.maketrans({"1": "i", "0": "o", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a",
                       "$": "s"})
_CONFUSABLES = str.maketrans({
    "а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "у": "y", "х": "x", "і": "i", "ј": "j",
    "ѕ": "s", "ԁ": "d", "ɡ": "g", "ο": "o", "α": "a", "ε": "e", "ι": "i", "ν": "v", "ρ": "p",
    "τ": "t", "υ": "u", "κ": "k"})
_URL = re.compile(r"https?://\S+", re.IGNORECASE)
_BLOB = re.compile(r"[A-Za-z0-9+/=_\-]{40,}")
_NEAR_LIMIT = 4000  # proximity rules look at the first 4,000 characters (bounded work)

# Reasons that do not come from the YAML rules.
HIDDEN_CHARACTERS = "hidden_characters"  # flagged only: text copied from web pages has ZWSP
HIDDEN_TAG_TEXT = "hidden_tag_text"      # invisible ASCII smuggled in tag characters
ENCODED_BLOB = "encoded_blob"            # base64-like payloads


@dataclass(frozen=True)
class Sanitized:
    """The message without invisible characters; `tag_text` is what tag characters spelled."""

    text: str
    removed_hidden: bool
    hidden_count: int
    tag_text: str = ""


@dataclass(frozen=True)
class InjectionVerdict:
    blocked: bool
    reasons: list[str]
    evidence: tuple[str, ...] = ()


@dataclass(frozen=True)
class Near:
    """Every pattern must match, all within `within` characters of each other."""

    within: int
    patterns: tuple[re.Pattern[str], ...]

    def search(self, view: str) -> str | None:
        found = [[(m.start(), m.end()) for m in p.finditer(view)] for p in self.patterns]
        if not all(found):
            return None
        # The leftmost match of a winning set starts some window; try each start.
        for start in sorted({s for spans in found for s, _ in spans}):
            limit = start + self.within
            ends = [min((e for s, e in spans if s >= start and e <= limit), default=None)
                    for spans in found]
            if all(e is not None for e in ends):
                return view[start:max(e for e in ends if e is not None)]
        return None


@dataclass(frozen=True)
class Rule:
    name: str
    label: str
    block: bool
    patterns: tuple[re.Pattern[str], ...]
    unless: tuple[re.Pattern[str], ...] = ()
    near: tuple[Near, ...] = ()

    def search(self, views: Iterable[str], plain: str) -> str | None:
        """The first matching text in any view, or None (also when an `unless` matches)."""
        if any(u.search(plain) for u in self.unless):
            return None
        for view in views:
            for pattern in self.patterns:
                m = pattern.search(view)
                if m:
                    return m.group(0)
            for near in self.near:
                hit = near.search(view[:_NEAR_LIMIT])
                if hit is not None:
                    return hit
        return None


@dataclass(frozen=True)
class InjectionRules:
    rules: tuple[Rule, ...]

    @classmethod
    def load(cls, path: Path = DEFAULT_PATH) -> InjectionRules:
        """Read injection.yaml; a bad regex fails here, at start-up, naming the rule."""
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        return cls(tuple(_rule(name, spec) for name, spec in data["rules"].items()))

    def label(self, reason: str) -> str:
        """The Japanese label of a reason, for traces and staff screens."""
        return next((r.label for r in self.rules if r.name == reason), reason)


@lru_cache(maxsize=1)
def default_rules() -> InjectionRules:
    """The packaged rules, read once."""
    return InjectionRules.load()


def _compile(name: str, sources: Iterable[Any]) -> tuple[re.Pattern[str], ...]:
    try:
        return tuple(re.compile(_fold_pattern(str(s)), re.MULTILINE) for s in sources)
    except re.error as err:
        raise ValueError(f"injection.yaml: {name} の正規表現が不正です: {err}") from err


def _near(name: str, spec: Any) -> Near:
    if not isinstance(spec, dict) or "within" not in spec or not spec.get("all"):
        raise ValueError(f"injection.yaml: {name} の near には within と all が必要です: {spec!r}")
    return Near(int(spec["within"]), _compile(name, spec["all"]))


def _rule(name: str, spec: dict[str, Any]) -> Rule:
    near = tuple(_near(name, n) for n in spec.get("near") or [])
    return Rule(name, str(spec.get("label", name)), bool(spec.get("block", True)),
                _compile(name, spec.get("patterns") or []),
                _compile(name, spec.get("unless") or []), near)


def _fold_pattern(source: str) -> str:
    """Katakana in a pattern is folded like the text (regex syntax is ASCII, so it is safe)."""
    return fold_kana(unicodedata.normalize("NFKC", source))


def _is_hidden(ch: str) -> bool:
    cp = ord(ch)
    return (_TAG_FIRST <= cp <= _TAG_LAST or unicodedata.category(ch) == "Cf"
            or ch in _HANGUL_FILLERS)


def _tag_text(text: str) -> str:
    """ASCII spelled by tag characters, except the tag sequences of subdivision flags."""
    out: list[str] = []
    in_flag = False
    for prev, ch in zip(" " + text, text, strict=False):
        cp = ord(ch)
        if not _TAG_FIRST <= cp <= _TAG_LAST:
            in_flag = False
            continue
        in_flag = in_flag or prev == _BLACK_FLAG
        if not in_flag and 0xE0020 <= cp <= 0xE007E:
            out.append(chr(cp - _TAG_FIRST))
    return "".join(out)


def sanitize(text: str) -> Sanitized:
    """Remove invisible characters: tag characters, zero-width and bidi controls, other format
    characters (category Cf) and Hangul fillers. Everything visible is kept as typed."""
    kept = [ch for ch in text if not _is_hidden(ch)]
    removed = len(text) - len(kept)
    return Sanitized("".join(kept), removed > 0, removed, _tag_text(text) if removed else "")


def views(text: str) -> tuple[str, str, str]:
    """The three forms patterns are tried on: folded, squeezed, squeezed without leetspeak."""
    folded = fold_kana(unicodedata.normalize("NFKC", text).lower()).translate(_CONFUSABLES)
    folded = _SPACES.sub(" ", folded).strip()
    squeezed = _SQUEEZE.sub("", folded)
    return folded, squeezed, squeezed.translate(_LEET)


def detect(text: str, rules: InjectionRules | None = None) -> InjectionVerdict:
    """Whether to refuse the message, with the rule names that matched (in rule order).

    Hidden characters alone only flag the message (reason `hidden_characters`); invisible text
    in tag characters is itself a reason to refuse, and is checked like visible text.
    """
    rules = rules or default_rules()
    clean = sanitize(text)
    reasons: list[str] = []
    evidence: list[str] = []
    for reason, snippet in _matches(clean, rules):
        if reason not in reasons:
            reasons.append(reason)
            evidence.append(snippet)
    blocking = {r.name for r in rules.rules if r.block} | {HIDDEN_TAG_TEXT, ENCODED_BLOB}
    return InjectionVerdict(any(r in blocking for r in reasons), reasons, tuple(evidence))


def _matches(clean: Sanitized, rules: InjectionRules) -> Iterator[tuple[str, str]]:
    for source in (clean.text, clean.tag_text):
        if not source:
            continue
        forms = views(source)
        for rule in rules.rules:
            snippet = rule.search(forms, forms[0])
            if snippet is not None:
                yield rule.name, snippet
        blob = encoded_blob(source)
        if blob:
            yield ENCODED_BLOB, blob[:40]
    if clean.tag_text.strip():
        yield HIDDEN_TAG_TEXT, clean.tag_text[:40]
    if clean.removed_hidden:
        yield HIDDEN_CHARACTERS, f"{clean.hidden_count} 文字"


def encoded_blob(text: str) -> str | None:
    """A base64-like run of 40+ characters with upper case, lower case and digits (outside
    URLs), or one that decodes to readable ASCII. Residents do not type these."""
    plain = _URL.sub(" ", unicodedata.normalize("NFKC", text))
    for m in _BLOB.finditer(plain):
        run = m.group(0)
        mixed = (any(c.isupper() for c in run) and any(c.islower() for c in run)
                 and any(c.isdigit() for c in run))
        if mixed or _decodes_to_text(run):
            return run
    return None


def _decodes_to_text(run: str) -> bool:
    try:
        raw = base64.b64decode(run + "=" * (-len(run) % 4), altchars=b"-_", validate=False)
    except (binascii.Error, ValueError):
        return False
    printable = sum(32 <= b < 127 or b in (9, 10, 13) for b in raw)
    return len(raw) >= 20 and printable / len(raw) > 0.9
