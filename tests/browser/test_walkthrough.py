"""Browser walk-through with Playwright driving Debian's Chromium: a resident gets a cited
answer, asks for a person, a staff member answers and the resident sees it without reloading,
a second staff member approves the FAQ candidate and the bot then answers from it."""

import re

import pytest

from tests.browser.conftest import staff_login

pytestmark = pytest.mark.browser


def test_resident_and_staff_walkthrough(server, browser, artifacts):
    resident = browser.new_page(viewport={"width": 420, "height": 900})
    resident.goto(server)
    resident.get_by_label("質問を入力してください").fill("住民票の写しはどこで取れますか")
    resident.get_by_role("button", name="送信").click()
    answer = resident.locator("li.bot").filter(has=resident.locator(".sources")).first
    answer.wait_for()
    link = answer.locator(".sources a").first
    assert "juminhyo.html" in (link.get_attribute("href") or "")
    assert "市民課" in answer.inner_text()
    assert answer.get_by_role("button", name="役に立った").is_visible()
    resident.screenshot(path=str(artifacts / "resident-answer.png"), full_page=True)

    resident.get_by_role("button", name="職員に相談する").click()
    resident.locator("li.bot", has_text="職員におつなぎします").wait_for()

    suzuki = staff_login(browser, server, "suzuki")
    suzuki.get_by_role("link", name=re.compile("住民票")).first.click()
    suzuki.get_by_text("途中経過（トレース）").first.click()
    suzuki.screenshot(path=str(artifacts / "staff-console.png"), full_page=True)
    reply = "住民票の写しは、本庁舎1階の市民課と北部・南部支所で取れます。"
    suzuki.get_by_label("住民への返信").fill(reply)
    suzuki.get_by_role("button", name="返信する").click()

    # The resident's page shows the staff reply without reloading (it polls the thread).
    resident.locator("li.staff", has_text="北部・南部支所").wait_for()
    resident.screenshot(path=str(artifacts / "resident-staff-reply.png"), full_page=True)

    question = "住民票は支所でも取れますか"
    suzuki.get_by_role("link", name="この回答から FAQ候補を作る").click()
    suzuki.get_by_label("質問", exact=True).fill(question)
    suzuki.get_by_role("button", name="承認を依頼する").click()
    suzuki.wait_for_url(re.compile(r"/staff/faq/\d+"))
    candidate = suzuki.url.split("?")[0]

    tanaka = staff_login(browser, server, "tanaka")
    tanaka.goto(candidate)
    with tanaka.expect_navigation():
        tanaka.get_by_role("button", name="承認して公開").click()
    tanaka.get_by_text("STAFF-FAQ-0001").first.wait_for()
    tanaka.screenshot(path=str(artifacts / "staff-faq-approved.png"), full_page=True)

    fresh = browser.new_page()
    fresh.goto(server)
    fresh.get_by_label("質問を入力してください").fill(question)
    fresh.keyboard.press("Enter")
    bot = fresh.locator("li.bot").last
    # (a locator, not wait_for_function: the page's CSP forbids evaluating strings)
    fresh.locator("li.bot").nth(1).wait_for()
    text = bot.inner_text()
    assert "北部・南部支所" in text or "住民票は支所でも取れますか" in text
    fresh.screenshot(path=str(artifacts / "resident-answer-from-approved-faq.png"),
                     full_page=True)
