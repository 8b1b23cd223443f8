"""Who an enquiry goes to, read from the search index, which holds each hospital's team
address on the documents of the specialists who work there.

- A specialist enquiry: the specialist's chosen (or primary) hospital's team.
- A general enquiry naming a hospital: that hospital's team, found on any specialist's
  document that lists the hospital (the catalog has no hospital documents of its own).
- A general enquiry naming neither: the group's central enquiries team (the fallback
  address), with no search at all unless a treatment or specialty slug needs its label.

A general enquiry's treatment and specialty slugs are checked against the catalog and
snapshotted with their labels, which the e-mails show.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalicelib.enquiries.record import Routing
from chalicelib.index_schema import from_document
from chalicelib.search.query import hospital_team_body, slug_label_body
from chalicelib.slugs import slugify

if TYPE_CHECKING:
    from chalicelib.index_schema import HospitalView, SpecialistView
    from chalicelib.search.ports import SearchIndex
    from chalicelib.search.query import SlugKind


class UnknownSpecialist(Exception):
    """No specialist with that id in the catalog."""


class NotTheirHospital(Exception):
    """The hospital named is not one of the specialist's."""


class UnknownHospital(Exception):
    """No specialist in the catalog practises at the hospital named."""


class UnknownSlug(Exception):
    """A treatment or specialty slug the catalog does not use; ``field`` names which."""

    def __init__(self, field: str) -> None:
        super().__init__(field)
        self.field = field


def resolve_routing(index: SearchIndex, specialist_id: str, hospital_id: str | None, fallback_email: str) -> Routing:
    """Raises :class:`UnknownSpecialist`, :class:`NotTheirHospital`, or the index's
    ``SearchUnavailable`` when search cannot answer now."""
    specialist = index.specialist(specialist_id)
    if specialist is None:
        raise UnknownSpecialist(specialist_id)
    hospitals = specialist.hospitals
    chosen = _hospital_in(hospitals, hospital_id) if hospital_id else hospitals[0]
    if chosen is None:
        raise NotTheirHospital(hospital_id)
    return Routing(
        specialist_name=specialist.name,
        hospital_id=chosen.id,
        hospital_name=chosen.name,
        team_email=chosen.enquiries_email or fallback_email,
        reply_working_hours=chosen.reply_working_hours,
        escalation_email=chosen.escalation_email,
    )


def resolve_general_routing(
    index: SearchIndex,
    hospital_id: str | None,
    treatment: str | None,
    specialty: str | None,
    fallback_email: str,
    *,
    check_slugs: bool = True,
) -> Routing:
    """A general enquiry (no specialist): the hospital's team, or the central team when no
    hospital is named; the labels of the slugs given. One round trip at most, none when
    there is nothing to look up. Raises :class:`UnknownHospital`, :class:`UnknownSlug` (only
    when ``check_slugs``; otherwise an unknown slug has no label, and the e-mails show the
    slug), or the index's ``SearchUnavailable``."""
    given: tuple[tuple[SlugKind, str | None], ...] = (("treatment", treatment), ("specialty", specialty))
    slugs = {kind: slug for kind, slug in given if slug}
    bodies: list[dict[str, Any]] = []
    if hospital_id:
        bodies.append(hospital_team_body(hospital_id))
    bodies += [slug_label_body(kind, slug) for kind, slug in slugs.items()]
    answers = iter(index.msearch(bodies) if bodies else [])
    hospital: HospitalView | None = None
    if hospital_id:
        found = _first(next(answers))
        hospital = _hospital_in(found.hospitals, hospital_id) if found else None
        if hospital is None:
            raise UnknownHospital(hospital_id)
    labels: dict[str, str] = {}
    for kind, slug in slugs.items():
        label = _label(_first(next(answers)), kind, slug)
        if label is not None:
            labels[kind] = label
        elif check_slugs:
            raise UnknownSlug(kind)
    return Routing(
        specialist_name=None,
        hospital_id=hospital.id if hospital else None,
        hospital_name=hospital.name if hospital else None,
        team_email=(hospital.enquiries_email if hospital else None) or fallback_email,
        treatment_label=labels.get("treatment"),
        specialty_label=labels.get("specialty"),
        reply_working_hours=hospital.reply_working_hours if hospital else None,
        escalation_email=hospital.escalation_email if hospital else None,
    )


def central_routing(fallback_email: str) -> Routing:
    """A general enquiry naming no hospital, when its slugs' labels cannot be read now: the
    central team all the same (the e-mails show the slugs as given)."""
    return Routing(specialist_name=None, hospital_id=None, hospital_name=None, team_email=fallback_email)


def unresolved_routing(specialist_id: str | None, hospital_id: str | None, fallback_email: str) -> Routing:
    """For an enquiry search could not route for too long: the fallback team, named by the ids
    the patient chose, so that it reaches people rather than waiting for ever."""
    if specialist_id is None:  # a general enquiry for a hospital
        return Routing(None, hospital_id, "hospital to be confirmed", fallback_email)
    return Routing(
        specialist_name=specialist_id,
        hospital_id=hospital_id or "primary",
        hospital_name="hospital to be confirmed",
        team_email=fallback_email,
    )


def _hospital_in(hospitals: list[HospitalView], hospital_id: str) -> HospitalView | None:
    return next((hospital for hospital in hospitals if hospital.id == hospital_id), None)


def _first(answer: dict[str, Any]) -> SpecialistView | None:
    """The one document a lookup asked for (only the part its ``_source`` names), if any."""
    hits = answer.get("hits", {}).get("hits", [])
    return from_document(hits[0].get("_source", {})) if hits else None


def _label(found: SpecialistView | None, kind: SlugKind, slug: str) -> str | None:
    labels = (found.treatments if kind == "treatment" else found.specialties) if found else []
    return next((label for label in labels if slugify(label) == slug), None)
