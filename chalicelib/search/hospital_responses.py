"""The shapes of the hospital pages' answers: ``GET /hospitals`` and ``GET /hospitals/{hospital_id}``.

:mod:`chalicelib.search.hospitals` builds them from the specialist catalog's hospital
records in the index; the API document publishes them (see :mod:`chalicelib.shapes`).
"""

from __future__ import annotations

from typing import NotRequired

from typing_extensions import TypedDict

from chalicelib.search.responses import Card
from chalicelib.shapes import documented


@documented
class HospitalSummary(TypedDict):
    """One hospital in the list."""

    id: str
    """For ``GET /hospitals/{hospital_id}``, and the ``hospital`` filter and ``near`` of ``GET /specialists``."""
    name: str
    postcode: str | None
    lat: float
    lon: float
    specialists: int
    """Specialists who work there; with ``specialty``, those of it."""
    distance_miles: NotRequired[float]
    """Only with ``near`` or ``lat`` and ``lon``: miles from there, as the crow flies."""


@documented
class HospitalsNear(TypedDict):
    """Where the list is sorted from."""

    label: str
    """The place as given, such as "NW4 1RP", "Hendon" or a hospital id; "your location" for lat and lon."""
    lat: float
    lon: float


@documented
class HospitalList(TypedDict):
    """Every hospital of the catalog, A-Z by name, or nearest first with ``near`` or ``lat`` and ``lon``."""

    total: int
    """How many hospitals are listed."""
    hospitals: list[HospitalSummary]
    """With ``specialty``: only those where at least one specialist of it works."""
    near: HospitalsNear | None
    """Null when the list is A-Z."""


@documented
class HospitalOffering(TypedDict):
    """A specialty or treatment offered at the hospital."""

    value: str
    """Its slug: what ``GET /specialists`` takes as ``specialty`` or ``treatment``."""
    label: str
    count: int
    """Specialists of this hospital who offer it."""


@documented
class HospitalPage(TypedDict):
    """A hospital, what its specialists offer, and a page of them as ``GET /specialists?hospital={id}`` gives it."""

    id: str
    name: str
    postcode: str | None
    lat: float
    lon: float
    specialties: list[HospitalOffering]
    """A-Z by label."""
    treatments: list[HospitalOffering]
    """A-Z by label."""
    total: int
    """All the specialists who work there, not just this page."""
    page: int
    page_size: int
    results: list[Card]
    """The cards of ``GET /specialists?hospital={id}``, in its order."""
