"""Browser fixtures: the real app served by uvicorn on a free port, Debian's Chromium driven
by Playwright, staff login, and the directory where screenshots are kept (printed)."""

import os
import socket
import threading
import time
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
PASSWORD = "correct-horse-battery"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def serve(app):
    """Run `app` in a thread; returns (base url, stop function)."""
    import uvicorn

    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning",
                            timeout_graceful_shutdown=2)
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    for _ in range(200):
        if srv.started:
            break
        time.sleep(0.05)

    def stop() -> None:
        srv.should_exit = True
        thread.join(timeout=10)

    return f"http://127.0.0.1:{port}", stop


@pytest.fixture
def artifacts(request, tmp_path_factory) -> Path:
    """Screenshots of this test: $MADOGUCHI_ARTIFACTS/<test> or a pytest tmp dir."""
    root = os.environ.get("MADOGUCHI_ARTIFACTS")
    base = Path(root) if root else tmp_path_factory.getbasetemp() / "artifacts"
    path = base / request.node.name
    path.mkdir(parents=True, exist_ok=True)
    print(f"\nscreenshots: {path}")
    return path


@pytest.fixture
def served_app(app_factory, tmp_path):
    """(app, base url) with three accounts: suzuki and tanaka (staff), admin."""
    app = app_factory(database_url=f"sqlite:///{tmp_path}/browser.db")
    services = app.state.services
    with services.db.session() as s:
        services.staff.add(s, "suzuki", PASSWORD, "staff", "生活環境課")
        services.staff.add(s, "tanaka", PASSWORD, "staff", "市民課")
        services.staff.add(s, "admin", PASSWORD, "admin")
    base, stop = serve(app)
    yield app, base
    stop()


@pytest.fixture
def server(served_app):
    return served_app[1]


@pytest.fixture
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian chromium is not installed (apt install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=[
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync"])
        yield JapaneseBrowser(b)
        b.close()


# How long a step may wait for the page (an answer to appear, a button to be enabled). The
# tests check what happens, never how fast: on a machine shared with other jobs an answer can
# take seconds, and a short wait only makes a test flaky. Speed is measured by `make bench`.
WAIT_MS = 60_000


class JapaneseBrowser:
    """The browser, with pages in a Japanese locale unless a test asks for another (the chat
    page follows Accept-Language), and one generous wait for every step (`WAIT_MS`)."""

    def __init__(self, browser) -> None:
        self._browser = browser

    def new_context(self, **options):
        options.setdefault("locale", "ja-JP")
        context = self._browser.new_context(**options)
        context.set_default_timeout(WAIT_MS)
        return context

    def new_page(self, **options):
        options.setdefault("locale", "ja-JP")
        page = self._browser.new_page(**options)
        page.set_default_timeout(WAIT_MS)
        return page

    def __getattr__(self, name: str):
        return getattr(self._browser, name)


VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


def ask(page, text):
    """Type a question, send it, and return the bot's reply (a new li.bot)."""
    bots = page.locator("li.bot")
    before = bots.count()
    page.locator("#message").fill(text)
    page.locator("#send").click()
    # A locator, not wait_for_function: the page's CSP forbids evaluating strings.
    bots.nth(before).wait_for()
    return bots.last


def assert_accessible(page, label: str = "") -> None:
    """axe-core (shipped inside the axe-playwright-python wheel) finds no violations. Injected
    through the DevTools protocol, which the page's CSP does not govern."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    assert results.violations_count == 0, f"{label}: {results.generate_report()}"


def staff_login(browser, base, name, password=PASSWORD, landing="/staff"):
    page = browser.new_context(timezone_id="Asia/Tokyo", locale="ja-JP",
                               accept_downloads=True).new_page()
    page.goto(f"{base}/staff/login")
    page.get_by_label("職員名").fill(name)
    page.get_by_label("パスワード").fill(password)
    page.get_by_role("button", name="ログイン").click()
    page.wait_for_url(f"{base}{landing}")
    return page
