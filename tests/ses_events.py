"""SES's bounce and complaint events as SNS delivers them to ``notify``: the shapes AWS documents,
for the unit and integration tests of :mod:`chalicelib.adapters.ses_events`."""

from __future__ import annotations

import json
from typing import Any

ENQUIRY = "01JDQ3Z6V8K2M4N6P8R0S2T4V1"
PATIENT = "zoe.quill+knee@patients.example"


def ses_event(
    event_type: str = "Bounce",
    *,
    kind: str | None = "patient",
    enquiry: str | None = ENQUIRY,
    bounce_type: str = "Permanent",
    recipient: str = PATIENT,
    message_id: str = "0102019abc-ses-message-id-000000",
) -> dict[str, Any]:
    """An SES event as its configuration set publishes it to SNS (the shape AWS documents)."""
    tags: dict[str, list[str]] = {"ses:configuration-set": ["find-a-specialist-dev"]}
    if enquiry is not None:
        tags["enquiry"] = [enquiry]
    if kind is not None:
        tags["kind"] = [kind]
    message: dict[str, Any] = {
        "eventType": event_type,
        "mail": {
            "timestamp": "2026-11-25T19:09:01.000Z",
            "source": "enquiries@find-a-specialist.example",
            "messageId": message_id,
            "destination": [recipient],
            "tags": tags,
        },
    }
    if event_type == "Bounce":
        message["bounce"] = {
            "bounceType": bounce_type,
            "bounceSubType": "General",
            "bouncedRecipients": [{"emailAddress": recipient, "action": "failed", "status": "5.1.1"}],
            "timestamp": "2026-11-25T19:09:02.000Z",
            "feedbackId": "0102019abc-feedback",
        }
    elif event_type == "Complaint":
        message["complaint"] = {
            "complainedRecipients": [{"emailAddress": recipient}],
            "complaintFeedbackType": "abuse",
            "timestamp": "2026-11-25T19:19:02.000Z",
            "feedbackId": "0102019abc-feedback",
        }
    elif event_type == "Delivery":
        message["delivery"] = {"recipients": [recipient], "timestamp": "2026-11-25T19:09:02.000Z"}
    return sns_event(json.dumps(message))


def sns_event(*messages: str) -> dict[str, Any]:
    return {
        "Records": [
            {
                "EventSource": "aws:sns",
                "EventVersion": "1.0",
                "EventSubscriptionArn": "arn:aws:sns:eu-west-2:123456789012:ses-events:sub",
                "Sns": {
                    "Type": "Notification",
                    "MessageId": f"sns-message-{number}",
                    "TopicArn": "arn:aws:sns:eu-west-2:123456789012:ses-events",
                    "Message": message,
                    "Timestamp": "2026-11-25T19:09:03.000Z",
                },
            }
            for number, message in enumerate(messages)
        ]
    }
