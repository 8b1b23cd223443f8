"""The local stack's own routes: the demo page and its assets, the outbox, and the demo page
for a browser's navigation to one of the API's pages.

None of them is in the api function's package: ``chalice package`` takes ``app.py`` and
``chalicelib/``, and this is ``devstack/`` (``tests/infra/test_packaging.py`` checks the zip
and the deployed API's paths). The local API server adds them to the app on the local stage
(:func:`with_local_routes`); tests take :func:`local_app`. Should they ever be added to
another stage, each still answers the JSON 404 there.
"""

from __future__ import annotations

import functools
import importlib.util
from collections.abc import Callable
from pathlib import Path

from chalice.app import Blueprint, Chalice, Request, Response

from chalicelib import cors
from chalicelib.config import ConfigError
from chalicelib.errors import NOT_FOUND_MESSAGE
from chalicelib.http import api_errors, not_found

PROJECT_DIR = Path(__file__).resolve().parent.parent
LOCAL_STAGE = "local"
LOCAL_PATHS = ("/", "/assets/{name}", "/_local/outbox")
# The API's pages a browser may navigate to, as app.py declares their routes.
PAGE_PATHS = frozenset({"/treatments", "/treatments/{slug}", "/hospitals", "/hospitals/{hospital_id}"})

local_routes = Blueprint(__name__)


@local_routes.route("/", methods=["GET"])
@api_errors
def demo_page() -> Response:
    """The demo search page (local stage only; 404 elsewhere): see devstack/web."""
    from devstack.web import page_response

    return page_response()


@local_routes.route("/assets/{name}", methods=["GET"])
@api_errors
def demo_asset(name: str) -> Response:
    """The demo page's scripts and styles, from a fixed list of names."""
    from devstack.web import asset_response

    return asset_response(name)


@local_routes.route("/_local/outbox", methods=["GET"])
@api_errors
def local_outbox() -> Response:
    """The e-mails the local stack's moto server sent, newest first; 404 in every other stage."""
    from chalicelib.config import get_settings
    from devstack.outbox import local_outbox as sent_mail

    settings = get_settings()
    if settings.stage != LOCAL_STAGE or not settings.aws_endpoint_url:
        return not_found(NOT_FOUND_MESSAGE)
    return Response(body=sent_mail(settings.aws_endpoint_url), status_code=200, headers={"Cache-Control": "no-store"})


@local_routes.middleware("http")
def demo_page_on_navigation(event: Request, get_response: Callable[[Request], Response]) -> Response:
    """A browser's navigation to one of :data:`PAGE_PATHS` gets the demo page (its script then
    asks for the JSON); any other request, the route's answer. Either way ``Vary: Accept``
    (merged with ``Origin`` by app.py's ``cross_origin``): a cache must not give one to the other.

    Registered after app.py's middleware, so it runs inside them: its page gets the same headers.
    """
    context = event.context if event is not None else {}
    if event is None or event.method != "GET" or context.get("resourcePath") not in PAGE_PATHS:
        return get_response(event)
    from devstack.web import page_response, wants_page

    try:
        page = wants_page(event)
    except ConfigError:
        page = False  # the route answers its 503, as with any request
    response = page_response() if page else get_response(event)
    response.headers["Vary"] = "Accept"
    return response


def with_local_routes(app: Chalice) -> Chalice:
    """Add the local routes, their preflights and the page middleware to ``app``, once."""
    if LOCAL_PATHS[-1] in app.routes:
        return app
    missing = sorted(PAGE_PATHS - set(app.routes))
    if missing:
        raise ValueError(f"the app has no route {', '.join(missing)}: devstack.local_routes.PAGE_PATHS is stale")
    app.register_blueprint(local_routes)
    cors.answer_preflights(app)  # only the paths just added lack one
    return app


@functools.cache
def local_app() -> Chalice:
    """app.py's app as the local API server serves it, for tests: a second instance of it,
    with the local routes. The imported ``app.app`` stays as deployed: ``chalice package``
    (the infra tests' synth, in the same process) reads that very object."""
    spec = importlib.util.spec_from_file_location("app_with_local_routes", PROJECT_DIR / "app.py")
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {PROJECT_DIR / 'app.py'}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    app: Chalice = module.app
    return with_local_routes(app)
