"""The api Lambda: routes only. Each parses, calls one service, maps errors.

A route imports what only it needs (its parser, its service) when it first runs: a cold
start imports this module before its first request, and should pay for little more than
Chalice itself (``bench/cold_start.py``; ``tests/unit/test_cold_imports.py`` pins it).

The local stack's own routes (the demo page, its assets, the outbox) are not here: the local
API server adds them (``devstack/local_routes.py``), and none of them ships in the package.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, Literal

from chalice.app import Chalice, IAMAuthorizer, Request, Response

from chalicelib import cors, deps
from chalicelib.errors import uniform_error
from chalicelib.http import api_errors, body_bytes, client_ip, header, json_response, not_found, query_params

app = Chalice(app_name="find-a-specialist")


@app.middleware("http")
def uniform_error_bodies(event: Request, get_response: Callable[[Request], Response]) -> Response:
    response = get_response(event)
    replacement = uniform_error(response.status_code, response.body)
    if replacement is not None:
        response.body = replacement
        response.headers["Content-Type"] = "application/json"  # Chalice's own errors name none
    return response


@app.middleware("http")
def no_sniffing(event: Request, get_response: Callable[[Request], Response]) -> Response:
    """Every answer is what its Content-Type says: a browser must not guess HTML in JSON."""
    response = get_response(event)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@app.middleware("http")
def cross_origin(event: Request, get_response: Callable[[Request], Response]) -> Response:
    return cors.with_cors_headers(get_response(event), cors.origin_of(event), cors.configured_origins())


@app.route("/health", methods=["GET"])
def health() -> Response:
    from chalicelib.health import run_checks

    report = run_checks(
        {
            "search": lambda: deps.services().search_index.ping(),
            "enquiries_store": lambda: deps.services().store.ping(),
        }
    )
    return Response(body=report.as_body(), status_code=200 if report.ok else 503, headers={"Cache-Control": "no-store"})


@app.route("/specialists", methods=["GET"])
@api_errors
def find_specialists() -> Response:
    """The answer carries its ``query_id`` (also ``X-Query-Id``); the query is recorded (docs/analytics.md)."""
    started = time.monotonic()
    from chalicelib.analytics.ubi import client_id_of
    from chalicelib.search.request import parse_search_request

    request = parse_search_request(query_params(app.current_request))
    services = deps.services()
    results = services.search.search(request)
    client_id = client_id_of(header(app.current_request, "x-client-id"))
    query_id = services.query_recorder.searched(request, results, client_id, started)
    return json_response({**results, "query_id": query_id}, headers={"X-Query-Id": query_id})


@app.route("/specialists/{specialist_id}", methods=["GET"])
@api_errors
def specialist_profile(specialist_id: str) -> Response:
    profile = deps.services().search.profile(specialist_id)
    return json_response(profile) if profile is not None else not_found("There is no specialist with this id.")


@app.route("/hospitals", methods=["GET"])
@api_errors
def hospitals() -> Response:
    from chalicelib.search.hospitals import parse_hospitals_request

    request = parse_hospitals_request(query_params(app.current_request))
    return json_response(deps.services().hospitals.hospitals(request))


@app.route("/hospitals/{hospital_id}", methods=["GET"])
@api_errors
def hospital_page(hospital_id: str) -> Response:
    from chalicelib.search.hospitals import parse_hospital_page_request

    request = parse_hospital_page_request(query_params(app.current_request))
    service = deps.services().hospitals
    page = service.page(hospital_id, request)
    return json_response(page) if page is not None else not_found(service.not_found_message(hospital_id))


@app.route("/treatments", methods=["GET"])
@api_errors
def treatments() -> Response:
    from chalicelib.treatments.pages import parse_treatments_request

    request = parse_treatments_request(query_params(app.current_request))
    return json_response(deps.services().treatments.treatments(request))


@app.route("/treatments/{slug}", methods=["GET"])
@api_errors
def treatment_page(slug: str) -> Response:
    from chalicelib.treatments.pages import parse_treatment_page_request

    request = parse_treatment_page_request(query_params(app.current_request))
    service = deps.services().treatments
    page = service.page(slug, request)
    return json_response(page) if page is not None else not_found(service.not_found_message(slug))


@app.route("/suggest", methods=["GET"])
@api_errors
def suggest() -> Response:
    started = time.monotonic()
    from chalicelib.analytics.ubi import client_id_of
    from chalicelib.search.suggest import parse_suggest_request

    q, limit = parse_suggest_request(query_params(app.current_request))
    services = deps.services()
    answer = services.search.suggest(q, limit)
    client_id = client_id_of(header(app.current_request, "x-client-id"))
    query_id = services.query_recorder.suggested(q, limit, answer, client_id, started)
    return json_response({**answer, "query_id": query_id}, headers={"X-Query-Id": query_id})


@app.route("/enquiries", methods=["POST"], content_types=["application/json"])
@api_errors
def submit_enquiry() -> Response:
    request = app.current_request
    answer = deps.services().enquiry_endpoint.accept(
        body_bytes(request),
        header(request, "idempotency-key"),
        client_ip(request),
        getattr(app, "lambda_context", None),
    )
    return json_response(answer, 202)


@app.route("/events", methods=["POST"], content_types=["application/json", "text/plain"])
@api_errors
def record_event() -> Response:
    """A click on an answer (docs/analytics.md, "Click events"); a page sends it with sendBeacon."""
    request = app.current_request
    answer = deps.services().click_events.accept(
        body_bytes(request), header(request, "x-client-id"), client_ip(request)
    )
    return json_response(answer, 202)


@app.route("/enquiry-actions/{action}/{token}", methods=["GET"])
@api_errors
def enquiry_action(action: str, token: str) -> Response:
    """What a link in the team's e-mail records, and what is recorded: it changes nothing."""
    return json_response(deps.services().team_follow_up.preview(action, token))


@app.route(
    "/enquiry-actions/{action}/{token}",
    methods=["POST"],
    content_types=["application/json", "application/x-www-form-urlencoded"],
)
@api_errors
def record_enquiry_action(action: str, token: str) -> Response:
    return json_response(deps.services().team_follow_up.record(action, token))


# Admin routes: API Gateway admits only SigV4-signed requests of principals allowed
# execute-api:Invoke on them (never the public); the address travels in the body, never the path.
ADMIN = IAMAuthorizer()


@app.route("/admin/rights/export", methods=["POST"], content_types=["application/json"], authorizer=ADMIN)
@api_errors
def export_address_data() -> Response:
    """Everything held under one e-mail address (docs/enquiries.md, "Data rights")."""
    return _data_rights("export")


@app.route("/admin/rights/erase", methods=["POST"], content_types=["application/json"], authorizer=ADMIN)
@api_errors
def erase_address_data() -> Response:
    """Delete what is held under one e-mail address, but enquiries still in flight."""
    return _data_rights("erase")


def _data_rights(operation: Literal["export", "erase"]) -> Response:
    from chalicelib.enquiries.rights import admin_call, caller_of
    from chalicelib.errors import error_body

    request = app.current_request
    services = deps.services()
    caller = caller_of(request.context if request else None)
    if caller is None and services.app_settings.stage != "local":
        # API Gateway's IAM authorisation names the caller: without one, the request did not pass it.
        return json_response(error_body("forbidden", "This route needs a signed request (IAM)."), 403)
    return json_response(admin_call(services.data_rights, operation, body_bytes(request), caller))


@app.route("/openapi.json", methods=["GET"])
def openapi_document() -> Response:
    """The OpenAPI 3.1 document of every public route, built on first request."""
    from chalicelib.openapi.document import document_response

    return document_response(app.routes)


@app.route("/docs", methods=["GET"])
def api_docs() -> Response:
    """The document as a page people can read; its script and styles come from this app."""
    from chalicelib.openapi.page import page_response

    return page_response()


@app.route("/docs/{asset}", methods=["GET"])
def api_docs_asset(asset: str) -> Response:
    from chalicelib.openapi.page import asset_response

    return asset_response(asset)


@app.lambda_function(name="notify")
def notify(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """The enquiries table's stream: e-mails out, and the records to retry (partial batch response).
    A scheduled event instead sweeps up the enquiries the stream's retries did not send; SNS
    notifications are SES's bounces and complaints of those e-mails."""
    from chalicelib.adapters.dynamodb_stream import handle_stream_event
    from chalicelib.adapters.ses_events import delivery_problems, is_sns_event
    from chalicelib.enquiries.sweep import is_scheduled_event

    def time_left_s() -> float:
        return float(context.get_remaining_time_in_millis()) / 1000

    if is_scheduled_event(event):
        return deps.services().sweeper.sweep(time_left_s)
    if is_sns_event(event):
        return {"marked": deps.services().bounce_handler.handle(delivery_problems(event))}
    return handle_stream_event(event, deps.services().notifier, time_left_s)


# Last: every path above gets its CORS preflight.
cors.answer_preflights(app)
