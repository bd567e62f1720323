"""Scoring the personal-data masker on its own gold (tests/fixtures/pii_gold.jsonl).

One row per message in, one `PiiRow` per message out, aggregates from the rows. A value counts
as masked when every letter and digit of it lies inside a span the masker found (a phone with
its last four digits left visible is a miss); a look-alike is a false positive when any span
touches it. The kind the masker gave does not matter: what is masked is not stored.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DEFAULT_GOLD = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "pii_gold.jsonl"

Spans = Sequence[tuple[int, int]]


@dataclass(frozen=True)
class PiiGold:
    id: str
    split: str
    text: str
    values: tuple[tuple[str, str, str], ...]  # (kind, text, style)
    keep: tuple[str, ...]


@dataclass(frozen=True)
class PiiRow:
    id: str
    missed: tuple[tuple[str, str], ...]  # (kind, value)
    caught: tuple[tuple[str, str], ...]
    styles: tuple[tuple[str, bool], ...]  # (style, caught) per value
    kept: int
    masked_lookalikes: tuple[str, ...]


@dataclass
class PiiReport:
    split: str
    messages: int
    values: int
    recall: float
    recall_by_kind: dict[str, tuple[int, int]]
    recall_by_style: dict[str, tuple[int, int]]
    lookalikes: int
    false_positive_rate: float
    misses: list[dict[str, str]] = field(default_factory=list)
    false_positives: list[dict[str, str]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"split": self.split, "messages": self.messages, "values": self.values,
                "recall": self.recall,
                "recall_by_kind": {k: {"caught": c, "total": t, "recall": _ratio(c, t)}
                                   for k, (c, t) in sorted(self.recall_by_kind.items())},
                "recall_by_style": {k: {"caught": c, "total": t, "recall": _ratio(c, t)}
                                    for k, (c, t) in sorted(self.recall_by_style.items())},
                "lookalikes": self.lookalikes,
                "false_positive_rate": self.false_positive_rate,
                "misses": self.misses, "false_positives": self.false_positives}

    def lines(self) -> list[str]:
        out = [f"split={self.split}  messages={self.messages}  values={self.values}  "
               f"recall={self.recall:.2%}  look-alikes={self.lookalikes}  "
               f"false positives={self.false_positive_rate:.2%}",
               "kind               caught/total  recall"]
        for kind, (c, t) in sorted(self.recall_by_kind.items()):
            out.append(f"{kind:<18} {c:>6}/{t:<6} {_ratio(c, t):.2%}")
        for style, (c, t) in sorted(self.recall_by_style.items()):
            out.append(f"style={style:<12} {c:>6}/{t:<6} {_ratio(c, t):.2%}")
        out += [f"MISS {m['kind']}: {m['value']!r} in {m['id']}" for m in self.misses]
        out += [f"FALSE POSITIVE {f['value']!r} in {f['id']}" for f in self.false_positives]
        return out


def _ratio(a: int, b: int) -> float:
    return a / b if b else 1.0


def load(path: Path = DEFAULT_GOLD, split: str | None = None) -> list[PiiGold]:
    """The gold rows (optionally one split); a value or look-alike not in its text fails."""
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        raw = json.loads(line)
        gold = PiiGold(raw["id"], raw["split"], raw["text"],
                       tuple((v["kind"], v["text"], v.get("style", "")) for v in raw["values"]),
                       tuple(raw.get("keep", [])))
        absent = [v for _, v, _ in gold.values if v not in gold.text]
        absent += [k for k in gold.keep if k not in gold.text]
        if absent:
            raise ValueError(f"{path}:{number}: not in the text: {absent}")
        if split is None or gold.split == split:
            rows.append(gold)
    return rows


_AFFIXES = frozenset("第号")  # 第123号: the number is the value, not its frame


def _covered(text: str, start: int, end: int, spans: Spans) -> bool:
    return all(any(s <= i < e for s, e in spans)
               for i in range(start, end) if text[i].isalnum() and text[i] not in _AFFIXES)


def _touched(start: int, end: int, spans: Spans) -> bool:
    return any(s < end and start < e for s, e in spans)


def score(gold: PiiGold, spans: Spans) -> PiiRow:
    """One message: which values were masked (every occurrence), which look-alikes were kept."""
    caught: list[tuple[str, str]] = []
    missed: list[tuple[str, str]] = []
    styles: list[tuple[str, bool]] = []
    for kind, value, style in gold.values:
        starts = _occurrences(gold.text, value)
        ok = all(_covered(gold.text, s, s + len(value), spans) for s in starts)
        (caught if ok else missed).append((kind, value))
        styles.append((style, ok))
    masked = [k for k in gold.keep
              if any(_touched(s, s + len(k), spans) for s in _occurrences(gold.text, k))]
    return PiiRow(gold.id, tuple(missed), tuple(caught), tuple(styles),
                  len(gold.keep) - len(masked), tuple(masked))


def _occurrences(text: str, value: str) -> list[int]:
    out, at = [], text.find(value)
    while at >= 0:
        out.append(at)
        at = text.find(value, at + 1)
    return out


def aggregate(split: str, rows: Iterable[PiiRow]) -> PiiReport:
    rows = list(rows)
    by_kind: Counter[str] = Counter()
    total_kind: Counter[str] = Counter()
    by_style: Counter[str] = Counter()
    total_style: Counter[str] = Counter()
    for row in rows:
        for kind, _ in row.caught:
            by_kind[kind] += 1
            total_kind[kind] += 1
        for kind, _ in row.missed:
            total_kind[kind] += 1
        for style, ok in row.styles:
            total_style[style] += 1
            by_style[style] += ok
    values = sum(total_kind.values())
    lookalikes = sum(r.kept + len(r.masked_lookalikes) for r in rows)
    fps = sum(len(r.masked_lookalikes) for r in rows)
    return PiiReport(
        split=split, messages=len(rows), values=values,
        recall=_ratio(sum(by_kind.values()), values),
        recall_by_kind={k: (by_kind[k], total_kind[k]) for k in total_kind},
        recall_by_style={k: (by_style[k], total_style[k]) for k in total_style},
        lookalikes=lookalikes, false_positive_rate=fps / lookalikes if lookalikes else 0.0,
        misses=[{"id": r.id, "kind": k, "value": v} for r in rows for k, v in r.missed],
        false_positives=[{"id": r.id, "value": v} for r in rows for v in r.masked_lookalikes])


def evaluate(gold: Iterable[PiiGold], find: Callable[[str], Spans], split: str) -> PiiReport:
    """Run `find` (text → spans of the original) on every message and aggregate."""
    return aggregate(split, (score(g, find(g.text)) for g in gold))
