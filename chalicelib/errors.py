"""The one error shape every public answer uses:
``{"error": {"code": str, "message": str, "field": str | null}}``.

Chalice, and API Gateway in front of it, have error bodies of their own
(``{"Code": ..., "Message": ...}``, ``{"message": ...}``); :func:`uniform_error`
rewrites those so a client only ever parses one shape, and a 5xx never carries
internal detail.
"""

from __future__ import annotations

import re
from typing import Any

from typing_extensions import TypedDict

from chalicelib.shapes import documented

INTERNAL_ERROR_MESSAGE = "Something went wrong on our side. Please try again shortly."
NOT_FOUND_MESSAGE = "There is nothing at this address."


class InvalidParameter(ValueError):
    """Bad input, answered with a 400 that names the parameter or field (``None`` when the
    problem is the request as a whole). The message must never echo personal data."""

    def __init__(self, field: str | None, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


@documented
class ErrorDetail(TypedDict):
    code: str
    """Stable and machine-readable, such as "invalid_parameter", "not_found" or "rate_limited"."""
    message: str
    """For people; never personal data, a stack trace or a dependency's own error text."""
    field: str | None
    """The parameter, body field or header at fault; null when it is the request as a whole."""


@documented
class ErrorBody(TypedDict):
    """Every error answer, from every route and from the gateway, has this shape."""

    error: ErrorDetail


def error_body(code: str, message: str, field: str | None = None) -> ErrorBody:
    return {"error": {"code": code, "message": message, "field": field}}


def _snake_case(chalice_code: str) -> str:
    name = chalice_code.removesuffix("Error") or chalice_code
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def uniform_error(status: int, body: Any) -> ErrorBody | None:
    """The standard body for a framework-made error response, or None to keep ``body``."""
    if status < 400 or not isinstance(body, dict) or set(body) != {"Code", "Message"}:
        return None
    if status >= 500:
        return error_body("internal_error", INTERNAL_ERROR_MESSAGE)
    return error_body(_snake_case(str(body["Code"])), str(body["Message"]))


# API Gateway answers some requests without calling the Lambda. The deployed stack
# overrides these gateway responses with the standard body; the local server applies
# the same table, so both answer an unknown path with a JSON 404.
GATEWAY_RESPONSES: dict[str, tuple[int, ErrorBody]] = {
    "MISSING_AUTHENTICATION_TOKEN": (404, error_body("not_found", NOT_FOUND_MESSAGE)),
}
