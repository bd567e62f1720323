"""The safety gate: is this message an emergency, and how sure are we?

Runs first on every message, in every conversation state, before anything else may answer.
Three kinds of evidence, all data in bot/data/emergency.yaml (editable by the city):

- phrases: regular expressions that make an emergency *certain* (「火事です」「息をしていない」);
- cues: words that make it *possible* (「焦げ臭い」「胸が痛い」「もう疲れた」);
- exemplars: short emergency messages per kind, compared by embedding similarity (USE is
  cross-lingual, so English or Vietnamese messages meet Japanese exemplars), against calm
  look-alike exemplars (「防災訓練はいつ」「AEDの講習会」).

Rules then lower the tier: a look-alike context (訓練, 講習, 補助 …), a negation (「火事では
ありません」) or a hypothetical (「もし火事になったら」). Kinds marked `support` (suicide, DV,
child abuse) stay *possible* when a phrase matched, so a procedural question about DV still
gets the hotline line together with its answer.

*certain* → the fixed emergency reply with the kind's numbers; *possible* → the normal answer
preceded by one short line with the numbers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from enum import IntEnum
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from bot.retrieval.language import is_japanese
from bot.yamlkeys import UniqueKeys
from ingest.embed import Embedder
from ingest.text import SudachiPerThread, fold_kana, normalize


class Tier(IntEnum):
    NONE = 0
    POSSIBLE = 1
    CERTAIN = 2


@dataclass(frozen=True)
class Contact:
    label: str
    number: str
    note: str = ""
    # what the message says when this number is the one to call first (「電線が垂れて火花」:
    # 119, not the water utility's line); None: the kind's own order
    first_when: re.Pattern[str] | None = None

    def line(self) -> str:
        return f"{self.label}: {self.number}" + (f"（{self.note}）" if self.note else "")


@dataclass(frozen=True)
class Kind:
    name: str
    label: str
    contacts: tuple[Contact, ...]
    support: bool = False
    # kinds whose own phrase, found in the same message, names the numbers instead
    # (someone pinned under furniture after an earthquake is the disaster's 119 / 110)
    defer_to: tuple[str, ...] = ()
    # kinds it does not defer to when the message says what its `keep` patterns say (a person
    # who cannot be woken is medical's 119 even beside a suicide phrase)
    keep_from: tuple[str, ...] = ()

    def ordered(self, folded: str) -> tuple[Contact, ...]:
        """The contacts, those whose `first_when` the (folded) message meets first, each group
        in file order."""
        first = [c for c in self.contacts if c.first_when is not None and folded
                 and c.first_when.search(folded)]
        return (*first, *(c for c in self.contacts if c not in first))


@dataclass(frozen=True)
class Alarm:
    """What the gate found: the tier, the kind (whose numbers to give) and why."""

    tier: Tier
    kind: Kind
    reason: str
    evidence: dict[str, Any] = field(default_factory=dict)
    order: tuple[Contact, ...] = ()  # the kind's contacts reordered for the message, if they were

    @property
    def certain(self) -> bool:
        return self.tier is Tier.CERTAIN

    def contact_lines(self) -> list[str]:
        return [c.line() for c in self.contacts()]

    def contacts(self) -> tuple[Contact, ...]:
        """The kind's numbers, in the order this message calls for (`Kind.ordered`)."""
        return self.order or self.kind.contacts

    def trace(self) -> dict[str, Any]:
        return {"tier": self.tier.name.lower(), "kind": self.kind.name, "reason": self.reason,
                **self.evidence}


Found = tuple[Tier, Kind, str, dict[str, Any]]  # tier, kind, reason, evidence


@dataclass(frozen=True)
class Screen:
    """The gate's verdict on one message, passed on so the gate runs once per message."""

    alarm: Alarm | None


def pattern(phrases: list[str]) -> re.Pattern[str]:
    """Phrases are regular expressions over folded text; ASCII ones match whole words."""
    parts = []
    for phrase in phrases:
        p = fold_kana(normalize(str(phrase)))
        parts.append(rf"(?<![a-z0-9])(?:{p})(?![a-z0-9])" if p.isascii() else f"(?:{p})")
    return re.compile("|".join(parts) or r"(?!)")


@dataclass(frozen=True)
class Rule:
    """A context that lowers the tier by `drop` (look-alike, negation, hypothetical).

    A `clause` rule counts in the clause that holds certain evidence and after it, not
    before: a resident who turns from an ordinary question to what is happening now has not
    asked about the procedure for it (「粗大ごみの申し込みのことで…あ、ちょっと待って、隣の
    部屋から煙が出てきてて」), while 「川があふれたときの避難場所、知っておきたい」 still is
    a question about it."""

    name: str
    pattern: re.Pattern[str]
    drop: int
    clause: bool = False
    most: Tier | None = None  # a cap instead of a drop: certain becomes this, possible stays
    kinds: tuple[str, ...] = ()  # the kinds it lowers; empty: every kind

    def lowers(self, folded: str, where: tuple[int, int] | None,
               words: tuple[int, int] | None = None) -> bool:
        """Whether the rule applies; a clause rule never reads inside the evidence's own
        `words` (「デイサービスから戻らない」 is no question about a service)."""
        if not self.clause:
            return self.pattern.search(folded) is not None
        return any((where is None or m.end() > where[0])
                   and not (words and words[0] <= m.start() and m.end() <= words[1])
                   for m in self.pattern.finditer(folded))


class Views:
    """Two readings of a message the patterns look at: the folded text (NFKC, lower case,
    katakana as hiragana) and its kana reading (Sudachi), so 「かじです いえがもえてる」 meets
    the patterns written for 「火事です」「家が燃えてる」 in kana (`kana`, `kana_cues`)."""

    def __init__(self) -> None:
        self._tokenizer = SudachiPerThread("C").get

    def reading(self, folded: str) -> str:
        """The hiragana reading of folded text; words Sudachi cannot read stay as written.
        Spaces between words are left out: Sudachi reads a space as 「きごう」, and messages
        written with spaces between words (やさしい日本語 「へやに けむりが いっぱい」, LINE's
        「かじ です」) are read as the same words without them."""
        return self.read(folded)[0]

    def read(self, folded: str) -> tuple[str, list[tuple[int, int, int, int]]]:
        """The reading and, per word, where it is in the reading and in the folded text
        (reading start, reading end, folded start, folded end)."""
        out: list[str] = []
        spans = []
        at = 0
        for m in self._tokenizer().tokenize(folded[:4000]):
            if m.surface().isspace():
                continue
            reading = m.reading_form()
            word = (fold_kana(reading) if reading and m.surface() != reading
                    and not m.is_oov() else m.surface())
            out.append(word)
            spans.append((at, at + len(word), m.begin(), m.end()))
            at += len(word)
        return "".join(out), spans


@dataclass(frozen=True)
class Thresholds:
    certain: float = 0.62
    possible: float = 0.5
    margin: float = 0.03  # emergency similarity must beat the calm look-alikes by this much
    # Patterns of languages the embedder covers poorly: similarity alone is at most possible.
    weak_languages: tuple[str, ...] = ()

    def weak(self, text: str) -> bool:
        return any(re.search(p, text) for p in self.weak_languages)


@dataclass
class Exemplars:
    """Embedded exemplars: one matrix for all emergency kinds, one for calm look-alikes.

    A Japanese message is compared with the Japanese exemplars only. The foreign ones are
    there for foreign messages; across languages the embedder's similarities are looser, and
    「家の前に下水道が整備されました」 came within 0.62 of 「홍수로 집에 갇혔어요」 (certain)."""

    vectors: np.ndarray
    kinds: list[str]
    texts: list[str]
    calm: np.ndarray
    calm_texts: list[str]
    japanese: np.ndarray = field(init=False)  # per exemplar: written in Japanese
    calm_japanese: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        self.japanese = np.array([is_japanese(t) for t in self.texts], bool)
        self.calm_japanese = np.array([is_japanese(t) for t in self.calm_texts], bool)

    @classmethod
    def build(cls, embedder: Embedder, by_kind: dict[str, list[str]],
              calm: list[str]) -> Exemplars:
        texts = [t for ts in by_kind.values() for t in ts]
        kinds = [k for k, ts in by_kind.items() for _ in ts]
        vectors = embedder.embed(texts) if texts else np.zeros((0, 1))
        calm_vectors = embedder.embed(calm) if calm else np.zeros((0, vectors.shape[1]))
        return cls(np.asarray(vectors), kinds, texts, np.asarray(calm_vectors), list(calm))

    def nearest(self, query: np.ndarray, japanese: bool = False
                ) -> tuple[str, float, str, float, str]:
        """(kind, similarity, exemplar) of the closest emergency, then the closest calm one;
        for a `japanese` message, among the Japanese exemplars only."""
        if not self.kinds:
            return "", 0.0, "", 0.0, ""
        sims = _among(self.vectors @ query, self.japanese if japanese else None)
        i = int(np.argmax(sims))
        if sims[i] == -np.inf:
            return "", 0.0, "", 0.0, ""
        calm_sim, calm_text = 0.0, ""
        if len(self.calm_texts):
            cs = _among(self.calm @ query, self.calm_japanese if japanese else None)
            j = int(np.argmax(cs))
            if cs[j] > -np.inf:
                calm_sim, calm_text = float(cs[j]), self.calm_texts[j]
        return self.kinds[i], float(sims[i]), self.texts[i], calm_sim, calm_text


def _among(sims: np.ndarray, allowed: np.ndarray | None) -> np.ndarray:
    """`sims` with the exemplars not `allowed` out of reach (all allowed when None)."""
    if allowed is None:
        return sims
    return np.where(allowed, sims, -np.inf)


_CLAUSE_END = re.compile(r"[。．！？!?\n]+|[、,]\s*|\s{2,}|　")
# Where a rule's clause ends for `_clause_of`: also a single space between Japanese words, as
# LINE messages put a space where a sentence ends (「燃えるごみの日ききたかったんやけど それどころ
# やない 裏の家の窓から黒い煙ふいとる」). Not used to cut what is embedded.
_SPOKEN_END = re.compile(_CLAUSE_END.pattern
                         + r"|(?<=[\u3040-\u30ff\u4e00-\u9fff])\s(?=[\u3040-\u30ff\u4e00-\u9fff])")


def _known_kinds(names: tuple[str, ...], kinds: dict[str, Kind], where: str) -> None:
    """Stop the load when `names` lists a kind the file does not define."""
    unknown = [k for k in names if k not in kinds]
    if unknown:
        raise ValueError(f"{where} に未知の種類: {', '.join(unknown)}")


def clauses(text: str, shortest: int = 6, most: int = 6) -> list[str]:
    """The message, then its clauses of `shortest` characters or more (at most `most`)."""
    parts = [p.strip() for p in _CLAUSE_END.split(text) if len(p.strip()) >= shortest]
    return [text, *parts[:most]] if len(parts) > 1 else [text]


@dataclass
class EmergencyDetector:
    kinds: dict[str, Kind]
    phrases: dict[str, re.Pattern[str]]
    cues: dict[str, re.Pattern[str]]
    rules: tuple[Rule, ...]
    thresholds: Thresholds
    possible_line: str
    exemplars: Exemplars | None = None
    embedder: Embedder | None = None
    kana: dict[str, re.Pattern[str]] = field(default_factory=dict)
    kana_cues: dict[str, re.Pattern[str]] = field(default_factory=dict)
    views: Views = field(default_factory=Views)
    keeps: dict[str, re.Pattern[str]] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path, embedder: Embedder | None = None) -> EmergencyDetector:
        """Read the kinds, phrases, cues, rules and exemplars; embed the exemplars once."""
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=UniqueKeys)
        kinds, phrases, cues, kana, kana_cues, by_kind = {}, {}, {}, {}, {}, {}
        keeps: dict[str, re.Pattern[str]] = {}
        for name, spec in data["kinds"].items():
            contacts = tuple(Contact(str(c["label"]), str(c["number"]), str(c.get("note", "")),
                                     pattern(c["first_when"]) if "first_when" in c else None)
                             for c in spec["contacts"])
            if not contacts:
                raise ValueError(f"{path}: {name} に連絡先がありません")
            kinds[name] = Kind(name, spec["label"], contacts, bool(spec.get("support", False)),
                               tuple(str(k) for k in spec.get("defer_to", ())),
                               tuple(str(k) for k in spec.get("keep_from", ())))
            if spec.get("keep"):
                keeps[name] = pattern(spec["keep"])
            phrases[name] = pattern(spec.get("phrases", []))
            cues[name] = pattern(spec.get("cues", []))
            kana[name] = pattern(spec.get("kana", []))
            kana_cues[name] = pattern(spec.get("kana_cues", []))
            by_kind[name] = [str(t) for t in spec.get("exemplars", [])]
        for name, kind in kinds.items():
            _known_kinds(kind.defer_to, kinds, f"{path}: {name} の defer_to")
            _known_kinds(kind.keep_from, kinds, f"{path}: {name} の keep_from")
        rules = tuple(Rule(name, pattern(spec["phrases"]), int(spec.get("drop", 0)),
                           spec.get("scope", "message") == "clause",
                           Tier[str(spec["most"]).upper()] if "most" in spec else None,
                           tuple(str(k) for k in spec.get("kinds", ())))
                      for name, spec in data.get("rules", {}).items())
        for rule in rules:
            _known_kinds(rule.kinds, kinds, f"{path}: 規則 {rule.name} の kinds")
        similarity = dict(data.get("similarity", {}))
        thresholds = Thresholds(**{**similarity, "weak_languages": tuple(
            similarity.get("weak_languages", ()))})
        exemplars = (Exemplars.build(embedder, by_kind, [str(t) for t in data.get("calm", [])])
                     if embedder is not None else None)
        return cls(kinds, phrases, cues, rules, thresholds, str(data["possible_line"]),
                   exemplars, embedder, kana, kana_cues, keeps=keeps)

    def detect(self, text: str) -> Alarm | None:
        """The alarm for one (masked) message, or None when nothing suggests an emergency."""
        folded = fold_kana(normalize(text))
        if not folded:
            return None
        reading, spans = self.views.read(folded)
        # Every phrase said is a piece of evidence; the one the rules lower least decides (the
        # first in file order among equals): a question about an ambulance's cost before
        # 「母が息苦しそうで唇が紫」 lowers the clause it is in, not the report after it.
        candidates: list[Found | None] = [*self._phrases(folded, reading)] or [self._weigh(
            self._cue(folded, reading, spans), self._similar(text))]
        best: Alarm | None = None
        for found in candidates:
            alarm = self._lowered(folded, found) if found is not None else None
            if alarm is not None and (best is None or alarm.tier > best.tier):
                best = alarm
                if best.certain:
                    break
        if best is not None and any(c.first_when is not None for c in best.kind.contacts):
            best = replace(best, order=best.kind.ordered(folded))
        return best

    def _lowered(self, folded: str, found: Found) -> Alarm | None:
        """The alarm `found` gives once the rules have lowered it (None when they remove it)."""
        tier, kind, reason, evidence = found
        rules = self._rules(folded, evidence, tier if not kind.support else Tier.POSSIBLE,
                            kind.name)
        lowered = tier - sum(r.drop for r in rules if r.most is None)
        for r in rules:
            if r.most is not None:
                lowered = min(lowered, r.most)
        if kind.support and evidence.get("by") == "phrase":
            lowered = max(lowered, Tier.POSSIBLE)
        if lowered <= Tier.NONE:
            return None
        return Alarm(Tier(min(lowered, Tier.CERTAIN)), kind, reason, evidence)

    def _weigh(self, cue: Found | None, similar: Found | None) -> Found | None:
        """Cue and similarity together: either alone is as strong as it is; both agreeing
        that something is wrong make the emergency certain. A cue names the kind first."""
        if cue is None or similar is None:
            return cue or similar
        kind = cue[1]
        evidence = {**similar[3], "by": "cue+similarity", "match": cue[3]["match"]}
        return Tier.CERTAIN, kind, f"{cue[2]}／{similar[2]}", evidence

    def line(self, alarm: Alarm) -> str:
        """The short line put before a normal answer when an emergency is possible."""
        return self.possible_line + " " + " ／ ".join(alarm.contact_lines())

    def _phrases(self, folded: str, reading: str) -> list[Found]:
        """Every phrase match, the written text's before the reading's, each in file order of
        its kind and then by place; a kind defers to a kind whose own phrase is also said."""
        found = []
        for view, patterns in ((folded, self.phrases), (reading, self.kana)):
            for name, p in patterns.items():
                found += [self._deferred(folded, reading, self._certain(name, m.group(0)))
                          for m in p.finditer(view)]
        return found

    def _certain(self, name: str, said: str) -> Found:
        kind = self.kinds[name]
        return (Tier.CERTAIN, kind, f"緊急（{kind.label}）: 「{said}」",
                {"by": "phrase", "match": said})

    def _deferred(self, folded: str, reading: str, found: Found) -> Found:
        kind = found[1]
        kept = kind.name in self.keeps and self.keeps[kind.name].search(folded) is not None
        for other in kind.defer_to:
            if kept and other in kind.keep_from:
                continue
            m = self.phrases[other].search(folded) or self.kana[other].search(reading)
            if m:
                tier, kind, reason, evidence = self._certain(other, m.group(0))
                return tier, kind, reason, {**evidence, "deferred_from": found[1].name}
        return found

    def _cue(self, folded: str, reading: str,
             spans: list[tuple[int, int, int, int]]) -> Found | None:
        """One cue makes an emergency possible; two different cues of one kind, certain."""
        found = (self._match(folded, self.cues, Tier.POSSIBLE, "cue")
                 or self._match(reading, self.kana_cues, Tier.POSSIBLE, "cue"))
        if found is None:
            return None
        tier, kind, reason, evidence = found
        # Two cues must be two things said, not one thing seen in both views: a cue of the
        # kana reading counts only when it reads words no cue of the folded text covers
        # (「ぐったり、呼びかけても」 is two; 「胸が痛い」 seen as むねがいた is one).
        written = list(self.cues[kind.name].finditer(folded))
        matches = {m.group(0) for m in written}
        for m in self.kana_cues[kind.name].finditer(reading):
            words = [(b, e) for rb, re_, b, e in spans if rb < m.end() and re_ > m.start()]
            if words and not any(b < w.end() and e > w.start()
                                 for b, e in words for w in written):
                matches.add(m.group(0))
        if len(matches) < 2:
            return found
        return (Tier.CERTAIN, kind, f"緊急（{kind.label}）: 「{'」「'.join(sorted(matches))}」",
                {"by": "cues", "match": sorted(matches)})

    def _match(self, folded: str, patterns: dict[str, re.Pattern[str]], tier: Tier,
               by: str) -> Found | None:
        """The first kind (in file order) whose pattern matches."""
        for name, p in patterns.items():
            m = p.search(folded)
            if m:
                kind = self.kinds[name]
                word = "緊急" if tier is Tier.CERTAIN else "緊急の可能性"
                return (tier, kind, f"{word}（{kind.label}）: 「{m.group(0)}」",
                        {"by": by, "match": m.group(0)})
        return None

    def embedded(self, text: str) -> list[str]:
        """The texts `detect` embeds for this message (none without exemplars)."""
        return clauses(text) if self.exemplars is not None and self.embedder is not None else []

    def _similar(self, text: str) -> Found | None:
        """The exemplar closest to the message or to one of its clauses (a long message with a
        preamble holds its emergency in one clause), when it beats the calm look-alikes."""
        if self.exemplars is None or self.embedder is None:
            return None
        texts = self.embedded(text)
        queries = np.asarray(self.embedder.embed(texts))
        t = self.thresholds
        japanese = is_japanese(text)
        best: tuple[str, float, str, float, str] | None = None
        said = text
        for query, clause in zip(queries, texts, strict=True):
            near = self.exemplars.nearest(query, japanese)
            if near[0] and near[1] - near[3] >= t.margin and (best is None or near[1] > best[1]):
                best, said = near, clause
        if best is None or best[1] < t.possible:
            return None
        name, sim, exemplar, calm, calm_text = best
        tier = Tier.CERTAIN if sim >= t.certain and not t.weak(text) else Tier.POSSIBLE
        kind = self.kinds[name]
        evidence = {"by": "similarity", "similarity": round(sim, 4), "exemplar": exemplar,
                    "calm": round(calm, 4), "calm_exemplar": calm_text, "said": said}
        word = "おそれ" if tier is Tier.CERTAIN else "可能性"
        return tier, kind, f"緊急の{word}（{kind.label}）: 「{exemplar}」に近い", evidence

    def _rules(self, folded: str, evidence: dict[str, Any], tier: Tier,
               kind: str) -> list[Rule]:
        """The rules that lower this alarm; a clause rule is read from the evidence's clause
        on only when the evidence alone is certain (a weak cue is still lowered by a question
        anywhere in the message) and its kind is no support kind (a question about DV beside
        「殴られています」 keeps the hotline line with its answer, by design)."""
        where = _clause_of(folded, evidence) if tier is Tier.CERTAIN else None
        said = evidence.get("match") if evidence.get("by") == "phrase" else None
        at = folded.find(said) if isinstance(said, str) and said else -1
        words = (at, at + len(said)) if isinstance(said, str) and at >= 0 else None
        hits = [r for r in self.rules
                if (not r.kinds or kind in r.kinds) and r.lowers(folded, where, words)]
        if hits:
            evidence["lowered_by"] = [r.name for r in hits]
        return hits


def _clause_of(folded: str, evidence: dict[str, Any]) -> tuple[int, int] | None:
    """The span of the clause of `folded` that holds the evidence (the words a phrase or a cue
    matched, or the clause closest to an exemplar); None when it cannot be placed (a match in
    the kana reading, two cues, or the whole message)."""
    said = evidence.get("match") if evidence.get("by") in ("phrase", "cue") else evidence.get(
        "said")
    if not isinstance(said, str):
        return None
    said = fold_kana(normalize(said))
    at = folded.find(said)
    if not said or at < 0:
        return None
    ends = [m.span() for m in _SPOKEN_END.finditer(folded)]
    start = max((e for _, e in ends if e <= at), default=0)
    end = min((b for b, _ in ends if b >= at + len(said)), default=len(folded))
    return (start, end) if (start, end) != (0, len(folded)) else None
