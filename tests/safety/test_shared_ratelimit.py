"""Rate limits shared by replicas (Redis on 127.0.0.1:6379): the same decisions as the
in-process limiter, one window for every replica, and a resident let through (and the fault
counted) when Redis does not answer."""

import os
import socket
import uuid

import pytest
from fastapi.testclient import TestClient
from hypothesis import example, given, settings
from hypothesis import strategies as st

from bot.safety.ratelimit import RateLimiter, parse_limits
from bot.safety.shared_ratelimit import SharedRateLimiter

REDIS_URL = os.environ.get("MADOGUCHI_TEST_REDIS", "redis://127.0.0.1:6379/15")


def redis_up() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return True
    except OSError:
        return False


@pytest.fixture
def redis_url():
    if not redis_up():
        if os.environ.get("CI"):
            pytest.fail("Redis does not answer on 127.0.0.1:6379")
        pytest.skip("Redis is not running on 127.0.0.1:6379")
    return REDIS_URL


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def shared(url: str, spec: str, clock, prefix: str | None = None, **kw) -> SharedRateLimiter:
    return SharedRateLimiter(parse_limits(spec), url, prefix or f"t:{uuid.uuid4().hex}:",
                             clock=clock, **kw)


@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["a", "b"]), st.floats(0, 40)), max_size=40))
@example([("a", 1.44140625), ("a", 10.0)])  # an event exactly one window old (found in CI)
def test_same_decisions_as_the_in_process_limiter(steps):
    if not redis_up():
        pytest.skip("Redis is not running")
    clock = Clock()
    local = RateLimiter(parse_limits("3/10s, 5/60s"), clock=clock)
    remote = shared(REDIS_URL, "3/10s, 5/60s", clock)
    try:
        for key, wait in steps:
            clock.now += wait
            a, b = local.hit(key), remote.hit(key)
            assert (a.allowed, a.remaining) == (b.allowed, b.remaining)
            assert b.retry_after_s == pytest.approx(a.retry_after_s, abs=1e-3)
    finally:
        remote.close()


def test_two_replicas_share_one_window(redis_url):
    clock, prefix = Clock(), f"t:{uuid.uuid4().hex}:"
    one, two = shared(redis_url, "3/minute", clock, prefix), shared(redis_url, "3/minute",
                                                                    clock, prefix)
    assert [one.hit("ip:1").allowed, two.hit("ip:1").allowed, one.hit("ip:1").allowed] == [
        True, True, True]
    refused = two.hit("ip:1")
    assert not refused.allowed and refused.retry_after_s == pytest.approx(60.0)
    assert two.hit("ip:2").allowed  # other keys are untouched
    clock.now += 60.5
    assert one.hit("ip:1").allowed
    assert one.ping() == {}


def test_redis_down_lets_residents_through_and_counts_it():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    faults = []
    limiter = shared(f"redis://127.0.0.1:{port}/0", "1/minute", Clock(),
                     on_error=lambda: faults.append(1))
    assert limiter.hit("ip:1").allowed and limiter.hit("ip:1").allowed
    assert len(faults) == 2
    with pytest.raises(Exception):  # noqa: B017 - /readyz reports whatever the client raises
        limiter.ping()


def test_apps_sharing_redis_limit_together(app_factory, redis_url, monkeypatch):
    monkeypatch.setenv("MADOGUCHI_LIMITS__REDIS_PREFIX", f"t:{uuid.uuid4().hex}:")
    monkeypatch.setenv("MADOGUCHI_LIMITS__REDIS_URL", redis_url)
    monkeypatch.setenv("MADOGUCHI_LIMITS__PER_IP", "2/minute")
    one, two = TestClient(app_factory()), TestClient(app_factory())
    ask = {"message": "燃やすごみの収集日はいつですか"}
    assert one.post("/api/chat", json=ask).status_code == 200
    assert two.post("/api/chat", json=ask).status_code == 200
    third = one.post("/api/chat", json=ask)
    assert third.status_code == 429 and int(third.headers["Retry-After"]) >= 1
    ready = two.get("/readyz").json()
    assert ready["checks"]["rate_limits"]["ok"]
