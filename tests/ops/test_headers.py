"""Security headers on every response; HSTS only over HTTPS; the docs pages' own policy."""

import base64
import hashlib
import re

from fastapi.testclient import TestClient

from bot.ops.headers import STRICT_CSP


def test_pages_and_api_carry_the_headers(app_factory):
    client = TestClient(app_factory())
    for r in (client.get("/"), client.post("/api/chat", json={"message": "x" * 2000}),
              client.get("/staff/login"), client.get("/static/chat.js")):
        assert r.headers["content-security-policy"] == STRICT_CSP
        assert "frame-ancestors 'none'" in r.headers["content-security-policy"]
        assert r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["x-frame-options"] == "DENY"
        assert r.headers["referrer-policy"] == "strict-origin-when-cross-origin"
        assert "strict-transport-security" not in r.headers  # plain HTTP


def test_hsts_only_over_https(app_factory):
    r = TestClient(app_factory(), base_url="https://testserver").get("/")
    assert r.headers["strict-transport-security"].startswith("max-age=31536000")


def test_docs_load_nothing_from_outside(app_factory):
    client = TestClient(app_factory())
    for page in ("/docs", "/redoc"):
        html = client.get(page).text
        urls = re.findall(r'(?:src|href)="([^"]+)"', html)
        assert urls and all(u.startswith("/docs-static/") for u in urls), urls
        assert "://" not in html
        for url in urls:
            asset = client.get(url)
            assert asset.status_code == 200 and len(asset.content) > 1000
    csp = client.get("/docs").headers["content-security-policy"]
    inline = re.search(r"<script>(.*?)</script>", client.get("/docs").text, re.DOTALL).group(1)
    digest = base64.b64encode(hashlib.sha256(inline.encode()).digest()).decode()
    assert f"'sha256-{digest}'" in csp and "'unsafe-inline'" not in csp.split("style-src")[0]
    assert "frame-ancestors 'none'" in csp
