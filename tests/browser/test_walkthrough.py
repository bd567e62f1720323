"""Browser walk-through with Playwright driving Debian's Chromium: a resident gets a cited
answer, asks for a person, a staff member answers and the resident sees it without reloading,
a second staff member approves the FAQ candidate and the bot then answers from it."""

import os
import re
import socket
import threading
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser
CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(os.environ.get("MADOGUCHI_ARTIFACTS", "test-artifacts"))
PASSWORD = "correct-horse-battery"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def server(app_factory, tmp_path):
    import uvicorn

    app = app_factory(database_url=f"sqlite:///{tmp_path}/browser.db")
    services = app.state.services
    with services.db.session() as s:
        services.staff.add(s, "suzuki", PASSWORD, "staff")
        services.staff.add(s, "tanaka", PASSWORD, "staff")
    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    for _ in range(100):
        if srv.started:
            break
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian chromium is not installed (apt install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=[
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync"])
        yield b
        b.close()


def staff_login(browser, base, name):
    page = browser.new_page()
    page.goto(f"{base}/staff/login")
    page.get_by_label("職員名").fill(name)
    page.get_by_label("パスワード").fill(PASSWORD)
    page.get_by_role("button", name="ログイン").click()
    page.wait_for_url(f"{base}/staff")
    return page


def test_resident_and_staff_walkthrough(server, browser):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    resident = browser.new_page(viewport={"width": 420, "height": 900})
    resident.goto(server)
    resident.get_by_label("質問を入力してください").fill("住民票の写しはどこで取れますか")
    resident.get_by_role("button", name="送信").click()
    answer = resident.locator("li.bot").filter(has=resident.locator(".sources")).first
    answer.wait_for(timeout=15000)
    link = answer.locator(".sources a").first
    assert "juminhyo.html" in (link.get_attribute("href") or "")
    assert "市民課" in answer.inner_text()
    assert answer.get_by_role("button", name="役に立った").is_visible()
    resident.screenshot(path=str(ARTIFACTS / "resident-answer.png"), full_page=True)

    resident.get_by_role("button", name="職員に相談する").click()
    resident.locator("li.bot", has_text="職員におつなぎします").wait_for(timeout=15000)

    suzuki = staff_login(browser, server, "suzuki")
    suzuki.get_by_role("link", name=re.compile("住民票")).first.click()
    suzuki.get_by_text("途中経過（トレース）").first.click()
    suzuki.screenshot(path=str(ARTIFACTS / "staff-console.png"), full_page=True)
    reply = "住民票の写しは、本庁舎1階の市民課と北部・南部支所で取れます。"
    suzuki.get_by_label("住民への返信").fill(reply)
    suzuki.get_by_role("button", name="返信する").click()

    # The resident's page shows the staff reply without reloading (it polls the thread).
    resident.locator("li.staff", has_text="北部・南部支所").wait_for(timeout=15000)
    resident.screenshot(path=str(ARTIFACTS / "resident-staff-reply.png"), full_page=True)

    question = "住民票は支所でも取れますか"
    suzuki.locator("input[name=question]").first.fill(question)
    suzuki.get_by_role("button", name="FAQ候補にする").click()
    suzuki.wait_for_url(f"{server}/staff/faq")
    assert suzuki.get_by_role("button", name="承認して公開").is_disabled()

    tanaka = staff_login(browser, server, "tanaka")
    tanaka.goto(f"{server}/staff/faq")
    with tanaka.expect_navigation():
        tanaka.get_by_role("button", name="承認して公開").click()
    tanaka.get_by_text("STAFF-FAQ-0001").wait_for()
    tanaka.screenshot(path=str(ARTIFACTS / "staff-faq-approved.png"), full_page=True)

    fresh = browser.new_page()
    fresh.goto(server)
    fresh.get_by_label("質問を入力してください").fill(question)
    fresh.keyboard.press("Enter")
    bot = fresh.locator("li.bot").last
    fresh.wait_for_function("document.querySelectorAll('li.bot').length >= 2", timeout=15000)
    text = bot.inner_text()
    assert "北部・南部支所" in text or "住民票は支所でも取れますか" in text
    fresh.screenshot(path=str(ARTIFACTS / "resident-answer-from-approved-faq.png"),
                     full_page=True)
