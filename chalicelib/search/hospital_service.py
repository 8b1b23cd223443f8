"""Hospital pages over the search index port: the list and a hospital's page, one
OpenSearch round trip each (:mod:`chalicelib.search.hospitals` builds the bodies)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from chalicelib.errors import InvalidParameter, naming_the_nearest
from chalicelib.geo import GeoPoint, distance_miles
from chalicelib.patterns import ID_FORMAT
from chalicelib.search.availability import DEFAULT_MAX_AGE, slots_at, utc_now
from chalicelib.search.hospital_responses import HospitalList, HospitalPage, HospitalsNear
from chalicelib.search.hospitals import (
    by_name,
    hospital_page_body,
    hospitals_body,
    to_hospital_page,
    to_hospital_records,
    to_summary,
)
from chalicelib.search.request import SearchRequest

if TYPE_CHECKING:
    from chalicelib.search.hospitals import HospitalRecord
    from chalicelib.search.ports import Geocoder, SearchIndex
    from chalicelib.search.vocabulary import VocabularyCache

NOT_FOUND = "There is no hospital with this id."


class HospitalService:
    def __init__(
        self,
        index: SearchIndex,
        geocoder: Geocoder,
        vocabulary: VocabularyCache,
        *,
        clock: Callable[[], datetime] = utc_now,
        availability_max_age: timedelta = DEFAULT_MAX_AGE,
    ) -> None:
        """``clock`` and ``availability_max_age``: which slots the cards show, as the search's do."""
        self._index = index
        self._geocoder = geocoder
        self._vocabulary = vocabulary
        self._clock = clock
        self._max_age = availability_max_age

    def hospitals(self, request: SearchRequest) -> HospitalList:
        """Every hospital (with ``specialties``: those where one of them works), A-Z, or
        nearest first with ``near`` or ``lat`` and ``lon``."""
        records = to_hospital_records(self._index.search(hospitals_body(request.specialties)))
        near = self._near(request, records)
        listed = [record for record in records if record.specialists > 0 or not request.specialties]
        if near is None:
            hospitals = [to_summary(record, None) for record in sorted(listed, key=by_name)]
        else:
            origin = GeoPoint(near["lat"], near["lon"])
            measured = sorted((distance_miles(origin, record.point), by_name(record), record) for record in listed)
            hospitals = [to_summary(record, distance) for distance, _, record in measured]
        return {"total": len(hospitals), "hospitals": hospitals, "near": near}

    def _near(self, request: SearchRequest, records: list[HospitalRecord]) -> HospitalsNear | None:
        """Where ``near`` or ``lat``/``lon`` put the list: a hospital id first (from the
        answer itself: no round trip), then a place."""
        if request.lat is not None and request.lon is not None:
            return {"label": "your location", "lat": request.lat, "lon": request.lon}
        if request.near is None:
            return None
        by_id = {record.id: record.point for record in records}
        point = by_id.get(request.near.lower()) or self._geocoder.locate(request.near)
        if point is None:
            raise InvalidParameter("near", "'near' is not a place we know: try a postcode, a town or a hospital")
        return {"label": request.near, "lat": point.lat, "lon": point.lon}

    def page(self, hospital_id: str, request: SearchRequest) -> HospitalPage | None:
        """The hospital and a page of its specialists (``request``'s ``page`` and
        ``page_size``); None when no specialist of the catalog works there."""
        if not ID_FORMAT.fullmatch(hospital_id):
            return None
        asked, slots = replace(request, hospitals=(hospital_id,)), slots_at(self._clock, self._max_age)
        return to_hospital_page(self._index.search(hospital_page_body(asked, slots)), asked, slots)

    def not_found_message(self, hospital_id: str) -> str:
        """The 404's message, naming the hospital ids most like ``hospital_id`` (from the
        vocabulary each warm container keeps: a round trip at most every few minutes)."""
        from chalicelib.search.ports import SearchUnavailable

        if not ID_FORMAT.fullmatch(hospital_id.lower()):
            return NOT_FOUND
        try:
            known = list(self._vocabulary.get().hospital_ids)
        except SearchUnavailable:  # the 404 stands without suggestions
            return NOT_FOUND
        return naming_the_nearest(NOT_FOUND, hospital_id.lower(), known)
