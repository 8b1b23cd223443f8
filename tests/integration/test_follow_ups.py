"""Reminders and escalations, each at most once, on the real store (moto): an enquiry taken
through the Chalice app, e-mailed by the notify handler, then followed up by the sweep's
reminders at the times its record says, on a clock the test moves."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import datetime, timedelta

import boto3
import pytest
from chalice.test import Client

from app import notify
from chalicelib import deps
from chalicelib.enquiries.links import issue, link_expiry
from chalicelib.enquiries.reminders import FOLLOW_UP_LEASE_S, Reminders
from tests.conftest import BASE_ENV, local_api
from tests.enquiries import GOOD
from tests.fakes import FakeClock, RecordingMailer
from tests.integration.test_enquiries_api import LAMBDA_CONTEXT, stream_event

pytestmark = pytest.mark.integration

FALLBACK = BASE_ENV["FALLBACK_TEAM_EMAIL"]


@pytest.fixture
def client(demo_index: str, aws: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[Client]:
    monkeypatch.setenv("REPLY_WORKING_HOURS", "2")
    monkeypatch.setenv("REPLY_CALENDAR", "every-day")  # the same answer on any day the test runs
    with local_api(monkeypatch, demo_index) as chalice_client:
        yield chalice_client


def an_emailed_enquiry(client: Client) -> str:
    response = client.http.post("/enquiries", headers={"Content-Type": "application/json"}, body=json.dumps(GOOD))
    assert response.status_code == 202
    notify(stream_event(), LAMBDA_CONTEXT)
    return str(json.loads(response.body)["enquiry_id"])


def stored(enquiry_id: str) -> dict[str, object]:
    table = boto3.resource("dynamodb").Table(BASE_ENV["ENQUIRIES_TABLE"])
    return dict(table.get_item(Key={"enquiry_id": enquiry_id}, ConsistentRead=True)["Item"])


def at(timestamp: object) -> datetime:
    return datetime.fromisoformat(str(timestamp))


def reminders(clock: FakeClock) -> tuple[Reminders, RecordingMailer]:
    services, mailer = deps.services(), RecordingMailer()
    return Reminders(services.store, mailer, services.mail_settings, services.team_links, clock=clock), mailer


def test_given_no_acknowledgement_then_one_reminder_at_half_the_deadline_and_one_escalation_at_it(
    client: Client,
) -> None:
    enquiry_id = an_emailed_enquiry(client)
    item = stored(enquiry_id)
    received, remind_at, reply_by = at(item["created_at"]), at(item["remind_at"]), at(item["reply_by"])
    clock = FakeClock(remind_at - timedelta(milliseconds=1))
    sweep, mailer = reminders(clock)

    early = sweep.run()
    clock.now = remind_at
    reminded, again = sweep.run(), sweep.run()
    clock.now = reply_by
    escalated, after = sweep.run(), sweep.run()

    assert (remind_at - received, reply_by - received) == (timedelta(hours=1), timedelta(hours=2))
    assert (sum(early.values()), dict(reminded), dict(escalated)) == (0, {"reminded": 1}, {"escalated": 1})
    assert sum(again.values()) == sum(after.values()) == 0
    reminder, escalation = mailer.sent
    team = stored(enquiry_id)["routing"]["team_email"]  # type: ignore[index]
    assert (reminder["To"], escalation["To"]) == (team, FALLBACK)  # the demo hospital names no escalation address
    assert reminder["Subject"] == f"Reminder: enquiry {enquiry_id} awaits your reply"
    assert escalation["Subject"] == f"Not acknowledged in time: enquiry {enquiry_id}"
    reminder_text = reminder.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "action=acknowledge&token=" in reminder_text
    for message in (reminder, escalation):  # no patient data in either
        text = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
        assert not any(value in text for value in (GOOD["first_name"], GOOD["last_name"], GOOD["email"]))
    final = stored(enquiry_id)
    assert {"reminded_at", "escalated_at"} <= set(final)
    assert not {"awaiting_reply", "due_at", "follow_up_token"} & set(final)


def test_given_the_team_acknowledges_then_no_reminder_or_escalation_follows(client: Client) -> None:
    enquiry_id = an_emailed_enquiry(client)
    link = issue(BASE_ENV["ENQUIRY_LINK_KEY"].encode(), enquiry_id, "acknowledge", link_expiry(int(time.time())))
    acknowledged = client.http.post(
        f"/enquiry-actions/acknowledge/{link}", headers={"Content-Type": "application/json"}, body="{}"
    )
    sweep, mailer = reminders(FakeClock(at(stored(enquiry_id)["reply_by"]) + timedelta(days=1)))

    outcomes = sweep.run()

    assert acknowledged.status_code == 200
    assert sum(outcomes.values()) == 0
    assert mailer.sent == []
    assert not {"awaiting_reply", "due_at"} & set(stored(enquiry_id))


def test_given_two_sweeps_at_once_then_the_reminder_goes_once(client: Client) -> None:
    enquiry_id = an_emailed_enquiry(client)
    clock = FakeClock(at(stored(enquiry_id)["remind_at"]))
    store = deps.services().store
    first = store.claim_follow_up(enquiry_id, "first-sweep", clock(), FOLLOW_UP_LEASE_S)
    second, mailer = reminders(clock)

    while_held = second.run()
    store.mark_followed_up(enquiry_id, "first-sweep", "remind", clock())
    after_first = second.run()

    assert (first.state, first.stage) == ("claimed", "remind")
    assert dict(while_held) == {"busy": 1}
    assert sum(after_first.values()) == 0  # the escalation is not due yet
    assert mailer.sent == []


def test_given_a_sweep_died_holding_the_reminder_then_the_next_sends_it_after_the_lease(client: Client) -> None:
    enquiry_id = an_emailed_enquiry(client)
    clock = FakeClock(at(stored(enquiry_id)["remind_at"]))
    deps.services().store.claim_follow_up(enquiry_id, "died", clock(), FOLLOW_UP_LEASE_S)
    sweep, mailer = reminders(clock)

    held = sweep.run()
    clock.advance(FOLLOW_UP_LEASE_S)
    taken_over = sweep.run()

    assert (dict(held), dict(taken_over)) == ({"busy": 1}, {"reminded": 1})
    assert len(mailer.sent) == 1


def test_given_the_team_email_not_sent_yet_then_no_follow_up_goes_before_it(client: Client) -> None:
    response = client.http.post("/enquiries", headers={"Content-Type": "application/json"}, body=json.dumps(GOOD))
    enquiry_id = json.loads(response.body)["enquiry_id"]  # the stream has not delivered it
    sweep, mailer = reminders(FakeClock(at(stored(enquiry_id)["reply_by"])))

    outcomes = sweep.run()

    assert dict(outcomes) == {"done": 1}
    assert mailer.sent == []
    assert stored(enquiry_id)["due_at"] == stored(enquiry_id)["remind_at"]  # still due, for after the e-mail
