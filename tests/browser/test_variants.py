"""Learning a variant in the browser: a resident's clarify pick becomes a suggestion, one staff
member confirms it, a second approves it, and then the same question and a paraphrase of it are
answered from the FAQ (cited, quoting its own text) without any re-ingest."""

import re

import pytest

from tests.browser.conftest import staff_login

pytestmark = pytest.mark.browser

ASKED = "古いタンスを処分したい"
PARAPHRASE = "使わなくなった古いタンスを処分したいのですが"
FAQ_QUESTION = "粗大ごみはどうやって出せばよいですか"


def _ask(page, text):
    before = page.locator("li.bot").count()
    page.get_by_label("質問を入力してください").fill(text)
    page.get_by_role("button", name="送信").click()
    # A locator, not wait_for_function: the page's CSP forbids evaluating strings.
    page.locator("li.bot").nth(before).wait_for()
    return page.locator("li.bot").last


def test_pick_confirm_approve_then_answered(server, browser, artifacts):
    resident = browser.new_page(viewport={"width": 420, "height": 900})
    resident.goto(server)
    offer = _ask(resident, ASKED)
    choices = offer.get_by_role("group", name="候補の質問")
    choices.wait_for()
    resident.screenshot(path=str(artifacts / "resident-clarify.png"), full_page=True)
    before = resident.locator("li.bot").count()
    choices.get_by_role("button", name=FAQ_QUESTION).click()
    resident.locator("li.bot").nth(before).wait_for()
    assert "粗大ごみ受付センター" in resident.locator("li.bot").last.inner_text()

    suzuki = staff_login(browser, server, "suzuki")
    suzuki.get_by_role("link", name="言い換え").click()
    row = suzuki.locator("#variant-review tr", has_text=ASKED)
    assert "選択肢で選ばれた" in row.inner_text() and "T-GOMI-001" in row.inner_text()
    with suzuki.expect_navigation():
        row.get_by_role("button", name="確認して承認を依頼").click()
    row = suzuki.locator("#variant-review tr", has_text=ASKED)
    assert "別の職員の承認を待っています" in row.inner_text()
    suzuki.screenshot(path=str(artifacts / "staff-variant-confirmed.png"), full_page=True)

    tanaka = staff_login(browser, server, "tanaka")
    tanaka.goto(f"{server}/staff/variants")
    row = tanaka.locator("#variant-review tr", has_text=ASKED)
    row.get_by_label("コメント").fill("粗大ごみの申込方法で答えられます")
    with tanaka.expect_navigation():
        row.get_by_role("button", name="承認する").click()
    tanaka.get_by_text(re.compile("承認しました")).wait_for()
    assert tanaka.locator("tr[id^=approved-]", has_text=ASKED).count() == 1
    tanaka.screenshot(path=str(artifacts / "staff-variant-approved.png"), full_page=True)

    fresh = browser.new_page(viewport={"width": 420, "height": 900})
    fresh.goto(server)
    for question in (ASKED, PARAPHRASE):
        answer = _ask(fresh, question)
        answer.locator(".sources").wait_for()
        text = answer.inner_text()
        assert "粗大ごみ受付センター" in text, text
        assert answer.locator(".choices").count() == 0
        assert answer.get_by_role("button", name="役に立った").is_visible()
    fresh.screenshot(path=str(artifacts / "resident-answered-after-variant.png"),
                     full_page=True)
