"""The enquiries table's DynamoDB stream, as the ``notify`` function receives it: its records
decoded into enquiries for :class:`~chalicelib.enquiries.notify.Notifier`, and the partial
batch response that hands the ones to retry back to Lambda.

The wire format stays here, at the edge: the notifier sees domain records only. The local
stack's stream worker (``devstack/stream_worker.py``) sends the same events here.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from chalicelib.enquiries.notify import RECORD_BUDGET_S, log_not_emailed
from chalicelib.enquiries.record import Enquiry

if TYPE_CHECKING:
    from chalicelib.enquiries.notify import Notifier

log = logging.getLogger(__name__)


def handle_stream_event(
    event: dict[str, Any], notifier: Notifier, time_left_s: Callable[[], float] | None = None
) -> dict[str, Any]:
    """The Lambda's answer for a batch of stream records: the partial batch response.

    Only INSERTs are enquiries to send; MODIFY and REMOVE records are our own progress
    marks and TTL expiry. ``time_left_s`` (the Lambda's remaining time) stops records after
    the first from starting too late to finish; they are handed back like any other retry.
    The first always runs, so a timeout set below the budget slows the stream, never stalls it.
    """
    failures: list[str] = []
    started = False
    for record in event.get("Records", []):
        if record.get("eventName") != "INSERT":
            continue
        sequence = str(record["dynamodb"]["SequenceNumber"])
        out_of_time = started and time_left_s is not None and time_left_s() < RECORD_BUDGET_S
        if out_of_time or not _handled(record, sequence, notifier):
            failures.append(sequence)
        started = True
    return {"batchItemFailures": [{"itemIdentifier": sequence} for sequence in failures]}


def _handled(record: dict[str, Any], sequence: str, notifier: Notifier) -> bool:
    """False when the record must come again."""
    from boto3.dynamodb.types import TypeDeserializer

    deserializer = TypeDeserializer()
    try:
        image = record["dynamodb"]["NewImage"]
        enquiry = Enquiry.from_item({name: deserializer.deserialize(value) for name, value in image.items()})
    except (KeyError, TypeError, ValueError) as exc:
        log.error("stream record %s is not an enquiry (%s)", sequence, type(exc).__name__)
        return False
    try:
        return notifier.notify(enquiry) != "retry_later"
    except Exception as exc:  # noqa: BLE001 - one enquiry must not stop the batch
        log_not_emailed(enquiry.enquiry_id, exc)
        return False
