"""Shared helpers for the staff console tests: an app with three accounts and logged-in
clients."""

import re

import pytest
from fastapi.testclient import TestClient

PASSWORD = "correct-horse-battery"


def csrf(html: str) -> str:
    m = re.search(r'name="csrf" value="([^"]+)"', html)
    assert m, "no CSRF field on the page"
    return m.group(1)


@pytest.fixture
def app(app_factory):
    app = app_factory()
    services = app.state.services
    with services.db.session() as s:
        services.staff.add(s, "suzuki", PASSWORD, "staff", "生活環境課")
        services.staff.add(s, "tanaka", PASSWORD, "staff", "市民課")
        services.staff.add(s, "admin", PASSWORD, "admin")
    return app


@pytest.fixture
def login(app):
    def make(name: str, password: str = PASSWORD) -> TestClient:
        c = TestClient(app, base_url="https://testserver")
        page = c.get("/staff/login")
        r = c.post("/staff/login", data={"name": name, "password": password,
                                         "csrf": csrf(page.text)}, follow_redirects=False)
        assert r.status_code == 303, r.text
        return c

    return make
