"""Hospital pages from the specialist catalog's hospital records: the parameters, the
OpenSearch bodies and the mapping of their answers. Pure functions, no I/O.

There is no second feed of hospitals: a hospital is what the specialists' ``hospitals``
say it is. The list is one nested terms aggregation on the hospital ids (name, postcode
and a centroid of the location under each, specialists counted with ``reverse_nested``);
a hospital's page is the very search body of ``GET /specialists?hospital={id}`` (so its
cards are identical) with aggregations of its own in place of the facets.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from chalicelib import index_schema as schema
from chalicelib.geo import GeoPoint
from chalicelib.search.availability import Slots
from chalicelib.search.cards import to_card
from chalicelib.search.hospital_responses import HospitalOffering, HospitalPage, HospitalSummary
from chalicelib.search.parameters import Params, reject_unknown
from chalicelib.search.query import build_search_body
from chalicelib.search.request import LAT, LON, NEAR, PAGE, PAGE_SIZE, SPECIALTY, SearchRequest, parse_search_request
from chalicelib.slugs import slugify

# More hospitals or labels than any catalog holds: none is ever cut off.
MAX_HOSPITALS = 5000
MAX_LABELS = 5000
# geo_centroid answers the stored (quantised) point: six places is about 10 cm.
_DEGREE_PLACES = 6

HOSPITALS_QUERY = (SPECIALTY, NEAR, LAT, LON)
HOSPITAL_PAGE_QUERY = (PAGE, PAGE_SIZE)


@dataclass(frozen=True)
class HospitalRecord:
    """A hospital as the catalog's specialists describe it."""

    id: str
    name: str
    postcode: str | None
    point: GeoPoint
    specialists: int  # those that the list's specialty filter lets through


def parse_hospitals_request(params: Params) -> SearchRequest:
    """``GET /hospitals``: ``specialty``, ``near`` or ``lat`` and ``lon``, read and checked
    exactly as ``GET /specialists`` reads them."""
    reject_unknown(params, HOSPITALS_QUERY, "the hospital list")
    return parse_search_request(params)


def parse_hospital_page_request(params: Params) -> SearchRequest:
    """``GET /hospitals/{hospital_id}``: ``page`` and ``page_size``, as ``GET /specialists`` reads them."""
    reject_unknown(params, HOSPITAL_PAGE_QUERY, "a hospital's page")
    return parse_search_request(params)


def _about_hospital() -> dict[str, Any]:
    """Under a nested bucket of one hospital: its name, postcode and location."""
    return {
        "name": {"terms": {"field": schema.HOSPITAL_NAME, "size": 1}},
        "postcode": {"terms": {"field": schema.HOSPITAL_POSTCODE, "size": 1}},
        "centre": {"geo_centroid": {"field": schema.HOSPITAL_LOCATION}},
    }


def hospitals_body(specialties: tuple[str, ...] = ()) -> dict[str, Any]:
    """Every hospital, with its specialists counted (only those of ``specialties``, when
    given: every hospital is still read, so that ``near`` may name any of them)."""
    specialists: dict[str, Any] = {"reverse_nested": {}}
    if specialties:
        specialists["aggs"] = {"fit": {"filter": {"terms": {schema.SPECIALTY_SLUGS: list(specialties)}}}}
    return {
        "size": 0,
        "track_total_hits": False,
        "aggs": {
            "hospitals": {
                "nested": {"path": schema.HOSPITALS},
                "aggs": {
                    "ids": {
                        "terms": {"field": schema.HOSPITAL_ID, "size": MAX_HOSPITALS},
                        "aggs": {**_about_hospital(), "specialists": specialists},
                    }
                },
            }
        },
    }


def _first_key(aggregation: dict[str, Any]) -> str | None:
    buckets = aggregation["buckets"]
    return str(buckets[0]["key"]) if buckets else None


def _point(centre: dict[str, Any]) -> GeoPoint | None:
    location = centre.get("location")
    if not location:
        return None
    return GeoPoint(round(location["lat"], _DEGREE_PLACES), round(location["lon"], _DEGREE_PLACES))


def to_hospital_records(raw: dict[str, Any]) -> list[HospitalRecord]:
    """Every hospital of :func:`hospitals_body`'s answer, in the index's order."""
    records = []
    for bucket in raw["aggregations"]["hospitals"]["ids"]["buckets"]:
        point = _point(bucket["centre"])
        if point is None:
            continue
        specialists = bucket["specialists"]
        count = specialists["fit"]["doc_count"] if "fit" in specialists else specialists["doc_count"]
        name = _first_key(bucket["name"]) or bucket["key"]
        records.append(HospitalRecord(bucket["key"], name, _first_key(bucket["postcode"]), point, count))
    return records


def to_summary(record: HospitalRecord, distance: float | None) -> HospitalSummary:
    summary: HospitalSummary = {
        "id": record.id,
        "name": record.name,
        "postcode": record.postcode,
        "lat": record.point.lat,
        "lon": record.point.lon,
        "specialists": record.specialists,
    }
    if distance is not None:
        summary["distance_miles"] = round(distance, 1)
    return summary


def by_name(record: HospitalRecord) -> tuple[str, str]:
    return record.name.casefold(), record.id


def hospital_page_body(request: SearchRequest, slots: Slots) -> dict[str, Any]:
    """The search body of ``GET /specialists?hospital={id}`` (its hits, sort and paging),
    with the hospital's own aggregations instead of the facets: one round trip."""
    (hospital_id,) = request.hospitals
    here = {
        "filter": {"term": {schema.HOSPITAL_IDS: hospital_id}},
        "aggs": {
            "specialties": {"terms": {"field": schema.SPECIALTY_LABELS, "size": MAX_LABELS}},
            "treatments": {"terms": {"field": schema.TREATMENT_LABELS, "size": MAX_LABELS}},
            "hospital": {
                "nested": {"path": schema.HOSPITALS},
                "aggs": {"this": {"filter": {"term": {schema.HOSPITAL_ID: hospital_id}}, "aggs": _about_hospital()}},
            },
        },
    }
    return {**build_search_body(request, None, slots=slots), "aggs": {"here": here}}


def _offerings(aggregation: dict[str, Any]) -> list[HospitalOffering]:
    offered: list[HospitalOffering] = [
        {"value": slugify(bucket["key"]), "label": bucket["key"], "count": bucket["doc_count"]}
        for bucket in aggregation["buckets"]
    ]
    return sorted(offered, key=lambda offering: (offering["label"].casefold(), offering["value"]))


def to_hospital_page(raw: dict[str, Any], request: SearchRequest, slots: Slots) -> HospitalPage | None:
    """The page of :func:`hospital_page_body`'s answer; None when no specialist works there."""
    here = raw["aggregations"]["here"]
    this = here["hospital"]["this"]
    point = _point(this["centre"]) if this["doc_count"] else None
    if here["doc_count"] == 0 or point is None:
        return None
    (hospital_id,) = request.hospitals
    return {
        "id": hospital_id,
        "name": _first_key(this["name"]) or hospital_id,
        "postcode": _first_key(this["postcode"]),
        "lat": point.lat,
        "lon": point.lon,
        "specialties": _offerings(here["specialties"]),
        "treatments": _offerings(here["treatments"]),
        "total": raw["hits"]["total"]["value"],
        "page": request.page,
        "page_size": request.page_size,
        "results": [to_card(hit, None, slots) for hit in raw["hits"]["hits"]],
    }
