"""The search request: every query parameter of ``GET /specialists`` checked into one
typed object, or an :class:`InvalidParameter` naming the parameter.

User text is normalised here (NFKC, control and zero-width characters removed, spaces
collapsed) and later only ever reaches OpenSearch inside queries that cannot fail on
syntax, so quotes, ``*``, ``:``, ``OR`` or JSON in it are just words.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from chalicelib.errors import InvalidParameter
from chalicelib.slugs import slugify

Sort = Literal["relevance", "distance", "name"]

MAX_QUERY_CHARS = 200
MAX_PAGE_SIZE = 50
DEFAULT_PAGE_SIZE = 10
DEFAULT_RADIUS_MILES = 25.0
MAX_RADIUS_MILES = 200.0
# Deep paging costs OpenSearch more with every page; nobody reads page 500 of a finder.
MAX_RESULT_WINDOW = 1000
MAX_VALUES_PER_FACET = 20

# Format and other invisible characters (zero-width space/joiner, bidi marks) and controls.
_INVISIBLE = re.compile(r"[\u0000-\u001f\u007f-\u009f\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")
_SPACES = re.compile(r"\s+")
_HOSPITAL_ID = re.compile(r"^[a-z0-9-]{1,64}$")


@dataclass(frozen=True)
class SearchRequest:
    q: str = ""
    specialties: tuple[str, ...] = ()
    treatments: tuple[str, ...] = ()
    conditions: tuple[str, ...] = ()
    hospitals: tuple[str, ...] = ()
    genders: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    insurers: tuple[str, ...] = ()
    sees_children: bool | None = None
    bookable_online: bool | None = None
    near: str | None = None
    lat: float | None = None
    lon: float | None = None
    radius_miles: float = DEFAULT_RADIUS_MILES
    sort: Sort = "relevance"
    page: int = 1
    page_size: int = DEFAULT_PAGE_SIZE

    @property
    def has_location(self) -> bool:
        return self.near is not None or self.lat is not None

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.page_size


def clean_text(value: str) -> str:
    """NFKC, invisible characters removed, white space collapsed and trimmed."""
    return _SPACES.sub(" ", _INVISIBLE.sub("", unicodedata.normalize("NFKC", value))).strip()


def _one(params: Mapping[str, Sequence[str]], name: str) -> str | None:
    values = params.get(name)
    if not values:
        return None
    if len(values) > 1:
        raise InvalidParameter(name, f"'{name}' may be given once")
    return values[0]


def _many(params: Mapping[str, Sequence[str]], name: str, convert: Callable[[str], str]) -> tuple[str, ...]:
    """Repeated or comma-separated values: OR within the facet."""
    values: list[str] = []
    for raw in params.get(name, ()):
        for part in raw.split(","):
            cleaned = clean_text(part)
            if cleaned:
                values.append(convert(cleaned))
    unique = tuple(dict.fromkeys(value for value in values if value))
    if len(unique) > MAX_VALUES_PER_FACET:
        raise InvalidParameter(name, f"'{name}' takes at most {MAX_VALUES_PER_FACET} values")
    return unique


def _bool(params: Mapping[str, Sequence[str]], name: str) -> bool | None:
    raw = _one(params, name)
    if raw is None:
        return None
    if raw.lower() in ("true", "false"):
        return raw.lower() == "true"
    raise InvalidParameter(name, f"'{name}' must be true or false")


def _number(params: Mapping[str, Sequence[str]], name: str, low: float, high: float) -> float | None:
    raw = _one(params, name)
    if raw is None:
        return None
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or not low <= value <= high:
        raise InvalidParameter(name, f"'{name}' must be a number from {low:g} to {high:g}")
    return value


def _whole(params: Mapping[str, Sequence[str]], name: str, default: int, low: int, high: int) -> int:
    raw = _one(params, name)
    if raw is None:
        return default
    if not raw.isascii() or not raw.isdigit() or not low <= int(raw) <= high:
        raise InvalidParameter(name, f"'{name}' must be a whole number from {low} to {high}")
    return int(raw)


def _gender(value: str) -> str:
    if value.lower() not in ("female", "male"):
        raise InvalidParameter("gender", "'gender' must be female or male")
    return value.lower()


def _hospital_id(value: str) -> str:
    if not _HOSPITAL_ID.fullmatch(value.lower()):
        raise InvalidParameter("hospital", "'hospital' must be hospital ids such as bmi-hendon")
    return value.lower()


SEARCH_PARAMETERS = frozenset(
    {
        "q", "specialty", "treatment", "condition", "hospital", "gender", "language", "insurer",
        "sees_children", "bookable_online", "near", "lat", "lon", "radius_miles", "sort", "page", "page_size",
    }
)  # fmt: skip


def parse_search_request(params: Mapping[str, Sequence[str]]) -> SearchRequest:
    """Check every parameter; the first problem raises, naming its parameter."""
    unknown = sorted(set(params) - SEARCH_PARAMETERS)
    if unknown:
        raise InvalidParameter(unknown[0], f"'{unknown[0][:40]}' is not a parameter of this search")
    q = clean_text(_one(params, "q") or "")
    if len(q) > MAX_QUERY_CHARS:
        raise InvalidParameter("q", f"'q' must be at most {MAX_QUERY_CHARS} characters")
    lat = _number(params, "lat", -90, 90)
    lon = _number(params, "lon", -180, 180)
    if (lat is None) != (lon is None):
        missing = "lon" if lon is None else "lat"
        raise InvalidParameter(missing, "'lat' and 'lon' go together")
    near = clean_text(_one(params, "near") or "") or None
    if near is not None and lat is not None:
        raise InvalidParameter("near", "give 'near' or 'lat' and 'lon', not both")
    if near is not None and len(near) > 100:
        raise InvalidParameter("near", "'near' must be at most 100 characters")
    sort = (_one(params, "sort") or "relevance").lower()
    if sort not in ("relevance", "distance", "name"):
        raise InvalidParameter("sort", "'sort' must be relevance, distance or name")
    if sort == "distance" and near is None and lat is None:
        raise InvalidParameter("sort", "sorting by distance needs 'near' or 'lat' and 'lon'")
    page_size = _whole(params, "page_size", DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE)
    page = _whole(params, "page", 1, 1, MAX_RESULT_WINDOW)
    if page * page_size > MAX_RESULT_WINDOW:
        raise InvalidParameter("page", f"results beyond the first {MAX_RESULT_WINDOW} cannot be paged to")
    radius = _number(params, "radius_miles", 0.1, MAX_RADIUS_MILES)
    return SearchRequest(
        q=q,
        specialties=_many(params, "specialty", slugify),
        treatments=_many(params, "treatment", slugify),
        conditions=_many(params, "condition", slugify),
        hospitals=_many(params, "hospital", _hospital_id),
        genders=_many(params, "gender", _gender),
        languages=_many(params, "language", slugify),
        insurers=_many(params, "insurer", slugify),
        sees_children=_bool(params, "sees_children"),
        bookable_online=_bool(params, "bookable_online"),
        near=near,
        lat=lat,
        lon=lon,
        radius_miles=DEFAULT_RADIUS_MILES if radius is None else radius,
        sort=sort,  # type: ignore[arg-type]  # checked against the Literal's values above
        page=page,
        page_size=page_size,
    )
