"""Domain errors as HTTP answers, for the routes in ``app.py``.

Each route is wrapped in :func:`api_errors`: bad input is a 400 naming the parameter,
search trouble a 503 with ``Retry-After``; anything else is left to Chalice's 500, which
the error-shape middleware strips of detail.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Mapping
from typing import ParamSpec

from chalice.app import Request, Response

from chalicelib.errors import InvalidParameter, error_body

P = ParamSpec("P")
RETRY_AFTER_S = 5

log = logging.getLogger(__name__)


def json_response(body: Mapping[str, object], status: int = 200, headers: Mapping[str, str] | None = None) -> Response:
    return Response(body=body, status_code=status, headers={"Content-Type": "application/json", **(headers or {})})


def not_found(message: str) -> Response:
    return json_response(error_body("not_found", message), 404)


def query_params(request: Request | None) -> dict[str, list[str]]:
    """Every query parameter of the request with all its values, repeats kept."""
    params = request.query_params if request is not None else None
    return {} if params is None else {name: list(params.getlist(name)) for name in params}


def body_bytes(request: Request | None) -> bytes:
    raw = request.raw_body if request is not None else b""
    return raw if isinstance(raw, bytes) else raw.encode("utf-8", "surrogatepass")


def header(request: Request | None, name: str) -> str | None:
    return request.headers.get(name) if request is not None else None


def client_ip(request: Request | None) -> str:
    """API Gateway's view of the caller's address (behind CloudFront or a WAF, still theirs)."""
    identity = request.context.get("identity", {}) if request is not None else {}
    return str(identity.get("sourceIp") or "unknown")


def api_errors(view: Callable[P, Response]) -> Callable[P, Response]:
    @functools.wraps(view)
    def answer(*args: P.args, **kwargs: P.kwargs) -> Response:
        try:
            return view(*args, **kwargs)
        except Exception as exc:
            response = error_response(exc)
            if response is None:
                raise
            return response

    return answer


def error_response(exc: Exception) -> Response | None:
    """The answer to a domain error, or None to leave ``exc`` to Chalice's 500.

    The error classes are imported here, when a route fails, not with this module: every
    route's wrapper needs this mapping, and their modules (the settings, the rate limits,
    the ports) would cost the api function's cold start dataclasses, inspect and hashlib.
    """
    if isinstance(exc, InvalidParameter):  # the commonest, and it needs no import
        return json_response(error_body("invalid_parameter", exc.message, exc.field), 400)
    from chalicelib.config import ConfigError
    from chalicelib.enquiries.limits import RateLimited
    from chalicelib.enquiries.ports import AddressSuppressed, StoreUnavailable
    from chalicelib.enquiries.refusals import KeyInFlight, KeyReusedWithOtherBody, PayloadTooLarge
    from chalicelib.search.ports import SearchUnavailable

    if isinstance(exc, PayloadTooLarge):
        return json_response(error_body("payload_too_large", exc.message), 413)
    if isinstance(exc, RateLimited):
        return json_response(
            error_body("rate_limited", exc.message),
            429,
            {"Retry-After": str(exc.retry_after_s)},
        )
    if isinstance(exc, AddressSuppressed):
        return json_response(
            error_body(
                "address_undeliverable",
                "We could not deliver e-mail to this address before. Please use another e-mail address.",
                "email",
            ),
            422,
        )
    if isinstance(exc, KeyReusedWithOtherBody):
        return json_response(
            error_body(
                "idempotency_key_reused",
                "This Idempotency-Key was used for a different enquiry",
                "Idempotency-Key",
            ),
            422,
        )
    if isinstance(exc, KeyInFlight):
        return json_response(
            error_body("in_progress", "This enquiry is still being received", "Idempotency-Key"),
            409,
            {"Retry-After": "1"},
        )
    if isinstance(exc, StoreUnavailable):
        return json_response(
            error_body("unavailable", "We cannot take enquiries just now. Nothing was sent; please try again."),
            503,
            {"Retry-After": str(RETRY_AFTER_S)},
        )
    if isinstance(exc, SearchUnavailable):
        return json_response(
            error_body("search_unavailable", "Search is unavailable just now. Please try again in a moment."),
            503,
            {"Retry-After": str(RETRY_AFTER_S)},
        )
    follow_up = _follow_up_error(exc)
    if follow_up is not None:
        return follow_up
    if isinstance(exc, ConfigError):
        log.error("%s", exc)
        return json_response(
            error_body("unavailable", "The service is unavailable just now."), 503, {"Retry-After": "30"}
        )
    return None


def _follow_up_error(exc: Exception) -> Response | None:
    """The team links' refusals: a link that is not one we sent (or not for this action) is
    not found, whatever is wrong with it; an expired one is gone; nothing recorded on a 503."""
    from chalicelib.enquiries.followup import EnquiryGone, FollowUpUnavailable, UnknownAction
    from chalicelib.enquiries.links import LinkExpired, LinkInvalid, LinkWrongPurpose
    from chalicelib.enquiries.ports import LinkKeysUnavailable

    if isinstance(exc, (UnknownAction, LinkInvalid, LinkWrongPurpose)):
        return json_response(
            error_body("link_invalid", "This link is not valid: use the links in the enquiry e-mail as sent."), 404
        )
    if isinstance(exc, LinkExpired):
        return json_response(
            error_body("link_expired", "This link has expired: reply to the patient from the enquiry e-mail."), 410
        )
    if isinstance(exc, EnquiryGone):
        return json_response(error_body("enquiry_gone", "We no longer hold this enquiry."), 404)
    if isinstance(exc, (FollowUpUnavailable, LinkKeysUnavailable)):
        return json_response(
            error_body("unavailable", "We cannot record this just now. Nothing was recorded; please try again."),
            503,
            {"Retry-After": str(RETRY_AFTER_S)},
        )
    return None
