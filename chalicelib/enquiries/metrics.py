"""The reply deadlines as CloudWatch metrics (issue 17, item 7): what is emitted when a team
acknowledges an enquiry and when one is escalated. The sink (:class:`MetricsSink`) is a port:
in Lambda an Embedded Metric Format log line (``chalicelib.adapters.emf_metrics``), in tests
a list.

Namespace :data:`NAMESPACE`, one dimension, ``Hospital``: the routing snapshot's hospital id,
or ``central`` (the central team's enquiries); never anything about the patient.

- on the first acknowledgement: ``Acknowledged`` 1, ``HoursToAcknowledge`` (*working* hours,
  as the reply deadline counts them), and ``AcknowledgedWithinDeadline`` 1 when acknowledged by
  ``reply_by``, 0 when after it (unless the escalation already counted it);
- on the escalation (the deadline passed unacknowledged): ``MissedDeadline`` 1 and
  ``AcknowledgedWithinDeadline`` 0.

So ``AcknowledgedWithinDeadline`` counts each enquiry with a deadline once, when its fate is
known, and its average per hospital is the report's share within deadline (a team that never
answers shows as 0, not as no data). An acknowledgement racing its escalation (the sweep sends
the escalation as the team clicks) may count a miss twice; it is rare and errs towards paging.
An enquiry without a deadline (routed at send time) gives ``Acknowledged`` and the hours only.

Metrics never fail what they describe: an error emitting them is logged and dropped.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING, Protocol

from chalicelib.enquiries.report import CENTRAL, ReportRow, deadline_kept, parse_time

if TYPE_CHECKING:
    from collections.abc import Callable

    from chalicelib.enquiries.bank_holidays import HolidayCalendar

log = logging.getLogger(__name__)

NAMESPACE = "FindASpecialist/Enquiries"
DIMENSION = "Hospital"
ACKNOWLEDGED = "Acknowledged"
WITHIN_DEADLINE = "AcknowledgedWithinDeadline"
HOURS_TO_ACKNOWLEDGE = "HoursToAcknowledge"
MISSED_DEADLINE = "MissedDeadline"
# Each metric's CloudWatch unit ("None": working hours have no unit of their own).
UNITS = {ACKNOWLEDGED: "Count", WITHIN_DEADLINE: "Count", HOURS_TO_ACKNOWLEDGE: "None", MISSED_DEADLINE: "Count"}


class MetricsSink(Protocol):
    def emit(self, hospital: str, values: Mapping[str, float]) -> None:
        """Publish ``values`` (metric name to value) under the ``Hospital`` dimension ``hospital``."""


class ReportRows(Protocol):
    def row(self, enquiry_id: str) -> ReportRow | None:
        """What the report reads of one enquiry (a consistent read); None once it is gone."""


def hospital_of(hospital_id: str | None) -> str:
    return hospital_id or CENTRAL


def acknowledgement_values(row: ReportRow, calendar: HolidayCalendar) -> dict[str, float]:
    """The metrics of an enquiry just acknowledged (``row.acknowledged_at`` set)."""
    from chalicelib.enquiries.deadlines import working_hours_between

    if row.acknowledged_at is None:
        return {}
    acknowledged = parse_time(row.acknowledged_at)
    values: dict[str, float] = {
        ACKNOWLEDGED: 1,
        HOURS_TO_ACKNOWLEDGE: round(working_hours_between(parse_time(row.created_at), acknowledged, calendar), 3),
    }
    kept = deadline_kept(row, acknowledged)
    if kept is True:
        values[WITHIN_DEADLINE] = 1
    elif kept is False and row.escalated_at is None:
        values[WITHIN_DEADLINE] = 0
    return values


ESCALATION_VALUES: Mapping[str, float] = {MISSED_DEADLINE: 1, WITHIN_DEADLINE: 0}


class DeadlineMetrics:
    """Emits the metrics above; each call is best effort (logged, never raised)."""

    def __init__(self, rows: ReportRows, sink: MetricsSink, calendar: HolidayCalendar) -> None:
        self._rows = rows
        self._sink = sink
        self._calendar = calendar

    def acknowledged(self, enquiry_id: str) -> None:
        """The team has just acknowledged ``enquiry_id`` for the first time."""
        self._best_effort(enquiry_id, "acknowledgement", lambda: self._acknowledged(enquiry_id))

    def escalated(self, enquiry_id: str, hospital_id: str | None) -> None:
        """The escalation of ``enquiry_id`` has just been sent (or refused for good)."""
        self._best_effort(
            enquiry_id, "escalation", lambda: self._sink.emit(hospital_of(hospital_id), ESCALATION_VALUES)
        )

    def _acknowledged(self, enquiry_id: str) -> None:
        row = self._rows.row(enquiry_id)
        if row is None:
            return
        values = acknowledgement_values(row, self._calendar)
        if values:
            self._sink.emit(hospital_of(row.hospital_id), values)

    @staticmethod
    def _best_effort(enquiry_id: str, what: str, emit: Callable[[], None]) -> None:
        try:
            emit()
        except Exception as exc:  # noqa: BLE001 - a metric must never fail the team's click or the sweep
            log.warning("enquiry %s: %s metrics not emitted (%s)", enquiry_id, what, type(exc).__name__)
