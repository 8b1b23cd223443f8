"""The follow-ups' branches on an in-memory store: who gets what, and what a refusal or a
throttle leaves behind. Their store semantics are tested on moto (tests/integration/test_follow_ups.py)."""

from __future__ import annotations

import dataclasses
from datetime import datetime

import pytest

from chalicelib.enquiries.notify import MailSettings
from chalicelib.enquiries.ports import FollowUpClaim, FollowUpStage, MailRejected, MailThrottled
from chalicelib.enquiries.record import Enquiry
from chalicelib.enquiries.reminders import Reminders
from tests.enquiries import an_enquiry
from tests.fakes import FakeClock, RecordingMailer

MAIL = MailSettings("find@hospitals.example", "central@hospitals.example")
REPLY_BY = "2026-11-26T19:09:00.000+00:00"


@dataclasses.dataclass
class OneDue:
    """One enquiry whose follow-up ``stage`` is due; records marks and releases."""

    enquiry: Enquiry
    stage: FollowUpStage
    marked: list[FollowUpStage] = dataclasses.field(default_factory=list)
    released: int = 0

    def due_ids(self, now: datetime, limit: int) -> list[str]:
        return [] if self.marked else [self.enquiry.enquiry_id]

    def claim_follow_up(self, enquiry_id: str, token: str, now: datetime, lease_s: int) -> FollowUpClaim:
        return FollowUpClaim("claimed", self.stage)

    def mark_followed_up(self, enquiry_id: str, token: str, stage: FollowUpStage, now: datetime) -> None:
        self.marked.append(stage)

    def release_follow_up(self, enquiry_id: str, token: str) -> None:
        self.released += 1

    def load(self, enquiry_id: str) -> Enquiry | None:
        return self.enquiry


def routed(escalation_email: str | None = None) -> Enquiry:
    enquiry = an_enquiry()
    assert enquiry.routing is not None
    routing = dataclasses.replace(enquiry.routing, escalation_email=escalation_email)
    return dataclasses.replace(enquiry, routing=routing, reply_by=REPLY_BY)


def run(store: OneDue, mailer: RecordingMailer) -> dict[str, int]:
    return dict(Reminders(store, mailer, MAIL, clock=FakeClock()).run())


@pytest.mark.parametrize(
    ("escalation_email", "to"),
    [("matron.hendon@hospitals.example", "matron.hendon@hospitals.example"), (None, "central@hospitals.example")],
)
def test_given_the_deadline_passed_then_the_hospitals_escalation_address_or_else_the_central_team_is_told(
    escalation_email: str | None, to: str
) -> None:
    store, mailer = OneDue(routed(escalation_email), "escalate"), RecordingMailer()

    outcomes = run(store, mailer)

    assert outcomes == {"escalated": 1}
    assert [message["To"] for message in mailer.sent] == [to]
    assert "Thu 26 Nov 2026, 19:09 (UK time)" in mailer.sent[0].get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert store.marked == ["escalate"]


def test_given_a_reminder_then_the_team_gets_it_without_links_when_none_are_configured() -> None:
    enquiry = routed()
    store, mailer = OneDue(enquiry, "remind"), RecordingMailer()

    outcomes = run(store, mailer)

    assert outcomes == {"reminded": 1}
    assert enquiry.routing is not None
    assert [message["To"] for message in mailer.sent] == [enquiry.routing.team_email]
    assert store.marked == ["remind"]


def test_given_ses_throttles_then_the_follow_up_is_released_for_the_next_run_and_not_marked() -> None:
    store, mailer = OneDue(routed(), "remind"), RecordingMailer()
    mailer.fail_next(MailThrottled("Throttling"))

    outcomes = run(store, mailer)

    assert outcomes == {"retry_later": 1}
    assert (store.marked, store.released, mailer.sent) == ([], 1, [])


def test_given_ses_refuses_for_good_then_it_is_marked_done_and_not_tried_again() -> None:
    store, mailer = OneDue(routed(), "escalate"), RecordingMailer()
    mailer.fail_next(MailRejected("MessageRejected"))

    first, second = run(store, mailer), run(store, mailer)

    assert (first, second) == ({"escalated": 1}, {})
    assert (store.marked, store.released, mailer.sent) == (["escalate"], 0, [])


def test_given_an_enquiry_without_a_routing_snapshot_then_nothing_is_sent_and_it_leaves_the_list() -> None:
    store, mailer = OneDue(dataclasses.replace(routed(), routing=None), "remind"), RecordingMailer()

    assert run(store, mailer) == {"not_followed_up": 1}
    assert (mailer.sent, store.marked) == ([], ["escalate"])
