"""The search request: every query parameter of ``GET /specialists`` checked into one
typed object, or an :class:`InvalidParameter` naming the parameter.

Every parameter is read through its declaration (``SEARCH_QUERY``), which the API document
also publishes. User text is normalised (NFKC, control and zero-width characters removed,
spaces collapsed) and later only ever reaches OpenSearch inside queries that cannot fail on
syntax, so quotes, ``*``, ``:``, ``OR`` or JSON in it are just words.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from chalicelib.errors import InvalidParameter
from chalicelib.patterns import ID_FORMAT
from chalicelib.search.parameters import (
    Params,
    QueryParameter,
    boolean,
    choice,
    clean_text,
    number,
    one,
    reject_unknown,
    text,
    whole,
)
from chalicelib.slugs import slugify

Sort = Literal["relevance", "distance", "name", "soonest", "fee"]
ConsultationType = Literal["in_person", "video", "phone"]
CONSULTATION_TYPES: tuple[ConsultationType, ...] = ("in_person", "video", "phone")

MAX_QUERY_CHARS = 200
MAX_NEAR_CHARS = 100
MAX_PAGE_SIZE = 50
DEFAULT_PAGE_SIZE = 10
DEFAULT_RADIUS_MILES = 25.0
MAX_RADIUS_MILES = 200.0
# Deep paging costs OpenSearch more with every page; nobody reads page 500 of a finder.
MAX_RESULT_WINDOW = 1000
MAX_VALUES_PER_FACET = 20
MAX_AVAILABLE_WITHIN_DAYS = 90
MAX_FEE_PENCE = 1_000_000  # £10,000: the catalog's own bound


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
    consultation_types: tuple[ConsultationType, ...] = ()
    # A fresh next slot within this many days (at the hospital near the place, when given).
    available_within_days: int | None = None
    max_fee: int | None = None  # pence: the initial consultation's self-pay fee
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


def _many(params: Params, parameter: QueryParameter, convert: Callable[[str], str]) -> tuple[str, ...]:
    """Repeated or comma-separated values: OR within the facet. The limit counts what was sent."""
    given = params.get(parameter.name, ())
    parts = [cleaned for raw in given for cleaned in map(clean_text, raw.split(",")) if cleaned]
    if max(len(given), len(parts)) > MAX_VALUES_PER_FACET:
        raise InvalidParameter(parameter.name, f"'{parameter.name}' takes at most {MAX_VALUES_PER_FACET} values")
    return tuple(dict.fromkeys(value for value in map(convert, parts) if value))


def _gender(value: str) -> str:
    if value.lower() not in GENDER.choices:
        raise InvalidParameter("gender", "'gender' must be female or male")
    return value.lower()


def _hospital_id(value: str) -> str:
    if not ID_FORMAT.fullmatch(value.lower()):
        raise InvalidParameter("hospital", "'hospital' must be hospital ids such as bmi-hendon")
    return value.lower()


def _consultation_type(value: str) -> str:
    if value.lower() not in CONSULTATION_TYPE.choices:
        raise InvalidParameter("consultation_type", "'consultation_type' must be in_person, video or phone")
    return value.lower()


def _optional_whole(params: Params, parameter: QueryParameter) -> int | None:
    return None if one(params, parameter) is None else whole(params, parameter)


def _facet(name: str, description: str, example: str, choices: tuple[str, ...] = ()) -> QueryParameter:
    return QueryParameter(
        name,
        f"{description} Repeat the parameter or separate values with commas: any of them matches.",
        repeatable=True,
        max_items=MAX_VALUES_PER_FACET,
        choices=choices,
        example=example,
    )


Q = QueryParameter(
    "q",
    "Free text: names, specialties, treatments, conditions, lay terms; typos are forgiven.",
    max_length=MAX_QUERY_CHARS,
    example="psychiatrist near Hendon",
)
SPECIALTY = _facet("specialty", "Specialty slugs, as the facet values give them.", "psychiatry")
TREATMENT = _facet("treatment", "Treatment slugs.", "knee-replacement")
CONDITION = _facet("condition", "Condition slugs.", "depression")
HOSPITAL = _facet("hospital", "Hospital ids.", "hendon")
GENDER = _facet("gender", "The specialist's gender.", "female", choices=("female", "male"))
LANGUAGE = _facet("language", "Languages spoken, as slugs.", "hindi")
INSURER = _facet("insurer", "Insurers accepted, as slugs.", "bupa")
CONSULTATION_TYPE = _facet("consultation_type", "How the specialist consults.", "video", choices=CONSULTATION_TYPES)
AVAILABLE_WITHIN_DAYS = QueryParameter(
    "available_within_days",
    "Only specialists with a known next slot within this many days at one of their hospitals (with near or lat "
    "and lon: at one within the radius). A slot counts only while recently reported, never once past.",
    "integer",
    minimum=1,
    maximum=MAX_AVAILABLE_WITHIN_DAYS,
)
MAX_FEE = QueryParameter(
    "max_fee",
    "Only specialists whose initial consultation costs at most this, self-pay, in pence (GBP); "
    "those who publish no fee are left out.",
    "integer",
    minimum=0,
    maximum=MAX_FEE_PENCE,
)
SEES_CHILDREN = QueryParameter(
    "sees_children", "Only specialists who do (true) or do not (false) see children.", "boolean"
)
BOOKABLE_ONLINE = QueryParameter(
    "bookable_online", "Only specialists bookable online (true) or not (false).", "boolean"
)
NEAR = QueryParameter(
    "near",
    "A UK postcode, outward code, town or hospital id; not with lat and lon.",
    max_length=MAX_NEAR_CHARS,
    example="NW4 1RP",
)
LAT = QueryParameter("lat", "Latitude (WGS 84); give lon with it.", "number", minimum=-90, maximum=90)
LON = QueryParameter("lon", "Longitude (WGS 84); give lat with it.", "number", minimum=-180, maximum=180)
RADIUS_MILES = QueryParameter(
    "radius_miles",
    "With near or lat and lon: how far, in miles.",
    "number",
    minimum=0.1,
    maximum=MAX_RADIUS_MILES,
    default=DEFAULT_RADIUS_MILES,
)
SORT = QueryParameter(
    "sort",
    "Result order; distance needs near or lat and lon. soonest: the earliest known next slot first, fee: the "
    "lowest initial consultation fee first; those with none known last, ties by relevance.",
    choices=("relevance", "distance", "name", "soonest", "fee"),
    default="relevance",
)
PAGE = QueryParameter(
    "page",
    f"Page number; results beyond the first {MAX_RESULT_WINDOW} are not paged to.",
    "integer",
    minimum=1,
    maximum=MAX_RESULT_WINDOW,
    default=1,
)
PAGE_SIZE = QueryParameter(
    "page_size", "Results per page.", "integer", minimum=1, maximum=MAX_PAGE_SIZE, default=DEFAULT_PAGE_SIZE
)
SEARCH_QUERY = (
    Q, SPECIALTY, TREATMENT, CONDITION, HOSPITAL, GENDER, LANGUAGE, INSURER, SEES_CHILDREN, BOOKABLE_ONLINE,
    CONSULTATION_TYPE, AVAILABLE_WITHIN_DAYS, MAX_FEE, NEAR, LAT, LON, RADIUS_MILES, SORT, PAGE, PAGE_SIZE,
)  # fmt: skip


def parse_search_request(params: Params) -> SearchRequest:
    """Check every parameter; the first problem raises, naming its parameter."""
    reject_unknown(params, SEARCH_QUERY, "this search")
    q = text(params, Q)
    lat = number(params, LAT)
    lon = number(params, LON)
    if (lat is None) != (lon is None):
        missing = "lon" if lon is None else "lat"
        raise InvalidParameter(missing, "'lat' and 'lon' go together")
    near = text(params, NEAR) or None
    if near is not None and lat is not None:
        raise InvalidParameter("near", "give 'near' or 'lat' and 'lon', not both")
    sort = choice(params, SORT)
    if sort == "distance" and near is None and lat is None:
        raise InvalidParameter("sort", "sorting by distance needs 'near' or 'lat' and 'lon'")
    page_size = whole(params, PAGE_SIZE)
    page = whole(params, PAGE)
    if page * page_size > MAX_RESULT_WINDOW:
        raise InvalidParameter("page", f"results beyond the first {MAX_RESULT_WINDOW} cannot be paged to")
    radius = number(params, RADIUS_MILES)
    return SearchRequest(
        q=q,
        specialties=_many(params, SPECIALTY, slugify),
        treatments=_many(params, TREATMENT, slugify),
        conditions=_many(params, CONDITION, slugify),
        hospitals=_many(params, HOSPITAL, _hospital_id),
        genders=_many(params, GENDER, _gender),
        languages=_many(params, LANGUAGE, slugify),
        insurers=_many(params, INSURER, slugify),
        sees_children=boolean(params, SEES_CHILDREN),
        bookable_online=boolean(params, BOOKABLE_ONLINE),
        consultation_types=_many(params, CONSULTATION_TYPE, _consultation_type),  # type: ignore[arg-type]
        available_within_days=_optional_whole(params, AVAILABLE_WITHIN_DAYS),
        max_fee=_optional_whole(params, MAX_FEE),
        near=near,
        lat=lat,
        lon=lon,
        radius_miles=DEFAULT_RADIUS_MILES if radius is None else radius,
        sort=sort,  # type: ignore[arg-type]  # one of SORT.choices, the Literal's values
        page=page,
        page_size=page_size,
    )
