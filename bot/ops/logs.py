"""JSON log lines with the request id, and nothing a resident wrote.

Every line carries the id of the request it belongs to (taken from a proxy's X-Request-ID when
it is well-formed, else made here). Arguments that are exceptions are logged by type only: a
driver's message may quote the statement's parameters, i.e. a resident's text. Tracebacks keep
their frames, not the exception's message. uvicorn's own access log (client address, full path
with query) is replaced by `Observe`'s line: method, route template, status, milliseconds.
"""

from __future__ import annotations

import json
import logging
import re
import traceback
import uuid
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

REQUEST_ID: ContextVar[str] = ContextVar("request_id", default="")
_GOOD_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")


def request_id(header: bytes | None) -> str:
    """The proxy's request id when it looks like one, else a new one."""
    if header:
        text = header.decode("latin-1")
        if _GOOD_ID.match(text):
            return text
    return uuid.uuid4().hex


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request id, extra fields."""

    def format(self, record: logging.LogRecord) -> str:
        out: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname, "logger": record.name, "msg": _message(record)}
        rid = REQUEST_ID.get()
        if rid:
            out["request_id"] = rid
        out.update(getattr(record, "fields", None) or {})
        if record.exc_info and record.exc_info[0] is not None:
            kind, _, tb = record.exc_info
            out["exc_type"] = kind.__name__
            out["stack"] = "".join(traceback.format_tb(tb))
        return json.dumps(out, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    """The plain form, same rules (exception messages are left out)."""

    def format(self, record: logging.LogRecord) -> str:
        rid = REQUEST_ID.get()
        fields = getattr(record, "fields", None) or {}
        extra = " ".join(f"{k}={v}" for k, v in fields.items())
        text = f"{record.levelname} {record.name} [{rid or '-'}] {_message(record)} {extra}"
        if record.exc_info and record.exc_info[0] is not None:
            kind, _, tb = record.exc_info
            text += f"\n{kind.__name__}\n" + "".join(traceback.format_tb(tb))
        return text.rstrip()


def _message(record: logging.LogRecord) -> str:
    args = record.args
    if isinstance(args, tuple):
        args = tuple(type(a).__name__ if isinstance(a, BaseException) else a for a in args)
    try:
        return str(record.msg) % args if args else str(record.msg)
    except (TypeError, ValueError):
        return str(record.msg)


def config(fmt: str = "json", level: str = "INFO") -> dict[str, Any]:
    """A logging.config dict for uvicorn and the app (`uvicorn.run(log_config=...)`)."""
    formatter = "bot.ops.logs.JsonFormatter" if fmt == "json" else "bot.ops.logs.TextFormatter"
    return {
        "version": 1, "disable_existing_loggers": False,
        "formatters": {"default": {"()": formatter}},
        "handlers": {"default": {"class": "logging.StreamHandler", "formatter": "default",
                                 "stream": "ext://sys.stderr"}},
        "root": {"handlers": ["default"], "level": level},
        "loggers": {
            "uvicorn": {"handlers": [], "level": level, "propagate": True},
            "uvicorn.error": {"handlers": [], "level": level, "propagate": True},
            "uvicorn.access": {"handlers": [], "level": "WARNING", "propagate": False},
        },
    }
