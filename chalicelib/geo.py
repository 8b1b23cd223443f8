"""Points on the earth and the distance between them."""

from __future__ import annotations

import math
from dataclasses import dataclass

EARTH_RADIUS_MILES = 3958.7613
METRES_PER_MILE = 1609.344


@dataclass(frozen=True)
class GeoPoint:
    lat: float
    lon: float

    def as_dict(self) -> dict[str, float]:
        return {"lat": self.lat, "lon": self.lon}


def distance_miles(a: GeoPoint, b: GeoPoint) -> float:
    """Great-circle (haversine) distance, as OpenSearch's ``arc`` distance computes it."""
    lat1, lat2 = math.radians(a.lat), math.radians(b.lat)
    dlat, dlon = lat2 - lat1, math.radians(b.lon - a.lon)
    h = math.sin(dlat / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(dlon / 2) ** 2
    return 2 * EARTH_RADIUS_MILES * math.asin(math.sqrt(h))
