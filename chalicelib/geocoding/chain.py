"""Ask several geocoders in turn: the offline table first (free, instant, never down),
then a paid service for the places the table does not know."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from chalicelib.geo import GeoPoint
    from chalicelib.search.ports import Geocoder


class FirstFound:
    def __init__(self, *geocoders: Geocoder) -> None:
        self._geocoders = geocoders

    def locate(self, place: str) -> GeoPoint | None:
        for geocoder in self._geocoders:
            point = geocoder.locate(place)
            if point is not None:
                return point
        return None
