"""In-memory sliding-window rate limits keyed by strings (a resident id, an IP address).

Each key keeps the times of its recent accepted events; an event is allowed when, for every
configured limit, fewer than `max_events` accepted events fall within the last `window_s`
seconds. Refused events are not recorded, so a client that keeps hammering is let in again as
soon as its window has room. The clock is injectable (`time.monotonic` by default) and every
method is thread-safe. Memory is bounded: at most `max_keys` keys are tracked, least recently
used first out (an evicted key simply starts afresh).
"""

from __future__ import annotations

import re
import threading
import time
from bisect import bisect_right
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

_UNITS = {"s": 1.0, "sec": 1.0, "second": 1.0, "m": 60.0, "min": 60.0, "minute": 60.0,
          "h": 3600.0, "hour": 3600.0, "d": 86400.0, "day": 86400.0}
_SPEC = re.compile(r"^\s*(\d+)\s*/\s*(\d*\.?\d*)\s*([a-z]*)\s*$")


@dataclass(frozen=True)
class Limit:
    """At most `max_events` events in any `window_s` seconds."""

    max_events: int
    window_s: float

    def __post_init__(self) -> None:
        if self.max_events < 1 or self.window_s <= 0:
            raise ValueError(f"不正な制限です: {self.max_events} 回 / {self.window_s} 秒")

    @classmethod
    def parse(cls, spec: str) -> Limit:
        """'20/minute', '5/10s', '300/hour', '30/60' (seconds) → Limit."""
        m = _SPEC.match(spec.lower())
        unit = _unit(m.group(3)) if m else None
        if m is None or unit is None or m.group(2) == ".":
            raise ValueError(f"制限の書き方が不正です: {spec!r}（例: 20/minute, 5/10s）")
        amount = float(m.group(2)) if m.group(2) else 1.0
        return cls(int(m.group(1)), amount * unit)


def _unit(word: str) -> float | None:
    """Seconds per unit: '' and 's' are seconds; plurals like 'minutes' are accepted."""
    if word == "":
        return 1.0
    if word not in _UNITS and len(word) > 2 and word.endswith("s"):
        word = word[:-1]
    return _UNITS.get(word)


def parse_limits(specs: str) -> tuple[Limit, ...]:
    """Comma-separated limits, e.g. '10/minute, 100/hour' (handy for one settings string)."""
    return tuple(Limit.parse(s) for s in specs.split(",") if s.strip())


@dataclass(frozen=True)
class RateDecision:
    allowed: bool
    retry_after_s: float = 0.0
    remaining: int = 0


class Limiter(Protocol):
    """What the channels need of a limiter: in process (`RateLimiter`) or shared by replicas
    (`bot.safety.shared_ratelimit.SharedRateLimiter`)."""

    def hit(self, key: str) -> RateDecision:
        """Record one event for `key` if every limit allows it; say whether it was allowed."""


class RateLimiter:
    """Sliding-window limits per key; see the module docstring."""

    def __init__(self, limits: Sequence[Limit], clock: Callable[[], float] = time.monotonic,
                 max_keys: int = 100_000) -> None:
        if not limits:
            raise ValueError("制限が一つもありません")
        self.limits = tuple(limits)
        self.clock = clock
        self.max_keys = max_keys
        self._horizon = max(limit.window_s for limit in self.limits)
        self._keep = max(limit.max_events for limit in self.limits)
        self._events: OrderedDict[str, list[float]] = OrderedDict()
        self._lock = threading.Lock()

    def hit(self, key: str) -> RateDecision:
        """Record one event for `key` if every limit allows it; say whether it was allowed."""
        with self._lock:
            now = self.clock()
            events = self._recent(key, now)
            decision = self._decide(events, now, adding=True)
            if decision.allowed:
                events.append(now)
                del events[:-self._keep]
                self._remember(key, events, now)
            return decision

    def check(self, key: str) -> RateDecision:
        """Whether an event for `key` would be allowed now, without recording it."""
        with self._lock:
            now = self.clock()
            return self._decide(self._recent(key, now), now, adding=False)

    def reset(self, key: str) -> None:
        """Forget a key (for example after staff lift a block)."""
        with self._lock:
            self._events.pop(key, None)

    def __len__(self) -> int:
        with self._lock:
            return len(self._events)

    def _recent(self, key: str, now: float) -> list[float]:
        events = self._events.get(key, [])
        return events[bisect_right(events, now - self._horizon):]

    def _decide(self, events: list[float], now: float, adding: bool) -> RateDecision:
        retry, remaining = 0.0, min(limit.max_events for limit in self.limits)
        for limit in self.limits:
            inside = events[bisect_right(events, now - limit.window_s):]
            if len(inside) >= limit.max_events:
                oldest_blocking = inside[len(inside) - limit.max_events]
                retry = max(retry, oldest_blocking + limit.window_s - now)
            remaining = min(remaining, limit.max_events - len(inside) - (1 if adding else 0))
        if retry > 0:
            return RateDecision(False, retry, 0)
        return RateDecision(True, 0.0, max(remaining, 0))

    def _remember(self, key: str, events: list[float], now: float) -> None:
        self._events[key] = events
        self._events.move_to_end(key)
        while len(self._events) > self.max_keys:
            self._events.popitem(last=False)
        # Keys are in last-use order, so idle keys sit at the front: drop those fully expired.
        while self._events:
            oldest = next(iter(self._events.values()))
            if oldest and oldest[-1] > now - self._horizon:
                break
            self._events.popitem(last=False)
