"""``GET /docs``: the API document as a page, with its own script and styles.

No CDN and nothing fetched from elsewhere: the page, ``docs.js`` and ``docs.css`` come
from this package (about 9 KB), and the policy below lets the browser load nothing else.
Only the names in :data:`ASSETS` are served, so no part of the URL reaches the file system.
"""

from __future__ import annotations

import functools
from pathlib import Path

from chalice.app import Response

from chalicelib.errors import NOT_FOUND_MESSAGE
from chalicelib.http import not_found

STATIC_DIR = Path(__file__).resolve().parent / "static"
PAGE = "docs.html"
ASSETS = {"docs.js": "text/javascript; charset=utf-8", "docs.css": "text/css; charset=utf-8"}
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "public, max-age=300",
}


@functools.cache
def _read(name: str) -> str:
    return (STATIC_DIR / name).read_text(encoding="utf-8")


def page_response() -> Response:
    return Response(body=_read(PAGE), status_code=200, headers={"Content-Type": "text/html; charset=utf-8", **_HEADERS})


def asset_response(name: str) -> Response:
    content_type = ASSETS.get(name)
    if content_type is None:
        return not_found(NOT_FOUND_MESSAGE)
    return Response(body=_read(name), status_code=200, headers={"Content-Type": content_type, **_HEADERS})
