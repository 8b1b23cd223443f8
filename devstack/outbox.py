"""The local stage's outbox: the e-mails the moto server "sent", newest first.

Read from moto's state dump (``GET /moto-api/data.json``, key ``ses``): its raw messages
keep the whole MIME, so the outbox shows what a mail client would, Reply-To included.
For ``GET /_local/outbox`` (:mod:`devstack.local_routes`), and the tests that read the mail sent;
no other stage has a moto server, and this module is in no deployed package.
"""

from __future__ import annotations

import email
import json
import urllib.request
from email import policy
from email.message import EmailMessage
from typing import Any

TIMEOUT_S = 5.0


def local_outbox(moto_url: str) -> list[dict[str, Any]]:
    with urllib.request.urlopen(f"{moto_url.rstrip('/')}/moto-api/data.json", timeout=TIMEOUT_S) as answer:
        state = json.load(answer)
    return outbox_entries(state.get("ses", {}))


def outbox_entries(ses_state: dict[str, Any]) -> list[dict[str, Any]]:
    """moto keeps messages in the order sent, and no timestamp: newest first is last first."""
    return [_entry(raw["id"], raw["raw_data"]) for raw in reversed(ses_state.get("RawMessage", []))]


def _entry(message_id: str, raw_mime: str) -> dict[str, Any]:
    message = email.message_from_string(raw_mime, _class=EmailMessage, policy=policy.default)
    return {
        "id": message_id,
        "to": _header(message, "To"),
        "from": _header(message, "From"),
        "reply_to": _header(message, "Reply-To"),
        "subject": _header(message, "Subject"),
        "text": _part(message, "plain"),
        "html": _part(message, "html"),
    }


def _header(message: EmailMessage, name: str) -> str | None:
    value = message[name]
    return None if value is None else str(value)


def _part(message: EmailMessage, subtype: str) -> str | None:
    """The part's decoded text, with the wire's CRLF line ends made plain newlines."""
    body = message.get_body(preferencelist=(subtype,))
    return None if body is None else str(body.get_content()).replace("\r\n", "\n")
