"""`madoguchi eval --learn-folds K`: what learning from residents' questions would gain.

K-fold over the gold: the questions of the other folds become approved variants (言い換え) of
the passages judged to answer them (grade 2), the held-out fold is asked. Every question is
asked once without variants (before) and once with the other folds' variants (after); the
aggregates of both are compared metric by metric. Turns of one conversation stay in one fold
(a turn must not learn from its own conversation). The variants are served the way approved
ones are (ingest/delta.py), in a scratch index beside the real one that shares its
generation; the real index is never changed.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.pipeline.run import Pipeline
from bot.retrieval.hybrid import IndexHandle
from eval.gold import GoldItem
from eval.rows import ResultRow, Value
from eval.runner import aggregate, run_gold
from ingest.delta import write_variant_generation
from ingest.store import ChromaConfig, IndexPaths
from ingest.variants import Variant

METRICS = ("hit@1", "hit@3", "mrr@10", "recall@10", "ndcg@10", "answered_precision", "coverage",
           "clarify_rate", "wrong_answer_rate", "resolved_rate", "handoff_f1",
           "false_handoff_rate")


def fold_of(items: Sequence[GoldItem], k: int) -> list[int]:
    """Each item's fold: groups (a conversation, else the item) in a stable pseudo-random
    order, dealt round-robin so the folds are equal in size."""
    if k < 2:
        raise ValueError("--learn-folds には 2 以上を指定してください")
    groups = sorted({_group(i) for i in items},
                    key=lambda g: hashlib.sha256(g.encode()).hexdigest())
    fold = {g: n % k for n, g in enumerate(groups)}
    return [fold[_group(i)] for i in items]


def _group(item: GoldItem) -> str:
    return f"c:{item.conversation}" if item.conversation else f"i:{item.id}"


TARGETS_JA = {"first": "最初の正解パッセージ", "all": "評価 2 の全パッセージ"}


def learned_variants(items: Sequence[GoldItem], folds: Sequence[int], held_out: int,
                     targets: str = "first") -> list[Variant]:
    """The other folds' answerable questions as variants of the passage that answers them.

    `first`: the first grade-2 passage of the judgements (the one the gold's author had in
    mind), as a resident's pick or a staff member's link attaches a question to one FAQ; `all`:
    every grade-2 passage (the pooled judgements add page sections and neighbouring FAQs)."""
    out = []
    for item, fold in zip(items, folds, strict=True):
        if fold == held_out or item.expect != "answer":
            continue
        answering = [d for d, grade in item.relevant.items() if grade == 2]
        for doc_id in answering[:1] if targets == "first" else answering:
            out.append(Variant(doc_id, item.question, f"learned:{item.id}"))
    return out


@dataclass
class LearnResult:
    k: int
    targets: str
    before: list[ResultRow]
    after: list[ResultRow]
    variants_per_fold: list[int]

    def gains(self) -> dict[str, dict[str, Value]]:
        a, b = aggregate(self.before), aggregate(self.after)
        out: dict[str, dict[str, Value]] = {}
        for name in METRICS:
            x, y = a.get(name), b.get(name)
            gain = (y - x) if isinstance(x, int | float) and isinstance(y, int | float) else None
            out[name] = {"before": x, "after": y, "gain": gain}
        return out

    def to_dict(self) -> dict[str, Any]:
        return {"k": self.k, "targets": self.targets, "n": len(self.before),
                "variants_per_fold": self.variants_per_fold,
                "metrics": self.gains()}

    def lines(self, name: str) -> list[str]:
        out = [f"{name}: {len(self.before)} 問, {self.k} 分割, 学習した言い換え/分割 "
               f"{min(self.variants_per_fold)}–{max(self.variants_per_fold)}"
               f"（付け先: {TARGETS_JA[self.targets]}）",
               f"  {'指標':<20}{'前':>8}{'後':>8}{'差':>9}"]
        for metric, v in self.gains().items():
            out.append(f"  {metric:<20}{_f(v['before']):>8}{_f(v['after']):>8}"
                       f"{_signed(v['gain']):>9}")
        return out


def _f(value: Value) -> str:
    return f"{value:.3f}" if isinstance(value, int | float) else "n/a"


def _signed(value: Value) -> str:
    return f"{value:+.3f}" if isinstance(value, int | float) else "n/a"


def learn_folds(pipeline: Pipeline, items: Sequence[GoldItem], k: int,
                chroma: ChromaConfig | None = None,
                progress: Callable[[int], None] | None = None,
                targets: str = "first") -> LearnResult:
    """Run the simulation; `progress` is called once per question asked (2 per item)."""
    items = list(items)
    folds = fold_of(items, k)
    before = run_gold(pipeline, items, progress)
    retriever = pipeline.retriever
    real = retriever.index
    paths = IndexPaths(real.index_dir)
    base = paths.current_generation()
    if base is None:
        raise FileNotFoundError(f"索引がありません: {real.index_dir}")
    scratch = Path(tempfile.mkdtemp(prefix=".learn-folds-", dir=real.index_dir))
    scratch_paths = IndexPaths(scratch)
    scratch_paths.generations.mkdir()
    for name in {base, paths.chroma_generation(base)}:  # a delta reads another's collection
        os.symlink(paths.generation_dir(name).resolve(), scratch_paths.generation_dir(name))
    handle = IndexHandle(scratch, chroma or ChromaConfig())
    after: dict[int, ResultRow] = {}
    counts = []
    try:
        retriever.index = handle
        for fold in range(k):
            variants = learned_variants(items, folds, fold, targets)
            counts.append(len(variants))
            _, change = write_variant_generation(scratch_paths, base, variants,
                                                 retriever.embedder, cache_path=paths.cache)
            scratch_paths.swap(change.generation)
            held = [i for i, f in enumerate(folds) if f == fold]
            for i, row in zip(held, run_gold(pipeline, [items[i] for i in held], progress),
                              strict=True):
                after[i] = row
    finally:
        retriever.index = real
        handle.close()
        shutil.rmtree(scratch, ignore_errors=True)
    return LearnResult(k, targets, before, [after[i] for i in range(len(items))], counts)
