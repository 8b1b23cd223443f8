"""The sweep: enquiries the stream did not send, sent later by the same path.

The stream's retries are bounded (Lambda's ``retry_attempts``, after which only the batch's
position reaches the on-failure queue; the local worker's ten tries). An enquiry that could
not be routed all that while (search down) would otherwise wait for ever. So, on a schedule,
the sweep lists enquiries neither ``sent`` nor ``failed`` that were taken more than
``SWEEP_AFTER_S`` ago (the store's sparse "unsent" index, oldest first, bounded per run) and
runs each through :meth:`Notifier.notify`: the same claim with a lease (a sweep racing a
stream redelivery, or another sweep, sends once; a live lease is left alone), the same
throttle retries, the same ``failed`` + dead-letter path. One that still cannot be routed stays
listed for the next run.

Then, in the same run, the team follow-ups that have fallen due (reminders and escalations,
:mod:`chalicelib.enquiries.reminders`), with the time that is left.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from chalicelib.enquiries.notify import RECORD_BUDGET_S, log_not_emailed

if TYPE_CHECKING:
    from chalicelib.enquiries.notify import Notifier
    from chalicelib.enquiries.ports import UnsentEnquiries
    from chalicelib.enquiries.reminders import Reminders
    from chalicelib.enquiries.service_metrics import ServiceMetrics

log = logging.getLogger(__name__)

# Enquiries one run looks at; the rest wait for the next run (every few minutes).
SWEEP_LIMIT = 100


def is_scheduled_event(event: dict[str, Any]) -> bool:
    """EventBridge's scheduled event, as opposed to a batch of stream records."""
    return event.get("source") == "aws.events" and event.get("detail-type") == "Scheduled Event"


def _utc_now() -> datetime:
    return datetime.now(UTC)


class Sweeper:
    def __init__(
        self,
        unsent: UnsentEnquiries,
        notifier: Notifier,
        *,
        after_s: int,
        limit: int = SWEEP_LIMIT,
        clock: Callable[[], datetime] = _utc_now,
        reminders: Reminders | None = None,
        metrics: ServiceMetrics | None = None,
    ) -> None:
        self._metrics = metrics
        self._reminders = reminders
        self._unsent = unsent
        self._notifier = notifier
        self._after_s = after_s
        self._limit = limit
        self._clock = clock

    def sweep(self, time_left_s: Callable[[], float] | None = None) -> dict[str, int]:
        """Send what can be sent now; the counts of each outcome (ids only in the logs).

        ``time_left_s`` (the Lambda's remaining time) stops enquiries after the first from
        starting too late to finish; they stay listed for the next run.
        """
        ids = self._unsent.unsent_ids(self._clock() - timedelta(seconds=self._after_s), self._limit)
        if self._metrics is not None:
            self._metrics.sweep_backlog(len(ids))
        outcomes: Counter[str] = Counter()
        for position, enquiry_id in enumerate(ids):
            if position and time_left_s is not None and time_left_s() < RECORD_BUDGET_S:
                outcomes["not_started"] += len(ids) - position
                break
            outcomes[self._send(enquiry_id)] += 1
        if ids:
            log.info("sweep: %d unsent enquiries listed: %s", len(ids), dict(sorted(outcomes.items())))
        answer = {"listed": len(ids), **outcomes}
        if self._reminders is not None:
            follow_ups = self._reminders.run(lambda: time_left_s is None or time_left_s() >= RECORD_BUDGET_S)
            answer.update({f"follow_ups_{outcome}": count for outcome, count in sorted(follow_ups.items())})
        return answer

    def _send(self, enquiry_id: str) -> str:
        try:
            enquiry = self._unsent.load(enquiry_id)
            if enquiry is None:
                return "gone"
            return self._notifier.notify(enquiry)
        except Exception as exc:  # noqa: BLE001 - one enquiry must not stop the sweep
            log_not_emailed(enquiry_id, exc)
            return "retry_later"
