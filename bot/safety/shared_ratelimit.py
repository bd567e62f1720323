"""Rate limits that hold across replicas: the same sliding windows as `RateLimiter`, kept in
Redis (one sorted set of accepted event times per key, decided atomically in a Lua script).

Times come from the caller's wall clock (replicas keep theirs in sync with NTP). When Redis
does not answer, the message is let through and the fault is counted and logged: a resident
must never be turned away because a limit store is down (/readyz reports it).
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable, Sequence
from typing import Any

from bot.safety.ratelimit import Limit, RateDecision

log = logging.getLogger(__name__)

# KEYS[1]: the key. ARGV: now, member, then (max_events, window) per limit.
# Returns {allowed (0/1), retry_after (string, seconds), remaining}.
_HIT = """
local now = tonumber(ARGV[1])
local horizon, retry, remaining = 0, 0, nil
for i = 3, #ARGV, 2 do
  local max, window = tonumber(ARGV[i]), tonumber(ARGV[i + 1])
  if window > horizon then horizon = window end
  -- '(' .. number would print 14 significant digits: an event exactly one window old
  -- (1000001.44140625) then fell inside or outside by rounding; 17 digits are exact.
  local since = '(' .. string.format('%.17g', now - window)
  local inside = redis.call('ZCOUNT', KEYS[1], since, '+inf')
  if inside >= max then
    local blocking = redis.call('ZRANGEBYSCORE', KEYS[1], since, '+inf', 'WITHSCORES',
                                'LIMIT', inside - max, 1)
    local wait = tonumber(blocking[2]) + window - now
    if wait > retry then retry = wait end
  end
  local left = max - inside - 1
  if remaining == nil or left < remaining then remaining = left end
end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - horizon)
if retry > 0 then return {0, tostring(retry), 0} end
redis.call('ZADD', KEYS[1], now, ARGV[2])
redis.call('PEXPIRE', KEYS[1], math.ceil(horizon * 1000))
if remaining < 0 then remaining = 0 end
return {1, '0', remaining}
"""


class SharedRateLimiter:
    """`RateLimiter`'s `hit` against Redis, shared by every replica."""

    def __init__(self, limits: Sequence[Limit], url: str, prefix: str = "madoguchi:rl:",
                 clock: Callable[[], float] = time.time,
                 on_error: Callable[[], None] | None = None) -> None:
        import redis

        if not limits:
            raise ValueError("制限が一つもありません")
        self.limits, self.clock, self.prefix = tuple(limits), clock, prefix
        self.on_error = on_error
        self._redis: Any = redis.Redis.from_url(url, socket_timeout=0.5,
                                                socket_connect_timeout=0.5)
        self._hit = self._redis.register_script(_HIT)
        self._args = [x for limit in self.limits for x in (limit.max_events, limit.window_s)]

    def hit(self, key: str) -> RateDecision:
        """Record one event for `key` if every limit allows it (on every replica)."""
        import redis

        now = self.clock()
        try:
            allowed, retry, remaining = self._hit(
                keys=[self.prefix + key], args=[now, f"{now:.6f}:{uuid.uuid4().hex[:8]}",
                                                *self._args])
        except redis.RedisError as exc:
            log.warning("shared rate limits unavailable (%s): message let through",
                        type(exc).__name__)
            if self.on_error is not None:
                self.on_error()
            return RateDecision(True, 0.0, 0)
        return RateDecision(bool(allowed), float(retry), int(remaining))

    def ping(self) -> dict[str, Any]:
        """For /readyz: Redis answers."""
        self._redis.ping()
        return {}

    def close(self) -> None:
        self._redis.close()
