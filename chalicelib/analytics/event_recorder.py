"""Recording the event records (:mod:`chalicelib.analytics.event_records`) through the same
sink and metrics as the queries, and like them never failing the request that sends them:
a record not kept is counted (``AnalyticsRecordingFailures``), each event kept or not is
counted as ``AnalyticsEvents``."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from chalicelib.analytics.event_records import Action, click_record, enquiry_sent_record
from chalicelib.analytics.recorder import EVENTS, RECORDING_FAILURES, AnalyticsSink, SearchMetrics, count, keep, utc_now


class EventRecorder:
    def __init__(self, sink: AnalyticsSink, metrics: SearchMetrics, *, clock: Callable[[], datetime] = utc_now) -> None:
        self._sink = sink
        self._metrics = metrics
        self._clock = clock

    def clicked(self, query_id: str, action: Action, position: int, object_id: str, client_id: str | None) -> bool:
        """Record a page's click event; False when it could not be kept (counted)."""
        return self._record(lambda: click_record(self._clock(), query_id, action, position, object_id, client_id))

    def enquiry_sent(self, query_id: str, object_id: str, object_id_field: str) -> bool:
        """Record that an enquiry for the answer ``query_id`` was stored."""
        return self._record(lambda: enquiry_sent_record(self._clock(), query_id, object_id, object_id_field))

    def _record(self, build: Callable[[], Mapping[str, Any]]) -> bool:
        kept = keep(self._sink, "event", build)
        count(self._metrics, {EVENTS: 1.0, RECORDING_FAILURES: float(not kept)})
        return kept
