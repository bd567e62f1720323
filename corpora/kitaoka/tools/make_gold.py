"""Writes gold.jsonl for 北岡市 from gold_source.txt (messages written before the bot saw the
town) and the needs each FAQ entry answers (keys.json, written by make_faq.py).

An entry answers a message (grade 2) when it carries one of the message's need keys; it is
related (grade 1) when it carries one of the message's related keys or belongs to the same
procedure as a need (the key without its last part, for keys of three parts or more: the
代理人 entry of 住民票 is related to a question about 住民票 by mail, not an answer to it).
`judge.py` applies the same rule to every document the pool brings, so the qrels keep grade 0.

    python corpora/kitaoka/tools/make_gold.py
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

HERE = Path(__file__).parent
TOWN = HERE.parent
ANSWER_TYPES = {"short", "casual", "long", "typo", "kana", "paraphrase", "dialect",
                "situation", "two_questions"}
CATEGORY = {"cert.jumin": "住民票・証明書", "cert.koseki": "戸籍・届出", "move": "転入・転出・転居"}


def procedure(key: str) -> str | None:
    parts = key.split(".")
    if len(parts) < 3 or parts[:2] == ["gomi", "item"]:
        return None
    return ".".join(parts[:-1])


def grade(doc_keys: list[str], need: list[str], related: list[str]) -> int:
    if set(doc_keys) & set(need):
        return 2
    procs = {procedure(k) for k in need} - {None}
    if set(doc_keys) & set(related) or any(procedure(k) in procs for k in doc_keys):
        return 1
    return 0


def read_source() -> list[dict]:
    rows = []
    for line in (HERE / "gold_source.txt").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        kind, need, related, text = line.split("|", 3)
        topics = [t.split(",") for t in need.split(";") if t]
        rows.append({"type": kind, "topics": topics,
                     "related": [k for k in related.split(",") if k], "question": text})
    return rows


def judge_all(keys: dict[str, list[str]], need: list[str], related: list[str]) -> dict[str, int]:
    graded = {d: grade(k, need, related) for d, k in keys.items()}
    return {d: g for d, g in sorted(graded.items(), key=lambda dg: (-dg[1], dg[0])) if g}


def category_of(keys: dict[str, list[str]], need: list[str], csv_rows: dict[str, str]) -> str:
    for d, k in keys.items():
        if set(k) & set(need):
            return csv_rows[d]
    return ""


def main() -> None:
    import csv
    keys = json.loads((HERE / "keys.json").read_text(encoding="utf-8"))
    with open(TOWN / "faq" / "kitaoka_faq.csv", encoding="utf-8-sig") as fh:
        cats = {r["ID"]: r["分類"] for r in csv.DictReader(fh)}
    seen: Counter[str] = Counter()
    out = []
    for n, row in enumerate(read_source(), start=1):
        kind = row["type"]
        need = [k for t in row["topics"] for k in t]
        unknown = [k for k in need + row["related"] if not any(k in v for v in keys.values())]
        if unknown:
            raise SystemExit(f"line {n}: keys no entry carries: {unknown}")
        split = "dev" if seen[kind] % 2 == 0 else "test"
        seen[kind] += 1
        relevant = judge_all(keys, need, row["related"])
        if kind not in ANSWER_TYPES:
            relevant = {d: 1 for d, g in relevant.items()}
        rec = {"id": f"ko-{n:03d}", "question": row["question"], "relevant": relevant,
               "expect": "answer" if kind in ANSWER_TYPES else "handoff", "type": kind,
               "split": split, "category": category_of(keys, need or row["related"], cats),
               "need": need, "related_needs": row["related"]}
        if kind == "two_questions":
            rec["topics"] = [sorted(d for d, k in keys.items() if set(k) & set(t))
                             for t in row["topics"]]
        out.append(rec)
    (TOWN / "gold.jsonl").write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in out), encoding="utf-8")
    print(f"{len(out)} messages → {TOWN / 'gold.jsonl'}")


if __name__ == "__main__":
    main()
