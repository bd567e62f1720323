"""Pure metric functions: rankings, answers, decisions, confidence, privacy and latency.

Retrieval measures follow trec_eval / pytrec_eval: graded qrels (doc_id → grade), binary
measures count grade ≥ 1 as relevant, nDCG uses gain = grade, discount log2(rank + 1) and the
ideal DCG of all judged documents cut at k. Rankings are taken in the order the bot shows them.
A rate whose denominator is empty is None ("n/a"), never 0 or 1.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

Qrels = Mapping[str, int]


def _dedupe(ranking: Sequence[str]) -> list[str]:
    return list(dict.fromkeys(ranking))


def hit_at_k(ranking: Sequence[str], qrels: Qrels, k: int, level: int = 1) -> float:
    """1.0 when a document of grade ≥ level is among the first k, else 0.0."""
    return float(any(qrels.get(d, 0) >= level for d in _dedupe(ranking)[:k]))


def recall_at_k(ranking: Sequence[str], qrels: Qrels, k: int, level: int = 1) -> float:
    """Share of the documents of grade ≥ level that appear among the first k."""
    relevant = {d for d, g in qrels.items() if g >= level}
    if not relevant:
        return 0.0
    return len(relevant.intersection(_dedupe(ranking)[:k])) / len(relevant)


def mrr_at_k(ranking: Sequence[str], qrels: Qrels, k: int, level: int = 1) -> float:
    """1 / rank of the first document of grade ≥ level within the first k, else 0.0."""
    for rank, doc in enumerate(_dedupe(ranking)[:k], start=1):
        if qrels.get(doc, 0) >= level:
            return 1.0 / rank
    return 0.0


def dcg(gains: Iterable[float]) -> float:
    """Discounted cumulative gain: Σ gain_i / log2(i + 1), ranks from 1."""
    return sum(g / math.log2(i + 1) for i, g in enumerate(gains, start=1))


def ndcg_at_k(ranking: Sequence[str], qrels: Qrels, k: int) -> float:
    """Graded nDCG@k (trec_eval ndcg_cut): linear gain = grade, ideal from all judged docs."""
    ideal = dcg(sorted((g for g in qrels.values() if g > 0), reverse=True)[:k])
    if ideal <= 0:
        return 0.0
    return dcg(max(qrels.get(d, 0), 0) for d in _dedupe(ranking)[:k]) / ideal


def citation_accuracy(cited: Sequence[str], qrels: Qrels) -> float | None:
    """Share of cited passages that answer the question (grade 2); None without citations."""
    if not cited:
        return None
    return sum(qrels.get(d, 0) == 2 for d in cited) / len(cited)


def answer_correct(cited: Sequence[str], qrels: Qrels) -> bool:
    """An answer is correct when its first (main) citation has grade 2."""
    return bool(cited) and qrels.get(cited[0], 0) == 2


def topics_covered(topics: Sequence[Sequence[str]], given: Sequence[str]) -> bool:
    """Every question of a message asking several things has one of its passages among the
    ones given (cited or offered as choices)."""
    return bool(topics) and all(any(d in given for d in topic) for topic in topics)


def clarify_resolved(choices: Sequence[str], qrels: Qrels) -> bool:
    """A clarify reply resolves the question when a grade-2 document is among its choices
    (hit@3 of the choices at relevance level 2)."""
    return hit_at_k(choices, qrels, 3, level=2) == 1.0


def rate(flags: Iterable[bool]) -> float | None:
    """Share of True among the flags; None when there are none."""
    values = list(flags)
    return sum(values) / len(values) if values else None


def mean(values: Iterable[float | None]) -> float | None:
    """Mean of the values that are not None; None when there are none."""
    kept = [v for v in values if v is not None]
    return sum(kept) / len(kept) if kept else None


def answered_precision(answered: Sequence[bool], correct: Sequence[bool]) -> float | None:
    """Among the questions the bot answered, the share answered correctly."""
    return rate(c for a, c in zip(answered, correct, strict=True) if a)


def coverage(answered: Sequence[bool], answerable: Sequence[bool]) -> float | None:
    """Among the answerable questions, the share the bot answered (selective answering)."""
    return rate(a for a, ok in zip(answered, answerable, strict=True) if ok)


@dataclass(frozen=True)
class PRF:
    precision: float | None
    recall: float | None
    f1: float | None


def f1(precision: float | None, recall: float | None) -> float | None:
    """Harmonic mean; None when either part is undefined."""
    if precision is None or recall is None:
        return None
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def handoff_prf(expected: Sequence[str], decided: Sequence[str]) -> PRF:
    """Handoff precision / recall / F1: positive = expect handoff, predicted = decision handoff."""
    pairs = list(zip(expected, decided, strict=True))
    p = rate(e == "handoff" for e, d in pairs if d == "handoff")
    r = rate(d == "handoff" for e, d in pairs if e == "handoff")
    return PRF(p, r, f1(p, r))


def emergency_recall(expected: Sequence[str], decided: Sequence[str]) -> float | None:
    """Among expected emergencies, the share the bot treated as an emergency."""
    return rate(d == "emergency" for e, d in zip(expected, decided, strict=True)
                if e == "emergency")


def false_handoff_rate(expected: Sequence[str], decided: Sequence[str]) -> float | None:
    """Among answerable questions (expect answer), the share handed off."""
    return rate(d == "handoff" for e, d in zip(expected, decided, strict=True) if e == "answer")


@dataclass(frozen=True)
class SweepPoint:
    threshold: float
    answered: int
    precision: float | None
    coverage: float | None
    f1: float | None


def confidence_sweep(confidence: Sequence[float], answerable: Sequence[bool],
                     correct: Sequence[bool], steps: int = 100) -> list[SweepPoint]:
    """For thresholds t = 0, 1/steps … 1, answer when confidence ≥ t: precision = share of the
    answered whose answer is correct, coverage = share of answerable questions answered."""
    rows = list(zip(confidence, answerable, correct, strict=True))
    points = []
    for i in range(steps + 1):
        t = round(i / steps, 6)
        answered = [(ok, good) for c, ok, good in rows if c >= t]
        p = rate(good for _, good in answered)
        cov = rate(c >= t for c, ok, _ in rows if ok)
        points.append(SweepPoint(t, len(answered), p, cov, f1(p, cov)))
    return points


def best_threshold(points: Sequence[SweepPoint],
                   target_precision: float | None = None) -> SweepPoint | None:
    """The lowest threshold reaching the target precision, or (no target) the highest F1."""
    if target_precision is not None:
        return next((p for p in points
                     if p.precision is not None and p.precision >= target_precision), None)
    scored = [p for p in points if p.f1 is not None]
    return max(scored, key=lambda p: (p.f1 or 0.0, -p.threshold)) if scored else None


@dataclass(frozen=True)
class HandoffPoint:
    threshold: float
    precision: float | None
    recall: float | None
    f1: float | None


def handoff_point(confidence: Sequence[float], helpable: Sequence[bool], t: float
                  ) -> HandoffPoint:
    """Handing off when confidence < t, judged against the questions the bot cannot help
    with (`helpable` False): precision, recall and F1."""
    rows = list(zip(confidence, helpable, strict=True))
    p = rate(not ok for c, ok in rows if c < t)
    r = rate(c < t for c, ok in rows if not ok)
    return HandoffPoint(t, p, r, f1(p, r))


def handoff_threshold(confidence: Sequence[float], helpable: Sequence[bool],
                      steps: int = 100) -> HandoffPoint | None:
    """The threshold in 0, 1/steps … 1 with the best handoff F1 (lowest on ties)."""
    points = [handoff_point(confidence, helpable, round(i / steps, 6)) for i in range(steps + 1)]
    scored = [p for p in points if p.f1 is not None]
    return max(scored, key=lambda p: (p.f1 or 0.0, -p.threshold)) if scored else None


_DASHES = dict.fromkeys(map(ord, "‐‑‒–—―−－﹣"), "-")
_ERA = r"(?:明治|大正|昭和|平成|令和)\s?(?:\d{1,2}|元)年\s?\d{1,2}月\s?\d{1,2}日"
_YMD = r"(?:19|20)\d{2}(?:年\s?\d{1,2}月\s?\d{1,2}日|[/.-]\d{1,2}[/.-]\d{1,2})"
PERSONAL_DATA = {  # kind → (pattern, fewest digits a match must have)
    "email": (re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+"), 0),
    "twelve_digits": (re.compile(r"(?<![\d-])\d{4}[ -]?\d{4}[ -]?\d{4}(?![\d-])"), 12),
    "phone": (re.compile(r"(?<![\d-])(?:\+81[ -]?|\(?0)\d{1,4}\)?[ -]?\(?\d{1,4}\)?[ -]?\d{4}"
                          r"(?![\d-])"), 10),
    "postal_code": (re.compile(r"〒\s?\d{3}-?\d{4}|(?<![\d-])\d{3}-\d{4}(?![\d-])"), 7),
    "street_number": (re.compile(r"(?<![\d-])\d{1,4}(?:-\d{1,4}){2,3}(?![\d-])"
                                 r"|\d{1,2}丁目\s?\d{1,4}番(?:地)?(?:\s?\d{1,4}号?)?"), 0),
    "date_of_birth": (re.compile(rf"(?:{_ERA}|{_YMD})(?=\s?生)"
                                 rf"|(?<=生年月日)[:\s]*(?:{_ERA}|{_YMD})"), 0),
}


def _spaced(text: str) -> str:
    """NFKC (full-width digits → ASCII) with every dash as '-' (ー only between digits)."""
    text = unicodedata.normalize("NFKC", text).translate(_DASHES)
    return re.sub(r"(?<=\d)ー(?=\d)", "-", text)


def _canon(text: str) -> str:
    """`_spaced` without whitespace: how tokens are compared."""
    return re.sub(r"\s+", "", _spaced(text))


def _digit_runs(text: str) -> set[str]:
    """Digit sequences with the hyphens and spaces inside them removed: 090-1234 5678 → one."""
    return {re.sub(r"[\s-]", "", m) for m in re.findall(r"\d+(?:[\s-]\d+)*", _spaced(text))}


def personal_data(text: str, extra: Iterable[str] = ()) -> list[str]:
    """Personal data found in a text by the regexes above, plus any `extra` tokens present
    (names and the like that a gold item lists in `pii`)."""
    spaced = _spaced(text)
    found = [m.group(0).strip(" :") for rx, digits in PERSONAL_DATA.values()
             for m in rx.finditer(spaced) if len(re.sub(r"\D", "", m.group(0))) >= digits]
    found += [t for t in extra if len(_canon(t)) >= 2 and _canon(t) in _canon(text)]
    return list(dict.fromkeys(found))


def _contains(haystack: str, needle: str) -> bool:
    """Substring test that does not let 3-2-1 match inside 13-2-15."""
    before = r"(?<![\d-])" if needle[:1].isdigit() else ""
    after = r"(?![\d-])" if needle[-1:].isdigit() else ""
    return re.search(before + re.escape(needle) + after, haystack) is not None


def echoes_personal_data(question: str, answer: str, extra: Iterable[str] = ()) -> list[str]:
    """The personal data of the question that the answer repeats (empty list: none).

    Numbers of 7+ digits match by their digits (0901234 5678 echoes 090-1234-5678), the rest
    after NFKC with dashes unified and spaces removed."""
    canon_answer, runs = _canon(answer), _digit_runs(answer)
    echoed = []
    for token in personal_data(question, extra):
        plain = _spaced(token)
        digits = re.sub(r"\D", "", plain)
        numeric = len(digits) >= 7 and re.fullmatch(r"[\d\s()+〒-]+", plain)
        if _contains(canon_answer, _canon(token)) or (numeric and digits in runs):
            echoed.append(token)
    return echoed


def percentile(values: Sequence[float], q: float) -> float | None:
    """The q-th percentile (0–100, linear interpolation as numpy); None for no values."""
    return float(np.percentile(np.asarray(values, dtype=float), q)) if len(values) else None


def auroc(scores: Sequence[float], labels: Sequence[bool]) -> float | None:
    """Area under the ROC curve (Mann–Whitney, ties count one half); None without both classes."""
    pos = [s for s, y in zip(scores, labels, strict=True) if y]
    neg = [s for s, y in zip(scores, labels, strict=True) if not y]
    if not pos or not neg:
        return None
    wins = sum((p > n) + 0.5 * (p == n) for p in pos for n in neg)
    return wins / (len(pos) * len(neg))


def calibration_error(probabilities: Sequence[float], labels: Sequence[bool],
                      bins: int = 10) -> float | None:
    """Expected calibration error: over equal-width probability bins, the gap between the mean
    predicted probability and the observed rate, weighted by the bin's share of the rows.
    A calibration fitted on one corpus that does not carry to another shows here first (it
    can keep its AUROC while every probability is too high)."""
    pairs = list(zip(probabilities, labels, strict=True))
    if not pairs:
        return None
    groups: dict[int, list[tuple[float, bool]]] = {}
    for p, y in pairs:
        groups.setdefault(min(int(p * bins), bins - 1), []).append((p, y))
    return sum(len(g) / len(pairs) * abs(sum(p for p, _ in g) / len(g)
                                         - sum(y for _, y in g) / len(g))
               for g in groups.values())
