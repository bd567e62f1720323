"""`madoguchi eval --composer llm`: the gold questions answered by the extractive and by the
generative composer, side by side.

For every generated answer (used or not) groundedness is measured in code from the trace:
citation validity, uncited sentences and facts (numbers, dates, phones, URLs, names) that the
cited passages do not state. When `MADOGUCHI_LLM__JUDGE_MODEL` is set, a model also judges the
faithfulness and relevance of every answer shown to the resident, for both composers.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import HumanMessage, SystemMessage

from bot.llm import checks
from bot.llm.composer import Extractive
from bot.llm.facts import NameFinder
from bot.pipeline.run import Pipeline
from eval import metrics as m
from eval.document import Block, Heading, Para, Table, to_markdown
from eval.gold import GoldItem
from eval.report import fmt
from eval.rows import ResultRow
from eval.runner import aggregate, run_gold
from ingest.schema import Passage

JUDGE_PROMPT = Path(__file__).resolve().parent / "judge_prompt.toml"
COMPOSERS = ("extractive", "llm")
COLUMNS = ("answered", "coverage", "answered_precision", "citation_accuracy", "answer_chars",
           "faithfulness", "answer_relevance", "latency_p50_ms", "latency_p95_ms")
GROUNDEDNESS = ("generated", "used_rate", "citation_validity", "uncited_sentence_rate",
                "unsupported_facts_per_answer", "answers_with_unsupported_fact")


@dataclass(frozen=True)
class Grounding:
    """Groundedness of one generated answer, measured in code."""

    citations: int
    valid_citations: int
    sentences: int
    uncited: int
    unsupported: list[str]
    used: bool
    fallback_reason: str | None


def generate_step(row: ResultRow) -> dict[str, Any] | None:
    steps = (row.trace or {}).get("steps", [])
    return next((s for s in steps if s.get("step") == "generate"), None)


def grounding(step: dict[str, Any], passages: dict[str, Passage],
              names: NameFinder) -> Grounding | None:
    """None when the model produced no text (timeout, error)."""
    raw = step.get("raw_output")
    if raw is None:
        return None
    given = [passages[d] for d in step["passages"] if d in passages]
    marks = checks.markers(raw)
    sentences = checks.sentences(raw)
    uncited = [s for s in sentences if not checks.markers(s)]
    missing = []
    for s in sentences:
        cited = [given[n - 1] for n in checks.markers(s) if 1 <= n <= len(given)]
        missing += checks.unsupported(s, cited, names)
    return Grounding(len(marks), sum(1 <= n <= len(given) for n in marks), len(sentences),
                     len(uncited), missing, bool(step.get("used")), step.get("fallback_reason"))


def groundedness(gs: Sequence[Grounding]) -> dict[str, Any]:
    """Aggregates over the generated answers."""
    return {
        "generated": len(gs),
        "used_rate": m.rate(g.used for g in gs),
        "citation_validity": (sum(g.valid_citations for g in gs) / sum(g.citations for g in gs)
                              if any(g.citations for g in gs) else None),
        "uncited_sentence_rate": (sum(g.uncited for g in gs) / sum(g.sentences for g in gs)
                                  if any(g.sentences for g in gs) else None),
        "unsupported_facts_per_answer": m.mean(float(len(g.unsupported)) for g in gs),
        "answers_with_unsupported_fact": m.rate(bool(g.unsupported) for g in gs),
    }


@dataclass(frozen=True)
class Judge:
    """A model that scores an answer's faithfulness to its sources and relevance (0–1)."""

    model: BaseChatModel
    system: str
    user: str

    @classmethod
    def load(cls, model: BaseChatModel, path: Path = JUDGE_PROMPT) -> Judge:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        return cls(model, data["system"]["text"], data["user"]["text"])

    def score(self, question: str, answer: str, sources: list[Passage]) -> dict[str, float | None]:
        quoted = "\n\n".join(f"[{i}] {p.text}" for i, p in enumerate(sources, start=1))
        try:
            out = self.model.invoke([SystemMessage(self.system), HumanMessage(self.user.format(
                question=question, answer=answer, sources=quoted))]).text
            data = json.loads(re.search(r"\{.*\}", out, re.S).group(0))  # type: ignore[union-attr]
            return {k: min(1.0, max(0.0, float(data[k])))
                    for k in ("faithfulness", "answer_relevance")}
        except Exception:  # noqa: BLE001 - an unreadable verdict is a missing score
            return {"faithfulness": None, "answer_relevance": None}


def column(rows: Sequence[ResultRow], verdicts: list[dict[str, float | None]]) -> dict[str, Any]:
    """The side-by-side metrics of one composer."""
    overall = aggregate(rows)
    answered = [r for r in rows if r.decision == "answer"]
    return {"answered": len(answered),
            **{k: overall[k] for k in ("coverage", "answered_precision", "citation_accuracy",
                                       "latency_p50_ms", "latency_p95_ms")},
            "answer_chars": m.mean(float(len(r.answer)) for r in answered),
            "faithfulness": m.mean(v["faithfulness"] for v in verdicts),
            "answer_relevance": m.mean(v["answer_relevance"] for v in verdicts)}


def _verdicts(rows: Sequence[ResultRow], judge: Judge | None,
              passages: dict[str, Passage]) -> list[dict[str, float | None]]:
    if judge is None:
        return []
    return [judge.score(r.question, r.answer, [passages[d] for d in r.citations if d in passages])
            for r in rows if r.decision == "answer"]


def compare_composers(pipeline: Pipeline, items: Sequence[GoldItem], judge: Judge | None = None,
                      progress: Callable[[int], None] | None = None) -> dict[str, Any]:
    """Answer the gold with both composers; the side-by-side data and both sets of rows."""
    passages = {p.doc_id: p for p in pipeline.retriever.index.get().passages}
    runs = {"extractive": run_gold(replace(pipeline, composer=Extractive()), items, progress),
            "llm": run_gold(pipeline, items, progress)}
    names = NameFinder()
    steps = [s for s in (generate_step(r) for r in runs["llm"]) if s is not None]
    gs = [g for g in (grounding(s, passages, names) for s in steps) if g is not None]
    return {
        "n": len(items), "judge": judge is not None,
        "columns": {c: column(rows, _verdicts(rows, judge, passages))
                    for c, rows in runs.items()},
        "groundedness": groundedness(gs),
        "fallback_reasons": dict(Counter(s.get("fallback_reason") or "(used)" for s in steps)),
        "unsupported_examples": [u for g in gs for u in g.unsupported][:20],
        "rows": {c: [r.model_dump(mode="json") for r in rows] for c, rows in runs.items()},
        "groundings": [asdict(g) for g in gs],
    }


def document(data: dict[str, Any]) -> list[Block]:
    cols = data["columns"]
    judged = "" if data["judge"] else "（判定モデル未設定: MADOGUCHI_LLM__JUDGE_MODEL）"
    blocks: list[Block] = [
        Heading("抜粋（extractive）と生成（llm）の比較", 1),
        Para(f"{data['n']} 問。faithfulness / answer_relevance は LLM 判定{judged}。"),
        Table(["metric", *COMPOSERS], [[k, *(fmt(k, cols[c][k]) for c in COMPOSERS)]
                                       for k in COLUMNS]),
        Heading("生成回答の根拠性（コードで測定）"),
        Table(["metric", "value"], [[k, fmt(k, data["groundedness"][k])] for k in GROUNDEDNESS]),
        Heading("不採用の理由"),
        Table(["fallback_reason", "count"], [[k, str(v)] for k, v in
                                             sorted(data["fallback_reasons"].items())]),
    ]
    if data["unsupported_examples"]:
        blocks.append(Para("出典にない事実の例: " + "、".join(data["unsupported_examples"])))
    return blocks


def write(data: dict[str, Any], out: Path) -> dict[str, Path]:
    """composers.md, composers.json and one results file per composer."""
    out.mkdir(parents=True, exist_ok=True)
    paths = {"markdown": out / "composers.md", "json": out / "composers.json"}
    paths["markdown"].write_text(to_markdown(document(data)), encoding="utf-8")
    summary = {k: v for k, v in data.items() if k != "rows"}
    paths["json"].write_text(json.dumps(summary, ensure_ascii=False, indent=1), encoding="utf-8")
    for c, rows in data["rows"].items():
        paths[c] = out / f"results-{c}.jsonl"
        paths[c].write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows),
                            encoding="utf-8")
    return paths


def summary_text(data: dict[str, Any]) -> str:
    cols, g = data["columns"], data["groundedness"]
    lines = [f"{data['n']} 問: {'':<28} extractive   llm"]
    lines += [f"  {k:<36} {fmt(k, cols['extractive'][k]):>10} {fmt(k, cols['llm'][k]):>8}"
              for k in COLUMNS]
    lines += [f"  {k:<36} {fmt(k, g[k]):>19}" for k in GROUNDEDNESS]
    lines.append("  fallback: " + ", ".join(f"{k} {v}" for k, v in
                                            sorted(data["fallback_reasons"].items())))
    return "\n".join(lines)
