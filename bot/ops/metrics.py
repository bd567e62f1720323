"""Prometheus metrics at /metrics: requests and latency by route template, answers by decision
and outcome, LLM fallbacks, ingest duration; handoffs waiting and the serving index read at
scrape time from the shared database and index (so every replica reports the same figures).

Each app owns its registry (no module globals). With `madoguchi serve --workers N` the workers
write their samples to PROMETHEUS_MULTIPROC_DIR (set by the parent before they start) and a
scrape of any worker sums them all.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from sqlalchemy import func, select

from bot.store.db import Database
from bot.store.models import Escalation, EscalationStatus

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
LAST_INGEST = "last_ingest.json"
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
INGEST_BUCKETS = (0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600)


class Metrics:
    """The counters and histograms one app process updates."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
        self.requests = Counter("madoguchi_http_requests", "HTTP requests by route template",
                                ["method", "route", "status"], registry=r)
        self.latency = Histogram("madoguchi_http_request_duration_seconds",
                                 "Time to the response's last byte, by route template",
                                 ["method", "route"], buckets=LATENCY_BUCKETS, registry=r)
        self.answers = Counter("madoguchi_answers", "Bot replies by channel, decision, outcome",
                               ["channel", "decision", "outcome"], registry=r)
        self.llm_fallbacks = Counter("madoguchi_llm_fallbacks",
                                     "Generated answers not used (the extractive reply was)",
                                     ["reason"], registry=r)
        self.ingest = Histogram("madoguchi_ingest_duration_seconds",
                                "Index builds run by this server (FAQ publish)", ["trigger"],
                                buckets=INGEST_BUCKETS, registry=r)
        self.answer_cache = Counter("madoguchi_answer_cache_lookups",
                                    "Answer cache lookups: hit, miss, or skip (personal data "
                                    "masked, or the cache off)", ["result"], registry=r)
        self.rate_limit_errors = Counter("madoguchi_rate_limit_store_errors",
                                         "Shared rate-limit store unreachable (let through)",
                                         registry=r)

    def exposition(self, *collectors: Any) -> bytes:
        """The text format: this process's metrics (all workers' under multiprocess) and the
        scrape-time collectors."""
        registry = CollectorRegistry()
        if os.environ.get(MULTIPROC_ENV):
            MultiProcessCollector(registry)
        else:
            registry.register(_Forward(self.registry))
        for c in collectors:
            registry.register(c)
        return generate_latest(registry)


class _Forward:
    """Expose another registry's metrics inside a per-scrape registry."""

    def __init__(self, source: CollectorRegistry) -> None:
        self.source = source

    def collect(self) -> Iterator[Metric]:
        yield from self.source.collect()


class SharedState:
    """Scrape-time gauges from the shared database and the serving index."""

    def __init__(self, db: Database, index_dir: Path, loaded: Callable[[], Any]) -> None:
        self.db, self.index_dir, self.loaded = db, index_dir, loaded

    def collect(self) -> Iterator[Metric]:
        waiting = GaugeMetricFamily("madoguchi_handoffs_waiting",
                                    "Escalations not yet answered, by status", labels=["status"])
        with self.db.session() as s:
            counts = dict(s.execute(
                select(Escalation.status, func.count(Escalation.id))
                .where(Escalation.status.in_([EscalationStatus.OPEN.value,
                                              EscalationStatus.ASSIGNED.value]))
                .group_by(Escalation.status)).tuples().all())
        for status in (EscalationStatus.OPEN.value, EscalationStatus.ASSIGNED.value):
            waiting.add_metric([status], counts.get(status, 0))
        yield waiting
        gen = self.loaded()
        passages = GaugeMetricFamily("madoguchi_index_passages",
                                     "Passages of the generation this process serves",
                                     labels=["generation"])
        if gen is not None:
            passages.add_metric([gen.name], len(gen.passages))
        yield passages
        last = read_last_ingest(self.index_dir)
        if last:
            g = GaugeMetricFamily("madoguchi_ingest_last_duration_seconds",
                                  "Duration of the last ingest into the shared index (any "
                                  "process: the ingest job, a publish)", labels=["generation"])
            g.add_metric([str(last.get("generation", ""))], float(last.get("seconds", 0.0)))
            yield g
            t = GaugeMetricFamily("madoguchi_ingest_last_finished_timestamp_seconds",
                                  "When the last ingest finished (Unix time)")
            t.add_metric([], float(last.get("finished", 0.0)))
            yield t


def record_ingest(index_dir: Path, generation: str, seconds: float, passages: int,
                  swapped: bool) -> None:
    """Leave the last ingest's figures beside the index (read at scrape time)."""
    path = Path(index_dir) / LAST_INGEST
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text(json.dumps({"generation": generation, "seconds": round(seconds, 3),
                               "passages": passages, "swapped": swapped,
                               "finished": time.time()}), encoding="utf-8")
    os.replace(tmp, path)


def read_last_ingest(index_dir: Path) -> dict[str, Any]:
    try:
        data = json.loads((Path(index_dir) / LAST_INGEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}
