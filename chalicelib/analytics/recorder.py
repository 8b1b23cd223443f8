"""Recording each search and typeahead answer, cheaply and without ever failing it.

The :class:`AnalyticsSink` port takes UBI records (``"query"``, and ``"event"`` for the
click events of ``POST /events``, :mod:`chalicelib.analytics.event_recorder`): in Lambda one structured log line each
(``chalicelib.adapters.log_analytics_sink``), on the local stage the ``ubi_queries`` and
``ubi_events`` indices of the local node (``chalicelib.adapters.opensearch_ubi_sink``).
The :class:`SearchMetrics` port counts searches (CloudWatch EMF in Lambda).

Nothing here raises: a record that cannot be built or written is counted
(``AnalyticsRecordingFailures``) and logged by exception type alone (never its message, which
could hold the query), and the patient gets the answer all the same.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Literal, Protocol

from chalicelib.analytics.masking import COMMON_WORDS, Known

if TYPE_CHECKING:
    from chalicelib.analytics.records import Asked
    from chalicelib.search.request import SearchRequest
    from chalicelib.search.responses import SearchResults, Suggestions
    from chalicelib.search.understanding import Vocabulary

log = logging.getLogger(__name__)

RecordKind = Literal["query", "event"]

NAMESPACE = "FindASpecialist/Search"
SEARCHES = "Searches"
ZERO_RESULT_SEARCHES = "ZeroResultSearches"
RELAXED_SEARCHES = "RelaxedSearches"
TYPEAHEAD_REQUESTS = "TypeaheadRequests"
RECORDING_FAILURES = "AnalyticsRecordingFailures"
EVENTS = "AnalyticsEvents"


class AnalyticsSink(Protocol):
    def record(self, kind: RecordKind, record: Mapping[str, Any]) -> None:
        """Keep one UBI record (a query or an event); may raise, the recorder counts it."""


class SearchMetrics(Protocol):
    def count(self, values: Mapping[str, float]) -> None:
        """Publish counts (metric name to value) in :data:`NAMESPACE`, with no dimension."""


def keep(sink: AnalyticsSink, kind: RecordKind, build: Callable[[], Mapping[str, Any]]) -> bool:
    """Build a record and send it to ``sink``; False, logged by the exception's type alone,
    when either fails. Recording never fails the answer or the request it describes."""
    try:
        sink.record(kind, build())
    except Exception as exc:  # noqa: BLE001 - whatever went wrong, the patient's answer goes out
        log.warning("%s record not kept (%s)", kind, type(exc).__name__)
        return False
    return True


def count(metrics: SearchMetrics, values: Mapping[str, float]) -> None:
    """Publish ``values``; an error doing so is logged by type and dropped."""
    try:
        metrics.count(values)
    except Exception as exc:  # noqa: BLE001 - nor may counting it
        log.warning("search metrics not emitted (%s)", type(exc).__name__)


def utc_now() -> datetime:
    return datetime.now(UTC)


def new_id() -> str:
    return str(uuid.uuid4())


class QueryRecorder:
    """Builds the record of an answer, sends it to the sink and counts it; returns the
    answer's query id whatever happens. ``vocabulary`` answers what the search already
    read (no round trip: the search has just used it); ``places`` the offline gazetteer."""

    def __init__(
        self,
        sink: AnalyticsSink,
        metrics: SearchMetrics,
        vocabulary: Callable[[], Vocabulary],
        places: Callable[[str], object | None],
        *,
        clock: Callable[[], datetime] = utc_now,
        ids: Callable[[], str] = new_id,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._sink = sink
        self._metrics = metrics
        self._vocabulary = vocabulary
        self._places = places
        self._clock = clock
        self._ids = ids
        self._monotonic = monotonic

    def searched(self, request: SearchRequest, results: SearchResults, client_id: str | None, started: float) -> str:
        """Record a ``GET /specialists`` answer; ``started`` is the handler's ``time.monotonic()``."""
        from chalicelib.analytics.records import search_record

        counts = {
            SEARCHES: 1.0,
            ZERO_RESULT_SEARCHES: float(results["total"] == 0),
            RELAXED_SEARCHES: float(bool(results["relaxed"])),
        }
        return self._recorded(
            client_id, started, counts, lambda asked: search_record(asked, request, results, self._search_known())
        )

    def suggested(self, q: str, limit: int, answer: Suggestions, client_id: str | None, started: float) -> str:
        """Record a ``GET /suggest`` answer."""
        from chalicelib.analytics.records import suggest_record

        return self._recorded(
            client_id,
            started,
            {TYPEAHEAD_REQUESTS: 1.0},
            lambda asked: suggest_record(asked, q, limit, answer, self._place_known),
        )

    def _recorded(
        self,
        client_id: str | None,
        started: float,
        counts: dict[str, float],
        build: Callable[[Asked], Mapping[str, Any]],
    ) -> str:
        # The records' module (and the search modules it reads) only when a search is recorded:
        # POST /events wants the sink port without them.
        from chalicelib.analytics.records import Asked

        latency_ms = (self._monotonic() - started) * 1000
        query_id = self._ids()
        asked = Asked(query_id, self._ids(), client_id, self._clock(), latency_ms)
        kept = keep(self._sink, "query", lambda: build(asked))
        count(self._metrics, {**counts, RECORDING_FAILURES: float(not kept)})
        return query_id

    def _place_known(self, word: str) -> bool:
        return word in COMMON_WORDS or self._places(word) is not None

    def _search_known(self) -> Known:
        vocabulary = self._vocabulary()

        def known(word: str) -> bool:
            return (
                self._place_known(word)
                or vocabulary.spells(word)
                or word in vocabulary.insurers
                or word in vocabulary.languages
                or word in vocabulary.hospital_places
                or word in vocabulary.hospital_ids
            )

        return known
