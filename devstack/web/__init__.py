"""The demo search page: plain HTML, CSS and JavaScript, no build step, same origin as the API.

Served by the local stack only (``make run``; the routes are in :mod:`devstack.local_routes`):
in AWS the hospital group's own website is the front end, and a second, unreviewed enquiry
form there would send real enquiries to real hospital teams. Nothing here is in the api
function's package. Files are read when asked for, never at import, and only the names in
:data:`ASSETS` are served, so no path from the URL ever reaches the file system.
"""

from __future__ import annotations

from pathlib import Path

from chalice.app import Request, Response

from chalicelib.errors import NOT_FOUND_MESSAGE, error_body

WEB_DIR = Path(__file__).resolve().parent
PAGE = "index.html"
DEMO_STAGES = frozenset({"local"})

# name -> Content-Type; the only files under /assets/.
ASSETS = {
    "app.css": "text/css; charset=utf-8",
    "app.js": "text/javascript; charset=utf-8",
    "api.js": "text/javascript; charset=utf-8",
    "dom.js": "text/javascript; charset=utf-8",
    "format.js": "text/javascript; charset=utf-8",
    "typeahead.js": "text/javascript; charset=utf-8",
    "results.js": "text/javascript; charset=utf-8",
    "filters.js": "text/javascript; charset=utf-8",
    "profile.js": "text/javascript; charset=utf-8",
    "enquiry.js": "text/javascript; charset=utf-8",
    "richtext.js": "text/javascript; charset=utf-8",
    "blocks.js": "text/javascript; charset=utf-8",
    "treatment.js": "text/javascript; charset=utf-8",
    "atoz.js": "text/javascript; charset=utf-8",
    "hospital.js": "text/javascript; charset=utf-8",
    "pages.js": "text/javascript; charset=utf-8",
    "teamlink.js": "text/javascript; charset=utf-8",
}

# Same origin only; no inline script or style, so injected markup cannot run.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
_COMMON_HEADERS: dict[str, str | list[str]] = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
}
# No content hashes in the names (no build step), so browsers keep assets briefly.
ASSET_CACHE = "public, max-age=300"
PAGE_CACHE = "no-cache"


def _read(name: str) -> str:
    """Read per request (a few KiB, local stage only), so an edited page shows on reload."""
    return (WEB_DIR / name).read_text(encoding="utf-8")


def demo_enabled() -> bool:
    from chalicelib.config import get_settings

    return get_settings().stage in DEMO_STAGES


def _not_found() -> Response:
    return Response(
        body=error_body("not_found", NOT_FOUND_MESSAGE), status_code=404, headers={"Content-Type": "application/json"}
    )


def page_response() -> Response:
    if not demo_enabled():
        return _not_found()
    headers: dict[str, str | list[str]] = {
        "Content-Type": "text/html; charset=utf-8",
        "Cache-Control": PAGE_CACHE,
        **_COMMON_HEADERS,
    }
    return Response(body=_read(PAGE), status_code=200, headers=headers)


def asset_response(name: str) -> Response:
    content_type = ASSETS.get(name)
    if content_type is None or not demo_enabled():
        return _not_found()
    headers: dict[str, str | list[str]] = {
        "Content-Type": content_type,
        "Cache-Control": ASSET_CACHE,
        **_COMMON_HEADERS,
    }
    return Response(body=_read(name), status_code=200, headers=headers)


def wants_page(request: Request) -> bool:
    """A browser navigating to an API path (``/treatments/psychodynamic-therapy``) on the demo
    stage: its ``Accept`` asks for HTML, where the page's own ``fetch`` asks for JSON.
    Raises :class:`~chalicelib.config.ConfigError` when the settings are broken."""
    accept = request.headers.get("accept") or ""
    return "text/html" in accept and demo_enabled()
