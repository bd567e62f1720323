"""Browser: an emergency reply is an alert with tap-to-call numbers, and the numbers in an
ordinary reply are tap-to-call links too (Playwright driving Debian's Chromium)."""

import pytest

pytestmark = pytest.mark.browser


def ask(page, text: str) -> None:
    page.get_by_label("質問を入力してください").fill(text)
    page.get_by_role("button", name="送信").click()


def test_emergency_numbers_are_tappable_and_announced_first(server, browser, artifacts):
    page = browser.new_page(viewport={"width": 420, "height": 900})
    page.goto(server)
    ask(page, "母が息をしていない")
    alert = page.locator("li.bot.emergency-certain [role=alert]")
    alert.wait_for()
    call = alert.get_by_role("link", name="119 に電話する", exact=True)
    assert call.get_attribute("href") == "tel:119"
    assert alert.get_by_role("link", name="#7119 に電話する").get_attribute(
        "href") == "tel:%237119"
    box = call.bounding_box()
    assert box is not None and box["height"] >= 44  # a finger-sized target
    page.screenshot(path=str(artifacts / "emergency.png"), full_page=True)

    ask(page, "職員と話したい")  # the reply names the city's phone number
    handoff = page.locator("li.bot").filter(has_text="職員におつなぎします").first
    handoff.wait_for()
    links = handoff.locator("a.tel")
    assert links.count() >= 1
    hrefs = links.evaluate_all("as => as.map(a => a.href)")
    # the city's number (off hours the reply also names 119 / 110): every one tappable
    assert "tel:0199211111" in hrefs and all(h.startswith("tel:") for h in hrefs), hrefs
    # Untrusted text is never HTML: a resident's markup stays text.
    ask(page, "<img src=x onerror=alert(1)> 119")
    mine = page.locator("li.resident").filter(has_text="<img src=x").first
    mine.wait_for()
    assert mine.locator("img").count() == 0
