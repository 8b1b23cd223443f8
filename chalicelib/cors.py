"""Cross-origin access: which web pages may call the API from a browser.

Chalice's own ``CORSConfig`` allows one fixed origin and API Gateway answers its
preflights without calling the Lambda, so it cannot choose among several origins. Here
the origins come from ``CORS_ALLOWED_ORIGINS`` (:mod:`chalicelib.config`); every path gets
an ``OPTIONS`` route whose answer is the preflight, and a middleware adds the headers to
every other answer, errors included, echoing the request's ``Origin`` only when it is
allowed. Nothing here reads a cookie or credential, so no credentials are allowed.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping

from chalice.app import Chalice, Request, Response

# X-Client-Id: the page's own random id, tying its searches to its clicks (docs/analytics.md).
ALLOWED_HEADERS = ("Content-Type", "Idempotency-Key", "X-Client-Id")
# Readable by the calling page: when to try again after a 429 or 503; which recorded search
# an answer was (its clicks name it).
EXPOSED_HEADERS = ("Retry-After", "X-Query-Id")
MAX_AGE_S = 600  # browsers cap it anyway (Chromium at 2 hours, Firefox at 24 hours)


def cors_headers(origin: str | None, allowed: Collection[str]) -> dict[str, str]:
    """For any answer: ``Vary: Origin`` (caches must not mix origins), and the origin echoed if allowed."""
    headers = {"Vary": "Origin"}
    if origin is not None and origin in allowed:
        headers["Access-Control-Allow-Origin"] = origin
        headers["Access-Control-Expose-Headers"] = ", ".join(EXPOSED_HEADERS)
    return headers


def preflight_headers(origin: str | None, allowed: Collection[str], methods: Collection[str]) -> dict[str, str]:
    """The answer to ``OPTIONS``: ``Allow`` for anyone; the ``Access-Control-*`` grants for an allowed origin."""
    headers = {"Allow": ", ".join(methods), **cors_headers(origin, allowed)}
    if "Access-Control-Allow-Origin" in headers:
        headers["Access-Control-Allow-Methods"] = ", ".join(methods)
        headers["Access-Control-Allow-Headers"] = ", ".join(ALLOWED_HEADERS)
        headers["Access-Control-Max-Age"] = str(MAX_AGE_S)
    return headers


def with_cors_headers(response: Response, origin: str | None, allowed: Collection[str]) -> Response:
    for name, value in cors_headers(origin, allowed).items():
        if name == "Vary":
            response.headers[name] = _vary(response.headers.get(name), value)
        else:
            response.headers.setdefault(name, value)
    return response


def _vary(existing: object, more: str) -> str:
    """``Vary`` with ``more`` added to what the route set (``Accept`` on the demo's pages)."""
    names = [name.strip() for name in str(existing or "").split(",") if name.strip()]
    if more.lower() not in {name.lower() for name in names}:
        names.append(more)
    return ", ".join(names)


def configured_origins() -> tuple[str, ...]:
    """``CORS_ALLOWED_ORIGINS``, read on first use. With broken settings, none: the route
    itself then answers 503, and the API's own pages (same origin) need no grant."""
    from chalicelib.config import ConfigError, get_settings

    try:
        return get_settings().cors_allowed_origins
    except ConfigError:
        return ()


def answer_preflights(app: Chalice) -> None:
    """Give every path registered so far an ``OPTIONS`` route answering the preflight.

    Call it after the last route: a path added later has no preflight (a test checks).
    """
    for path, views in list(app.routes.items()):
        if "OPTIONS" not in views:
            methods = [*sorted(views), "OPTIONS"]
            app.route(path, methods=["OPTIONS"], name=f"preflight:{path}")(_preflight(app, methods))


def _preflight(app: Chalice, methods: list[str]) -> Callable[..., Response]:
    def preflight(**_path_parameters: str) -> Response:
        origin = origin_of(app.current_request)
        headers: dict[str, str | list[str]] = {**preflight_headers(origin, configured_origins(), methods)}
        return Response(body="", status_code=204, headers=headers)

    return preflight


def origin_of(request: Request | None) -> str | None:
    headers: Mapping[str, str] = request.headers if request is not None else {}
    return headers.get("origin")
