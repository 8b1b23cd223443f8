"""Bounces and complaints reach the enquiry (issue 17, item 3), through the app on moto: an
enquiry is taken and sent, SES's event for one of its e-mails reaches ``notify`` as SNS delivers
it, and the next submission from a suppressed address is refused."""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

import boto3
import pytest
from chalice.test import Client

from app import notify
from chalicelib import deps
from tests.conftest import BASE_ENV
from tests.enquiries import GOOD
from tests.integration.test_enquiries_api import LAMBDA_CONTEXT, client, post, sent_emails, stream_event
from tests.ses_events import ses_event

pytestmark = pytest.mark.integration
__all__ = ["client"]  # the fixture, shared with test_enquiries_api

TEAM = "enquiries.hendon@hospitals.example"
REFUSAL = {
    "error": {
        "code": "address_undeliverable",
        "message": "We could not deliver e-mail to this address before. Please use another e-mail address.",
        "field": "email",
    }
}


class Recorded:
    def __init__(self) -> None:
        self.emitted: list[tuple[str, dict[str, float]]] = []

    def emit(self, hospital: str, values: Mapping[str, float]) -> None:
        self.emitted.append((hospital, dict(values)))


def item(enquiry_id: str) -> dict[str, Any]:
    table = boto3.resource("dynamodb").Table(BASE_ENV["ENQUIRIES_TABLE"])
    return dict(table.get_item(Key={"enquiry_id": enquiry_id}, ConsistentRead=True)["Item"])


def sent_enquiry(client: Client, **changes: Any) -> str:
    """An enquiry taken and e-mailed (the team's, then the patient's): its id."""
    status, body, _ = post(client, {**GOOD, **changes})
    assert status == 202
    notify(stream_event(), LAMBDA_CONTEXT)
    assert item(body["enquiry_id"])["status"] == "sent"
    return str(body["enquiry_id"])


def test_given_the_patients_email_bounced_then_the_next_enquiry_from_that_address_is_refused_clearly(
    client: Client,
) -> None:
    enquiry_id = sent_enquiry(client)
    stored = item(enquiry_id)
    bounce = ses_event(
        enquiry=enquiry_id, kind="patient", recipient=GOOD["email"], message_id=stored["patient_message_id"]
    )

    answer = notify(bounce, LAMBDA_CONTEXT)
    again = post(client, GOOD)
    alias = post(client, {**GOOD, "email": "Aoife+knee@example.com"})
    other = post(client, {**GOOD, "email": "aoife.obrien@example.com"})

    assert answer == {"marked": 1}
    marked = item(enquiry_id)
    assert marked["patient_delivery"] == "bounced"
    assert marked["patient_delivery_at"]
    assert "team_delivery" not in marked
    assert (again[0], again[1]) == (422, REFUSAL)
    assert (alias[0], alias[1]) == (422, REFUSAL)
    assert other[0] == 202
    assert len(sent_emails()) == 2  # the enquiry's own two: no team bounce for a patient's address


def test_given_a_complaint_about_the_patients_email_then_the_address_is_suppressed_too(client: Client) -> None:
    enquiry_id = sent_enquiry(client)

    notify(ses_event("Complaint", enquiry=enquiry_id, recipient=GOOD["email"]), LAMBDA_CONTEXT)

    assert item(enquiry_id)["patient_delivery"] == "complained"
    assert post(client, GOOD)[0] == 422


def test_given_the_teams_email_bounced_for_good_delivered_twice_then_the_central_team_is_told_once(
    client: Client,
) -> None:
    sink = deps.services().metrics_sink = Recorded()
    enquiry_id = sent_enquiry(client)
    bounce = ses_event(enquiry=enquiry_id, kind="team", recipient=TEAM)

    first, redelivered = notify(bounce, LAMBDA_CONTEXT), notify(bounce, LAMBDA_CONTEXT)

    assert (first, redelivered) == ({"marked": 1}, {"marked": 0})
    assert item(enquiry_id)["team_delivery"] == "bounced"
    [team_bounce] = sent_emails()[2:]
    assert team_bounce["To"] == BASE_ENV["FALLBACK_TEAM_EMAIL"]
    text = team_bounce.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert enquiry_id in text
    assert "BMI Hendon Hospital (hendon)" in text
    assert TEAM in text
    assert "appointment" not in text
    assert GOOD["email"] not in text
    assert sink.emitted == [("hendon", {"Bounced": 1, "BouncedTeam": 1})]
    assert post(client, GOOD)[0] == 202  # the team's bounce suppresses no patient


def test_given_a_transient_bounce_then_nothing_is_marked_sent_or_refused(client: Client) -> None:
    enquiry_id = sent_enquiry(client)

    answer = notify(ses_event(enquiry=enquiry_id, kind="team", recipient=TEAM, bounce_type="Transient"), LAMBDA_CONTEXT)
    patient = notify(ses_event(enquiry=enquiry_id, recipient=GOOD["email"], bounce_type="Transient"), LAMBDA_CONTEXT)

    assert answer == patient == {"marked": 0}
    assert not {"team_delivery", "patient_delivery"} & item(enquiry_id).keys()
    assert len(sent_emails()) == 2
    assert post(client, GOOD)[0] == 202


def test_given_an_event_for_an_enquiry_no_longer_held_then_nothing_is_marked_or_sent(client: Client) -> None:
    answer = notify(ses_event(enquiry="01JDQ3Z6V8K2M4N6P8R0S2T4V9", kind="team", recipient=TEAM), LAMBDA_CONTEXT)

    assert answer == {"marked": 0}
    assert sent_emails() == []


def test_given_a_suppression_past_its_year_but_not_yet_deleted_by_ttl_then_the_address_is_accepted(
    client: Client,
) -> None:
    from chalicelib.enquiries.bounces import suppression_key

    table = boto3.resource("dynamodb").Table(BASE_ENV["RATE_LIMIT_TABLE"])
    key = suppression_key(GOOD["email"], BASE_ENV["RATE_LIMIT_SALT"])
    table.put_item(Item={"counter_key": key, "expires_at": int(time.time()) - 60})

    assert post(client, GOOD)[0] == 202
    table.put_item(Item={"counter_key": key, "expires_at": int(time.time()) + 3600})
    assert post(client, GOOD)[0] == 422
