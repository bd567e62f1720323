"""The sample corpus expanded to any size, for benchmarks: every FAQ entry is re-issued for
many fictional branch offices (distinct ids and wording), written as FAQ CSV files beside a
copy of the real corpus. The same target always yields the same files, so an index built once
(and its embedding cache) can be reused by later runs."""

from __future__ import annotations

import csv
from dataclasses import replace
from pathlib import Path

import numpy as np

from ingest import sources
from ingest.embed import Embedder, EmbeddingCache
from ingest.store import body_text, head_text

ROOT = Path(__file__).resolve().parents[1]
CITY = ROOT / "corpora" / "kazamino"
BRANCHES = ["北部", "南部", "東部", "西部", "中央", "港町", "若葉台", "緑川", "西が丘", "本町",
            "駅前", "北風見野", "南風見野", "丘の上", "川辺", "新町", "旧町", "山手", "浜辺",
            "台地",
            "みなせ", "ひばら", "あおい", "さくら", "つばき", "かえで", "ゆり", "すみれ",
            "もみじ", "いちょう"]
HEADER = ["ID", "分類", "質問", "回答", "担当課", "電話番号", "URL", "更新日"]


def branch(i: int) -> str:
    """The i-th fictional branch office: the 30 names, then numbered rounds of them."""
    name = BRANCHES[i % len(BRANCHES)]
    return name if i < len(BRANCHES) else f"{name}第{i // len(BRANCHES) + 1}"


def expand(target: int, out: Path) -> int:
    """Write synthetic FAQ CSVs into `out` so that CITY + out hold ≥ target passages."""
    files, _ = sources.discover([CITY])
    base = [p for f in files for p in sources.load(f).passages if p.is_public]
    faqs = [p for p in base if p.question]
    count, i = len(base), 0
    out.mkdir(parents=True, exist_ok=True)
    while count < target:
        name = branch(i)
        with open(out / f"synthetic_{i:03d}.csv", "w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(HEADER)
            for p in faqs:
                w.writerow([f"SYN{i:03d}-{p.doc_id}", p.category, f"{name}地区では、{p.question}",
                            f"{name}地区の窓口でのご案内です。{p.text}", p.department, p.contact,
                            p.url, p.updated])
                count += 1
        i += 1
    return count


def compose_vectors(out: Path, cache_path: Path, embedder: Embedder) -> int:
    """Fill the embedding cache for the synthetic copies without embedding each one: a copy's
    vector is the original's plus half its branch prefix's, normalised. Used only above the size
    where embedding every copy takes too long on a shared machine (200,000 texts at 100k
    passages); the keyword index and the vector index are still built in full by a real
    ingest. Returns how many vectors were composed."""
    files, _ = sources.discover([CITY])
    faqs = [p for f in files for p in sources.load(f).passages if p.is_public and p.question]
    cache = EmbeddingCache(cache_path, embedder)
    try:
        base_head = cache.embed([head_text(p) for p in faqs])
        base_body = cache.embed([body_text(p) for p in faqs])
        composed = 0
        for i in range(len(list(out.glob("synthetic_*.csv")))):
            name = branch(i)
            pre_q, pre_a = embedder.embed([f"{name}地区では、",
                                           f"{name}地区の窓口でのご案内です。"])
            rows = []
            for p, h, b in zip(faqs, base_head, base_body, strict=True):
                copy = replace(p, question=f"{name}地区では、{p.question}",
                               text=f"{name}地区の窓口でのご案内です。{p.text}")
                rows += [(head_text(copy), _unit(h + 0.5 * pre_q)),
                         (body_text(copy), _unit(b + 0.5 * pre_a))]
            composed += cache.put(rows)
        return composed
    finally:
        cache.close()


def _unit(v: np.ndarray) -> np.ndarray:
    return (v / max(float(np.linalg.norm(v)), 1e-12)).astype(np.float32)
