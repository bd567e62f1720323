"""Does the evidence say a question's need is not covered? (issue 10, near misses)

`python -m eval.coverage_study --run INDEX RESULTS.jsonl [--run INDEX RESULTS.jsonl …]`

A question the documents do not answer but that sounds like one they do (「マイナ保険証の登録を
解除したい」 next to 「マイナ保険証の利用登録」) is offered choices instead of a person. This study
reads eval runs (`madoguchi eval --out DIR` writes DIR/results.jsonl; each row keeps its trace:
the query searched, its tokens, the choices the pipeline would offer) and the index each was run
on, and measures signals that the question's specific need is missing from those choices:

- the query-term idf mass that the top passage / every choice / every choice's title lacks;
- the most specific (highest-idf) query term, and the last content word (the need: 解除, 移す,
  取り消す …), missing from every choice or every choice's title;
- the share of query terms the index has never seen;
- agreement of the keyword and the dense top five; the best choice's question cosine and term
  coverage.

It reports (1) for each signal and run, the AUROC separating not-covered questions from
answerable ones whose clarify offered a right choice, among the questions that got a clarify;
(2) a leave-one-run-out check of a veto (a logistic over P(a right choice), P(top-1 right) and
the signals turns a clarify into a handoff above a level chosen on the other runs so that none
of them loses more than one resolved question): resolved and handoff F1 of the held-out run
before → after. Runs on dev splits only; the outcome is recorded in docs/decisions.md.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from eval import metrics as m
from eval.calibrate import fit_logistic, predict
from eval.rows import ResultRow
from ingest.keyword import Bm25

# Verbs that say nothing of the need (する, ある, いる …): the last content word is the one before.
LIGHT_VERBS = frozenset({"為る", "有る", "居る", "成る", "見る", "出来る", "行く", "来る", "言う",
                         "思う", "良い", "遣る", "貰う", "呉れる", "下さる", "出す", "取る"})
SIGNALS = ("miss_top", "miss_choices", "miss_titles", "miss_idf_max", "unseen", "specific_miss",
           "specific_title_miss", "need_miss", "need_title_miss", "keyword_dense_overlap",
           "choice_cos", "choice_title_coverage", "choice_coverage")
BASE = ("p_choices", "p_top")
LOST_PER_RUN = 1  # resolved questions a veto may cost each training run


@dataclass(frozen=True)
class Terms:
    """A query's own terms (request phrases dropped, synonyms not added) with their idf, and in
    which of the choices (full text, title) each occurs; choice 0 is the top passage."""

    idf: dict[str, float]
    seen: dict[str, bool]
    in_text: dict[str, list[bool]]
    in_title: dict[str, list[bool]]


def lexical(t: Terms, max_idf: float) -> dict[str, float]:
    """The lexical signals of one query (0 for a query without terms)."""
    own = list(t.idf)
    if not own:
        return dict.fromkeys(SIGNALS[:9], 0.0)
    total = sum(t.idf.values()) or 1.0

    def missing(where: dict[str, list[bool]], first_only: bool = False) -> Callable[[str], bool]:
        return lambda w: not any(where[w][:1] if first_only else where[w])

    text_miss, title_miss = missing(t.in_text), missing(t.in_title)
    specific = max(own, key=lambda w: t.idf[w])
    content = [w for w in own if w not in LIGHT_VERBS and not w.isdigit()]
    need = content[-1] if content else own[-1]
    return {
        "miss_top": sum(t.idf[w] for w in own if missing(t.in_text, True)(w)) / total,
        "miss_choices": sum(t.idf[w] for w in own if text_miss(w)) / total,
        "miss_titles": sum(t.idf[w] for w in own if title_miss(w)) / total,
        "miss_idf_max": max([t.idf[w] for w in own if text_miss(w)], default=0.0) / max_idf,
        "unseen": sum(t.idf[w] for w in own if not t.seen[w]) / total,
        "specific_miss": float(text_miss(specific)),
        "specific_title_miss": float(title_miss(specific)),
        "need_miss": float(text_miss(need)),
        "need_title_miss": float(title_miss(need)),
    }


def retrieval_signals(step: dict[str, object], options: Sequence[str]) -> dict[str, float]:
    """Signals read from the trace's retrieve step: keyword/dense agreement, best choice."""
    def ids(key: str) -> list[str]:
        raw = step.get(key) or []
        return [str(pair[0]) for pair in raw][:5] if isinstance(raw, list) else []

    fused = step.get("fused_top") or []
    by_id = {h["doc_id"]: h for h in fused if isinstance(h, dict)} if isinstance(fused, list) \
        else {}
    chosen = [by_id[d] for d in options if d in by_id] or [{}]
    return {"keyword_dense_overlap": len(set(ids("keyword_top")) & set(ids("dense_top"))) / 5,
            "choice_cos": max(float(h.get("cos_head", 0.0)) for h in chosen),
            "choice_title_coverage": max(float(h.get("head_coverage", 0.0)) for h in chosen),
            "choice_coverage": max(float(h.get("coverage", 0.0)) for h in chosen)}


class Index:
    """The generation a run was made on: term statistics and where terms occur."""

    def __init__(self, directory: Path) -> None:
        from ingest.store import ChromaConfig, Generation, IndexPaths
        from ingest.text import Tokenizer

        self.gen = Generation.open(IndexPaths(directory), ChromaConfig())
        self.tokenizer = Tokenizer()

    def terms(self, normalized: str, options: Sequence[str]) -> Terms:
        full, head = self.gen.keyword_full, self.gen.keyword_head
        own = list(dict.fromkeys(self.tokenizer.query_tokens(normalized)))
        rows = [self.gen.rows[d] for d in options if d in self.gen.rows]

        def occurs(bm: Bm25, term: str) -> list[bool]:
            i = bm.vocab.get(term)
            if i is None:
                return [False] * len(rows)
            postings = bm.docs[bm.indptr[i]:bm.indptr[i + 1]]
            return [bool(np.any(postings == r)) for r in rows]

        return Terms({w: full.term_idf(w) for w in own}, {w: w in full.vocab for w in own},
                     {w: occurs(full, w) for w in own}, {w: occurs(head, w) for w in own})

    def signals(self, row: ResultRow) -> dict[str, float] | None:
        """Every study signal of a row that got past the guard; None otherwise."""
        steps = {s.get("step"): s for s in (row.trace or {}).get("steps", [])}
        step = steps.get("retrieve")
        if row.signals is None or step is None:
            return None
        terms = self.terms(str(step.get("normalized", "")), row.options)
        return {**lexical(terms, self.gen.keyword_full.max_idf),
                **retrieval_signals(step, row.options),
                "p_choices": row.p_choices or 0.0, "p_top": row.confidence}


@dataclass
class Run:
    name: str
    rows: list[ResultRow]
    x: list[dict[str, float] | None]


def resolved(r: ResultRow, decision: str) -> bool:
    if decision == "answer":
        return m.answer_correct(r.citations, r.relevant)
    return decision == "clarify" and m.clarify_resolved(r.choices, r.relevant)


def score(run: Run, decisions: Sequence[str]) -> tuple[int, float]:
    """Resolved answerable questions and handoff F1 under these decisions."""
    ok = sum(resolved(r, d) for r, d in zip(run.rows, decisions, strict=True)
             if r.expect == "answer")
    f1 = m.handoff_prf([r.expect for r in run.rows], list(decisions)).f1
    return ok, f1 or 0.0


def clarified(r: ResultRow, x: dict[str, float] | None) -> bool:
    """A clarify of the decision step (not the one of a message asking two things)."""
    steps = (r.trace or {}).get("steps", [])
    two = any(s.get("step") == "decide" and str(s.get("reason", "")).startswith("2 つ")
              for s in steps)
    return x is not None and r.outcome == "clarify" and not two


def separation(run: Run, name: str) -> float | None:
    """AUROC of a signal: not-covered (positive) against resolved answerable, among clarifies."""
    pairs = [(x[name], r.expect == "handoff") for r, x in zip(run.rows, run.x, strict=True)
             if clarified(r, x) and x is not None
             and (r.expect == "handoff" or (r.expect == "answer" and resolved(r, "clarify")))]
    return m.auroc([p[0] for p in pairs], [p[1] for p in pairs])


def vetoed(run: Run, features: Sequence[str], w: np.ndarray, b: float, level: float
           ) -> list[str]:
    out = []
    for r, x in zip(run.rows, run.x, strict=True):
        if clarified(r, x) and x is not None:
            p = float(predict(np.array([[x[f] for f in features]]), w, b)[0])
            out.append("handoff" if p >= level else r.decision)
        else:
            out.append(r.decision)
    return out


def leave_one_out(runs: Sequence[Run], features: Sequence[str]) -> list[str]:
    """Per held-out run: the veto fitted on the others, resolved and handoff F1 before → after."""
    lines = []
    for held in runs:
        others = [r for r in runs if r is not held]
        data = [(x, row.expect == "handoff") for run in others
                for row, x in zip(run.rows, run.x, strict=True)
                if clarified(row, x) and x is not None and row.expect in ("answer", "handoff")]
        w, b = fit_logistic(np.array([[x[f] for f in features] for x, _ in data]),
                            np.array([y for _, y in data], dtype=float))
        base = {run.name: score(run, [r.decision for r in run.rows])[0] for run in others}
        level = 1.0
        for t in np.arange(0.99, 0.0, -0.01):
            if any(base[run.name] - score(run, vetoed(run, features, w, b, t))[0] > LOST_PER_RUN
                   for run in others):
                break
            level = float(t)
        (r0, f0), (r1, f1) = (score(held, [r.decision for r in held.rows]),
                              score(held, vetoed(held, features, w, b, level)))
        lines.append(f"| {held.name} | {level:.2f} | {r0} → {r1} | {f0:.3f} → {f1:.3f} |")
    return lines


def load_run(index: Index, path: Path) -> Run:
    rows = [ResultRow.model_validate_json(line) for line in
            path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return Run(path.parent.name, rows, [index.signals(r) for r in rows])


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    p.add_argument("--run", nargs=2, action="append", required=True,
                   metavar=("INDEX", "RESULTS"), help="an eval run's results.jsonl and its index")
    args = p.parse_args(argv)
    indexes: dict[str, Index] = {}
    runs = [load_run(indexes.setdefault(i, Index(Path(i))), Path(r)) for i, r in args.run]
    print("| signal | " + " | ".join(r.name for r in runs) + " |")
    print("|---" * (1 + len(runs)) + "|")
    for name in (*BASE, *SIGNALS):
        cells = [separation(run, name) for run in runs]
        print(f"| {name} | " + " | ".join(f"{c:.2f}" if c is not None else "–" for c in cells)
              + " |")
    for features in (BASE, (*BASE, *SIGNALS)):
        print(f"\nveto over {', '.join(features)}\n\n| held out | level | resolved | handoff F1 |"
              "\n|---|---|---|---|")
        print("\n".join(leave_one_out(runs, features)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
