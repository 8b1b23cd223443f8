"""When a specialist can next be seen: the freshness rule, in one place.

Each of a specialist's hospitals may carry the first free outpatient slot there and when
the booking system reported it (``as_of``). Availability changes hourly, so a slot is a
promise only while it is *fresh*: reported within the window (``AVAILABILITY_MAX_AGE_HOURS``,
24 by default) before ``now`` and not yet past. Anything else is unknown, never shown.

The same rule is written twice, once for OpenSearch (the nested clauses of the
``available_within_days`` filter and facet and of the ``soonest`` sort) and once in Python
(the card's and profile's ``next_available``), both from :class:`Slots`, so that a card never
shows a slot the filter or sort would not count. With a place, only the hospitals within
the radius searched count (:class:`Within`): "this week near Hendon" is a slot near Hendon.

``now`` is taken once per search, to the minute (identical searches send identical bodies).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from chalicelib import index_schema as schema
from chalicelib.geo import METRES_PER_MILE, GeoPoint, distance_miles

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from chalicelib.index_schema import HospitalView
    from chalicelib.search.responses import NextAvailable

DEFAULT_MAX_AGE = timedelta(hours=24)
# The facet's buckets: a fresh slot within this many days (cumulative), and their labels.
WITHIN_DAYS: dict[int, str] = {7: "This week", 14: "Within 2 weeks", 30: "Within a month"}


@dataclass(frozen=True)
class Within:
    """The hospitals that count when the search has a place: those within the radius."""

    origin: GeoPoint
    radius_miles: float

    def holds(self, hospital: HospitalView) -> bool:
        return distance_miles(self.origin, hospital.point) <= self.radius_miles


@dataclass(frozen=True)
class Slots:
    """The freshness rule at one moment: ``now`` and how old a report may be."""

    now: datetime
    max_age: timedelta

    @property
    def reported_since(self) -> datetime:
        return self.now - self.max_age

    def is_fresh(self, hospital: HospitalView) -> bool:
        at, as_of = hospital.next_available, hospital.next_available_as_of
        if at is None or as_of is None:
            return False
        return datetime.fromisoformat(as_of) >= self.reported_since and datetime.fromisoformat(at) >= self.now

    def soonest(self, hospitals: Iterable[HospitalView], within: Within | None = None) -> NextAvailable | None:
        """The earliest fresh slot among ``hospitals`` (those ``within`` the radius, when
        given), with its hospital's id; None when no slot is fresh: unknown."""
        fresh = [
            (datetime.fromisoformat(at), position, at, hospital.id)
            for position, hospital in enumerate(hospitals)
            if (at := hospital.next_available) is not None
            and self.is_fresh(hospital)
            and (within is None or within.holds(hospital))
        ]
        if not fresh:
            return None
        _, _, at, hospital_id = min(fresh)
        return {"at": at, "hospital_id": hospital_id}

    # --- as OpenSearch clauses -----------------------------------------------------------

    def slot_clauses(self, within: Within | None, within_days: int | None = None) -> list[dict[str, Any]]:
        """The filters on one nested hospital: a fresh slot (by ``within_days`` days from
        now, when given) at a hospital within the radius (when given)."""
        at: dict[str, str] = {"gte": _date(self.now)}
        if within_days is not None:
            at["lte"] = _date(self.now + timedelta(days=within_days))
        clauses: list[dict[str, Any]] = [
            {"range": {schema.HOSPITAL_NEXT_AVAILABLE: at}},
            {"range": {schema.HOSPITAL_NEXT_AVAILABLE_AS_OF: {"gte": _date(self.reported_since)}}},
        ]
        if within is not None:
            distance = f"{within.radius_miles * METRES_PER_MILE:.0f}m"
            clauses.append({"geo_distance": {"distance": distance, schema.HOSPITAL_LOCATION: within.origin.as_dict()}})
        return clauses

    def available_within(self, days: int, within: Within | None) -> dict[str, Any]:
        """Specialists with a fresh slot within ``days`` days (at a hospital within the radius)."""
        return {
            "nested": {
                "path": schema.HOSPITALS,
                "query": {"bool": {"filter": self.slot_clauses(within, days)}},
            }
        }

    def soonest_first(self, within: Within | None) -> dict[str, Any]:
        """Sort on the earliest fresh slot (within the radius); unknown last."""
        return {
            schema.HOSPITAL_NEXT_AVAILABLE: {
                "order": "asc",
                "mode": "min",
                "missing": "_last",
                "nested": {"path": schema.HOSPITALS, "filter": {"bool": {"filter": self.slot_clauses(within)}}},
            }
        }


def utc_now() -> datetime:
    return datetime.now(UTC)


def slots_at(clock: Callable[[], datetime], max_age: timedelta) -> Slots:
    """The freshness rule as of now, to the minute: a search's bodies, sent again within the
    minute, are identical (OpenSearch's request cache and the bench's replay rely on it)."""
    return Slots(clock().replace(second=0, microsecond=0), max_age)


def _date(moment: datetime) -> str:
    return moment.isoformat()
