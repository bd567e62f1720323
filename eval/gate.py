"""The regression gate: headline metrics against floors (and ceilings) stored in the repo.

floors.json: {"floors": {"hit@1": 0.8, …}, "ceilings": {"privacy_echo_rate": 0.0}, …};
other keys (note, gold, split) are documentation."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from eval.rows import HEADLINE, Value


class FloorsError(ValueError):
    """A floors file that cannot be used."""


@dataclass(frozen=True)
class Limits:
    floors: dict[str, float] = field(default_factory=dict)
    ceilings: dict[str, float] = field(default_factory=dict)


def parse_limits(data: Any, where: str = "floors") -> Limits:
    """Limits from the floors JSON; unknown metric names are an error (a typo must not pass)."""
    if not isinstance(data, dict):
        raise FloorsError(f"{where}: expected a JSON object")
    limits = {}
    for key in ("floors", "ceilings"):
        part = data.get(key, {})
        if not isinstance(part, dict):
            raise FloorsError(f"{where}: {key!r} must be an object of metric → number")
        unknown = sorted(set(part) - set(HEADLINE))
        if unknown:
            raise FloorsError(f"{where}: unknown metric(s) in {key}: {', '.join(unknown)} "
                              f"(known: {', '.join(HEADLINE)})")
        bad = [k for k, v in part.items() if not isinstance(v, int | float)]
        if bad:
            raise FloorsError(f"{where}: {key} of {', '.join(bad)} must be numbers")
        limits[key] = {k: float(v) for k, v in part.items()}
    return Limits(limits["floors"], limits["ceilings"])


def load_limits(path: Path) -> Limits:
    """Read and check a floors file."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise FloorsError(f"{path}: not valid JSON ({exc.msg}, line {exc.lineno})") from None
    return parse_limits(data, str(path))


def _shown(v: Value) -> str:
    return f"{v:.3f}" if isinstance(v, float) else str(v)


def check(overall: dict[str, Value], limits: Limits) -> list[str]:
    """One message per headline metric below its floor or above its ceiling (empty: pass).
    A metric that could not be measured (n/a) fails: the gate cannot vouch for it."""
    problems = []
    for name, floor in limits.floors.items():
        v = overall.get(name)
        if not isinstance(v, int | float):
            problems.append(f"{name}: not measured ({_shown(v)}), floor {floor:g}")
        elif v < floor:
            problems.append(f"{name}: {v:.3f} is below its floor {floor:g}")
    for name, ceiling in limits.ceilings.items():
        v = overall.get(name)
        if not isinstance(v, int | float):
            problems.append(f"{name}: not measured ({_shown(v)}), ceiling {ceiling:g}")
        elif v > ceiling:
            problems.append(f"{name}: {v:.3f} is above its ceiling {ceiling:g}")
    return problems
