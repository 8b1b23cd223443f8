"""The local stack runs the follow-ups as AWS does, on a compressed clock: a reply deadline of
seconds (``REPLY_WORKING_HOURS``, every day counting) so that the sweep the stream worker runs
every few seconds sends the reminder, then the escalation, while the test watches the outbox."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from devstack.stack import LocalStack
from tests.e2e.browser import mail_for

# 0.002 working hours: reminded after 3.6 s, escalated after 7.2 s.
COMPRESSED = {"REPLY_WORKING_HOURS": "0.002", "REPLY_CALENDAR": "every-day"}
FALLBACK = "enquiries@hospitals.example"


@pytest.fixture(scope="module")
def stack() -> Iterator[LocalStack]:
    with LocalStack(settings=COMPRESSED) as running:
        yield running


def enquire(stack: LocalStack, email: str) -> str:
    body: dict[str, Any] = {
        "specialist_id": "krish-nandy",
        "hospital_id": "hendon",
        "first_name": "Sam",
        "last_name": "Follow",
        "email": email,
        "message": "Please call me back.",
        "consent": True,
        "consent_version": "2026-11",
    }
    accepted = requests.post(f"{stack.api_url}/enquiries", json=body, timeout=10)
    assert accepted.status_code == 202, accepted.text
    return str(accepted.json()["enquiry_id"])


def subjects(mail: list[dict[str, Any]]) -> list[str]:
    return sorted(str(message["subject"]) for message in mail)


def test_given_no_acknowledgement_then_the_sweep_reminds_the_team_then_escalates_once_each(stack: LocalStack) -> None:
    reference = enquire(stack, "sam.follow@example.com")

    mine = mail_for(stack, reference, want=4, timeout_s=40)
    time.sleep(5)  # another sweep or two: a duplicate would have arrived by now
    mine = mail_for(stack, reference, want=4, timeout_s=1)

    assert subjects(mine) == sorted(
        [
            f"New patient enquiry {reference}",
            f"We have received your enquiry {reference}",
            f"Reminder: enquiry {reference} awaits your reply",
            f"Not acknowledged in time: enquiry {reference}",
        ]
    ), subjects(mine)
    by_subject = {str(message["subject"]): message for message in mine}
    assert (
        str(by_subject[f"Reminder: enquiry {reference} awaits your reply"]["to"])
        == "enquiries.hendon@hospitals.example"
    )
    assert str(by_subject[f"Not acknowledged in time: enquiry {reference}"]["to"]) == FALLBACK


def test_given_the_team_acknowledges_at_once_then_neither_reminder_nor_escalation_is_sent(stack: LocalStack) -> None:
    reference = enquire(stack, "sam.quick@example.com")
    team = next(
        message
        for message in mail_for(stack, reference, want=2, timeout_s=20)
        if str(message["subject"]).startswith("New patient enquiry")
    )
    link = re.search(r"https?://\S+action=acknowledge\S+", str(team["text"]))
    assert link is not None
    token = parse_qs(urlsplit(link.group(0)).query)["token"][0]

    acknowledged = requests.post(f"{stack.api_url}/enquiry-actions/acknowledge/{token}", json={}, timeout=10)
    time.sleep(10)  # past the deadline, and several sweeps

    assert acknowledged.status_code == 200, acknowledged.text
    assert len(mail_for(stack, reference, want=3, timeout_s=1)) == 2
