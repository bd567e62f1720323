import threading

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.safety.ratelimit import Limit, RateDecision, RateLimiter, parse_limits


class FakeClock:
    def __init__(self, now: float = 1000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def _limiter(*limits: Limit, max_keys: int = 100) -> tuple[RateLimiter, FakeClock]:
    clock = FakeClock()
    return RateLimiter(limits, clock=clock, max_keys=max_keys), clock


def test_allows_up_to_the_limit_then_refuses():
    limiter, _ = _limiter(Limit(3, 60))
    assert [limiter.hit("r1").allowed for _ in range(4)] == [True, True, True, False]
    assert [limiter.hit("r1").remaining for _ in range(1)] == [0]


def test_remaining_counts_down():
    limiter, _ = _limiter(Limit(3, 60))
    assert [limiter.hit("r1").remaining for _ in range(3)] == [2, 1, 0]


def test_window_slides():
    limiter, clock = _limiter(Limit(2, 10))
    limiter.hit("k")
    clock.advance(4)
    limiter.hit("k")
    refused = limiter.hit("k")
    assert refused == RateDecision(False, pytest.approx(6.0), 0)
    clock.advance(5.9)
    assert not limiter.hit("k").allowed
    clock.advance(0.2)  # the first event (t=0) is now more than 10 s old
    assert limiter.hit("k").allowed
    assert not limiter.hit("k").allowed


def test_refused_events_are_not_recorded():
    limiter, clock = _limiter(Limit(1, 10))
    limiter.hit("k")
    for _ in range(50):
        clock.advance(0.1)
        limiter.hit("k")
    clock.advance(5.1)  # 10.1 s after the only accepted event
    assert limiter.hit("k").allowed


def test_keys_are_independent():
    limiter, _ = _limiter(Limit(1, 60))
    assert limiter.hit("resident:a").allowed
    assert limiter.hit("ip:203.0.113.7").allowed
    assert not limiter.hit("resident:a").allowed


def test_every_limit_must_allow_and_retry_after_is_the_longest_wait():
    limiter, clock = _limiter(Limit(2, 10), Limit(3, 100))
    for _ in range(2):
        limiter.hit("k")
    clock.advance(11)
    assert limiter.hit("k").allowed  # 1 in the last 10 s, 3 in the last 100 s
    clock.advance(11)
    decision = limiter.hit("k")
    assert not decision.allowed
    assert decision.retry_after_s == pytest.approx(100 - 22)


def test_check_does_not_record():
    limiter, _ = _limiter(Limit(1, 60))
    assert limiter.check("k").allowed and limiter.check("k").allowed
    assert limiter.hit("k").allowed
    assert not limiter.check("k").allowed


def test_reset_forgets_a_key():
    limiter, _ = _limiter(Limit(1, 60))
    limiter.hit("k")
    limiter.reset("k")
    assert limiter.hit("k").allowed


def test_memory_is_bounded_least_recently_used_first():
    limiter, _ = _limiter(Limit(1, 60), max_keys=3)
    for key in "abcd":
        limiter.hit(key)
    assert len(limiter) == 3
    assert limiter.hit("a").allowed  # evicted, so it starts afresh
    assert not limiter.hit("d").allowed


def test_idle_keys_are_dropped():
    limiter, clock = _limiter(Limit(5, 10))
    for key in "abc":
        limiter.hit(key)
    clock.advance(11)
    limiter.hit("z")
    assert len(limiter) == 1


def test_thread_safe_under_contention():
    limiter = RateLimiter([Limit(100, 3600)])
    allowed = []
    lock = threading.Lock()

    def worker():
        for _ in range(50):
            ok = limiter.hit("shared").allowed
            with lock:
                allowed.append(ok)

    threads = [threading.Thread(target=worker) for _ in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(allowed) == 100 and len(allowed) == 800


@pytest.mark.parametrize("spec, limit", [
    ("20/minute", Limit(20, 60)), ("5/10s", Limit(5, 10)), ("300/hour", Limit(300, 3600)),
    ("30/60", Limit(30, 60)), ("2 / 1.5 min", Limit(2, 90)), ("1000/day", Limit(1000, 86400)),
    ("10/minutes", Limit(10, 60)), ("3/2hours", Limit(3, 7200))])
def test_parse(spec, limit):
    assert Limit.parse(spec) == limit


@pytest.mark.parametrize("spec", ["", "ten/minute", "5/10ms", "5/fortnight", "0/minute", "5/0s",
                                  "5/./s"])
def test_parse_rejects_nonsense(spec):
    with pytest.raises(ValueError):
        Limit.parse(spec)


def test_parse_limits():
    assert parse_limits("10/minute, 100/hour") == (Limit(10, 60), Limit(100, 3600))


def test_needs_a_limit():
    with pytest.raises(ValueError):
        RateLimiter([])


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 5), st.integers(1, 20),
       st.lists(st.floats(0, 30, allow_nan=False), min_size=1, max_size=60))
def test_exactly_the_limit_in_any_window(max_events, window, gaps):
    limiter, clock = _limiter(Limit(max_events, window))
    accepted: list[float] = []
    for gap in gaps:
        clock.advance(gap)
        decision = limiter.hit("k")
        in_window = sum(1 for u in accepted if clock.now - window < u)
        assert decision.allowed == (in_window < max_events)  # never over, never under
        if decision.allowed:
            accepted.append(clock.now)
