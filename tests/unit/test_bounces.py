"""SES's bounce and complaint events: decoding the SNS records, the decision rules, the team
bounce e-mail and the handler on an in-memory store (issue 17, item 3)."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import pytest

from chalicelib.adapters.ses_events import delivery_problems, is_sns_event
from chalicelib.enquiries.bounces import (
    SUPPRESSION_S,
    BounceHandler,
    DeliveryProblem,
    marks,
    metric_values,
    needs_team_bounce,
    suppresses,
    suppression_key,
)
from chalicelib.enquiries.emails import team_bounce_notice
from chalicelib.enquiries.notify import MailSettings
from chalicelib.enquiries.ports import DeliveryMarked, MailAbout, MailKind
from chalicelib.enquiries.record import Routing
from tests.enquiries import HENDON
from tests.fakes import RecordingMailer
from tests.ses_events import ENQUIRY, PATIENT, ses_event, sns_event

TEAM = "enquiries.hendon@hospitals.example"
NOW = datetime(2026, 11, 25, 19, 9, tzinfo=UTC)


def problem(kind: MailKind = "patient", what: str = "bounced", permanent: bool = True) -> DeliveryProblem:
    return DeliveryProblem(ENQUIRY, kind, "bounced" if what == "bounced" else "complained", permanent, (PATIENT,), "m")


# --- decoding ----------------------------------------------------------------------------------


def test_given_a_permanent_bounce_then_it_is_decoded_with_its_enquiry_kind_and_recipients() -> None:
    assert list(delivery_problems(ses_event())) == [
        DeliveryProblem(ENQUIRY, "patient", "bounced", True, (PATIENT,), "0102019abc-ses-message-id-000000")
    ]


@pytest.mark.parametrize("bounce_type", ["Transient", "Undetermined"])
def test_given_a_bounce_that_is_not_permanent_then_it_is_decoded_as_such(bounce_type: str) -> None:
    [decoded] = delivery_problems(ses_event(bounce_type=bounce_type, kind="team", recipient=TEAM))

    assert (decoded.kind, decoded.problem, decoded.permanent) == ("team", "bounced", False)


def test_given_a_complaint_then_it_is_decoded_as_permanent() -> None:
    [decoded] = delivery_problems(ses_event("Complaint"))

    assert (decoded.problem, decoded.permanent, decoded.recipients) == ("complained", True, (PATIENT,))


@pytest.mark.parametrize(
    ("message", "why"),
    [
        (ses_event(kind=None)["Records"][0]["Sns"]["Message"], "not tagged"),
        (ses_event(enquiry=None)["Records"][0]["Sns"]["Message"], "not tagged"),
        (ses_event(kind="newsletter")["Records"][0]["Sns"]["Message"], "not tagged"),
        (ses_event(enquiry="../other")["Records"][0]["Sns"]["Message"], "not tagged"),
        (ses_event("Delivery")["Records"][0]["Sns"]["Message"], "event type 'Delivery'"),
        (ses_event("Send")["Records"][0]["Sns"]["Message"], "event type 'Send'"),
        ('{"eventType": "Bounce", "mail": ', "malformed (JSONDecodeError)"),
        ("[1, 2]", "malformed (TypeError)"),
        ('{"eventType": "Bounce"}', "malformed (KeyError)"),
        (
            '{"eventType": "Complaint", "mail": {"tags": {"enquiry": ["' + ENQUIRY + '"], "kind": ["team"]}}}',
            "malformed",
        ),
    ],
)
def test_given_a_record_that_is_not_ours_or_malformed_then_it_is_skipped_with_a_warning_naming_no_address(
    message: str, why: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)

    assert list(delivery_problems(sns_event(message))) == []
    [line] = caplog.messages
    assert "sns-message-0" in line
    assert why in line
    assert "@" not in line


def test_given_one_bad_record_among_good_ones_then_the_good_ones_are_decoded() -> None:
    good = ses_event()["Records"][0]["Sns"]["Message"]

    assert len(list(delivery_problems(sns_event("not json", good, good)))) == 2


@pytest.mark.parametrize(
    ("event", "sns"),
    [
        (ses_event(), True),
        ({"Records": [{"eventSource": "aws:dynamodb", "eventName": "INSERT"}]}, False),
        ({"source": "aws.events", "detail-type": "Scheduled Event"}, False),
        ({"Records": []}, False),
    ],
)
def test_an_sns_batch_is_told_from_the_other_events_notify_gets(event: dict[str, Any], sns: bool) -> None:
    assert is_sns_event(event) is sns


# --- the rules -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "what", "permanent", "marked", "team_bounce", "suppressed"),
    [
        ("patient", "bounced", True, True, False, True),
        ("patient", "bounced", False, False, False, False),
        ("patient", "complained", True, True, False, True),
        ("team", "bounced", True, True, True, False),
        ("team", "bounced", False, False, False, False),
        ("team", "complained", True, True, False, False),
        ("reminder", "bounced", True, True, True, False),
        ("escalation", "bounced", True, True, False, False),
        ("team_bounce", "bounced", True, True, False, False),  # no loop
    ],
)
def test_the_decision_rules(
    kind: MailKind, what: str, permanent: bool, marked: bool, team_bounce: bool, suppressed: bool
) -> None:
    given = problem(kind, what, permanent)

    assert (marks(given), needs_team_bounce(given), suppresses(given)) == (marked, team_bounce, suppressed)


def test_the_suppression_key_is_the_same_for_an_alias_and_for_no_other_address() -> None:
    key = suppression_key("Zoe.Quill@patients.example", "salt")

    assert key.startswith("suppressed#")
    assert key == suppression_key("zoe.quill+knee@patients.example", "salt")
    assert key != suppression_key("zoe.quill2@patients.example", "salt")
    assert key != suppression_key("zoe.quill@patients.example", "other salt")
    assert "zoe" not in key


def test_metric_values_count_the_problem_and_its_kind() -> None:
    assert metric_values(problem("team_bounce")) == {"Bounced": 1, "BouncedTeamBounce": 1}
    assert metric_values(problem("patient", "complained")) == {"Complained": 1, "ComplainedPatient": 1}


# --- the team bounce e-mail ---------------------------------------------------------------------


def test_the_team_bounce_names_the_reference_hospital_and_address_and_says_what_to_do() -> None:
    message = team_bounce_notice(ENQUIRY, "team", HENDON, (TEAM,), "sender@example.com", "central@example.com")
    text = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]

    assert message["To"] == "central@example.com"
    assert ENQUIRY in message["Subject"]
    assert ENQUIRY in text
    assert "BMI Hendon Hospital (hendon)" in text
    assert TEAM in text
    assert "answer the patient" in text
    assert "catalog" in text


def test_a_team_bounce_without_a_routing_snapshot_still_names_the_address() -> None:
    message = team_bounce_notice(ENQUIRY, "reminder", None, (TEAM,), "sender@example.com", "central@example.com")
    text = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]

    assert "Not recorded" in text
    assert TEAM in text
    assert "reminder" in text


# --- the handler, on a store in memory ------------------------------------------------------------


class MemoryStore:
    def __init__(self, routing: Routing | None = HENDON) -> None:
        self.marks: dict[tuple[str, str], str] = {}
        self.suppressed: dict[str, int] = {}
        self.routing = routing

    def mark_delivery(self, enquiry_id: str, kind: MailKind, what: str, now: datetime) -> DeliveryMarked:
        if (enquiry_id, kind) in self.marks:
            return DeliveryMarked(first=False)
        self.marks[enquiry_id, kind] = what
        return DeliveryMarked(first=True, routing=self.routing)

    def suppress(self, key: str, expires_at: int) -> None:
        self.suppressed[key] = expires_at


class Recorded:
    def __init__(self) -> None:
        self.emitted: list[tuple[str, dict[str, float]]] = []

    def emit(self, hospital: str, values: Mapping[str, float]) -> None:
        self.emitted.append((hospital, dict(values)))


def handler(store: MemoryStore, mailer: RecordingMailer, sink: Recorded | None = None) -> BounceHandler:
    settings = MailSettings("sender@example.com", "central@example.com")
    return BounceHandler(store, mailer, settings, "salt", metrics=sink, clock=lambda: NOW)


def test_given_a_team_bounce_delivered_twice_then_one_mark_one_email_one_count() -> None:
    store, mailer, sink = MemoryStore(), RecordingMailer(), Recorded()
    bounce = problem("team")

    assert handler(store, mailer, sink).handle([bounce, bounce]) == 1

    assert store.marks == {(ENQUIRY, "team"): "bounced"}
    assert mailer.recipients == ["central@example.com"]
    assert mailer.abouts == [MailAbout(ENQUIRY, "team_bounce")]
    assert sink.emitted == [("hendon", {"Bounced": 1, "BouncedTeam": 1})]
    assert store.suppressed == {}


def test_given_the_patients_email_bounced_then_the_address_is_suppressed_for_a_year() -> None:
    store, mailer = MemoryStore(), RecordingMailer()

    handler(store, mailer).handle([problem("patient")])

    assert store.suppressed == {suppression_key(PATIENT, "salt"): int(NOW.timestamp()) + SUPPRESSION_S}
    assert mailer.sent == []


def test_given_a_transient_bounce_then_nothing_is_marked_sent_or_suppressed() -> None:
    store, mailer, sink = MemoryStore(), RecordingMailer(), Recorded()

    assert handler(store, mailer, sink).handle([problem("team", permanent=False), problem(permanent=False)]) == 0

    assert (store.marks, store.suppressed, mailer.sent, sink.emitted) == ({}, {}, [], [])


def test_given_the_team_bounce_itself_bounced_then_nothing_more_is_sent() -> None:
    store, mailer = MemoryStore(), RecordingMailer()

    handler(store, mailer).handle([problem("team_bounce")])

    assert store.marks == {(ENQUIRY, "team_bounce"): "bounced"}
    assert mailer.sent == []
