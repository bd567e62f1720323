"""Characters no message may carry: control characters other than tab and line breaks (NUL
above all: PostgreSQL text cannot hold it) and lone surrogates (not encodable as UTF-8, which
every store and API speaks). One check for every channel, so a bad character is refused with a
reason where it arrives instead of failing deep in the database."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

CONTROL = "制御文字は使えません"
SURROGATE = "文字化けした文字（対になっていないサロゲート）は使えません"


def problem(text: str) -> str | None:
    """Why `text` cannot be taken (a Japanese reason), or None when it can."""
    if any(ord(c) < 32 and c not in "\n\r\t" for c in text):
        return CONTROL
    if any("\ud800" <= c <= "\udfff" for c in text):
        return SURROGATE
    return None


def first_problem(data: Any) -> str | None:
    """The first problem in any string of a JSON-like structure (keys and values)."""
    return next((p for p in map(problem, _strings(data)) if p), None)


def _strings(data: Any) -> Iterator[str]:
    if isinstance(data, str):
        yield data
    elif isinstance(data, dict):
        for key, value in data.items():
            yield from _strings(key)
            yield from _strings(value)
    elif isinstance(data, list | tuple):
        for value in data:
            yield from _strings(value)
