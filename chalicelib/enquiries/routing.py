"""Who an enquiry goes to: the specialist's chosen (or primary) hospital's team address,
read from the search index, which holds each hospital's ``enquiries_email``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalicelib import index_schema as f
from chalicelib.enquiries.record import Routing

if TYPE_CHECKING:
    from chalicelib.ports import SearchIndex


class UnknownSpecialist(Exception):
    """No specialist with that id in the catalog."""


class NotTheirHospital(Exception):
    """The hospital named is not one of the specialist's."""


def resolve_routing(index: SearchIndex, specialist_id: str, hospital_id: str | None, fallback_email: str) -> Routing:
    """Raises :class:`UnknownSpecialist`, :class:`NotTheirHospital`, or the index's
    ``SearchUnavailable`` when search cannot answer now."""
    source = index.get(specialist_id)
    if source is None:
        raise UnknownSpecialist(specialist_id)
    hospitals = source.get(f.HOSPITALS, [])
    chosen = next((h for h in hospitals if h["id"] == hospital_id), None) if hospital_id else hospitals[0]
    if chosen is None:
        raise NotTheirHospital(hospital_id)
    return Routing(
        specialist_name=source[f.NAME],
        hospital_id=chosen["id"],
        hospital_name=chosen["name"],
        team_email=chosen.get("enquiries_email") or fallback_email,
    )


def unresolved_routing(specialist_id: str, hospital_id: str | None, fallback_email: str) -> Routing:
    """For an enquiry search could not route for too long: the fallback team, named by the ids
    the patient chose, so that it reaches people rather than waiting for ever."""
    return Routing(
        specialist_name=specialist_id,
        hospital_id=hospital_id or "primary",
        hospital_name="hospital to be confirmed",
        team_email=fallback_email,
    )
