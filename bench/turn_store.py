"""What the store costs per chat turn, in process: `ChatService.ask` (with `open`, as the web
route calls them) over a pipeline that answers at once — one real reply of the 10k bench index,
computed beforehand — so what is timed is the service and the database alone. SQLite (a file,
WAL) and PostgreSQL; statements and commits per turn are counted.

Run it from another source tree to compare builds (`cd OLD && python -m bench.turn_store`):
only `ChatService.open/ask/receive` are used, which every build has.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import event

from bot.pipeline.emergency import Screen
from bot.pipeline.outcome import Reply
from bot.service.chat import ChatService
from bot.service.office_hours import OfficeHours
from bot.settings import Settings
from bot.store.db import Database

QUESTIONS = ["燃やすごみの収集日はいつですか", "住民票の写しはどこで取れますか", "手数料は？",
             "粗大ごみの出し方を教えて", "水道の使用開始の手続きは？"]


@dataclass
class InstantPipeline:
    """The real pipeline's safety and texts; `screen` and `answer` return at once."""

    inner: Any
    reply: Reply

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    def screen(self, masked: str) -> Screen:
        return Screen(None)

    def answer(self, question: str, *args: Any, **kwargs: Any) -> Reply:
        return self.reply.model_copy(update={"question": question})


def measure(chat: ChatService, db: Database, turns: int, per_conversation: int = 5
            ) -> dict[str, float]:
    sent: list[str] = []
    event.listen(db.engine, "before_cursor_execute",
                 lambda *a: sent.append(str(a[2]).split()[0].upper()))
    event.listen(db.engine, "commit", lambda *a: sent.append("COMMIT"))
    ms: list[float] = []
    conv_id, token = None, None
    for i in range(turns):
        if i % per_conversation == 0:
            conv_id, token = None, None
        started = time.perf_counter()
        with db.session() as s:
            conv, new_token = chat.open(s, conv_id, token)
            chat.ask(s, conv, chat.receive(QUESTIONS[i % len(QUESTIONS)]), new_token or token)
        ms.append((time.perf_counter() - started) * 1000)
        conv_id, token = conv.id, new_token or token
    timed = ms[len(ms) // 10:]  # the first tenth warms caches and the pool
    return {"turns": turns, "mean_ms": round(statistics.fmean(timed), 3),
            "p50_ms": round(statistics.median(timed), 3),
            "statements_per_turn": round(sum(x not in ("COMMIT",) for x in sent) / turns, 2),
            "commits_per_turn": round(sent.count("COMMIT") / turns, 2)}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--index", type=Path, default=Path("data/bench/p10000/index"))
    parser.add_argument("--turns", type=int, default=2000)
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)
    from bench.load import postgres_database
    from bot.factory import build

    settings = Settings(index_dir=args.index)
    pipeline = build(settings).pipeline
    reply = pipeline.answer(QUESTIONS[0])
    h = settings.handoff
    hours = OfficeHours.from_settings(h.weekdays, h.opens, h.closes, h.holidays_path, h.timezone)
    try:  # builds since the clean-text memory keep the masker's clean verdicts, as served
        from bot.safety.intake import CleanTexts

        extra: dict[str, Any] = {"clean": CleanTexts(settings.server.answer_cache)}
    except ImportError:
        extra = {}
    chat = ChatService(InstantPipeline(pipeline, reply), hours, settings.city_phone, **extra)
    out: dict[str, Any] = {"trace_bytes": len(json.dumps(reply.trace, ensure_ascii=False))}
    with ExitStack() as stack:
        tmp = stack.enter_context(tempfile.TemporaryDirectory())
        urls = {"sqlite": f"sqlite:///{tmp}/turns.sqlite3"}
        if args.postgres:
            urls["postgres"] = stack.enter_context(postgres_database(args.postgres))
        for name, url in urls.items():
            db = Database(url, 4)
            db.migrate()
            out[name] = measure(chat, db, args.turns)
            db.engine.dispose()
            print(name, out[name], flush=True)
    if args.out:
        args.out.write_text(json.dumps(out, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
