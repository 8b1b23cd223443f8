"""A JSON object body, parsed strictly into a pydantic model: a 400 naming the field.

The raw bytes are parsed here rather than by Chalice so that what ``json.loads`` would
quietly accept is refused with a 400 naming the field: NaN and Infinity, duplicate keys,
lone surrogates. Every body the API takes goes through :func:`parse_model` (an enquiry, a
data-rights request, a click event).
"""

from __future__ import annotations

import json
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from chalicelib.errors import InvalidParameter


def _reject_constant(name: str) -> Any:
    raise InvalidParameter(None, f"{name} is not valid JSON")


def _reject_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise InvalidParameter(key[:40], f"'{key[:40]}' is given twice")
        result[key] = value
    return result


def _check_strings(body: dict[str, Any]) -> None:
    """JSON's \\u escapes can smuggle in lone surrogates, which no e-mail can carry."""
    for key, value in body.items():
        for text in (key, value):  # a field's name too: pydantic cannot even name it in its error
            if isinstance(text, str):
                try:
                    text.encode("utf-8")
                except UnicodeEncodeError:
                    raise InvalidParameter(key[:40], f"'{key[:40]}' holds characters that are not valid text") from None


_Model = TypeVar("_Model", bound=BaseModel)


def parse_model(model: type[_Model], raw: bytes) -> _Model:
    """A JSON object body, parsed as strictly as an enquiry's (a 400 naming the field)."""
    try:
        body = json.loads(raw, parse_constant=_reject_constant, object_pairs_hook=_reject_duplicates)
    except (ValueError, RecursionError) as exc:
        if isinstance(exc, InvalidParameter):
            raise
        raise InvalidParameter(None, "The body must be a JSON object") from None
    if not isinstance(body, dict):
        raise InvalidParameter(None, "The body must be a JSON object")
    _check_strings(body)
    try:
        return model.model_validate(body)
    except ValidationError as exc:
        raise _invalid(exc) from None


def _invalid(error: ValidationError) -> InvalidParameter:
    first = error.errors(include_url=False, include_input=False)[0]
    location = [str(part) for part in first["loc"]]
    message = str(first["msg"]).removeprefix("Value error, ")
    if not location and ":" in message:  # a rule across fields names its field first
        named, _, rule = message.partition(": ")
        return InvalidParameter(named, f"'{named}' {rule}")
    field = location[0] if location else None
    if first["type"] == "extra_forbidden":
        return InvalidParameter(field, f"'{str(field)[:40]}' is not a field of this request")
    if first["type"] == "missing":
        return InvalidParameter(field, f"'{field}' is required")
    if field == "consent":
        return InvalidParameter(field, "'consent' must be true: please accept the privacy notice")
    return InvalidParameter(field, f"'{field}' {_plain(message)}")


def _plain(message: str) -> str:
    """Pydantic's wording, made to follow the field name."""
    message = message[0].lower() + message[1:] if message else message
    return message if message.startswith("must") else f"is not valid: {message}"
