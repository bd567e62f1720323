"""The worst failures of a run, by kind, each with a condensed trace of what the bot saw."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

from eval.rows import ResultRow

FAILURE_KINDS: dict[str, str] = {
    "answered_wrongly": "Answered, but the main citation does not answer the question "
                        "(highest confidence first)",
    "missed_emergencies": "Emergencies not treated as emergencies",
    "false_handoffs": "Answerable questions handed off (those whose top passage had grade 2 "
                      "first)",
    "unresolved_clarify": "Clarify replies whose choices hold no grade-2 passage",
    "privacy_echoes": "Replies that repeat personal data from the question",
}


def _kinds() -> dict[str, tuple[Callable[[ResultRow], bool], Callable[[ResultRow], Any]]]:
    return {
        "answered_wrongly": (lambda r: r.metrics.get("answer_correct") == 0.0,
                             lambda r: -r.confidence),
        "missed_emergencies": (lambda r: r.expect == "emergency" and r.decision != "emergency",
                               lambda r: r.id),
        "false_handoffs": (lambda r: r.expect == "answer" and r.decision == "handoff",
                           lambda r: (r.top_grade != 2, -r.confidence)),
        "unresolved_clarify": (lambda r: r.metrics.get("clarify_resolved") == 0.0,
                               lambda r: -r.confidence),
        "privacy_echoes": (lambda r: bool(r.echoed_pii), lambda r: r.id),
    }


def worst_failures(rows: Sequence[ResultRow], limit: int = 10) -> dict[str, list[ResultRow]]:
    """Up to `limit` rows per failure kind, worst first; kinds with no rows are kept empty."""
    return {kind: sorted((r for r in rows if bad(r)), key=order)[:limit]
            for kind, (bad, order) in _kinds().items()}


def trace_summary(row: ResultRow, top: int = 5) -> dict[str, Any]:
    """The parts of a turn's trace that explain a decision, shortened for a report."""
    steps = {s.get("step"): s for s in (row.trace or {}).get("steps", [])}
    out: dict[str, Any] = {}
    if "guard" in steps and steps["guard"].get("outcome") != "pass":
        out["guard"] = steps["guard"].get("reason", "")
    if "retrieve" in steps:
        r = steps["retrieve"]
        out |= {"normalized": r.get("normalized"), "tokens": r.get("tokens"),
                "expansions": r.get("expansions"),
                "keyword_top": r.get("keyword_top", [])[:top],
                "dense_top": r.get("dense_top", [])[:top],
                "fused_top": [_graded(h, row.relevant) for h in r.get("fused_top", [])[:top]]}
    if "confidence" in steps:
        out |= {"confidence": steps["confidence"].get("score"),
                "signals": steps["confidence"].get("signals")}
    if "decide" in steps:
        out["decide"] = steps["decide"].get("reason")
    return out


def trace_text(summary: dict[str, Any]) -> str:
    """A trace summary as compact text: one line per field, one line per ranked passage."""
    lines = []
    for key, value in summary.items():
        if isinstance(value, list) and value and isinstance(value[0], dict):
            lines.append(f"{key}:")
            lines += ["  " + json.dumps(v, ensure_ascii=False) for v in value]
        else:
            shown = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
            lines.append(f"{key}: {shown}")
    return "\n".join(lines)


def _graded(hit: dict[str, Any], qrels: dict[str, int]) -> dict[str, Any]:
    return {"doc_id": hit.get("doc_id"), "grade": qrels.get(str(hit.get("doc_id")), 0),
            "fused": hit.get("fused"), "keyword": hit.get("keyword"), "head": hit.get("head"),
            "cos_head": hit.get("cos_head"), "cos_body": hit.get("cos_body")}
