"""SES's bounce and complaint events, as SNS delivers them to ``notify``, decoded into
:class:`~chalicelib.enquiries.bounces.DeliveryProblem` records.

The configuration set publishes each event to an SNS topic; the Lambda event is
``{"Records": [{"EventSource": "aws:sns", "Sns": {"Message": "<json>", "MessageId": …}}]}``
and the message is SES's event: ``eventType`` (``Bounce``, ``Complaint``, …), ``mail``
(``messageId``, ``tags``: name → list of values) and ``bounce`` (``bounceType``,
``bouncedRecipients``) or ``complaint`` (``complainedRecipients``).

A record without our tags (``enquiry``, ``kind``), of another event type, or malformed is
skipped with a warning naming the SNS message id only: the event is full of addresses.
"""

from __future__ import annotations

import json
import logging
import re
from typing import TYPE_CHECKING, Any, cast

from chalicelib.enquiries.bounces import MAIL_KINDS, DeliveryProblem

if TYPE_CHECKING:
    from collections.abc import Iterator

    from chalicelib.enquiries.ports import MailKind

log = logging.getLogger(__name__)

SNS_SOURCE = "aws:sns"
# The enquiry tag is a ULID; anything else is not one of ours (and never reaches a key).
_ENQUIRY_ID = re.compile(r"[0-9A-Za-z]{26}")


def is_sns_event(event: dict[str, Any]) -> bool:
    """A batch of SNS notifications, as opposed to stream records or a scheduled event."""
    records = event.get("Records")
    return (
        isinstance(records, list)
        and bool(records)
        and all(isinstance(record, dict) and record.get("EventSource") == SNS_SOURCE for record in records)
    )


def delivery_problems(event: dict[str, Any]) -> Iterator[DeliveryProblem]:
    """Each record's bounce or complaint of one of our e-mails; the rest skipped with a warning."""
    for record in event.get("Records", []):
        sns = record.get("Sns") if isinstance(record, dict) else None
        sns_id = str(sns.get("MessageId", "?")) if isinstance(sns, dict) else "?"
        try:
            problem = _decoded(json.loads(sns["Message"]) if isinstance(sns, dict) else None)
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            log.warning("SES event in SNS message %s skipped: malformed (%s)", sns_id, type(exc).__name__)
            continue
        if isinstance(problem, str):
            log.warning("SES event in SNS message %s skipped: %s", sns_id, problem)
            continue
        yield problem


def _decoded(message: Any) -> DeliveryProblem | str:
    """The problem, or why the message is none of ours to act on (no address in it)."""
    if not isinstance(message, dict):
        raise TypeError("not an object")
    event_type = message.get("eventType", message.get("notificationType"))
    if event_type not in ("Bounce", "Complaint"):
        return f"event type {str(event_type)[:32]!r}"
    mail = message["mail"]
    tags = mail.get("tags") or {}
    enquiry_id, kind = _tag(tags, "enquiry"), _tag(tags, "kind")
    if enquiry_id is None or kind is None or not _ENQUIRY_ID.fullmatch(enquiry_id) or kind not in MAIL_KINDS:
        return "not tagged as an enquiry's e-mail"
    if event_type == "Bounce":
        detail = message["bounce"]
        permanent = detail.get("bounceType") == "Permanent"
        listed = detail.get("bouncedRecipients") or []
    else:
        detail = message["complaint"]
        permanent = True
        listed = detail.get("complainedRecipients") or []
    recipients = tuple(str(recipient["emailAddress"]) for recipient in listed)
    return DeliveryProblem(
        enquiry_id=enquiry_id,
        kind=cast("MailKind", kind),
        problem="bounced" if event_type == "Bounce" else "complained",
        permanent=permanent,
        recipients=recipients,
        message_id=str(mail["messageId"]),
    )


def _tag(tags: dict[str, Any], name: str) -> str | None:
    """A tag's one value (SES gives each as a list); None when absent or not a single string."""
    values = tags.get(name)
    if isinstance(values, list) and len(values) == 1 and isinstance(values[0], str):
        return values[0]
    return None
