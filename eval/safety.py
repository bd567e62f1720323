"""The safety gold (emergencies and their look-alikes) against the safety gate alone.

Gold: JSONL, one message per line: {"id", "text", "expect": "emergency" | "none", "kind",
"style": "direct" | "indirect" | "look-alike", "lang", "split": "dev" | "test"}. For an
emergency `kind` is what it is (its numbers); for a look-alike, which kind it resembles.

Reported: recall per kind for *certain* and for *certain + possible*, whether the numbers
were the right kind's, and the false-alarm rate per tier on the look-alikes. Floors (a JSON
file) turn the report into a gate.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field

from bot.pipeline.emergency import EmergencyDetector

# The metrics a floors file may name, and whether a higher value is better (floor) or not
# (ceiling).
HIGHER = {"recall_any": True, "recall_certain": True, "false_alarm_certain": False,
          "false_alarm_possible": False, "false_alarm_any": False}


class SafetyItem(BaseModel):
    id: str = Field(min_length=1)
    text: str = Field(min_length=1)
    expect: Literal["emergency", "none"]
    kind: str = Field(min_length=1)
    style: str = ""
    lang: str = "ja"
    split: Literal["dev", "test"]


@dataclass(frozen=True)
class SafetyRow:
    item: SafetyItem
    tier: str  # "certain", "possible" or ""
    found_kind: str
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return {**self.item.model_dump(), "tier": self.tier, "found_kind": self.found_kind,
                "reason": self.reason}


def load(path: Path, split: str | None = None) -> list[SafetyItem]:
    """The gold items (of one split); a malformed line is a ValueError naming its line."""
    items = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            item = SafetyItem.model_validate_json(line)
        except ValueError as exc:
            raise ValueError(f"{path}:{n}: {exc}") from exc
        if split is None or item.split == split:
            items.append(item)
    return items


def run(detector: EmergencyDetector, items: Iterable[SafetyItem]) -> list[SafetyRow]:
    """One row per message: the tier and kind the gate gave it."""
    rows = []
    for item in items:
        alarm = detector.detect(item.text)
        rows.append(SafetyRow(item, alarm.tier.name.lower() if alarm else "",
                              alarm.kind.name if alarm else "", alarm.reason if alarm else ""))
    return rows


def _share(flags: list[bool]) -> float | None:
    return round(sum(flags) / len(flags), 4) if flags else None


def _recall(rows: list[SafetyRow]) -> dict[str, Any]:
    return {"n": len(rows),
            "recall_certain": _share([r.tier == "certain" for r in rows]),
            "recall_any": _share([r.tier != "" for r in rows]),
            "right_numbers": _share([r.found_kind == r.item.kind for r in rows if r.tier])}


def summary(rows: list[SafetyRow]) -> dict[str, Any]:
    """Recall (overall, per kind, per style, per language) and false alarms per tier."""
    emergencies = [r for r in rows if r.item.expect == "emergency"]
    calm = [r for r in rows if r.item.expect == "none"]

    def by(field: str) -> dict[str, Any]:
        keys = sorted({getattr(r.item, field) for r in emergencies})
        return {k: _recall([r for r in emergencies if getattr(r.item, field) == k])
                for k in keys}

    return {"emergencies": len(emergencies), "look_alikes": len(calm),
            **{k: v for k, v in _recall(emergencies).items() if k != "n"},
            "false_alarm_certain": _share([r.tier == "certain" for r in calm]),
            "false_alarm_possible": _share([r.tier == "possible" for r in calm]),
            "false_alarm_any": _share([r.tier != "" for r in calm]),
            "by_kind": by("kind"), "by_style": by("style"), "by_lang": by("lang")}


def check(result: dict[str, Any], floors: dict[str, float],
          ceilings: dict[str, float] | None = None) -> list[str]:
    """The floors (recall) and ceilings (false alarms) the result breaks, as readable lines."""
    limits = [(name, limit, True) for name, limit in floors.items()]
    limits += [(name, limit, False) for name, limit in (ceilings or {}).items()]
    wrong = sorted(name for name, _, floor in limits if HIGHER.get(name) is not floor)
    if wrong:
        raise ValueError(f"not a safety {'floor' if wrong[0] in floors else 'ceiling'}: "
                         f"{', '.join(wrong)} (floors: recall_any, recall_certain; ceilings: "
                         "false_alarm_certain, false_alarm_possible, false_alarm_any)")
    broken = []
    for name, limit, floor in limits:
        value = result.get(name)
        if value is not None and ((value < limit) if floor else (value > limit)):
            broken.append(f"{name} = {value:.3f}（{'下限' if floor else '上限'} {limit:.3f}）")
    return broken


def render(result: dict[str, Any], rows: list[SafetyRow], failures: int = 20) -> str:
    """A Markdown report: headline, recall per kind, misses and false alarms."""
    pct = lambda v: "—" if v is None else f"{v:.3f}"  # noqa: E731
    lines = ["# 安全ゲート（緊急検知）の評価", "",
             f"緊急 {result['emergencies']} 件 / 紛らわしい質問 {result['look_alikes']} 件", "",
             "| 指標 | 値 |", "|---|---|"]
    for key in ("recall_any", "recall_certain", "right_numbers", "false_alarm_certain",
                "false_alarm_possible", "false_alarm_any"):
        lines.append(f"| {key} | {pct(result[key])} |")
    for group in ("by_kind", "by_style", "by_lang"):
        lines += ["", f"## {group}", "", "| | 件数 | certain | certain+possible | 番号が正しい |",
                  "|---|---|---|---|---|"]
        for k, v in result[group].items():
            lines.append(f"| {k} | {v['n']} | {pct(v['recall_certain'])} | "
                         f"{pct(v['recall_any'])} | {pct(v['right_numbers'])} |")
    missed = [r for r in rows if r.item.expect == "emergency" and r.tier != "certain"]
    alarms = [r for r in rows if r.item.expect == "none" and r.tier]
    for title, chosen in (("見逃し・possible 止まり", missed), ("誤報", alarms)):
        lines += ["", f"## {title}（最大 {failures} 件）", ""]
        lines += [f"- {r.item.id} [{r.item.kind}] {r.item.text} → {r.tier or 'なし'} "
                  f"{r.found_kind} {r.reason}" for r in chosen[:failures]]
    return "\n".join(lines) + "\n"


def write(out: Path, result: dict[str, Any], rows: list[SafetyRow]) -> None:
    """safety.json, safety_rows.jsonl and safety.md in `out`."""
    out.mkdir(parents=True, exist_ok=True)
    (out / "safety.json").write_text(json.dumps(result, ensure_ascii=False, indent=1),
                                     encoding="utf-8")
    (out / "safety_rows.jsonl").write_text(
        "".join(json.dumps(r.as_dict(), ensure_ascii=False) + "\n" for r in rows),
        encoding="utf-8")
    (out / "safety.md").write_text(render(result, rows), encoding="utf-8")


def add_parser(sub: Any) -> None:
    """`madoguchi eval safety`: the safety gold against the safety gate (no index needed)."""
    p = sub.add_parser("safety",
                       help="緊急検知を安全性の正解データで評価する（種類別の再現率・誤報率）")
    p.add_argument("--gold", type=Path, required=True, metavar="FILE.jsonl",
                   help="安全性の正解データ（例: corpora/kazamino/gold_safety.jsonl）")
    p.add_argument("--split", choices=("dev", "test"), default=None,
                   help="この split の問だけを使う（既定: すべて）")
    p.add_argument("--floors", type=Path, default=None, metavar="FILE",
                   help="下限・上限の JSON（{\"floors\": {...}, \"ceilings\": {...}}）。"
                        "破ると終了コード 1")
    p.add_argument("--out", type=Path, default=None, metavar="DIR",
                   help="safety.md / safety.json / safety_rows.jsonl を書き出すフォルダ")
    p.add_argument("--quiet", action="store_true", help="要約だけを表示する")


def command(args: Any, emergency_path: Path, embedder_name: str) -> int:
    """Run the safety gold; 0 when within the floors, 1 when not, 2 for unusable input."""
    import sys

    from ingest.embed import make_embedder

    try:
        items = load(args.gold, args.split)
        limits = json.loads(args.floors.read_text(encoding="utf-8")) if args.floors else {}
    except (OSError, ValueError) as exc:
        print(f"安全性の正解データ・下限ファイルを読めません: {exc}", file=sys.stderr)
        return 2
    detector = EmergencyDetector.load(emergency_path, make_embedder(embedder_name))
    rows = run(detector, items)
    result = summary(rows)
    if args.out:
        write(args.out, result, rows)
    print(render(result, rows, failures=0 if args.quiet else 20))
    try:
        broken = check(result, limits.get("floors", {}), limits.get("ceilings", {}))
    except ValueError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    for line in broken:
        print(f"下回りました: {line}", file=sys.stderr)
    return 1 if broken else 0
