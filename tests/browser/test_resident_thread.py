"""The resident's kept thread and clear actions in Chromium, on a desktop and a 390×844 phone:
opening notice and topic buttons, clarify choices shown once, the chosen rating kept, font
size remembered, tappable numbers, the thread surviving a tab close and a new tab, a staff
reply that arrived while the page was closed, a resume code on another device, 「会話を終了し
て消す」, and Enter not sending while Japanese is being composed. axe-core finds nothing."""

import json

import pytest

from bot.store import repo
from tests.browser.conftest import VIEWPORTS, ask, assert_accessible

pytestmark = pytest.mark.browser


def _bots(page):
    return page.locator("li.bot")


def _staff_reply(app, text):
    services = app.state.services
    with services.db.session() as s:
        staff = repo.staff_by_name(s, "suzuki")
        esc = next(e for e in repo.queue(s) if e.status in repo.ACTIVE)
        services.staff.reply(s, staff, esc, text)
        s.commit()


@pytest.mark.parametrize("size", list(VIEWPORTS))
def test_kept_thread_and_clear_actions(served_app, browser, artifacts, size):
    app, server = served_app
    device = browser.new_context(viewport=VIEWPORTS[size], locale="ja-JP")
    page = device.new_page()
    page.goto(server)
    assert page.get_by_text("日間保存し、その後削除します").is_visible()
    assert page.locator(".notice a.tel[href='tel:119']").count() == 1
    assert_accessible(page, "start")
    page.screenshot(path=str(artifacts / f"{size}-start.png"), full_page=True)

    # A topic button opens example questions; an example is asked with one tap.
    page.get_by_text("ごみ・リサイクル", exact=True).click()
    example = page.get_by_role("button", name="粗大ごみはどうやって出せばいいですか")
    before = _bots(page).count()
    example.click()
    _bots(page).nth(before).wait_for()
    answer = _bots(page).last
    assert "粗大ごみ" in answer.inner_text()

    # Clarify: the choices once, as buttons, not also as a numbered list in the text.
    offer = ask(page, "古いタンスを処分したい")
    choices = offer.get_by_role("group", name="候補の質問")
    choices.wait_for()
    labels = [b.inner_text() for b in choices.get_by_role("button").all()]
    text = offer.locator(".text").inner_text()
    assert labels and all(label not in text for label in labels), text
    page.screenshot(path=str(artifacts / f"{size}-clarify.png"), full_page=True)

    # An answer with its department's number as a tel: link; the chosen rating stays.
    answer = ask(page, "住民票の写しはどこで取れますか")
    answer.locator(".sources").wait_for()
    assert answer.locator("a.tel").first.get_attribute("href").startswith("tel:")
    answer.get_by_role("button", name="役に立った").click()
    page.get_by_text("評価を受け付けました").wait_for()
    page.get_by_role("button", name="文字を大きく").click()
    assert_accessible(page, "conversation")
    page.screenshot(path=str(artifacts / f"{size}-rated-big.png"), full_page=True)

    # Close the tab; a new tab has the thread, the rating and the font size.
    page.close()
    page = device.new_page()
    page.goto(server)
    page.locator("li.resident", has_text="住民票の写し").wait_for()
    rated = page.locator("li.bot").last.get_by_role("button", name="✓ 役に立った")
    assert rated.get_attribute("aria-pressed") == "true"
    assert page.locator("html.big").count() == 1
    assert page.get_by_role("button", name="文字を大きく").get_attribute("aria-pressed") == "true"

    # Ask for a person, close the page; the staff reply is there, marked, on return.
    page.get_by_role("button", name="職員に相談する").click()
    page.locator("li.bot", has_text="職員におつなぎします").wait_for()
    page.close()
    _staff_reply(app, "支所の窓口でも取れます。お問い合わせは 0199-21-1111 へどうぞ。")
    page = device.new_page()
    page.goto(server)
    staff = page.locator("li.staff.new", has_text="支所の窓口でも取れます")
    staff.wait_for()
    assert staff.locator("a.tel").get_attribute("href") == "tel:0199211111"
    page.get_by_text("お休み中に職員からのお返事が届いています").wait_for()
    assert_accessible(page, "staff reply on return")
    page.screenshot(path=str(artifacts / f"{size}-staff-reply-on-return.png"), full_page=True)

    # A resume code moves the thread to another device; the first one loses it, whether it is
    # open (its next poll finds the token refused) or opened later with the old token kept.
    kept = page.evaluate("localStorage.getItem('madoguchi.conversation')")
    page.get_by_role("button", name="別の端末で続ける").click()
    code = page.locator("#code-box .code").inner_text()
    page.screenshot(path=str(artifacts / f"{size}-resume-code.png"), full_page=True)
    other = browser.new_context(viewport=VIEWPORTS[size], locale="ja-JP").new_page()
    other.goto(server)
    other.get_by_text("再開コードで会話を続ける").click()
    other.get_by_label("別の端末で発行した再開コード").fill(code.lower())
    other.get_by_role("button", name="会話を再開").click()
    other.locator("li.staff", has_text="支所の窓口でも取れます").wait_for()
    other.screenshot(path=str(artifacts / f"{size}-resumed-on-other-device.png"),
                     full_page=True)
    page.get_by_text("この端末では開けなくなりました").wait_for()
    assert page.locator("li.resident").count() == 0
    stale = browser.new_context(viewport=VIEWPORTS[size], locale="ja-JP")
    stale.add_init_script(f"localStorage.setItem('madoguchi.conversation', {json.dumps(kept)})")
    late = stale.new_page()
    late.goto(server)
    late.get_by_text("この端末では開けなくなりました").wait_for()
    assert late.locator("li.resident").count() == 0

    # 「会話を終了して消す」 empties the device and the thread cannot be opened again.
    other.once("dialog", lambda d: d.accept())
    other.get_by_role("button", name="会話を終了して消す").click()
    other.get_by_text("会話を終了し、この端末から消しました").wait_for()
    other.reload()
    assert other.locator("li.resident").count() == 0
    assert other.get_by_role("button", name="会話を終了して消す").is_hidden()
    assert_accessible(other, "ended")
    other.screenshot(path=str(artifacts / f"{size}-ended.png"), full_page=True)


def test_enter_while_composing_japanese_does_not_send(server, browser):
    page = browser.new_context(viewport=VIEWPORTS["phone"], locale="ja-JP").new_page()
    page.goto(server)
    box = page.get_by_label("質問を入力してください")
    box.fill("じゅうみんひょう")
    box.dispatch_event("keydown", {"key": "Enter", "isComposing": True, "bubbles": True})
    box.dispatch_event("keydown", {"key": "Enter", "keyCode": 229, "bubbles": True})
    assert box.input_value() == "じゅうみんひょう"  # still there: nothing was sent
    assert page.locator("li.resident").count() == 0
    box.fill("住民票の写しはどこで取れますか")
    box.press("Enter")
    page.locator("li.resident").first.wait_for()
    assert box.input_value() == ""
