"""Swagger UI (/docs) and ReDoc (/redoc) from files inside the installed packages, never a CDN:
on a closed network (LGWAN) the docs still work. The assets come from the `fastapi-offline`
wheel (swagger-ui-bundle.js, swagger-ui.css, redoc.standalone.js)."""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

import fastapi_offline
from fastapi import FastAPI
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

from bot.ops.headers import docs_csp

ASSETS = Path(fastapi_offline.__file__).resolve().parent / "static"
PREFIX = "/docs-static"
_INLINE = re.compile(r"<script>(.*?)</script>", re.DOTALL)


def inline_hashes(html: str) -> list[str]:
    """CSP hashes (sha256-…) of a page's inline scripts."""
    return ["sha256-" + base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
            for body in _INLINE.findall(html)]


def install(app: FastAPI) -> dict[str, str]:
    """Add /docs, /redoc and their assets; returns the pages' Content-Security-Policy by path
    (for `SecurityHeaders`). The app must be created with docs_url=None, redoc_url=None."""
    if not (ASSETS / "swagger-ui-bundle.js").is_file():
        raise FileNotFoundError(f"Swagger UI assets are missing: {ASSETS}")
    app.mount(PREFIX, StaticFiles(directory=str(ASSETS)), name="docs-static")
    title = f"{app.title} — API"
    spec = app.openapi_url or "/openapi.json"
    swagger = bytes(get_swagger_ui_html(
        openapi_url=spec, title=title, swagger_js_url=f"{PREFIX}/swagger-ui-bundle.js",
        swagger_css_url=f"{PREFIX}/swagger-ui.css",
        swagger_favicon_url=f"{PREFIX}/favicon.png").body).decode()
    redoc = bytes(get_redoc_html(
        openapi_url=spec, title=title, redoc_js_url=f"{PREFIX}/redoc.standalone.js",
        redoc_favicon_url=f"{PREFIX}/favicon.png", with_google_fonts=False).body).decode()

    @app.get("/docs", include_in_schema=False)
    async def swagger_ui() -> HTMLResponse:
        return HTMLResponse(swagger)

    @app.get("/redoc", include_in_schema=False)
    async def redoc_page() -> HTMLResponse:
        return HTMLResponse(redoc)

    return {"/docs": docs_csp(inline_hashes(swagger)), "/redoc": docs_csp(inline_hashes(redoc))}
