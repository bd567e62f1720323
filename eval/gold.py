"""Gold questions: one JSON object per line, graded relevance, what the bot should do.

A line looks like
`{"id": "fa-001", "question": "住民票 手数料", "relevant": {"KZ-SHIMIN-002": 2}, "expect": "answer",
"type": "faq", "split": "dev", "category": "住民票・戸籍・印鑑登録"}`. Grades: 2 = answers the
question, 1 = related. A turn of a conversation also has `conversation`, `turn` and `history`
(the resident's earlier messages); a message with two questions may list `topics`. Keys not
listed in `GoldItem` (such as `note`) are ignored.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

Expect = Literal["answer", "handoff", "emergency"]
Split = Literal["dev", "test"]


class GoldError(ValueError):
    """A gold file that cannot be used; the message names the file and line."""


class GoldItem(BaseModel):
    """One gold question and its judgements."""

    model_config = ConfigDict(extra="ignore", coerce_numbers_to_str=True, frozen=True)

    id: str = Field(min_length=1)
    question: str
    relevant: dict[str, Literal[1, 2]] = Field(
        default_factory=dict, description="doc_id → grade (2 answers the question, 1 related)")
    expect: Expect
    type: str = Field(min_length=1, description="faq, ordinance, page, not_covered, emergency …")
    split: Split | None = None
    category: str = ""
    lang: str = ""
    pii: list[str] = Field(default_factory=list,
                           description="Personal data in the question a reply must not echo")
    conversation: str = Field("", description="Id of the conversation this turn belongs to")
    turn: int | None = Field(None, ge=1, description="1-based turn number in the conversation")
    history: list[str] = Field(default_factory=list,
                               description="The resident's earlier messages, oldest first")
    topics: list[list[str]] = Field(
        default_factory=list, description="For a message asking several things: the doc_ids "
                                          "answering each question, one list per question")


def gold_files(path: Path) -> list[Path]:
    """The file itself, or every `*.jsonl` under a folder (sorted)."""
    if path.is_dir():
        files = sorted(path.rglob("*.jsonl"))
        if not files:
            raise GoldError(f"{path}: no .jsonl gold files in this folder")
        return files
    if not path.exists():
        raise GoldError(f"{path}: gold file not found")
    return [path]


def parse_line(line: str, where: str) -> GoldItem:
    """One gold item from one line; errors say `file:line: what is wrong`."""
    try:
        data = json.loads(line)
    except json.JSONDecodeError as exc:
        raise GoldError(f"{where}: not valid JSON ({exc.msg}, column {exc.colno})") from None
    if not isinstance(data, dict):
        raise GoldError(f"{where}: expected a JSON object, got {type(data).__name__}")
    try:
        return GoldItem.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc']) or 'item'}: {e['msg']}"
                             for e in exc.errors())
        raise GoldError(f"{where}: {problems}") from None


def read_items(path: Path) -> Iterable[tuple[str, GoldItem]]:
    """(`file:line`, item) for every non-blank line of one file."""
    with open(path, encoding="utf-8-sig") as fh:
        for number, line in enumerate(fh, start=1):
            if line.strip():
                where = f"{path}:{number}"
                yield where, parse_line(line, where)


def load_gold(path: Path | str, split: str | None = None) -> list[GoldItem]:
    """Load a gold file (or a folder of them), optionally keeping one split.

    Raises GoldError naming the file and line of the first bad item, a repeated id, or a split
    that no item has.
    """
    items: list[GoldItem] = []
    seen: dict[str, str] = {}
    for file in gold_files(Path(path)):
        for where, item in read_items(file):
            if item.id in seen:
                raise GoldError(f"{where}: id {item.id!r} repeats {seen[item.id]}")
            seen[item.id] = where
            items.append(item)
    if not items:
        raise GoldError(f"{path}: no gold items")
    if split is None:
        return items
    kept = [i for i in items if i.split == split]
    if not kept:
        unsplit = sum(i.split is None for i in items)
        raise GoldError(f"{path}: no item has split {split!r} ({len(items)} items, {unsplit} "
                        f'without a split; add "split": "dev" or "test" to the gold lines)')
    return kept
