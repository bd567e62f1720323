"""Staff authentication an attacker cannot talk round (issue 14): the lockout holds under 30
parallel attempts (SQLite and PostgreSQL), logout and a password reset end every session
(copied cookies too), cookies are Secure outside local development, and an unknown name, a
wrong password and a locked account get the same answer after the same work."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from fastapi.testclient import TestClient

from bot.service.staff import LOGIN_REFUSED, StaffError, StaffService
from bot.store import repo
from bot.store.db import Database
from tests.staff.conftest import PASSWORD, csrf

PARALLEL = 30


class CountingHasher:
    """The real argon2 hasher, counting which hashes were verified."""

    def __init__(self, hasher) -> None:
        self._hasher = hasher
        self.verified: list[str] = []
        self._lock = threading.Lock()

    def verify(self, password_hash: str, password: str) -> bool:
        with self._lock:
            self.verified.append(password_hash)
        return self._hasher.verify(password_hash, password)

    def hash(self, password: str) -> str:
        return self._hasher.hash(password)


@pytest.fixture
def service():
    svc = StaffService(notifier=None, max_failed_logins=5, lock_minutes=15)  # type: ignore[arg-type]
    svc._hasher = CountingHasher(svc._hasher)
    return svc


def test_parallel_wrong_passwords_cannot_outrun_the_lockout(database_url, service):
    db = Database(database_url, pool=PARALLEL + 2, timeout_s=60)
    db.migrate()
    with db.session() as s:
        real_hash = service.add(s, "suzuki", PASSWORD).password_hash
    start = threading.Barrier(PARALLEL)

    def attempt(_: int) -> str:
        start.wait()
        try:
            with db.session() as s:
                service.login(s, "suzuki", "wrong-password!")
        except StaffError as exc:
            return str(exc)
        return "logged in"

    with ThreadPoolExecutor(PARALLEL) as pool:
        answers = list(pool.map(attempt, range(PARALLEL)))
    assert answers == [LOGIN_REFUSED] * PARALLEL
    # Every attempt cost one hash, but only five ever checked the real password.
    assert len(service._hasher.verified) == PARALLEL
    assert service._hasher.verified.count(real_hash) == 5
    with db.session() as s:
        staff = repo.staff_by_name(s, "suzuki")
        assert staff is not None and repo.is_locked(staff) and staff.failed_logins >= 5
        with pytest.raises(StaffError):
            service.login(s, "suzuki", PASSWORD)  # locked: the right password waits too
    db.engine.dispose()


def test_unknown_wrong_and_locked_look_the_same(app, service):
    services = app.state.services
    services.staff._hasher = service._hasher
    c = TestClient(app, base_url="https://testserver")
    token = csrf(c.get("/staff/login").text)

    def answer(name: str, password: str) -> str:
        before = len(service._hasher.verified)
        page = c.post("/staff/login", data={"name": name, "password": password, "csrf": token})
        assert len(service._hasher.verified) == before + 1  # always exactly one hash
        return page.text.replace(token, "")

    unknown = answer("nobody", "wrong-password!")
    wrong = answer("suzuki", "wrong-password!")
    for _ in range(5):
        answer("tanaka", "wrong-password!")
    locked = answer("tanaka", PASSWORD)
    assert unknown == wrong == locked and LOGIN_REFUSED in locked
    assert c.get("/staff", follow_redirects=False).status_code == 303


def test_logout_ends_a_copied_session(login):
    first = login("suzuki")
    copy = TestClient(first.app, base_url="https://testserver", cookies=dict(first.cookies))
    assert copy.get("/staff").status_code == 200
    first.post("/staff/logout", data={"csrf": csrf(first.get("/staff").text)})
    assert copy.get("/staff", follow_redirects=False).status_code == 303
    assert first.get("/staff", follow_redirects=False).status_code == 303


def test_password_reset_ends_every_session(app, login):
    laptop, phone = login("suzuki"), login("suzuki")
    services = app.state.services
    with services.db.session() as s:
        services.staff.reset_password(s, None, "suzuki", "temporary-pass-1")
    for client in (laptop, phone):
        assert client.get("/staff", follow_redirects=False).headers["location"] == "/staff/login"


def test_own_password_change_keeps_this_session_and_ends_the_others(login):
    here, there = login("suzuki"), login("suzuki")
    page = here.get("/staff/password")
    r = here.post("/staff/password", data={"csrf": csrf(page.text), "current": PASSWORD,
                                           "new": "another-password-2", "again":
                                           "another-password-2"}, follow_redirects=False)
    assert r.status_code == 303
    assert here.get("/staff").status_code == 200
    assert there.get("/staff", follow_redirects=False).status_code == 303


@pytest.mark.parametrize("base, configured, secure", [
    ("https://city.example.jp", None, True),
    ("http://city.example.jp", None, True),  # behind a TLS proxy: still Secure
    ("http://127.0.0.1:8000", None, False),  # local development
    ("http://localhost:8000", None, False),
    ("http://localhost:8000", True, True),
    ("https://city.example.jp", False, False),
])
def test_cookies_are_secure_outside_local_development(app_factory, base, configured, secure):
    from bot.app import create_app
    from bot.settings import StaffSettings

    services = app_factory().state.services
    settings = services.settings.model_copy(update={"staff": StaffSettings(
        cookie_secure=configured)})
    app = create_app(settings, components=services.components, db=services.db)
    cookie = TestClient(app, base_url=base).get("/staff/login").headers["set-cookie"].lower()
    assert ("; secure" in cookie) is secure
