"""Would a learned ranker beat today's fusion? (issue 10, item 3)

`python -m eval.ranker_study --index DIR --gold gold.jsonl --gold gold_resident.jsonl`

Each answerable question is retrieved as the pipeline would (question sentence, conversation
topic for follow-ups); every one of its top-20 hits becomes a row of the signals the retriever
already computes (fused score and rank, BM25 per field — scaled per query and against the
query's ceiling —, dense cosines per field and their gap to the best, query-term coverage of
the full text and of the question, source type). Two linear rankers are fitted on the dev
split of every gold file (pointwise logistic on "grade 2", pairwise logistic on grade-2 vs
other pairs of one question) and the top 20 re-ordered; hit@1 and hit@3 at grade 2 are
reported per gold file and split beside the fusion's own order. Trained on dev only: the test
rows only measure. The outcome is recorded in docs/decisions.md.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bot.pipeline.question import focus
from bot.pipeline.run import Pipeline
from bot.retrieval.hybrid import Retrieval
from eval.gold import GoldItem, load_gold
from eval.runner import conversation_so_far

TOP = 20


@dataclass
class Question:
    gold: str
    doc_ids: list[str]
    x: np.ndarray  # one row of signals per hit
    grade: np.ndarray  # the gold grade of each hit (unjudged = 0)


def signals(r: Retrieval) -> np.ndarray:
    hits = r.hits[:TOP]
    if not hits:
        return np.zeros((0, 17))
    kw = max(max(h.keyword for h in hits), 1e-9)
    hd = max(max(h.head for h in hits), 1e-9)
    best_h, best_b, best_f = (max(getattr(h, a) for h in hits)
                              for a in ("cos_head", "cos_body", "fused"))
    rows = []
    for i, h in enumerate(hits):
        kind = h.passage.source_type.value
        rows.append([
            h.fused, h.fused - best_f, 1 / (1 + i), h.keyword / kw, h.head / hd,
            h.keyword / r.keyword_ceiling if r.keyword_ceiling else 0.0,
            h.head / r.head_ceiling if r.head_ceiling else 0.0,
            h.cos_head, h.cos_body, h.cos_head - best_h, h.cos_body - best_b,
            h.coverage, h.head_coverage, float(kind == "faq"), float(kind == "page"),
            float(bool(h.passage.question)), float(bool(h.variant))])
    return np.array(rows)


def collect(pipeline: Pipeline, gold: str, items: Sequence[GoldItem]) -> list[Question]:
    retriever, searchable = pipeline.retriever, pipeline.safety.searchable
    out = []
    for item in items:
        if item.expect != "answer" or not any(g >= 2 for g in item.relevant.values()):
            continue
        f = focus(item.question)
        topic = (retriever.retrieve(searchable(conversation_so_far(item.history))).topic
                 if item.history else None)
        r = retriever.retrieve(searchable(f.question or f.text), TOP, None, topic)
        retriever.cover(r, TOP)  # serving computes it for the top few only
        ids = [h.passage.doc_id for h in r.hits[:TOP]]
        out.append(Question(gold, ids, signals(r),
                            np.array([item.relevant.get(d, 0) for d in ids])))
    return out


@dataclass
class Linear:
    w: np.ndarray
    mu: np.ndarray
    sd: np.ndarray

    def order(self, x: np.ndarray) -> np.ndarray:
        return np.argsort(-(((x - self.mu) / self.sd) @ self.w), kind="stable")


def _standardise(qs: Sequence[Question]) -> tuple[np.ndarray, np.ndarray]:
    x = np.vstack([q.x for q in qs if len(q.x)])
    return x.mean(0), x.std(0) + 1e-9


def _gradient_descent(z: np.ndarray, y: np.ndarray, l2: float, steps: int = 2000,
                      lr: float = 0.1) -> np.ndarray:
    """Logistic regression: `y` in {0, 1}, rows `z`, no bias (pairwise differences need
    none; pointwise order does not depend on it)."""
    w = np.zeros(z.shape[1])
    for _ in range(steps):
        p = 1 / (1 + np.exp(-(z @ w)))
        w -= lr * (z.T @ (p - y) / len(y) + l2 * w)
    return w


def pointwise(qs: Sequence[Question], l2: float) -> Linear:
    mu, sd = _standardise(qs)
    z = np.vstack([(q.x - mu) / sd for q in qs if len(q.x)])
    y = np.concatenate([(q.grade >= 2).astype(float) for q in qs if len(q.x)])
    return Linear(_gradient_descent(z, y, l2), mu, sd)


def pairwise(qs: Sequence[Question], l2: float) -> Linear:
    mu, sd = _standardise(qs)
    diffs = []
    for q in qs:
        z = (q.x - mu) / sd
        for a in np.flatnonzero(q.grade >= 2):
            diffs += [z[a] - z[b] for b in np.flatnonzero(q.grade < 2)]
    d = np.array(diffs)
    # Each pair twice, once each way, so that the labels are balanced.
    return Linear(_gradient_descent(np.vstack([d, -d]),
                                    np.r_[np.ones(len(d)), np.zeros(len(d))], l2), mu, sd)


def hits(qs: Sequence[Question], model: Linear | None) -> tuple[float, float]:
    """hit@1 and hit@3 at grade 2 over the questions, in the model's order (None: fusion)."""
    h1 = h3 = 0
    for q in qs:
        if not len(q.x):
            continue
        g = q.grade[model.order(q.x)] if model is not None else q.grade
        h1 += int(g[0] >= 2)
        h3 += int((g[:3] >= 2).any())
    return h1 / max(len(qs), 1), h3 / max(len(qs), 1)


def main(argv: list[str] | None = None) -> int:
    from bot.factory import build
    from bot.settings import Settings

    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--index", type=Path, required=True)
    p.add_argument("--gold", type=Path, action="append", required=True)
    args = p.parse_args(argv)
    settings = Settings()
    pipeline = build(settings, index_dir=args.index).pipeline
    data = {split: {g.name: collect(pipeline, g.name, load_gold(g, split)) for g in args.gold}
            for split in ("dev", "test")}
    train = [q for qs in data["dev"].values() for q in qs]
    models: dict[str, Linear | None] = {"fusion (today)": None}
    for l2 in (0.001, 0.01, 0.1):
        models[f"pointwise l2={l2}"] = pointwise(train, l2)
        models[f"pairwise l2={l2}"] = pairwise(train, l2)
    names = [g.name for g in args.gold]
    print("| ranker | " + " | ".join(f"{n} {s} hit@1 / hit@3" for s in ("dev", "test")
                                        for n in names) + " |")
    print("|---" * (1 + 2 * len(names)) + "|")
    for label, model in models.items():
        cells = [hits(data[s][n], model) for s in ("dev", "test") for n in names]
        print(f"| {label} | " + " | ".join(f"{a:.3f} / {b:.3f}" for a, b in cells) + " |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
