"""OpenSearch answers as the API's JSON: result cards (this module is named for them), facets,
profiles and the search answer around them. Pure functions."""

from __future__ import annotations

from typing import Any, Literal, cast

from chalicelib.geo import GeoPoint, distance_miles
from chalicelib.index_schema import FeesView, HospitalView, RegistrationView, SpecialistView, summary_from_document
from chalicelib.search.availability import WITHIN_DAYS, Slots, Within
from chalicelib.search.notices import Notice
from chalicelib.search.request import ConsultationType, SearchRequest
from chalicelib.search.responses import (
    Card,
    FacetBucket,
    Fees,
    HospitalSlot,
    Interpreted,
    PageLink,
    Profile,
    Registration,
    RegistrationStatus,
    Relaxed,
    SearchResults,
)
from chalicelib.slugs import slugify

_BOOLEAN_LABELS = {
    "bookable_online": {"true": "Book online", "false": "Enquire"},
    "sees_children": {"true": "Sees children", "false": "Adults only"},
}
_CONSULTATION_LABELS = {"in_person": "In person", "video": "Video", "phone": "Phone"}


def _nearest_miles(hospitals: list[HospitalView], origin: GeoPoint) -> float | None:
    distances = [distance_miles(origin, hospital.point) for hospital in hospitals]
    return round(min(distances), 1) if distances else None


def to_card(hit: dict[str, Any], origin: GeoPoint | None, slots: Slots, within: Within | None = None) -> Card:
    """``within``: with a place, the hospitals whose slots count (as the search counted them)."""
    specialist = summary_from_document(hit["_source"])
    hospitals = specialist.hospitals
    bookable = specialist.bookable_online
    card: Card = {
        "id": specialist.id,
        "name": specialist.name,
        "title": specialist.title,
        "qualifications": specialist.qualifications,
        "specialties": specialist.specialties,
        "hospitals": [{"id": hospital.id, "name": hospital.name} for hospital in hospitals],
        "more_hospitals": max(len(hospitals) - 1, 0),
        "bookable_online": bookable,
        "action": "book" if bookable else "enquire",
        "profile_url": specialist.profile_url,
        "booking_url": specialist.booking_url,
        "highlight": {field: fragments[0] for field, fragments in hit.get("highlight", {}).items() if fragments},
        "fee_from": specialist.fee_from,
        "next_available": slots.soonest(hospitals, within),
        "consultation_types": _consultation_types(specialist.consultation_types),
    }
    if origin is not None:
        card["distance_miles"] = _nearest_miles(hospitals, origin)
    return card


def _consultation_types(types: list[str]) -> list[ConsultationType]:
    return cast("list[ConsultationType]", types)  # as the catalog checked them


def _buckets(facet: str, aggregation: dict[str, Any]) -> list[FacetBucket]:
    values = aggregation["values"]
    if facet == "available_within_days":
        counted = zip(WITHIN_DAYS.items(), values["buckets"], strict=True)
        return [
            {"value": str(days), "label": label, "count": bucket["doc_count"]}
            for (days, label), bucket in counted
            if bucket["doc_count"]
        ]
    if facet == "consultation_type":
        return [
            {"value": b["key"], "label": _CONSULTATION_LABELS[b["key"]], "count": b["doc_count"]}
            for b in values["buckets"]
        ]
    if facet == "hospital":
        return [
            {
                "value": bucket["key"],
                "label": bucket["name"]["buckets"][0]["key"] if bucket["name"]["buckets"] else bucket["key"],
                "count": bucket["specialists"]["doc_count"],
            }
            for bucket in values["values"]["buckets"]
        ]
    if facet in _BOOLEAN_LABELS:
        labels = _BOOLEAN_LABELS[facet]
        return [
            {"value": b["key_as_string"], "label": labels[b["key_as_string"]], "count": b["doc_count"]}
            for b in values["buckets"]
        ]
    if facet == "gender":
        return [{"value": b["key"], "label": b["key"].capitalize(), "count": b["doc_count"]} for b in values["buckets"]]
    return [{"value": slugify(b["key"]), "label": b["key"], "count": b["doc_count"]} for b in values["buckets"]]


def to_search_response(
    raw: dict[str, Any],
    request: SearchRequest,
    origin: GeoPoint | None,
    did_you_mean: str | None,
    *,
    slots: Slots,
    within: list[Within | None],
    interpreted: Interpreted,
    relaxed: list[Relaxed],
    notices: list[Notice],
    page_link: PageLink | None,
) -> SearchResults:
    """``within``: per hit, the hospitals whose slots its card shows (those within the radius
    of the step of the search that found it, or all)."""
    aggregations = raw.get("aggregations", {})
    return {
        "total": raw["hits"]["total"]["value"],
        "page": request.page,
        "page_size": request.page_size,
        "results": [to_card(hit, origin, slots, area) for hit, area in zip(raw["hits"]["hits"], within, strict=True)],
        "facets": {facet: _buckets(facet, aggregations[facet]) for facet in aggregations},
        "did_you_mean": did_you_mean,
        "interpreted": interpreted,
        "relaxed": relaxed,
        "notices": notices,
        "page_link": page_link,
    }


def to_profile(specialist: SpecialistView, slots: Slots) -> Profile:
    """Every catalog field but the internal ones (team addresses, search helpers); a
    hospital's slot only while fresh (``slots``)."""
    return {
        "id": specialist.id,
        "name": specialist.name,
        "honorific": specialist.honorific,
        "first_name": specialist.first_name,
        "last_name": specialist.last_name,
        "title": specialist.title,
        "qualifications": specialist.qualifications,
        "gender": specialist.gender,
        "specialties": specialist.specialties,
        "treatments": specialist.treatments,
        "conditions": specialist.conditions,
        "languages": specialist.languages,
        "insurers": specialist.insurers,
        "sees_children": specialist.sees_children,
        "bookable_online": specialist.bookable_online,
        "booking_url": specialist.booking_url,
        "profile_url": specialist.profile_url,
        "photo_url": specialist.photo_url,
        "bio": specialist.bio,
        "updated_at": specialist.updated_at,
        "hospitals": [
            {
                "id": hospital.id,
                "name": hospital.name,
                "postcode": hospital.postcode,
                "lat": hospital.lat,
                "lon": hospital.lon,
                "next_available": _slot(hospital, slots),
            }
            for hospital in specialist.hospitals
        ],
        "action": "book" if specialist.bookable_online else "enquire",
        "gmc_number": specialist.gmc_number,
        "registration": _registration(specialist.registration),
        "fees": _fees(specialist.fees),
        "consultation_types": _consultation_types(specialist.consultation_types),
        "next_available": slots.soonest(specialist.hospitals),
    }


def _slot(hospital: HospitalView, slots: Slots) -> HospitalSlot | None:
    at, as_of = hospital.next_available, hospital.next_available_as_of
    if at is None or as_of is None or not slots.is_fresh(hospital):
        return None
    return {"at": at, "as_of": as_of}


def _registration(registration: RegistrationView | None) -> Registration | None:
    if registration is None:
        return None
    return {
        "status": cast("RegistrationStatus", registration.status),  # as the catalog checked it
        "specialist_register": registration.specialist_register,
        "verified_at": registration.verified_at,
    }


def _fees(fees: FeesView | None) -> Fees | None:
    if fees is None:
        return None
    return {
        "initial_consultation": fees.initial_consultation,
        "follow_up": fees.follow_up,
        "currency": cast("Literal['GBP']", fees.currency),  # as the catalog checked it
        "updated_at": fees.updated_at,
        "insurer_arrangements": [
            {"insurer": item.insurer, "fee_capped": item.fee_capped, "shortfall_possible": item.shortfall_possible}
            for item in fees.insurer_arrangements
        ],
    }
