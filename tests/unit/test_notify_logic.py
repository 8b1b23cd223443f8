"""The notify function's branches with fakes (no DynamoDB, SES, SQS or OpenSearch): claim,
lease, pending e-mails, throttling, refusals, routing and the stream's records.
tests/integration/test_notify.py runs the same logic on moto and the real index."""

from __future__ import annotations

import dataclasses
import logging
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import pytest

from chalicelib.adapters.dynamodb_stream import handle_stream_event
from chalicelib.enquiries.notify import (
    CLAIM_LEASE_S,
    RECORD_BUDGET_S,
    Backoff,
    MailSettings,
    Notifier,
)
from chalicelib.enquiries.ports import (
    DeadLetters,
    EnquiryProgress,
    EnquiryStore,
    Mailer,
    MailRejected,
    MailThrottled,
    UnsentEnquiries,
)
from chalicelib.enquiries.record import Enquiry, Routing
from chalicelib.search.ports import SearchIndex
from tests.enquiries import HENDON, an_enquiry
from tests.fakes import (
    FakeClock,
    FakeEnquiryStore,
    RecordingDeadLetters,
    RecordingMailer,
    ScriptedIndex,
    a_document,
    a_specialist,
    hits_answer,
)

if TYPE_CHECKING:
    from email.message import EmailMessage

SENDER = "find-a-specialist@hospitals.example"
FALLBACK = "central.enquiries@hospitals.example"
LONDON = {
    "id": "london-independent",
    "name": "BMI The London Independent Hospital",
    "postcode": "E1 4NL",
    "lat": 51.5194,
    "lon": -0.0461,
    "enquiries_email": "enquiries.londonindependent@hospitals.example",
}
HENDON_HOSPITAL = {
    "id": "hendon",
    "name": "BMI Hendon Hospital",
    "postcode": "NW4 1RP",
    "lat": 51.5887,
    "lon": -0.2279,
    "enquiries_email": HENDON.team_email,
}
# Dr Krish Nandy as the index holds him: Hendon first, then the London Independent.
NANDY = a_specialist(1, id="krish-nandy", first_name="Krish", last_name="Nandy", hospitals=[HENDON_HOSPITAL, LONDON])
KNEE = a_specialist(2, treatments=["Knee replacement"], hospitals=[HENDON_HOSPITAL])
PERSONAL = ("Zoë", "Quill", "zoe", "7700900123", "Panic", "Cognitive")


@dataclasses.dataclass
class World:
    clock: FakeClock
    store: FakeEnquiryStore
    mailer: RecordingMailer
    dead_letters: RecordingDeadLetters
    index: ScriptedIndex
    sleeps: list[float]

    def notifier(self, unrouted_fallback_after_s: int | None = None) -> Notifier:
        return Notifier(
            self.store,
            self.mailer,
            self.dead_letters,
            self.index,
            MailSettings(SENDER, FALLBACK, unrouted_fallback_after_s),
            backoff=Backoff(sleep=self.sleeps.append),
            clock=self.clock,
        )

    def put(self, *enquiries: Enquiry) -> dict[str, Any]:
        """Store the enquiries as the API does; their INSERT records, as one Lambda event."""
        for enquiry in enquiries:
            self.store.put_new(enquiry)
        return {"Records": [insert(enquiry, sequence) for sequence, enquiry in enumerate(enquiries, start=100)]}

    def status(self, enquiry: Enquiry) -> str:
        return str(self.store.items[enquiry.enquiry_id]["status"])


def insert(enquiry: Enquiry, sequence: int = 100, event_name: str = "INSERT") -> dict[str, Any]:
    """A stream record as Lambda delivers it: the new image in DynamoDB's typed JSON."""
    from boto3.dynamodb.types import TypeSerializer

    serializer = TypeSerializer()
    image = {name: serializer.serialize(value) for name, value in {**enquiry.to_item(), "unsent": "pending"}.items()}
    change: dict[str, Any] = {
        "Keys": {"enquiry_id": {"S": enquiry.enquiry_id}},
        "SequenceNumber": str(sequence),
        "StreamViewType": "NEW_IMAGE",
    }
    if event_name != "REMOVE":
        change["NewImage"] = image
    return {"eventID": f"e{sequence}", "eventName": event_name, "eventSource": "aws:dynamodb", "dynamodb": change}


def failures(response: dict[str, Any]) -> list[str]:
    return [failure["itemIdentifier"] for failure in response["batchItemFailures"]]


def sequences(event: dict[str, Any]) -> list[str]:
    return [record["dynamodb"]["SequenceNumber"] for record in event["Records"]]


@pytest.fixture
def world() -> World:
    index = ScriptedIndex(documents={NANDY.id: a_document(NANDY)})
    return World(FakeClock(), FakeEnquiryStore(), RecordingMailer(), RecordingDeadLetters(), index, [])


def test_the_fakes_are_the_ports() -> None:
    # mypy checks these assignments structurally against the Protocols.
    store: EnquiryStore = FakeEnquiryStore()
    progress: EnquiryProgress = FakeEnquiryStore()
    unsent: UnsentEnquiries = FakeEnquiryStore()
    mailer: Mailer = RecordingMailer()
    dead_letters: DeadLetters = RecordingDeadLetters()
    index: SearchIndex = ScriptedIndex()

    assert all(port is not None for port in (store, progress, unsent, mailer, dead_letters, index))


# --- Once each ------------------------------------------------------------------------


def test_given_a_new_enquiry_when_its_record_arrives_then_the_team_and_the_patient_each_get_one_email(
    world: World,
) -> None:
    response = handle_stream_event(world.put(an_enquiry()), world.notifier())

    assert failures(response) == []
    assert world.mailer.recipients == [HENDON.team_email, an_enquiry().email]
    item = world.store.items[an_enquiry().enquiry_id]
    assert item["status"] == "sent"
    assert (item["team_message_id"], item["patient_message_id"]) == ("message-1", "message-2")
    assert not {"claim_token", "claim_expires_at", "unsent"} & set(item)
    assert world.index.calls == []  # the routing snapshot needs no search
    assert world.dead_letters.parked == []


def test_given_the_same_record_delivered_twice_then_each_email_is_sent_once(world: World) -> None:
    event = world.put(an_enquiry())
    notifier = world.notifier()

    first, again = handle_stream_event(event, notifier), handle_stream_event(event, notifier)

    assert failures(first) == failures(again) == []
    assert world.mailer.recipients == [HENDON.team_email, an_enquiry().email]
    assert notifier.notify(an_enquiry()) == "nothing_to_send"


def test_given_another_worker_holds_the_lease_then_the_record_comes_back_unsent_and_the_lease_is_left_alone(
    world: World,
) -> None:
    event = world.put(an_enquiry())
    world.store.claim(an_enquiry().enquiry_id, "another-worker", world.clock(), CLAIM_LEASE_S)

    response = handle_stream_event(event, world.notifier())

    assert failures(response) == sequences(event)  # retried, never skipped
    assert world.mailer.attempts == 0
    assert world.store.items[an_enquiry().enquiry_id]["claim_token"] == "another-worker"
    assert world.status(an_enquiry()) == "sending"


def test_given_the_lease_of_a_worker_that_died_has_expired_then_the_next_delivery_takes_it_over(
    world: World,
) -> None:
    event = world.put(an_enquiry())
    world.store.claim(an_enquiry().enquiry_id, "dead-worker", world.clock(), CLAIM_LEASE_S)
    world.clock.advance(CLAIM_LEASE_S - 1)
    still_held = handle_stream_event(event, world.notifier())
    world.clock.advance(1)

    expired = handle_stream_event(event, world.notifier())

    assert failures(still_held) == sequences(event)
    assert failures(expired) == []
    assert world.mailer.recipients == [HENDON.team_email, an_enquiry().email]
    assert world.status(an_enquiry()) == "sent"


def test_given_the_team_email_went_before_its_worker_died_then_only_the_patient_email_is_sent(
    world: World,
) -> None:
    event = world.put(an_enquiry())
    world.store.claim(an_enquiry().enquiry_id, "dead-worker", world.clock(), CLAIM_LEASE_S)
    world.store.mark_sent(an_enquiry().enquiry_id, "team", "earlier-message", world.clock())
    world.clock.advance(CLAIM_LEASE_S)

    response = handle_stream_event(event, world.notifier())

    assert failures(response) == []
    assert world.mailer.recipients == [an_enquiry().email]
    item = world.store.items[an_enquiry().enquiry_id]
    assert (item["team_message_id"], item["patient_message_id"]) == ("earlier-message", "message-1")
    assert item["status"] == "sent"


def test_given_both_emails_went_but_the_worker_died_before_finishing_then_nothing_is_sent_and_it_is_finished(
    world: World,
) -> None:
    world.put(an_enquiry())
    world.store.claim(an_enquiry().enquiry_id, "dead-worker", world.clock(), CLAIM_LEASE_S)
    for kind in ("team", "patient"):
        world.store.mark_sent(an_enquiry().enquiry_id, kind, f"earlier-{kind}", world.clock())
    world.clock.advance(CLAIM_LEASE_S)

    outcome = world.notifier().notify(an_enquiry())

    assert outcome == "sent"
    assert world.mailer.attempts == 0
    assert world.status(an_enquiry()) == "sent"


def test_given_a_second_delivery_while_the_first_is_sending_then_it_comes_back_and_nothing_is_sent_twice(
    world: World,
) -> None:
    notifier = world.notifier()
    during: list[str] = []
    world.mailer.before_send = lambda _message: during.append(notifier.notify(an_enquiry())) if not during else None
    world.put(an_enquiry())

    outcome = notifier.notify(an_enquiry())

    assert (outcome, during) == ("sent", ["retry_later"])
    assert world.mailer.recipients == [HENDON.team_email, an_enquiry().email]


# --- Throttling -----------------------------------------------------------------------


def test_given_ses_throttles_twice_then_accepts_then_each_email_is_sent_once_after_growing_waits(
    world: World,
) -> None:
    world.mailer.fail_next(MailThrottled("TooManyRequestsException"), times=2)

    response = handle_stream_event(world.put(an_enquiry()), world.notifier())

    assert failures(response) == []
    assert world.mailer.recipients == [HENDON.team_email, an_enquiry().email]
    assert world.mailer.attempts == 4
    assert len(world.sleeps) == 2
    assert 0 <= world.sleeps[0] <= 0.5  # full jitter under a doubling cap
    assert 0 <= world.sleeps[1] <= 1.0


def test_given_ses_throttles_past_every_attempt_then_the_record_comes_back_released_and_is_sent_later(
    world: World,
) -> None:
    attempts = Backoff().attempts
    world.mailer.fail_next(MailThrottled("ThrottlingException"), times=attempts)
    event = world.put(an_enquiry())

    throttled = handle_stream_event(event, world.notifier())
    item = dict(world.store.items[an_enquiry().enquiry_id])
    retried = handle_stream_event(event, world.notifier())

    assert failures(throttled) == sequences(event)
    assert world.mailer.attempts == attempts + 2
    assert len(world.sleeps) == attempts - 1  # no wait after the last attempt
    assert item["status"] == "sending"
    assert "claim_token" not in item  # released: the retry need not wait for the lease
    assert failures(retried) == []
    assert world.mailer.recipients == [HENDON.team_email, an_enquiry().email]


def test_given_the_patient_email_throttled_for_good_then_the_retry_sends_only_the_patient_email(
    world: World,
) -> None:
    event = world.put(an_enquiry())
    notifier = world.notifier()
    world.mailer.script(None, *[MailThrottled("Throttling")] * Backoff().attempts)  # the team's goes

    first = handle_stream_event(event, notifier)
    second = handle_stream_event(event, notifier)

    assert failures(first) == sequences(event)
    assert failures(second) == []
    assert world.mailer.recipients == [HENDON.team_email, an_enquiry().email]


def test_the_waits_of_the_worst_throttling_fit_the_records_budget(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("chalicelib.enquiries.notify.random.uniform", lambda _low, high: high)
    throttled_but_the_last = [MailThrottled("Throttling")] * (Backoff().attempts - 1)
    world.mailer.script(*throttled_but_the_last, None, *throttled_but_the_last, None)
    world.put(an_enquiry())

    outcome = world.notifier().notify(an_enquiry())

    assert outcome == "sent"
    assert world.sleeps == [0.5, 1.0, 2.0] * 2
    assert sum(world.sleeps) < RECORD_BUDGET_S / 4  # the rest is the SES client's own timeouts
    assert Backoff().delay(30) <= Backoff().cap_s


# --- Refusals -------------------------------------------------------------------------


def test_given_ses_rejects_one_enquiry_then_it_is_parked_and_failed_and_the_rest_of_the_batch_is_sent(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="chalicelib")
    first, rejected, last = an_enquiry(1), an_enquiry(2), an_enquiry(3)
    world.mailer.script(None, None, MailRejected("MessageRejected"))  # the second enquiry's team e-mail

    response = handle_stream_event(world.put(first, rejected, last), world.notifier())

    assert failures(response) == []  # parked is handled: the batch goes on
    assert world.mailer.recipients == [HENDON.team_email, first.email, HENDON.team_email, last.email]
    assert world.dead_letters.parked == [(rejected.enquiry_id, "team:MessageRejected")]
    item = world.store.items[rejected.enquiry_id]
    assert (item["status"], item["failure_reason"]) == ("failed", "team:MessageRejected")
    assert not {"claim_token", "unsent"} & set(item)
    kept = {name: value for name, value in rejected.to_item().items() if name != "status"}
    assert {name: item[name] for name in kept} == kept  # nothing of the enquiry is lost
    assert [world.status(enquiry) for enquiry in (first, last)] == ["sent", "sent"]
    assert rejected.enquiry_id in caplog.text
    assert not [word for word in PERSONAL if word in caplog.text]


def test_given_ses_rejects_the_patient_email_then_the_reason_names_it_and_the_team_email_stays_marked(
    world: World,
) -> None:
    world.mailer.script(None, MailRejected("MessageRejected"))
    world.put(an_enquiry())

    outcome = world.notifier().notify(an_enquiry())

    assert outcome == "failed"
    assert world.dead_letters.parked == [(an_enquiry().enquiry_id, "patient:MessageRejected")]
    item = world.store.items[an_enquiry().enquiry_id]
    assert (item["status"], item["team_message_id"]) == ("failed", "message-1")
    assert world.notifier().notify(an_enquiry()) == "nothing_to_send"  # failed for good
    assert len(world.dead_letters.parked) == 1


def test_given_the_dead_letter_queue_is_unreachable_then_the_record_comes_back_and_nothing_is_failed(
    world: World,
) -> None:
    world.mailer.fail_next(MailRejected("MessageRejected"), times=2)
    world.dead_letters.unreachable = True
    event = world.put(an_enquiry())

    unparked = handle_stream_event(event, world.notifier())
    item = dict(world.store.items[an_enquiry().enquiry_id])
    world.dead_letters.unreachable = False
    parked = handle_stream_event(event, world.notifier())

    assert failures(unparked) == sequences(event)
    assert item["status"] == "sending"
    assert "claim_token" not in item  # released for the retry
    assert failures(parked) == []
    assert world.dead_letters.parked == [(an_enquiry().enquiry_id, "team:MessageRejected")]
    assert world.status(an_enquiry()) == "failed"


def test_given_a_line_break_in_the_patient_address_then_nothing_is_sent_and_it_is_parked_once(
    world: World,
) -> None:
    enquiry = an_enquiry(email="zoe.quill1@patients.example\r\nBcc: victim@elsewhere.example")
    event = world.put(enquiry)

    first, again = handle_stream_event(event, world.notifier()), handle_stream_event(event, world.notifier())

    assert failures(first) == failures(again) == []
    assert world.mailer.attempts == 0
    assert world.dead_letters.parked == [(enquiry.enquiry_id, "compose:UnsafeHeaderValue")]
    assert world.status(enquiry) == "failed"


def test_given_an_unexpected_error_while_sending_then_the_claim_is_released_and_the_batch_goes_on(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    world.mailer.fail_next(RuntimeError("zoe.quill1@patients.example broke it"))
    event = world.put(an_enquiry(1), an_enquiry(2))

    response = handle_stream_event(event, world.notifier())

    assert failures(response) == sequences(event)[:1]
    assert "claim_token" not in world.store.items[an_enquiry(1).enquiry_id]
    assert world.status(an_enquiry(2)) == "sent"
    assert "RuntimeError" in caplog.text
    assert "zoe" not in caplog.text


# --- Routing at send time -------------------------------------------------------------


def test_given_no_routing_snapshot_then_the_team_address_comes_from_the_specialists_document(
    world: World,
) -> None:
    enquiry = an_enquiry(routing=None, hospital_id="london-independent")

    response = handle_stream_event(world.put(enquiry), world.notifier())

    assert failures(response) == []
    assert world.mailer.recipients == [LONDON["enquiries_email"], enquiry.email]
    assert [(call.kind, call.doc_id) for call in world.index.calls] == [("get", "krish-nandy")]


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"specialist_id": "left-the-group"}, "compose:UnknownSpecialist"),
        ({"hospital_id": "elsewhere"}, "compose:NotTheirHospital"),
    ],
)
def test_given_a_specialist_or_hospital_the_index_no_longer_has_then_the_enquiry_is_parked_once(
    world: World, changes: dict[str, Any], reason: str
) -> None:
    enquiry = an_enquiry(routing=None, **changes)
    event = world.put(enquiry)

    first, again = handle_stream_event(event, world.notifier()), handle_stream_event(event, world.notifier())

    assert failures(first) == failures(again) == []
    assert world.dead_letters.parked == [(enquiry.enquiry_id, reason)]
    assert world.mailer.attempts == 0


def test_given_no_routing_snapshot_and_search_down_then_the_record_comes_back_and_nothing_is_failed(
    world: World,
) -> None:
    world.index.unavailable = True
    event = world.put(an_enquiry(routing=None))

    response = handle_stream_event(event, world.notifier(unrouted_fallback_after_s=86_400))

    assert failures(response) == sequences(event)
    item = world.store.items[an_enquiry().enquiry_id]
    assert (item["status"], "claim_token" in item) == ("sending", False)
    assert world.mailer.attempts == 0
    assert world.dead_letters.parked == []


@pytest.mark.parametrize(("age_s", "to_fallback"), [(86_400 - 1, False), (86_400, True)])
def test_given_search_down_then_an_enquiry_goes_to_the_fallback_team_once_unrouted_for_the_fallback_age(
    world: World, age_s: int, to_fallback: bool
) -> None:
    world.index.unavailable = True
    enquiry = an_enquiry(routing=None)
    world.put(enquiry)
    world.clock.now = datetime.fromisoformat(enquiry.created_at) + timedelta(seconds=age_s)

    outcome = world.notifier(unrouted_fallback_after_s=86_400).notify(enquiry)

    if to_fallback:
        assert outcome == "sent"
        assert world.mailer.recipients == [FALLBACK, enquiry.email]
        assert "krish-nandy" in plain(world.mailer.sent[0])
    else:
        assert (outcome, world.mailer.attempts) == ("retry_later", 0)


def test_given_search_down_and_no_fallback_age_then_an_unrouted_enquiry_waits_however_old(world: World) -> None:
    world.index.unavailable = True
    world.put(an_enquiry(routing=None))
    world.clock.advance(365 * 86_400)

    assert world.notifier(unrouted_fallback_after_s=None).notify(an_enquiry(routing=None)) == "retry_later"
    assert world.mailer.attempts == 0


def plain(message: EmailMessage) -> str:
    part = message.get_body(("plain",))
    assert part is not None
    return str(part.get_content())


def general(number: int = 1, **changes: Any) -> Enquiry:
    """A general enquiry for Hendon's team, no treatment, taken while search was down."""
    return an_enquiry(number, **{"specialist_id": None, "treatment": None, "routing": None, **changes})


def test_given_a_general_enquiry_for_a_hospital_then_its_team_gets_it_in_one_round_trip(world: World) -> None:
    world.index.answer_next(hits_answer(NANDY))
    enquiry = general()

    response = handle_stream_event(world.put(enquiry), world.notifier())

    assert failures(response) == []
    assert world.mailer.recipients == [HENDON.team_email, enquiry.email]
    assert world.mailer.sent[0]["Subject"] == f"General enquiry {enquiry.enquiry_id}"
    assert [(call.kind, len(call.bodies)) for call in world.index.calls] == [("msearch", 1)]


def test_given_a_general_enquiry_with_a_treatment_then_the_email_shows_its_label(world: World) -> None:
    world.index.answer_next(hits_answer(KNEE), hits_answer(KNEE))
    enquiry = general(treatment="knee-replacement")

    world.put(enquiry)

    outcome = world.notifier().notify(enquiry)

    assert outcome == "sent"
    assert world.mailer.recipients == [HENDON.team_email, enquiry.email]
    assert "Knee replacement (knee-replacement)" in plain(world.mailer.sent[0])


def test_given_a_general_enquiry_for_a_hospital_the_index_no_longer_has_then_it_is_parked(world: World) -> None:
    world.index.answer_next(hits_answer())
    enquiry = general(hospital_id="closed-hospital")

    world.put(enquiry)

    assert world.notifier().notify(enquiry) == "failed"
    assert world.dead_letters.parked == [(enquiry.enquiry_id, "compose:UnknownHospital")]


def test_given_a_general_enquiry_naming_neither_hospital_nor_topic_then_the_central_team_gets_it_without_search(
    world: World,
) -> None:
    world.index.unavailable = True
    enquiry = general(hospital_id=None)

    response = handle_stream_event(world.put(enquiry), world.notifier())

    assert failures(response) == []
    assert world.mailer.recipients == [FALLBACK, enquiry.email]
    assert world.index.calls == []


def test_given_a_general_enquiry_for_a_hospital_and_search_down_past_the_fallback_age_then_the_fallback_team_gets_it(
    world: World,
) -> None:
    world.index.unavailable = True
    enquiry = general()
    world.put(enquiry)
    world.clock.now = datetime.fromisoformat(enquiry.created_at) + timedelta(seconds=3600)

    waiting = world.notifier(unrouted_fallback_after_s=3601).notify(enquiry)
    overdue = world.notifier(unrouted_fallback_after_s=3600).notify(enquiry)

    assert (waiting, overdue) == ("retry_later", "sent")
    assert world.mailer.recipients == [FALLBACK, enquiry.email]
    assert "hendon" in plain(world.mailer.sent[0])


# --- The stream's records -------------------------------------------------------------


def test_given_modify_and_remove_records_then_they_are_neither_sent_nor_handed_back(world: World) -> None:
    enquiry = an_enquiry()
    world.store.put_new(enquiry)
    event = {"Records": [insert(enquiry, 7, "MODIFY"), insert(enquiry, 8, "REMOVE")]}

    response = handle_stream_event(event, world.notifier())

    assert failures(response) == []
    assert world.mailer.attempts == 0
    assert world.status(enquiry) == "received"


def test_given_a_record_that_is_not_an_enquiry_then_it_alone_is_handed_back(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    broken = insert(an_enquiry(1), 5)
    del broken["dynamodb"]["NewImage"]["expires_at"]
    no_image = insert(an_enquiry(2), 6)
    del no_image["dynamodb"]["NewImage"]
    event = {"Records": [broken, no_image, *world.put(an_enquiry(3))["Records"]]}

    response = handle_stream_event(event, world.notifier())

    assert failures(response) == ["5", "6"]
    assert world.mailer.recipients == [HENDON.team_email, an_enquiry(3).email]
    assert "stream record 5 is not an enquiry" in caplog.text


@pytest.mark.parametrize(("left_s", "started"), [(RECORD_BUDGET_S - 0.5, 1), (RECORD_BUDGET_S, 3)])
def test_given_too_little_time_left_for_a_record_then_only_the_first_is_started_and_the_rest_come_back(
    world: World, left_s: float, started: int
) -> None:
    event = world.put(an_enquiry(1), an_enquiry(2), an_enquiry(3))

    response = handle_stream_event(event, world.notifier(), time_left_s=lambda: left_s)

    assert failures(response) == sequences(event)[started:]
    assert len(world.mailer.sent) == 2 * started
    assert [world.status(an_enquiry(n)) for n in (1, 2, 3)][started:] == ["received"] * (3 - started)


def test_given_an_empty_event_then_the_answer_is_an_empty_partial_batch_response(world: World) -> None:
    assert handle_stream_event({}, world.notifier()) == {"batchItemFailures": []}


def test_given_a_routing_snapshot_then_the_emails_use_it_as_stored(world: World) -> None:
    snapshot = Routing("Dr Krish Nandy", "london-independent", "BMI The London Independent Hospital", "x@h.example")

    enquiry = an_enquiry(routing=snapshot)
    world.put(enquiry)

    world.notifier().notify(enquiry)

    assert world.mailer.recipients == ["x@h.example", an_enquiry().email]
    assert world.index.calls == []
