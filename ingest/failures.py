"""Ingest failures a city's operator can act on (disk full, read-only, no permission), told in
one line instead of a traceback."""

from __future__ import annotations

import errno
import re
import sqlite3

_ERRNO = {
    errno.ENOSPC: "ディスクの空きがありません",
    errno.EDQUOT: "ディスク容量の割り当て（クォータ）を超えました",
    errno.EFBIG: "ファイルサイズの上限を超えました",
    errno.EROFS: "索引の置き場所が読み取り専用です",
    errno.EACCES: "索引の置き場所に書き込む権限がありません",
    errno.EPERM: "索引の置き場所に書き込む権限がありません",
}
_SQLITE = (("disk is full", errno.ENOSPC), ("readonly", errno.EROFS),
           ("read-only", errno.EROFS), ("unable to open database", errno.EACCES))

_SHORT_WRITE = re.compile(r"\d+ requested and \d+ written")


def _chain(exc: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in seen:
        seen.append(current)
        current = current.__cause__ or current.__context__
    return seen


def storage_failure(exc: BaseException) -> str | None:
    """A one-line Japanese reason if `exc` (or what caused it) is a storage failure, else None.

    Chroma wraps SQLite's and the filesystem's errors in its own exceptions, sometimes only
    as text, so the chain and the messages are both read.
    """
    for link in _chain(exc):
        if isinstance(link, OSError) and link.errno in _ERRNO:
            where = f"（{link.filename}）" if link.filename else ""
            return f"{_ERRNO[link.errno]}{where}"
        if isinstance(link, OSError) and link.errno is None and _SHORT_WRITE.search(str(link)):
            return _ERRNO[errno.ENOSPC]  # numpy's tofile reports a full disk only as this
        text = str(link).lower()
        if isinstance(link, sqlite3.Error) or "sqlite" in type(link).__module__ or (
                "database" in text):
            for needle, code in _SQLITE:
                if needle in text:
                    return _ERRNO[code]
    return None
