"""The ports: what the service needs from the outside world, as small interfaces.

Each has one production adapter in ``chalicelib.adapters``; ``chalicelib.deps``
builds them. They grow with the features that need them.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager
from typing import Protocol


class SearchIndex(Protocol):
    def ping(self) -> None:
        """Return if the search engine can answer queries; raise otherwise."""


class EnquiryStore(Protocol):
    def ping(self) -> None:
        """Return if enquiries can be stored; raise otherwise."""


class CatalogSource(Protocol):
    """A catalog feed: JSON Lines, one specialist a line, read as a stream."""

    @property
    def uri(self) -> str: ...

    def open_lines(self) -> AbstractContextManager[Iterator[bytes]]:
        """The feed's lines as raw bytes, decompressed, never read whole into memory."""
