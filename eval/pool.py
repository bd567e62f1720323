"""Pooled relevance judging for gold files, as TREC assessors do it.

For every question that can have relevant documents, the top `depth` documents of three
retrievers (hybrid, keyword only, dense only; see eval/ablations.py) are pooled; a person reads
every pooled document and grades it 2 (contains the answer), 1 (related, does not answer) or
0 (not relevant). A follow-up turn of a conversation is also searched as it is meant: with the
resident's earlier messages in front of it.

Judgements are kept in a TREC qrels file (`<item id> 0 <doc_id> <grade>` per line, grade 0
included) so a later pooling run shows only documents nobody has judged yet:

    python -m eval.pool sheet --gold G.jsonl --qrels G.qrels --index DIR --out sheet.jsonl
    python -m eval.pool apply --gold G.jsonl --qrels G.qrels   # qrels → `relevant` in the gold
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.retrieval.hybrid import HybridRetriever
from eval.ablations import ablation_ranking, ablation_retrievers
from eval.gold import GoldError, GoldItem, load_gold
from ingest.schema import Passage

Qrels = dict[str, dict[str, int]]
RankFn = Callable[[str, int], list[list[str]]]
"""`rank(query, depth)` → one ranking (doc_ids, best first) per retriever."""
GRADES = (0, 1, 2)


class QrelsError(ValueError):
    """A qrels file that cannot be used; the message names the file and line."""


@dataclass(frozen=True)
class PoolEntry:
    """The pooled documents of one gold item, best rank first, and which still need a judge."""

    item_id: str
    queries: tuple[str, ...]
    pooled: tuple[str, ...]
    unjudged: tuple[str, ...]


def poolable(item: GoldItem) -> bool:
    """Items whose documents are judged: all but emergencies and chit-chat out of scope.

    Not-covered questions and requests for a person are pooled too: a pooled document that
    does answer a "not covered" question shows the label is wrong."""
    return item.expect != "emergency" and item.type != "out_of_scope"


def pool_queries(item: GoldItem) -> list[str]:
    """What is searched for one item: the question and, for a follow-up turn, the question
    after the resident's earlier messages (the turn as it is meant in context)."""
    queries = [item.question]
    if item.type == "followup" and item.history:
        queries.append(" ".join([*item.history, item.question]))
    return queries


def merge_rankings(rankings: Iterable[Sequence[str]]) -> list[str]:
    """The union of several rankings, ordered by each document's best rank (then doc_id)."""
    best: dict[str, int] = {}
    for ranking in rankings:
        for rank, doc_id in enumerate(ranking):
            best[doc_id] = min(rank, best.get(doc_id, rank))
    return sorted(best, key=lambda d: (best[d], d))


def pool_item(item: GoldItem, rank: RankFn, depth: int, judged: Mapping[str, int]) -> PoolEntry:
    """Pool one item: the union of every retriever's top `depth` for every query of the item."""
    queries = tuple(pool_queries(item))
    pooled = merge_rankings(r[:depth] for q in queries for r in rank(q, depth))
    known = set(judged) | set(item.relevant)
    return PoolEntry(item.id, queries, tuple(pooled), tuple(d for d in pooled if d not in known))


def read_qrels(path: Path) -> Qrels:
    """`{item_id: {doc_id: grade}}` from a TREC qrels file; a missing file is empty."""
    qrels: Qrels = {}
    if not path.exists():
        return qrels
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split()
        if len(parts) != 4 or not parts[3].lstrip("-").isdigit() or int(parts[3]) not in GRADES:
            raise QrelsError(f"{path}:{number}: expected '<item id> 0 <doc_id> <0|1|2>', "
                             f"got {line!r}")
        qrels.setdefault(parts[0], {})[parts[2]] = int(parts[3])
    return qrels


def write_qrels(path: Path, qrels: Qrels, order: Sequence[str]) -> None:
    """Write qrels in gold order (items not in the gold last), grade 2 first, then doc_id."""
    ids = [i for i in order if i in qrels] + sorted(set(qrels) - set(order))
    lines = [f"{i} 0 {d} {g}" for i in ids
             for d, g in sorted(qrels[i].items(), key=lambda dg: (-dg[1], dg[0]))]
    path.write_text("\n".join(lines) + ("\n" if lines else ""), encoding="utf-8")


def apply_qrels(records: list[dict], qrels: Qrels) -> tuple[list[dict], int]:
    """Gold records with `relevant` rebuilt from the judgements (grade > 0, grade 2 first).

    A judged document overrides what the gold said; unjudged documents in the gold stay.
    Returns the records and how many changed."""
    out, changed = [], 0
    for rec in records:
        judged = qrels.get(str(rec["id"]))
        if judged is None:
            out.append(rec)
            continue
        merged = {**rec.get("relevant", {}), **judged}
        relevant = {d: g for d, g in sorted(merged.items(), key=lambda dg: (-dg[1], dg[0]))
                    if g > 0}
        changed += relevant != rec.get("relevant", {})
        out.append({**rec, "relevant": relevant})
    return out, changed


def _read_records(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8-sig").splitlines()
            if line.strip()]


def _write_records(path: Path, records: list[dict]) -> None:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records),
                    encoding="utf-8")


def retriever_ranker(base: HybridRetriever) -> RankFn:
    """Rank with keyword only, dense only and hybrid, sharing the base retriever's objects."""
    variants = ablation_retrievers(base, base.weights)

    def rank(query: str, depth: int) -> list[list[str]]:
        return [ablation_ranking(r, query, depth) for r in variants.values()]

    return rank


def sheet_rows(items: Sequence[GoldItem], rank: RankFn, passages: Mapping[str, Passage],
               qrels: Qrels, depth: int = 10, width: int = 400
               ) -> tuple[list[PoolEntry], list[dict[str, Any]]]:
    """Pool every poolable item; one judging-sheet row per item with unjudged documents."""
    entries = [pool_item(i, rank, depth, qrels.get(i.id, {})) for i in items if poolable(i)]
    by_id = {i.id: i for i in items}
    rows = []
    for e in entries:
        if e.unjudged:
            item = by_id[e.item_id]
            rows.append({"id": e.item_id, "question": item.question, "history": item.history,
                         "type": item.type, "expect": item.expect, "queries": list(e.queries),
                         "unjudged": [_excerpt(passages[d], width) for d in e.unjudged]})
    return entries, rows


def _excerpt(passage: Passage, width: int) -> dict[str, str]:
    text = " ".join(passage.text.split())
    return {"doc_id": passage.doc_id, "title": passage.title,
            "text": text[:width] + ("…" if len(text) > width else "")}


def cmd_sheet(args: argparse.Namespace) -> int:
    from bot.factory import build
    from bot.settings import Settings

    settings = Settings()
    if args.index is not None:
        settings.index_dir = args.index
    base = build(settings, index_dir=settings.index_dir).retriever
    passages = {p.doc_id: p for p in base.index.get().passages}
    entries, rows = sheet_rows(load_gold(args.gold), retriever_ranker(base), passages,
                               read_qrels(args.qrels), args.depth, args.width)
    args.out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows),
                        encoding="utf-8")
    pooled = sum(len(e.pooled) for e in entries)
    todo = sum(len(e.unjudged) for e in entries)
    print(f"{len(entries)} items pooled (depth {args.depth}, 3 retrievers): {pooled} "
          f"item–document pairs, {todo} not judged yet → {args.out}")
    return 0


def cmd_apply(args: argparse.Namespace) -> int:
    qrels = read_qrels(args.qrels)
    records = _read_records(args.gold)
    unknown = sorted(set(qrels) - {str(r["id"]) for r in records})
    if unknown:
        print(f"qrels name items the gold does not have: {', '.join(unknown[:10])}",
              file=sys.stderr)
        return 2
    records, changed = apply_qrels(records, qrels)
    _write_records(args.gold, records)
    load_gold(args.gold)  # the result must still be a valid gold file
    print(f"{changed} items changed; {sum(len(g) for g in qrels.values())} judgements "
          f"({sum(g == 2 for q in qrels.values() for g in q.values())} grade 2) in {args.qrels}")
    return 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m eval.pool", description=__doc__.split("\n")[0])
    sub = p.add_subparsers(dest="command", required=True)
    s = sub.add_parser("sheet", help="pool every item and list the documents still to judge")
    s.add_argument("--gold", type=Path, required=True)
    s.add_argument("--qrels", type=Path, required=True, help="judgements so far (TREC qrels)")
    s.add_argument("--index", type=Path, default=None)
    s.add_argument("--depth", type=int, default=10, help="top-k of each retriever (default 10)")
    s.add_argument("--width", type=int, default=400, help="characters of text shown per doc")
    s.add_argument("--out", type=Path, required=True, help="judging sheet (JSONL)")
    a = sub.add_parser("apply", help="rewrite the gold's `relevant` from the qrels")
    a.add_argument("--gold", type=Path, required=True)
    a.add_argument("--qrels", type=Path, required=True)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return {"sheet": cmd_sheet, "apply": cmd_apply}[args.command](args)
    except (GoldError, QrelsError) as exc:
        print(str(exc), file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
