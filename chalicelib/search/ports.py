"""What search needs from the outside world: the index and the geocoder, as small interfaces.

The index's port has its primitives (``search``, ``msearch``, ``get``: request bodies from
:mod:`chalicelib.search.query`) and the domain reads built on them (``specialist``), which
answer typed views from :mod:`chalicelib.index_schema`; an implementation inherits those
by subclassing :class:`SearchIndex`, so no caller reads an index document's fields.

Each has a production adapter in ``chalicelib.adapters`` (``opensearch_index``,
``location_geocoder``; the offline geocoder in ``chalicelib.geocoding`` needs none);
``chalicelib.bootstrap`` builds them. They grow with the features that need them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal, Protocol

from chalicelib.geo import GeoPoint
from chalicelib.index_schema import SpecialistView, from_document


class SearchUnavailable(Exception):
    """Search cannot answer now (down, slow, overloaded, or no index yet): try again soon."""


# What a body of an ``msearch`` reads: the specialists (the default) or the treatments' content.
Corpus = Literal["specialists", "treatments"]


class SearchIndex(Protocol):
    def ping(self) -> None:
        """Return if the search engine can answer queries; raise otherwise."""

    def search(self, body: dict[str, Any]) -> dict[str, Any]:
        """Run a search request body; :class:`SearchUnavailable` when it cannot."""

    def msearch(
        self, bodies: Sequence[dict[str, Any]], corpora: Sequence[Corpus] | None = None
    ) -> list[dict[str, Any]]:
        """Several search request bodies in one round trip, answers in order;
        :class:`SearchUnavailable` when any cannot be answered. ``corpora`` names what each
        body reads (all the specialists when None); the treatments' content may not have
        been loaded yet, and then its bodies answer no hits rather than an error."""

    def get(self, doc_id: str) -> dict[str, Any] | None:
        """The document's source, or None when there is no such document."""

    def specialist(self, specialist_id: str) -> SpecialistView | None:
        """The specialist, read from their document (one round trip); None when we list
        no one by that id. :class:`SearchUnavailable` when it cannot be read now."""
        source = self.get(specialist_id)
        return None if source is None else from_document(source)


class GeocoderUnavailable(SearchUnavailable):
    """The geocoder cannot answer now (throttled, down, unreachable): try again soon.

    A kind of :class:`SearchUnavailable`, since a search near a place cannot run without
    it: the API answers 503, never the 400 of a place that does not exist.
    """


class Geocoder(Protocol):
    def locate(self, place: str) -> GeoPoint | None:
        """Where a postcode, outward code or town is; None when it is not a place we know.

        :class:`GeocoderUnavailable` when the answer cannot be had now.
        """
