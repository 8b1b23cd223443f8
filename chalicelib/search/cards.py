"""OpenSearch answers as the API's JSON: result cards (this module is named for them), facets,
profiles and the search answer around them. Pure functions."""

from __future__ import annotations

from typing import Any

from chalicelib.geo import GeoPoint, distance_miles
from chalicelib.index_schema import HospitalView, SpecialistView, summary_from_document
from chalicelib.search.notices import Notice
from chalicelib.search.request import SearchRequest
from chalicelib.search.responses import Card, FacetBucket, Interpreted, PageLink, Profile, Relaxed, SearchResults
from chalicelib.slugs import slugify

_BOOLEAN_LABELS = {
    "bookable_online": {"true": "Book online", "false": "Enquire"},
    "sees_children": {"true": "Sees children", "false": "Adults only"},
}


def _nearest_miles(hospitals: list[HospitalView], origin: GeoPoint) -> float | None:
    distances = [distance_miles(origin, hospital.point) for hospital in hospitals]
    return round(min(distances), 1) if distances else None


def to_card(hit: dict[str, Any], origin: GeoPoint | None) -> Card:
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
    }
    if origin is not None:
        card["distance_miles"] = _nearest_miles(hospitals, origin)
    return card


def _buckets(facet: str, aggregation: dict[str, Any]) -> list[FacetBucket]:
    values = aggregation["values"]
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
    interpreted: Interpreted,
    relaxed: list[Relaxed],
    notices: list[Notice],
    page_link: PageLink | None,
) -> SearchResults:
    aggregations = raw.get("aggregations", {})
    return {
        "total": raw["hits"]["total"]["value"],
        "page": request.page,
        "page_size": request.page_size,
        "results": [to_card(hit, origin) for hit in raw["hits"]["hits"]],
        "facets": {facet: _buckets(facet, aggregations[facet]) for facet in aggregations},
        "did_you_mean": did_you_mean,
        "interpreted": interpreted,
        "relaxed": relaxed,
        "notices": notices,
        "page_link": page_link,
    }


def to_profile(specialist: SpecialistView) -> Profile:
    """Every catalog field but the internal ones (team addresses, search helpers)."""
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
            }
            for hospital in specialist.hospitals
        ],
        "action": "book" if specialist.bookable_online else "enquire",
    }
