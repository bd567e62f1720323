"""/docs and /redoc render in a real browser with every request outside the server blocked,
under the pages' Content-Security-Policy (no violation reported)."""

import pytest

pytestmark = pytest.mark.browser


def test_api_docs_render_offline_under_csp(browser, server):
    context = browser.new_context()
    outside: list[str] = []

    def only_local(route):
        if route.request.url.startswith(server):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    context.route("**/*", only_local)
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.goto(f"{server}/docs")
    page.wait_for_selector(".swagger-ui .info .title")
    assert "madoguchi" in page.inner_text(".swagger-ui .info .title")
    page.get_by_text("/api/chat", exact=True).first.wait_for()
    page.goto(f"{server}/redoc")
    page.get_by_text("住民の質問に答えます").first.wait_for()
    assert outside == []
    # ReDoc's "by Redocly" footer image points to its CDN: the policy blocks it (no request
    # leaves), and nothing else may be blocked.
    blocked = [p for p in problems if "Content Security Policy" in p]
    assert all("directive: \"img-src" in p and "cdn.redoc.ly" in p for p in blocked), blocked
    context.close()
