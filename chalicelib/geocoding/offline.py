"""The geocoder port on a table shipped with the code: no network, no cost, no outage.

``places.csv`` (beside this module, so Chalice packages it with ``chalicelib``) holds
postcode outward codes and towns, each at an approximate centre. A full postcode is
placed at its outward code's centre: within a mile or two, which is as precise as a
"specialists near you" distance needs. The table is read on the first lookup, not at
import, so a cold start that never geocodes does not pay for it.
"""

from __future__ import annotations

import csv
import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, NamedTuple

from chalicelib.geo import GeoPoint
from chalicelib.geocoding.names import lookup_keys, outward_code, place_key

PLACES_CSV = Path(__file__).with_name("places.csv")

Kind = Literal["outward", "town"]
KINDS: tuple[Kind, ...] = ("outward", "town")


@dataclass(frozen=True)
class Place:
    kind: Kind
    name: str
    point: GeoPoint

    @property
    def key(self) -> str:
        """What a lookup must reduce to: outward codes compact ("nw4"), towns as slugs."""
        return place_key(self.name).replace("-", "") if self.kind == "outward" else place_key(self.name)


class _Tables(NamedTuple):
    outward: dict[str, GeoPoint]
    towns: dict[str, GeoPoint]


def read_places(path: Path = PLACES_CSV) -> list[Place]:
    """Every row of the table; lines starting with ``#`` are comments."""
    with path.open(encoding="utf-8", newline="") as lines:
        rows = csv.DictReader(line for line in lines if line.strip() and not line.startswith("#"))
        return [_place(row) for row in rows]


def _place(row: dict[str, str]) -> Place:
    kind = row["kind"]
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r} for {row['name']!r} in the places table")
    return Place(kind, row["name"], GeoPoint(float(row["lat"]), float(row["lon"])))


class OfflineGeocoder:
    def __init__(self, path: Path = PLACES_CSV) -> None:
        self._path = path

    def locate(self, place: str) -> GeoPoint | None:
        """The centre of the postcode's district, the outward code or the town; None if unknown."""
        for key in lookup_keys(place):
            outward = outward_code(key)
            point = self._tables.outward.get(outward) if outward else self._tables.towns.get(key)
            if point is not None:
                return point
        return None

    @functools.cached_property
    def _tables(self) -> _Tables:
        tables = _Tables({}, {})
        for place in read_places(self._path):
            (tables.outward if place.kind == "outward" else tables.towns)[place.key] = place.point
        return tables
