"""Query parameters, declared once.

The parsers of ``GET /specialists`` and ``GET /suggest`` read every parameter through
its :class:`QueryParameter` (bounds, choices, default, whether it repeats), and the API
document (``chalicelib/openapi``) describes the same objects, so the two cannot drift.
Every problem raises :class:`InvalidParameter` naming the parameter.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from chalicelib.errors import InvalidParameter

Params = Mapping[str, Sequence[str]]

# Format and other invisible characters (zero-width space/joiner, bidi marks) and controls.
_INVISIBLE = re.compile(r"[\u0000-\u001f\u007f-\u009f\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")
_SPACES = re.compile(r"\s+")
_NUMBER = re.compile(r"-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?")
# int() refuses strings of over 4,300 digits with a ValueError (a 500); no bound needs 20.
_MAX_DIGITS = 20


@dataclass(frozen=True)
class QueryParameter:
    name: str
    description: str
    # As the document types it, and as strictly read: booleans are "true" or "false", numbers
    # in JSON's syntax, integers in ASCII digits, choices exactly as listed.
    kind: Literal["string", "boolean", "number", "integer"] = "string"
    # Repeated or comma-separated values, OR within the facet.
    repeatable: bool = False
    max_items: int | None = None
    minimum: float | None = None
    maximum: float | None = None
    # Counted as sent, and again after clean-up (which NFKC can lengthen).
    max_length: int | None = None
    choices: tuple[str, ...] = ()
    default: str | float | None = None
    example: str | None = None


def reject_unknown(params: Params, declared: Sequence[QueryParameter], what: str) -> None:
    unknown = sorted(set(params) - {parameter.name for parameter in declared})
    if unknown:
        raise InvalidParameter(unknown[0], f"'{unknown[0][:40]}' is not a parameter of {what}")


def one(params: Params, parameter: QueryParameter) -> str | None:
    """The parameter's single value; given twice is an error."""
    values = params.get(parameter.name)
    if not values:
        return None
    if len(values) > 1:
        raise InvalidParameter(parameter.name, f"'{parameter.name}' may be given once")
    return values[0]


def boolean(params: Params, parameter: QueryParameter) -> bool | None:
    raw = one(params, parameter)
    if raw is None:
        return None
    if raw in ("true", "false"):
        return raw == "true"
    raise InvalidParameter(parameter.name, f"'{parameter.name}' must be true or false")


def number(params: Params, parameter: QueryParameter) -> float | None:
    low, high = _bounds(parameter)
    raw = one(params, parameter)
    if raw is None:
        return None
    # JSON's number syntax only: float() would also take " 5", "1_0", "+5" and "nan".
    value = float(raw) if _NUMBER.fullmatch(raw) else math.nan
    if not math.isfinite(value) or not low <= value <= high:
        raise InvalidParameter(parameter.name, f"'{parameter.name}' must be a number from {low:g} to {high:g}")
    return value


def whole(params: Params, parameter: QueryParameter) -> int:
    low, high = _bounds(parameter)
    raw = one(params, parameter)
    if raw is None:
        return int(parameter.default if parameter.default is not None else low)
    if not raw.isascii() or not raw.isdigit() or len(raw) > _MAX_DIGITS or not low <= int(raw) <= high:
        raise InvalidParameter(parameter.name, f"'{parameter.name}' must be a whole number from {low:g} to {high:g}")
    return int(raw)


def choice(params: Params, parameter: QueryParameter) -> str:
    """Exactly one of the choices (the document's ``enum``), or the default when not given."""
    raw = one(params, parameter)
    value = str(parameter.default) if raw is None else raw
    if value not in parameter.choices:
        options = ", ".join(parameter.choices[:-1]) + f" or {parameter.choices[-1]}"
        raise InvalidParameter(parameter.name, f"'{parameter.name}' must be {options}")
    return value


def clean_text(value: str) -> str:
    """NFKC, invisible characters removed, white space collapsed and trimmed."""
    return _SPACES.sub(" ", _INVISIBLE.sub("", unicodedata.normalize("NFKC", value))).strip()


def text(params: Params, parameter: QueryParameter) -> str:
    """The value cleaned up; empty when not given."""
    return _within_length(clean_text(_within_length(one(params, parameter) or "", parameter)), parameter)


def _within_length(value: str, parameter: QueryParameter) -> str:
    if parameter.max_length is not None and len(value) > parameter.max_length:
        raise InvalidParameter(parameter.name, f"'{parameter.name}' must be at most {parameter.max_length} characters")
    return value


def _bounds(parameter: QueryParameter) -> tuple[float, float]:
    if parameter.minimum is None or parameter.maximum is None:
        raise TypeError(f"{parameter.name} declares no bounds")
    return parameter.minimum, parameter.maximum
