"""Find a specialist: search, typeahead and profiles over the search index port."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from chalicelib import index_schema as f
from chalicelib.errors import InvalidParameter
from chalicelib.geo import GeoPoint
from chalicelib.search.query import build_search_body
from chalicelib.search.request import SearchRequest
from chalicelib.search.responses import Profile, SearchResults, Suggestions
from chalicelib.search.results import to_profile, to_search_response
from chalicelib.search.spelling import best_correction, build_spelling_body
from chalicelib.search.suggest import MIN_CHARS, build_suggest_body, to_suggestions

if TYPE_CHECKING:
    from chalicelib.ports import Geocoder, SearchIndex

_SPECIALIST_ID = re.compile(r"^[a-z0-9-]{1,64}$")
# Offer "did you mean" when the patient's words find this few specialists.
FEW_RESULTS = 3


class SearchService:
    def __init__(self, index: SearchIndex, geocoder: Geocoder) -> None:
        self._index = index
        self._geocoder = geocoder

    def search(self, request: SearchRequest) -> SearchResults:
        origin = self.origin_of(request)
        raw = self._index.search(build_search_body(request, origin))
        did_you_mean = None
        if request.q and raw["hits"]["total"]["value"] < FEW_RESULTS:
            did_you_mean = best_correction(self._index.search(build_spelling_body(request.q)), request.q)
        return to_search_response(raw, request, origin, did_you_mean)

    def suggest(self, q: str, limit: int) -> Suggestions:
        if len(q) < MIN_CHARS:
            return {"suggestions": []}
        return {"suggestions": to_suggestions(self._index.search(build_suggest_body(q)), q, limit)}

    def profile(self, specialist_id: str) -> Profile | None:
        if not _SPECIALIST_ID.fullmatch(specialist_id):
            return None
        source = self._index.get(specialist_id)
        return None if source is None else to_profile(source)

    def origin_of(self, request: SearchRequest) -> GeoPoint | None:
        if request.lat is not None and request.lon is not None:
            return GeoPoint(request.lat, request.lon)
        if request.near is None:
            return None
        point = self._hospital(request.near.lower()) or self._geocoder.locate(request.near)
        if point is None:
            raise InvalidParameter("near", "'near' is not a place we know: try a postcode, a town or a hospital")
        return point

    def _hospital(self, hospital_id: str) -> GeoPoint | None:
        """Where the hospital with this id is, from any specialist who works there."""
        if not _SPECIALIST_ID.fullmatch(hospital_id):
            return None
        body = {"query": {"term": {f.HOSPITAL_IDS: hospital_id}}, "size": 1, "_source": [f.HOSPITALS]}
        hits = self._index.search(body)["hits"]["hits"]
        for hospital in hits[0]["_source"][f.HOSPITALS] if hits else []:
            if hospital["id"] == hospital_id:
                return GeoPoint(hospital["location"]["lat"], hospital["location"]["lon"])
        return None
