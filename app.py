"""The api Lambda: routes only. Each parses, calls one service, maps errors."""

from __future__ import annotations

from collections.abc import Callable

from chalice.app import Chalice, Request, Response

from chalicelib import deps
from chalicelib.errors import uniform_error
from chalicelib.health import run_checks

app = Chalice(app_name="find-a-specialist")


@app.middleware("http")
def uniform_error_bodies(event: Request, get_response: Callable[[Request], Response]) -> Response:
    response = get_response(event)
    replacement = uniform_error(response.status_code, response.body)
    if replacement is not None:
        response.body = replacement
    return response


@app.route("/health", methods=["GET"])
def health() -> Response:
    report = run_checks(
        {
            "search": lambda: deps.search_index().ping(),
            "enquiries_store": lambda: deps.enquiry_store().ping(),
        }
    )
    return Response(body=report.as_body(), status_code=200 if report.ok else 503, headers={"Cache-Control": "no-store"})
