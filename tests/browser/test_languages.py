"""Each language in Chromium on a desktop and a 390×844 phone: the page chrome and notice in
that language, a fixed reply (the handoff) in it, the choice remembered on reload, axe-core at
zero violations; a foreign question answered with the Japanese text and a note in the
resident's language; やさしい日本語 with furigana (ruby) on the answer."""

import pytest

from bot.service.languages import CODES
from tests.browser.conftest import VIEWPORTS, ask, assert_accessible

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("code", CODES)
def test_chrome_and_fixed_replies_in_each_language(served_app, browser, artifacts, code):
    app, server = served_app
    lang = app.state.services.languages.get(code)
    for size, viewport in VIEWPORTS.items():
        page = browser.new_context(viewport=viewport).new_page()
        page.goto(f"{server}/?lang={code}")
        assert page.locator(f"html[data-lang='{code}']").count() == 1
        assert page.get_by_label(lang.chrome["ask_label"]).is_visible()
        assert page.get_by_text(lang.chrome["notice_title"]).is_visible()
        page.get_by_role("button", name=lang.chrome["person"]).click()
        # (やさしい日本語 puts readings inside the text: match its kana-only opening)
        expected = "わかりました" if code == "ja-easy" else lang.replies["handoff_requested"]
        reply = page.locator("li.bot", has_text=expected)
        reply.wait_for()
        assert_accessible(page, f"{code} {size}")
        page.screenshot(path=str(artifacts / f"{code}-{size}.png"), full_page=True)
        page.goto(server)  # the choice is remembered
        assert page.locator(f"html[data-lang='{code}']").count() == 1
        page.context.close()


def test_browser_language_and_switch(server, browser):
    page = browser.new_context(locale="ko-KR", viewport=VIEWPORTS["phone"]).new_page()
    page.goto(server)
    assert page.locator("html[data-lang='ko']").count() == 1
    page.get_by_label("言語 / Language").select_option("pt")
    page.locator("html[data-lang='pt']").wait_for(state="attached")
    assert page.get_by_role("button", name="Falar com um funcionário").is_visible()


@pytest.mark.parametrize("size", list(VIEWPORTS))
def test_foreign_question_gets_japanese_text_with_a_note(server, browser, artifacts, size):
    page = browser.new_context(viewport=VIEWPORTS[size], locale="en-US").new_page()
    page.goto(server)
    answer = ask(page, "where can i get a copy of my juminhyo? residence certificate")
    text = answer.inner_text()
    assert "official information is in Japanese" in text
    assert "interpreter" in text
    assert any(c in text for c in "住民票市民課")  # the Japanese official text or its choices
    assert_accessible(page, f"foreign {size}")
    page.screenshot(path=str(artifacts / f"foreign-{size}.png"), full_page=True)


@pytest.mark.parametrize("size", list(VIEWPORTS))
def test_easy_japanese_has_furigana(server, browser, artifacts, size):
    page = browser.new_context(viewport=VIEWPORTS[size], locale="ja-JP").new_page()
    page.goto(f"{server}/?lang=ja-easy")
    assert page.get_by_role("button", name="市の 人と 話す").is_visible()
    answer = ask(page, "住民票の写しはどこで取れますか")
    ruby = answer.locator("ruby", has_text="住民票")
    ruby.first.wait_for()
    assert ruby.first.locator("rt").inner_text() == "じゅうみんひょう"
    assert_accessible(page, f"easy {size}")
    page.screenshot(path=str(artifacts / f"easy-japanese-{size}.png"), full_page=True)
