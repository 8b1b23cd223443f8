"""The User Behavior Insights query record of a search or typeahead answer (``docs/analytics.md``).

Pure: the answer, the request and what the service knows go in, one JSON-ready dict comes
out. Free text goes through :mod:`chalicelib.analytics.masking` first; no IP address, user
agent or other header is ever read, and the client id is kept only when it looks random
(:func:`chalicelib.analytics.ubi.client_id_of`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from chalicelib.analytics.masking import Known, mask, mask_derived, mask_patterns, words_of
from chalicelib.analytics.ubi import APPLICATION, OBJECT_ID_FIELD, rfc3339_ms
from chalicelib.search.request import DEFAULT_PAGE_SIZE, DEFAULT_RADIUS_MILES, SearchRequest
from chalicelib.search.responses import SearchResults, Suggestions

# The position a point is rounded to: 0.01 degrees, about a kilometre (an outward code's scale).
COORDINATE_DECIMALS = 2

Endpoint = Literal["search", "suggest"]


@dataclass(frozen=True)
class Asked:
    """What every query record holds besides the answer: ids, who (a random id or none), when, how long."""

    query_id: str
    query_response_id: str
    client_id: str | None
    at: datetime
    latency_ms: float


def search_record(asked: Asked, request: SearchRequest, results: SearchResults, known: Known) -> dict[str, Any]:
    """The record of a ``GET /specialists`` answer; ``known`` keeps words that are not names
    (the names of the specialists on the page are added to it here)."""
    interpreted = results["interpreted"]
    shown = words_of(
        *(card["name"] for card in results["results"]),
        *(part["words"] for part in interpreted["parts"]),
    )

    def kept(word: str) -> bool:
        return word in shown or known(word)

    user_query = mask(request.q, kept)
    return _record(
        asked,
        user_query,
        {
            "endpoint": "search",
            "interpreted": {
                "text": mask_derived(interpreted["text"], user_query),
                "parts": [
                    {"kind": part["kind"], "label": mask_patterns(part["label"])} for part in interpreted["parts"]
                ],
            },
            "relaxed": [item["code"] for item in results["relaxed"]],
            "filters": search_filters(request, kept),
            "total": results["total"],
            "page": results["page"],
            "latency_ms": round(asked.latency_ms, 3),
            "did_you_mean": results["did_you_mean"] is not None,
        },
        [card["id"] for card in results["results"]],
    )


def suggest_record(asked: Asked, q: str, limit: int, answer: Suggestions, known: Known) -> dict[str, Any]:
    """The record of a ``GET /suggest`` answer. A typed word is kept when it begins a word of a
    suggestion shown (what is typed is mostly unfinished), or ``known`` knows it."""
    suggestions = answer["suggestions"]
    shown = words_of(*(suggestion["label"] for suggestion in suggestions))

    def kept(word: str) -> bool:
        return any(label_word.startswith(word) for label_word in shown) or known(word)

    masked = mask(q, kept)
    return _record(
        asked,
        masked,
        {
            "endpoint": "suggest",
            "interpreted": {"text": masked, "parts": []},
            "relaxed": [],
            "filters": {"limit": limit},
            "total": len(suggestions),
            "page": 1,
            "latency_ms": round(asked.latency_ms, 3),
            "did_you_mean": False,
        },
        [suggestion["value"] for suggestion in suggestions],
    )


def _record(asked: Asked, user_query: str, attributes: dict[str, Any], hit_ids: Iterable[str]) -> dict[str, Any]:
    return {
        "application": APPLICATION,
        "query_id": asked.query_id,
        "client_id": asked.client_id,
        "timestamp": rfc3339_ms(asked.at),
        "user_query": user_query,
        "query_attributes": attributes,
        "object_id_field": OBJECT_ID_FIELD,
        "query_response_id": asked.query_response_id,
        "query_response_hit_ids": list(hit_ids),
    }


def search_filters(request: SearchRequest, known: Known) -> dict[str, Any]:
    """The explicit parameters given, by their names; ``near`` masked like free text (it may
    be a full postcode or an address), ``lat``/``lon`` rounded to about a kilometre, the
    facets' values with their phone numbers and postcodes masked."""
    many = {
        "specialty": request.specialties,
        "treatment": request.treatments,
        "condition": request.conditions,
        "hospital": request.hospitals,
        "gender": request.genders,
        "language": request.languages,
        "insurer": request.insurers,
        "consultation_type": request.consultation_types,
    }
    # Values are slugs (no "@", no capitals), but any text is accepted: a number in one is masked.
    filters: dict[str, Any] = {
        name: [mask_patterns(value) for value in values] for name, values in many.items() if values
    }
    single = {
        "sees_children": request.sees_children,
        "bookable_online": request.bookable_online,
        "available_within_days": request.available_within_days,
        "max_fee": request.max_fee,
    }
    filters.update({name: value for name, value in single.items() if value is not None})
    if request.near is not None:
        filters["near"] = mask(request.near, known)
    if request.lat is not None and request.lon is not None:
        filters["lat"] = round(request.lat, COORDINATE_DECIMALS)
        filters["lon"] = round(request.lon, COORDINATE_DECIMALS)
    if request.has_location and request.radius_miles != DEFAULT_RADIUS_MILES:
        filters["radius_miles"] = request.radius_miles
    if request.sort != "relevance":
        filters["sort"] = request.sort
    if request.page_size != DEFAULT_PAGE_SIZE:
        filters["page_size"] = request.page_size
    return filters
