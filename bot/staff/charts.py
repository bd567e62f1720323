"""Charts as inline SVG, drawn on the server: no CDN, no script, readable by screen readers
(role="img" with a label, every bar with a <title>), and printable."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape

PALETTE = {"answer": "#2e7d32", "clarify": "#f2a900", "handoff": "#0b57a4",
           "emergency": "#b00020"}
DEFAULT = "#0b57a4"
WIDTH, HEIGHT, LEFT, BOTTOM, TOP = 720, 220, 40, 36, 12


def _frame(label: str, body: list[str], legend: str = "") -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
            f'role="img" aria-label="{escape(label)}" font-size="11" '
            f'font-family="sans-serif">{"".join(body)}{legend}</svg>')


def _axis(peak: int) -> list[str]:
    base = HEIGHT - BOTTOM
    return [f'<line x1="{LEFT}" y1="{base}" x2="{WIDTH}" y2="{base}" stroke="#888"/>',
            f'<text x="{LEFT - 4}" y="{TOP + 4}" text-anchor="end">{peak}</text>',
            f'<text x="{LEFT - 4}" y="{base}" text-anchor="end">0</text>']


def _label_step(n: int) -> int:
    return max(1, -(-n // 16))


def stacked_bars(label: str, categories: Sequence[str], series: Mapping[str, Sequence[int]],
                 names: dict[str, str] | None = None) -> str:
    """One bar per category, stacked by series (a single series is a plain bar chart)."""
    names = names or {}
    n = max(len(categories), 1)
    totals = [sum(vals[i] for vals in series.values()) for i in range(len(categories))]
    peak = max(totals, default=0) or 1
    slot = (WIDTH - LEFT) / n
    bar = min(max(slot * 0.7, 1.0), 60.0)
    scale = (HEIGHT - BOTTOM - TOP) / peak
    body = _axis(peak)
    step = _label_step(len(categories))
    for i, cat in enumerate(categories):
        x = LEFT + i * slot + (slot - bar) / 2
        y = float(HEIGHT - BOTTOM)
        for key, vals in series.items():
            h = vals[i] * scale
            if h <= 0:
                continue
            y -= h
            tip = f"{cat} {names.get(key, key)}: {vals[i]}"
            body.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{h:.1f}" '
                        f'fill="{PALETTE.get(key, DEFAULT)}"><title>{escape(tip)}</title></rect>')
        if i % step == 0:
            body.append(f'<text x="{x + bar / 2:.1f}" y="{HEIGHT - BOTTOM + 14}" '
                        f'text-anchor="middle">{escape(cat)}</text>')
    legend = ""
    if len(series) > 1:
        parts = []
        for j, key in enumerate(series):
            lx = LEFT + j * 120
            parts.append(f'<rect x="{lx}" y="{HEIGHT - 14}" width="10" height="10" '
                         f'fill="{PALETTE.get(key, DEFAULT)}"/><text x="{lx + 14}" '
                         f'y="{HEIGHT - 5}">{escape(names.get(key, key))}</text>')
        legend = "".join(parts)
    return _frame(label, body, legend)


def bars(label: str, categories: Sequence[str], values: Sequence[int]) -> str:
    return stacked_bars(label, categories, {"count": values})
