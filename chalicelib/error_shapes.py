"""The shapes of the one error body (:mod:`chalicelib.errors` builds it), for mypy and the API document.

Apart from :mod:`chalicelib.errors` because a shape is a ``typing_extensions.TypedDict``
(pydantic requires it before Python 3.12, see :mod:`chalicelib.shapes`), and every route's
error mapping imports ``chalicelib.errors`` on the api function's cold start, which need
not pay for ``typing_extensions``: only the API document reads these at run time.
"""

from __future__ import annotations

from typing_extensions import TypedDict

from chalicelib.shapes import documented


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
