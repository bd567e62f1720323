"""The report's charts as PNG bytes (matplotlib, Agg backend, no windows, no pyplot state)."""

from __future__ import annotations

import io
import math
import warnings
from collections.abc import Sequence
from typing import Any

import matplotlib

matplotlib.use("Agg")

from matplotlib import font_manager  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from eval.metrics import SweepPoint, percentile  # noqa: E402
from eval.rows import Value  # noqa: E402

CJK_FONTS = ("Noto Sans CJK JP", "Noto Sans JP", "IPAexGothic", "IPAGothic", "TakaoGothic",
             "Hiragino Sans", "Yu Gothic", "Meiryo")


def font_family() -> list[str]:
    """DejaVu Sans, then whatever Japanese font is installed (labels may be Japanese)."""
    installed = {f.name for f in font_manager.fontManager.ttflist}
    return ["DejaVu Sans", *(f for f in CJK_FONTS if f in installed)]


def _png(fig: Figure) -> bytes:
    buf = io.BytesIO()
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Glyph .* missing")
        fig.savefig(buf, format="png", dpi=100, bbox_inches="tight")
    return buf.getvalue()


def _style() -> Any:
    """Chart-local settings (fonts able to show Japanese labels when installed)."""
    return matplotlib.rc_context({"font.family": font_family(), "font.size": 9})


def _num(v: Value) -> float:
    return float(v) if isinstance(v, int | float) else math.nan


def precision_coverage(points: Sequence[SweepPoint], answer_threshold: float | None = None
                       ) -> bytes:
    """Precision against coverage as the confidence threshold moves from 0 to 1."""
    with _style():
        return _precision_coverage(points, answer_threshold)


def _precision_coverage(points: Sequence[SweepPoint], answer_threshold: float | None) -> bytes:
    fig = Figure(figsize=(6.4, 4.0))
    ax = fig.add_subplot()
    shown = [p for p in points if p.precision is not None and p.coverage is not None]
    xs, ys = [p.coverage or 0.0 for p in shown], [p.precision or 0.0 for p in shown]
    ax.plot(xs, ys, color="#336", linewidth=1.5)
    cloud = ax.scatter(xs, ys, c=[p.threshold for p in shown], cmap="viridis", s=14, zorder=3)
    fig.colorbar(cloud, ax=ax, label="confidence threshold")
    if answer_threshold is not None and shown:
        here = min(shown, key=lambda p: abs(p.threshold - answer_threshold))
        ax.scatter([here.coverage or 0.0], [here.precision or 0.0], s=90, facecolors="none",
                   edgecolors="red", zorder=4, label=f"answer threshold {answer_threshold:.2f}")
        ax.legend(loc="lower left")
    ax.set(xlabel="coverage (answerable questions answered)",
           ylabel="precision (answers with a grade-2 top passage)", xlim=(0, 1.02),
           ylim=(0, 1.02), title="Precision vs coverage")
    ax.grid(alpha=0.3)
    return _png(fig)


def metrics_by_group(groups: dict[str, dict[str, Value]], names: Sequence[str],
                     title: str = "Metrics by type") -> bytes:
    """Grouped bars: one group per type (or category), one bar per metric."""
    with _style():
        return _metrics_by_group(groups, names, title)


def _metrics_by_group(groups: dict[str, dict[str, Value]], names: Sequence[str],
                      title: str) -> bytes:
    fig = Figure(figsize=(max(6.4, 0.9 * len(groups) + 2), 4.2))
    ax = fig.add_subplot()
    width = 0.8 / max(len(names), 1)
    for i, name in enumerate(names):
        xs = [g + i * width for g in range(len(groups))]
        ax.bar(xs, [_num(v.get(name)) for v in groups.values()], width, label=name)
    ax.set_xticks([g + 0.4 - width / 2 for g in range(len(groups))])
    ax.set_xticklabels([f"{k}\n(n={v.get('n')})" for k, v in groups.items()], fontsize=8)
    ax.set(ylim=(0, 1.05), title=title)
    ax.legend(fontsize=7, ncol=min(len(names), 4), loc="upper center",
              bbox_to_anchor=(0.5, -0.18))
    ax.grid(axis="y", alpha=0.3)
    return _png(fig)


def latency_histogram(latencies_ms: Sequence[float]) -> bytes:
    """Distribution of per-question latency, with p50 and p95 marked."""
    with _style():
        fig = Figure(figsize=(6.4, 3.4))
        ax = fig.add_subplot()
        if latencies_ms:
            ax.hist(latencies_ms, bins=min(30, max(5, len(latencies_ms) // 3)), color="#69c")
            for q, style in ((50, "--"), (95, ":")):
                v = percentile(latencies_ms, q) or 0.0
                ax.axvline(v, color="black", linestyle=style, label=f"p{q} = {v:.0f} ms")
            ax.legend()
        ax.set(xlabel="latency per question (ms)", ylabel="questions", title="Latency")
        return _png(fig)
