"""How long one change takes to be answerable, at a given index size: approving one question
variant, editing one FAQ row, and publishing one new FAQ (the staff console's path: one CSV
re-ingested beside the corpus). Each is timed from the start of the change until a question
retrieves the changed FAQ first from the new generation; the index is put back afterwards.
"""

from __future__ import annotations

import csv
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.retrieval.hybrid import FusionWeights, HybridRetriever, IndexHandle
from bot.retrieval.synonyms import Synonyms
from ingest.delta import apply_variants
from ingest.embed import Embedder
from ingest.index import ingest
from ingest.store import ChromaConfig
from ingest.text import Tokenizer
from ingest.variants import Variant

NEW_FAQ = ("BENCH-FAQ-0001", "ドローンを公園で飛ばしてもよいですか",
           "市内の公園でのドローンの飛行は、公園管理事務所への事前の届出が必要です。")


@dataclass
class ChangeTiming:
    """Seconds from the start of a change until it is answered from the new generation."""

    change: str
    seconds: float
    write_seconds: float
    delta: bool
    answered: bool

    def to_dict(self) -> dict[str, Any]:
        return {"change": self.change, "seconds": round(self.seconds, 2),
                "write_seconds": round(self.write_seconds, 2), "delta": self.delta,
                "answered": self.answered}


def _first(retriever: HybridRetriever, question: str) -> str:
    hits = retriever.retrieve(question, 5).hits
    return hits[0].passage.doc_id if hits else ""


def _timed(name: str, retriever: HybridRetriever, question: str, doc_id: str,
           change: Callable[[], bool]) -> ChangeTiming:
    started = time.perf_counter()
    delta = change()
    written = time.perf_counter() - started
    answered = _first(retriever, question) == doc_id  # re-opens the new generation
    return ChangeTiming(name, time.perf_counter() - started, written, delta, answered)


def measure(index: Path, synthetic: Path, embedder: Embedder, work: Path
            ) -> list[ChangeTiming]:
    """The three one-FAQ changes on `index` (whose synthetic FAQ files are under `synthetic`),
    each undone afterwards."""
    retriever = HybridRetriever(IndexHandle(index, ChromaConfig()), embedder, Tokenizer(),
                                Synonyms(()), FusionWeights())
    faq_file = sorted(synthetic.glob("synthetic_*.csv"))[0]
    doc_id, question = _first_row(faq_file)
    _first(retriever, question)  # warm: the serving generation is open, as in a server
    out = []
    variant = "ごみの日とか手続きのこと全部まとめて知りたいんだけど"
    out.append(_timed("approve one variant", retriever, variant, doc_id,
                      lambda: apply_variants(index, [Variant(doc_id, variant, "db:1")],
                                             embedder).swapped))
    apply_variants(index, [], embedder)
    work.mkdir(parents=True, exist_ok=True)
    published = work / "approved_faq.csv"
    _write_faq(published, [NEW_FAQ])
    out.append(_timed("publish one new FAQ", retriever, NEW_FAQ[1], NEW_FAQ[0],
                      lambda: ingest([published], index, embedder, progress=False).delta))
    edited = "粗大ごみ処理券の買い方を変更しました。新しい窓口は駅前出張所の二階です。"
    original = faq_file.read_bytes()
    _edit_answer(faq_file, doc_id, edited)
    try:
        out.append(_timed("edit one FAQ row", retriever, edited, doc_id,
                          lambda: ingest([synthetic], index, embedder, progress=False).delta))
    finally:
        faq_file.write_bytes(original)
        published.unlink()
        ingest([work], index, embedder, progress=False)
        ingest([synthetic], index, embedder, progress=False)
        retriever.index.close()
    return out


def _first_row(path: Path) -> tuple[str, str]:
    with open(path, encoding="utf-8", newline="") as fh:
        rows = csv.reader(fh)
        next(rows)
        row = next(rows)
    return row[0], row[2]


def _write_faq(path: Path, rows: list[tuple[str, str, str]]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["ID", "質問", "回答"])
        w.writerows(rows)


def _edit_answer(path: Path, doc_id: str, answer: str) -> None:
    """Replace one row's answer (bench/corpus.py writes ID, 分類, 質問, 回答, …)."""
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    for row in rows[1:]:
        if row[0] == doc_id:
            row[3] = answer
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
