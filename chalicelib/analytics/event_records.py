"""The User Behavior Insights event records (``docs/analytics.md``, "The event record").

Two kinds, told apart by ``message_type``: ``CLICK``, what a page sends to ``POST /events``
when the patient acts on an answer (a profile opened, "Book online", "Enquire", a suggestion
picked), with the item's position in the answer; and ``ENQUIRY_SENT``, written by the service
itself when an enquiry that names the answer it came from is stored, with no position (the
page's ``enquire`` click carried it).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal, get_args

from chalicelib.analytics.ubi import APPLICATION, OBJECT_ID_FIELD, rfc3339_ms

CLICK = "CLICK"
ENQUIRY_SENT = "ENQUIRY_SENT"
SUGGESTION_FIELD = "suggestion"

Action = Literal["view_profile", "book", "enquire", "suggest_pick"]
ACTIONS: tuple[Action, ...] = get_args(Action)


def click_record(
    at: datetime, query_id: str, action: Action, position: int, object_id: str, client_id: str | None
) -> dict[str, Any]:
    """A click: ``object_id`` is a specialist's id, or a suggestion's value for ``suggest_pick``."""
    field = SUGGESTION_FIELD if action == "suggest_pick" else OBJECT_ID_FIELD
    return _record(at, query_id, action, CLICK, client_id, object_id, field, position)


def enquiry_sent_record(at: datetime, query_id: str, object_id: str, object_id_field: str) -> dict[str, Any]:
    """An enquiry stored for the answer ``query_id``: to a specialist, a hospital or the central team."""
    return _record(at, query_id, "enquire", ENQUIRY_SENT, None, object_id, object_id_field, None)


def _record(
    at: datetime,
    query_id: str,
    action: Action,
    message_type: str,
    client_id: str | None,
    object_id: str,
    object_id_field: str,
    position: int | None,
) -> dict[str, Any]:
    return {
        "application": APPLICATION,
        "action_name": action,
        "query_id": query_id,
        "client_id": client_id,
        "timestamp": rfc3339_ms(at),
        "message_type": message_type,
        "event_attributes": {
            "object": {"object_id": object_id, "object_id_field": object_id_field},
            "position": {"ordinal": position},
        },
    }
