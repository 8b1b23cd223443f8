"""The enquiry service's own figures for the engineer on call (issue 18, item 7), beside the
per-hospital ones of :mod:`chalicelib.enquiries.metrics`: the same namespace, no dimension
(one series each on the dashboard, ``infra/dashboard.py``), counts only, nothing about a patient.

- ``EnquiriesReceived`` 1 for each enquiry stored (not a replayed ``Idempotency-Key``, not the
  honeypot's catch, not a refusal);
- ``EmailsSent`` 1 for each e-mail SES accepted (the team's and the patient's, counted apart);
- ``SweepBacklog`` on every sweep run, 0 included: the unsent enquiries it listed (taken more
  than ``SWEEP_AFTER_S`` ago and neither sent nor failed, at most ``SWEEP_LIMIT``): what the
  stream has not sent. Above 0 for long means search or SES has been failing.

Best effort, as the deadline metrics are: an error emitting is logged (its type) and dropped.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Protocol

log = logging.getLogger(__name__)

ENQUIRIES_RECEIVED = "EnquiriesReceived"
EMAILS_SENT = "EmailsSent"
SWEEP_BACKLOG = "SweepBacklog"


class TotalsSink(Protocol):
    def totals(self, values: Mapping[str, float]) -> None:
        """Publish ``values`` (metric name to count) with no dimension."""


class ServiceMetrics:
    def __init__(self, sink: TotalsSink) -> None:
        self._sink = sink

    def received(self) -> None:
        self._emit({ENQUIRIES_RECEIVED: 1})

    def email_sent(self) -> None:
        self._emit({EMAILS_SENT: 1})

    def sweep_backlog(self, listed: int) -> None:
        self._emit({SWEEP_BACKLOG: listed})

    def _emit(self, values: Mapping[str, float]) -> None:
        try:
            self._sink.totals(values)
        except Exception as exc:  # noqa: BLE001 - a metric must never fail an enquiry, an e-mail or the sweep
            log.warning("enquiry metrics %s not emitted (%s)", ",".join(values), type(exc).__name__)
