"""Replies as terminal text and as the batch JSON contract."""

from __future__ import annotations

import json
from typing import Any

from bot.pipeline.outcome import Reply

DECISION_JA = {"answer": "回答", "clarify": "聞き返し", "handoff": "職員へ引き継ぎ",
               "emergency": "緊急"}
COMPOSER_JA = {"extractive": "資料の抜粋", "llm": "生成（出典を検査済み）"}


def batch_row(qid: Any, reply: Reply) -> dict[str, Any]:
    """One line of `madoguchi ask --batch` output (the contract documented in the README)."""
    row: dict[str, Any] = {
        "id": qid,
        "question": reply.question,
        "decision": reply.decision,
        "outcome": reply.outcome.value,
        "confidence": reply.confidence,
        "answer": reply.answer,
        "citations": [{"doc_id": c.doc_id, "title": c.title, "locator": c.locator, "url": c.url,
                       "department": c.department} for c in reply.citations],
        "candidates": [{"doc_id": c.doc_id, "score": c.score} for c in reply.candidates[:20]],
        "choices": [{"doc_id": c.doc_id, "label": c.label} for c in reply.choices],
        "department": reply.department,
        "timings_ms": {s["step"]: s.get("ms") for s in reply.trace.get("steps", [])},
        "composer": reply.composer,
    }
    if reply.fallback_reason:
        row["fallback_reason"] = reply.fallback_reason
    return row


def render_text(reply: Reply, trace: bool = False) -> str:
    lines = [reply.answer, "",
             f"判定: {DECISION_JA[reply.decision]}（{reply.outcome.value}）  確信度: "
             f"{reply.confidence:.2f}"]
    if reply.composer == "llm" or reply.fallback_reason:
        lines.append(f"作成: {COMPOSER_JA[reply.composer]}" + (
            f"（生成回答は不採用: {reply.fallback_reason}）" if reply.fallback_reason else ""))
    if reply.choices:
        lines.append("候補: " + " / ".join(f"{c.label} ({c.doc_id})" for c in reply.choices))
    if trace:
        lines += ["", "── トレース ──"]
        for step in reply.trace.get("steps", []):
            lines.append(json.dumps(step, ensure_ascii=False, indent=1))
        lines.append("上位候補: " + ", ".join(f"{c.doc_id}={c.score:.3f}"
                                             for c in reply.candidates[:10]))
    return "\n".join(lines)
