"""The one error shape every public answer uses:
``{"error": {"code": str, "message": str, "field": str | null}}``.

Chalice, and API Gateway in front of it, have error bodies of their own
(``{"Code": ..., "Message": ...}``, ``{"message": ...}``); :func:`uniform_error`
rewrites those so a client only ever parses one shape, and a 5xx never carries
internal detail. The body's shape, ``ErrorBody``, is in :mod:`chalicelib.error_shapes`.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the shapes cost typing_extensions: see chalicelib.error_shapes
    from collections.abc import Iterable

    from chalicelib.error_shapes import ErrorBody

INTERNAL_ERROR_MESSAGE = "Something went wrong on our side. Please try again shortly."
NOT_FOUND_MESSAGE = "There is nothing at this address."


class InvalidParameter(ValueError):
    """Bad input, answered with a 400 that names the parameter or field (``None`` when the
    problem is the request as a whole). The message must never echo personal data."""

    def __init__(self, field: str | None, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def naming_the_nearest(message: str, wanted: str, known: Iterable[str], most: int = 3) -> str:
    """A 404's ``message``, naming up to ``most`` of ``known`` that look most like ``wanted``."""
    import difflib

    similar = difflib.get_close_matches(wanted, list(known), n=most)
    return f"{message} Did you mean {' or '.join(similar)}?" if similar else message


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
