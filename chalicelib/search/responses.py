"""The shapes of the search API's answers: search results, profiles, typeahead.

:mod:`chalicelib.search.cards` and :mod:`chalicelib.search.suggest` build them; the API
document publishes them (see :mod:`chalicelib.shapes` for the convention).
"""

from __future__ import annotations

from typing import Literal, NotRequired

from typing_extensions import TypedDict

from chalicelib.search.notices import Notice
from chalicelib.search.request import ConsultationType
from chalicelib.shapes import documented

Action = Literal["book", "enquire"]
FacetName = Literal[
    "specialty",
    "treatment",
    "hospital",
    "gender",
    "language",
    "insurer",
    "bookable_online",
    "sees_children",
    "consultation_type",
    "available_within_days",
]
RegistrationStatus = Literal["registered", "licence_suspended", "erased"]
SuggestionType = Literal["specialist", "specialty", "treatment", "condition", "hospital", "place"]


@documented
class CardHospital(TypedDict):
    id: str
    name: str


@documented
class NextAvailable(TypedDict):
    """The soonest fresh slot among the specialist's hospitals (with a place: those within the radius)."""

    at: str
    """When the slot starts; RFC 3339."""
    hospital_id: str
    """The hospital where it is."""


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
    fee_from: int | None
    """The initial consultation's self-pay fee in pence (GBP); null when not published."""
    next_available: NextAvailable | None
    """Null when no slot is known: none reported, reported too long ago to be a promise, or already past."""
    consultation_types: list[ConsultationType]
    """How the specialist consults; empty when not stated."""
    distance_miles: NotRequired[float | None]
    """Only when the search has a location: miles to the nearest of the specialist's hospitals."""


@documented
class FacetBucket(TypedDict):
    value: str
    """What to pass back as the filter parameter of the same name."""
    label: str
    count: int
    """Specialists matching the search and every other filter, with this value."""


PartKind = Literal[
    "place", "insurer", "language", "gender", "children", "booking", "hospital",
    "consultation", "availability", "fee", "sort",
]  # fmt: skip


@documented
class InterpretedPart(TypedDict):
    """One piece of the words that was understood, in the order typed."""

    kind: PartKind
    label: str
    """What to show on its chip, such as "near Nottingham", "Covered by WPA", "Video consultation",
    "Available this week", "Initial consultation up to £200" or "Soonest first"."""
    words: str
    """The exact characters of ``q`` it came from: delete them from ``q`` and search again to remove it."""


@documented
class InterpretedNear(TypedDict):
    label: str
    """The place as understood or given, such as "Hendon" or "SW19"."""
    lat: float
    lon: float
    radius_miles: float


@documented
class InterpretedFilters(TypedDict, total=False):
    """The filters the words set, under the names and in the form of the explicit parameters."""

    insurer: list[str]
    language: list[str]
    gender: list[str]
    hospital: list[str]
    sees_children: bool
    bookable_online: bool
    consultation_type: list[ConsultationType]
    available_within_days: int
    max_fee: int
    """Pence."""
    sort: str
    """The order the words said ("soonest", "fee"), when the ``sort`` parameter gave none but relevance."""


@documented
class Conflict(TypedDict):
    """Words that said something an explicit parameter also set, otherwise: the parameter won. Also words that
    said a second order ("cheapest" after "soonest"): the first one said sorts."""

    field: str
    """The parameter that won."""
    words: str
    message: str


@documented
class Interpreted(TypedDict):
    """What the search understood of ``q``."""

    text: str
    """The words still matched as text, after the understood ones, filler and generic words were taken out."""
    filters: InterpretedFilters
    near: InterpretedNear | None
    """Where the search is centred, from the words or the parameters; null when nowhere."""
    parts: list[InterpretedPart]
    conflicts: list[Conflict]


RelaxedCode = Literal["some_words", "radius", "dropped", "nearest"]


@documented
class Relaxed(TypedDict):
    """One thing loosened to find results, because the search as asked found nobody."""

    code: RelaxedCode
    """some_words: most words instead of all; radius: a wider radius; dropped: a constraint the words set was
    dropped (see field); nearest: the nearest specialists wherever they are."""
    message: str
    """A sentence to show the patient."""
    field: NotRequired[str]
    """With "dropped": the filter dropped, as its parameter name."""
    radius_miles: NotRequired[float]
    """With "radius": the radius searched instead."""
    after_results: NotRequired[int]
    """When the search as asked found a few and the page was filled with looser results: how many results
    (those that match as asked) come before the ones this relaxation found. Absent when nothing matched as asked."""


@documented
class PageLink(TypedDict):
    """A page about what the words of a search or a suggestion name ("About psychodynamic therapy")."""

    type: Literal["treatment"]
    """What the page is about; only treatments have pages (specialties do not)."""
    slug: str
    """For ``GET /treatments/{slug}``."""
    label: str
    """The catalog's label of it."""


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
    interpreted: Interpreted
    relaxed: list[Relaxed]
    """What was loosened to find these results, in order; empty when the search found them as asked."""
    notices: list[Notice]
    """Safety notices when the words suggest an emergency (call 999 or NHS 111); results are shown as usual."""
    page_link: PageLink | None
    """The treatment's page, when the words of the search (what is left of them once places, insurers and the
    like are understood) are a treatment of the catalog, or when there are no words and one ``treatment`` is
    given; null otherwise."""
    query_id: NotRequired[str]
    """The id under which this search was recorded (a UUID; also the ``X-Query-Id`` header): send it back with
    what the patient then does. On every ``GET /specialists`` answer; absent where results are part of another
    page (a treatment page's specialists)."""


@documented
class HospitalSlot(TypedDict):
    """The specialist's first free outpatient slot at a hospital, as the booking system reported it."""

    at: str
    """When the slot starts; RFC 3339."""
    as_of: str
    """When the booking system reported it; RFC 3339."""


@documented
class ProfileHospital(TypedDict):
    id: str
    name: str
    postcode: str | None
    lat: float
    lon: float
    next_available: HospitalSlot | None
    """Null when none is known, or the slot is stale (reported too long ago) or past."""


@documented
class Registration(TypedDict):
    """The specialist's entry on the GMC's register, as last checked against it."""

    status: RegistrationStatus
    specialist_register: list[str]
    """Specialties on the GMC's specialist register."""
    verified_at: str
    """When the register was last checked; RFC 3339."""


@documented
class InsurerArrangement(TypedDict):
    insurer: str
    fee_capped: bool
    """The specialist charges no more than the insurer's fee limit."""
    shortfall_possible: bool
    """The patient may have to pay a shortfall."""


@documented
class Fees(TypedDict):
    """Outpatient consultation fees as published under the CMA order."""

    initial_consultation: int | None
    """Self-pay, in pence."""
    follow_up: int | None
    """Self-pay, in pence."""
    currency: Literal["GBP"]
    updated_at: str
    """When the fees were last confirmed; RFC 3339."""
    insurer_arrangements: list[InsurerArrangement]


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
    gmc_number: str | None
    """The GMC reference number (7 digits)."""
    registration: Registration | None
    """Null when the catalog does not give it."""
    fees: Fees | None
    """Null when the catalog does not give them."""
    consultation_types: list[ConsultationType]
    """How the specialist consults; empty when not stated."""
    next_available: NextAvailable | None
    """As on the card: the soonest fresh slot among the hospitals; null when none is known."""


@documented
class Suggestion(TypedDict):
    type: SuggestionType
    label: str
    """What to show."""
    value: str
    """A specialist's id for "specialist", a hospital id for "hospital", else the slug to filter by."""
    page_link: NotRequired[PageLink]
    """On every "treatment" suggestion, and on no other: its page."""


@documented
class Suggestions(TypedDict):
    """Typeahead suggestions, best first."""

    suggestions: list[Suggestion]
    query_id: NotRequired[str]
    """The id under which this typeahead request was recorded (a UUID; also the ``X-Query-Id`` header). Always
    present in the answer; optional in the shape only because the service builds the answer before it is
    recorded."""
