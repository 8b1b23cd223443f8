"""The feeds the indexer loads, each blue/green into its own alias with the same guards.

- ``specialists``: the catalog (``docs/catalog.md``), one specialist a line, into
  ``SEARCH_ALIAS``; a document's id is the specialist's ``id``.
- ``treatments``: the treatments' content (``docs/treatments.md``), one treatment a
  line, into ``TREATMENTS_ALIAS``; a document's id is the treatment's ``slug``.

A :class:`Feed` names its model and schema functions without importing them: the
indexer Lambda imports only the feed it runs (:meth:`Feed.codec`), and the api never
imports this package.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from operator import attrgetter
from typing import TYPE_CHECKING, Any, Generic, Literal, TypeVar

if TYPE_CHECKING:
    from chalicelib.catalog import Specialist
    from chalicelib.config import SearchSettings
    from chalicelib.treatments.content import TreatmentContent

R = TypeVar("R")

FeedName = Literal["specialists", "treatments"]


@dataclass(frozen=True)
class Codec(Generic[R]):
    """What turns a feed's lines into documents, imported when a run starts."""

    parse: Callable[[bytes], R]  # one line to a record; raises ``pydantic.ValidationError``
    document: Callable[[R], dict[str, Any]]
    index_body: Callable[[], dict[str, Any]]
    record_id: Callable[[R], str]  # the document's ``_id``


@dataclass(frozen=True)
class Feed(Generic[R]):
    name: FeedName  # also what one line describes, plural: "the feed has 70 valid treatments"
    id_field: str  # the line's field that is its id, to name an invalid line in the report
    alias_of: Callable[[SearchSettings], str]
    load: Callable[[], Codec[R]]
    # Its lines give hospitals' enquiry addresses (``indexer.routing``): checked against
    # ``ENQUIRY_EMAIL_DOMAINS``, one per hospital, compared with the live index's.
    routes_enquiries: bool = False
    # Patient safety: a valid record this returns False for is left out of the index (the
    # catalog's specialists not registered with the GMC), counted in the summary, never
    # an invalid line. None: every valid record is indexed.
    listed: Callable[[R], bool] | None = None
    # The run computes the data-quality report of its feed (``indexer.quality``).
    reports_quality: bool = False

    def codec(self) -> Codec[R]:
        """Imported at each run's start, not cached: after the first run an import is a lookup."""
        return self.load()

    def alias(self, settings: SearchSettings) -> str:
        return self.alias_of(settings)


def _specialists() -> Codec[Specialist]:
    from chalicelib.catalog import parse_line
    from chalicelib.index_schema import index_body, to_document

    return Codec(parse=parse_line, document=to_document, index_body=index_body, record_id=attrgetter("id"))


def _treatments() -> Codec[TreatmentContent]:
    from chalicelib.treatments.content import parse_line
    from chalicelib.treatments.index_schema import SLUG, index_body, to_document

    return Codec(parse=parse_line, document=to_document, index_body=index_body, record_id=attrgetter(SLUG))


SPECIALISTS: Feed[Specialist] = Feed(
    name="specialists",
    id_field="id",
    alias_of=attrgetter("search_alias"),
    load=_specialists,
    routes_enquiries=True,
    listed=attrgetter("is_registered"),
    reports_quality=True,
)
TREATMENTS: Feed[TreatmentContent] = Feed(
    name="treatments",
    id_field="slug",
    alias_of=attrgetter("treatments_alias"),
    load=_treatments,
)
FEEDS: dict[str, Feed[Any]] = {feed.name: feed for feed in (SPECIALISTS, TREATMENTS)}


class UnknownFeed(ValueError):
    pass


def feed_named(name: object) -> Feed[Any]:
    """The feed called ``name``; :class:`UnknownFeed` names the choices otherwise."""
    if isinstance(name, str) and name in FEEDS:
        return FEEDS[name]
    raise UnknownFeed(f"unknown feed {str(name)[:40]!r}: choose one of {', '.join(FEEDS)}")
