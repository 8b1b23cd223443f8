"""The shapes of the search API's answers: search results, profiles, typeahead.

:mod:`chalicelib.search.results` and :mod:`chalicelib.search.suggest` build them; the API
document publishes them (see :mod:`chalicelib.shapes` for the convention).
"""

from __future__ import annotations

from typing import Literal, NotRequired

from typing_extensions import TypedDict

from chalicelib.shapes import documented

Action = Literal["book", "enquire"]
FacetName = Literal[
    "specialty", "treatment", "hospital", "gender", "language", "insurer", "bookable_online", "sees_children"
]
SuggestionType = Literal["specialist", "specialty", "treatment", "condition", "hospital"]


@documented
class CardHospital(TypedDict):
    id: str
    name: str


@documented
class Card(TypedDict):
    """One specialist in a list of results."""

    id: str
    """The specialist's id, for ``GET /specialists/{specialist_id}``."""
    name: str
    """Display name, such as "Dr Krish Nandy"."""
    title: str | None
    qualifications: str | None
    specialties: list[str]
    hospitals: list[CardHospital]
    """Primary hospital first."""
    more_hospitals: int
    """How many hospitals besides the first ("and 2 more")."""
    bookable_online: bool
    action: Action
    """"book" shows "Book online" (``booking_url``); "enquire" shows "Enquire" (``POST /enquiries``)."""
    profile_url: str | None
    booking_url: str | None
    highlight: dict[str, str]
    """Field name to a fragment of it with the matched words in ``<mark>``; the rest is HTML-escaped."""
    distance_miles: NotRequired[float | None]
    """Only when the search has a location: miles to the nearest of the specialist's hospitals."""


@documented
class FacetBucket(TypedDict):
    value: str
    """What to pass back as the filter parameter of the same name."""
    label: str
    count: int
    """Specialists matching the search and every other filter, with this value."""


@documented
class SearchResults(TypedDict):
    """A page of results, with facet counts and a spelling suggestion."""

    total: int
    """All the specialists that match, not just this page."""
    page: int
    page_size: int
    results: list[Card]
    facets: dict[FacetName, list[FacetBucket]]
    """Per facet, its values and counts. Disjunctive: a facet's own filter does not narrow its counts."""
    did_you_mean: str | None
    """A corrected query when the patient's words find few specialists; null otherwise."""


@documented
class ProfileHospital(TypedDict):
    id: str
    name: str
    postcode: str | None
    lat: float
    lon: float


@documented
class Profile(TypedDict):
    """A specialist's full profile, without internal fields such as team addresses."""

    id: str
    name: str
    honorific: str | None
    first_name: str
    last_name: str
    title: str | None
    qualifications: str | None
    gender: Literal["female", "male"] | None
    specialties: list[str]
    treatments: list[str]
    conditions: list[str]
    languages: list[str]
    insurers: list[str]
    sees_children: bool
    bookable_online: bool
    booking_url: str | None
    profile_url: str | None
    photo_url: str | None
    bio: str | None
    """Plain text: never render it as HTML."""
    updated_at: str | None
    """RFC 3339 timestamp."""
    hospitals: list[ProfileHospital]
    """Primary hospital first."""
    action: Action


@documented
class Suggestion(TypedDict):
    type: SuggestionType
    label: str
    """What to show."""
    value: str
    """A specialist's id for "specialist", a hospital id for "hospital", else the slug to filter by."""


@documented
class Suggestions(TypedDict):
    """Typeahead suggestions, best first."""

    suggestions: list[Suggestion]
