"""OpenSearch answers as the API's JSON: result cards, facets, profiles. Pure functions."""

from __future__ import annotations

from typing import Any

from chalicelib import index_schema as f
from chalicelib.geo import GeoPoint, distance_miles
from chalicelib.search.notices import Notice
from chalicelib.search.request import SearchRequest
from chalicelib.search.responses import Card, FacetBucket, Interpreted, PageLink, Profile, Relaxed, SearchResults
from chalicelib.slugs import slugify

_BOOLEAN_LABELS = {
    "bookable_online": {"true": "Book online", "false": "Enquire"},
    "sees_children": {"true": "Sees children", "false": "Adults only"},
}


def _nearest_miles(hospitals: list[dict[str, Any]], origin: GeoPoint) -> float | None:
    distances = [
        distance_miles(origin, GeoPoint(h["location"]["lat"], h["location"]["lon"]))
        for h in hospitals
        if h.get("location")
    ]
    return round(min(distances), 1) if distances else None


def to_card(hit: dict[str, Any], origin: GeoPoint | None) -> Card:
    source = hit["_source"]
    hospitals = source.get(f.HOSPITALS, [])
    bookable = bool(source.get(f.BOOKABLE_ONLINE))
    card: Card = {
        "id": source[f.ID],
        "name": source[f.NAME],
        "title": source.get(f.TITLE),
        "qualifications": source.get(f.QUALIFICATIONS),
        "specialties": source.get(f.SPECIALTIES, []),
        "hospitals": [{"id": h["id"], "name": h["name"]} for h in hospitals],
        "more_hospitals": max(len(hospitals) - 1, 0),
        "bookable_online": bookable,
        "action": "book" if bookable else "enquire",
        "profile_url": source.get(f.PROFILE_URL),
        "booking_url": source.get(f.BOOKING_URL),
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


def to_profile(source: dict[str, Any]) -> Profile:
    """Every catalog field but the internal ones (team addresses, search helpers)."""
    bookable = bool(source.get(f.BOOKABLE_ONLINE))
    return {
        "id": source[f.ID],
        "name": source[f.NAME],
        "honorific": source.get(f.HONORIFIC),
        "first_name": source[f.FIRST_NAME],
        "last_name": source[f.LAST_NAME],
        "title": source.get(f.TITLE),
        "qualifications": source.get(f.QUALIFICATIONS),
        "gender": source.get(f.GENDER),
        "specialties": source.get(f.SPECIALTIES, []),
        "treatments": source.get(f.TREATMENTS, []),
        "conditions": source.get(f.CONDITIONS, []),
        "languages": source.get(f.LANGUAGES, []),
        "insurers": source.get(f.INSURERS, []),
        "sees_children": bool(source.get(f.SEES_CHILDREN)),
        "bookable_online": bookable,
        "booking_url": source.get(f.BOOKING_URL),
        "profile_url": source.get(f.PROFILE_URL),
        "photo_url": source.get(f.PHOTO_URL),
        "bio": source.get(f.BIO),
        "updated_at": source.get(f.UPDATED_AT),
        "hospitals": [
            {
                "id": h["id"],
                "name": h["name"],
                "postcode": h.get("postcode"),
                "lat": h["location"]["lat"],
                "lon": h["location"]["lon"],
            }
            for h in source.get(f.HOSPITALS, [])
        ],
        "action": "book" if bookable else "enquire",
    }
