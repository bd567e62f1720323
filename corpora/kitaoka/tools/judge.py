"""Writes gold.qrels for 北岡市: every document the pool brought (eval.pool sheet) graded by the
rule of make_gold.py (the needs each entry answers), grade 0 kept, plus the entries that carry a
message's needs although no retriever found them.

    python -m eval.pool sheet --gold corpora/kitaoka/gold.jsonl --qrels corpora/kitaoka/gold.qrels \
        --index IDX --out sheet.jsonl
    python corpora/kitaoka/tools/judge.py sheet.jsonl
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from make_gold import HERE, TOWN, grade  # noqa: E402


def main(sheet: Path) -> None:
    keys = json.loads((HERE / "keys.json").read_text(encoding="utf-8"))
    gold = [json.loads(line) for line in (TOWN / "gold.jsonl").read_text("utf-8").splitlines()]
    pooled = {}
    for line in sheet.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        pooled[row["id"]] = [d["doc_id"] for d in row["unjudged"]]
    lines = []
    for rec in gold:
        if rec["id"] not in pooled and not rec["relevant"]:
            continue
        judged = dict(rec["relevant"])
        for d in pooled.get(rec["id"], []):
            g = grade(keys[d], rec["need"], rec["related_needs"])
            if rec["expect"] != "answer":
                g = min(g, 1)
            judged.setdefault(d, g)
        for d, g in sorted(judged.items(), key=lambda dg: (-dg[1], dg[0])):
            lines.append(f"{rec['id']} 0 {d} {g}")
    (TOWN / "gold.qrels").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(lines)} judgements → {TOWN / 'gold.qrels'}")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
