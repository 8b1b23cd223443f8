"""The ports: what the service needs from the outside world, as small interfaces.

Each has one production adapter in ``chalicelib.adapters``; ``chalicelib.deps``
builds them. They grow with the features that need them.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any, Protocol

from chalicelib.geo import GeoPoint

if TYPE_CHECKING:
    from chalicelib.enquiries.limits import RateLimit
    from chalicelib.enquiries.record import Enquiry


class SearchUnavailable(Exception):
    """Search cannot answer now (down, slow, overloaded, or no index yet): try again soon."""


class SearchIndex(Protocol):
    def ping(self) -> None:
        """Return if the search engine can answer queries; raise otherwise."""

    def search(self, body: dict[str, Any]) -> dict[str, Any]:
        """Run a search request body; :class:`SearchUnavailable` when it cannot."""

    def get(self, doc_id: str) -> dict[str, Any] | None:
        """The document's source, or None when there is no such document."""


class StoreUnavailable(Exception):
    """The enquiry store cannot take the enquiry now: nothing was stored or sent."""


class EnquiryStore(Protocol):
    def ping(self) -> None:
        """Return if enquiries can be stored; raise otherwise."""

    def put_new(self, enquiry: Enquiry, limits: Sequence[RateLimit] = ()) -> None:
        """Store a new enquiry durably, counting it against ``limits``; never overwrite one.
        Raises ``RateLimited`` (nothing stored) when a limit is reached."""


class CatalogSource(Protocol):
    """A catalog feed: JSON Lines, one specialist a line, read as a stream."""

    @property
    def uri(self) -> str: ...

    def open_lines(self) -> AbstractContextManager[Iterator[bytes]]:
        """The feed's lines as raw bytes, decompressed, never read whole into memory."""


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
