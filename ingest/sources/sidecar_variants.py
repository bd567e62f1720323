"""Plain-language lines for passages whose source cannot carry them (言い換え in a sidecar).

An ordinance article, a page section or a PDF page is written in the city's official words
(「集積所に排出された資源物を収集し、又は運搬してはならない」); residents describe their
situation (「ごみ置き場の古紙を持っていく人がいる」). A FAQ CSV has a column for such lines; the
other formats are exported by other systems (例規集, CMS) and cannot, so staff write them in the
file's `<file>.meta.yaml`:

    言い換え:
      第12条:
        - ごみ置き場に出した古紙や缶を勝手に持っていく人がいる
      第19条の2: 粗大ごみは何点まで出せるか

Keys are the part of the doc_id after `#` (第12条, 附則, an h2 id, p3) or the whole doc_id;
values one line or a list. The lines become the passage's source variants (`Passage.variants`),
scored like an FAQ's variant column: on the question side only, so answers still quote and
cite the article itself. A key that names no passage is reported, not ignored.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from ingest.schema import LoadResult, Problem
from ingest.sources.common import SourceError, sidecar_data, sidecar_path
from ingest.sources.faq_csv import split_variants

KEYS = ("言い換え", "variants")


def read(path: Path) -> dict[str, tuple[str, ...]]:
    """The sidecar's lines per key ({} without a sidecar or without a 言い換え mapping)."""
    data = sidecar_data(path)
    raw = next((data[k] for k in KEYS if k in data), None)
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        name = sidecar_path(path).name
        raise SourceError(f"{name} の「言い換え」は「条: 言い換えの一覧」の形で書いてください")
    return {str(key).strip(): _lines(value) for key, value in raw.items()}


def _lines(value: Any) -> tuple[str, ...]:
    items = value if isinstance(value, list) else [value]
    return split_variants("\n".join("" if v is None else str(v) for v in items))


def attach(path: Path, result: LoadResult) -> LoadResult:
    """The loader's result with the sidecar's lines added to the passages they name."""
    lines = read(path)
    if not lines:
        return result
    used: set[str] = set()
    passages = []
    for p in result.passages:
        key = p.doc_id if p.doc_id in lines else p.doc_id.partition("#")[2]
        extra = lines.get(key, ()) if key else ()
        if extra:
            used.add(key)
            merged = split_variants("\n".join([*p.variants, *extra]), p.question)
            p = dataclasses.replace(p, variants=merged)
        passages.append(p)
    problems = [*result.problems, *(
        Problem(str(sidecar_path(path)), f"言い換えの「{key}」に当たる条・見出しがありません")
        for key in lines if key not in used)]
    return LoadResult(passages, problems)
