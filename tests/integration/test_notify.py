"""The notify function against moto (DynamoDB and its stream, SES, SQS) and the real
OpenSearch for routing: each e-mail sent once however often its record comes, SES
throttling retried, refusals parked, injection inert, no personal data in the logs.

SES errors are made by a hook on the real client's ``before-call`` event: botocore then
raises its own modelled exception, as if SES had answered; every other call reaches moto.
"""

from __future__ import annotations

import dataclasses
import email
import json
import logging
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from email import policy
from email.message import EmailMessage
from typing import TYPE_CHECKING, Any

import boto3
import pytest
from botocore.awsrequest import AWSResponse, HTTPHeaders
from botocore.config import Config

from chalicelib.adapters.dynamodb_store import DynamoDBEnquiryStore
from chalicelib.adapters.dynamodb_stream import handle_stream_event
from chalicelib.adapters.opensearch_index import OpenSearchIndex
from chalicelib.adapters.ses_mailer import SesMailer
from chalicelib.adapters.sqs_dead_letters import SqsDeadLetters
from chalicelib.config import Settings, get_settings
from chalicelib.enquiries.notify import CLAIM_LEASE_S, Backoff, MailSettings, Notifier
from chalicelib.enquiries.record import Enquiry, Routing
from chalicelib.enquiries.sweep import Sweeper
from devstack.stream_worker import lambda_event
from tests.enquiries import HENDON, an_enquiry

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodbstreams import DynamoDBStreamsClient
    from mypy_boto3_sesv2 import SESV2Client

pytestmark = pytest.mark.integration

NO_SEARCH = "http://127.0.0.1:9"  # nothing listens there: search is down


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 25, 19, 9, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


class StreamTap:
    """The enquiries table's stream, read from the start as a new event source mapping would."""

    def __init__(self, dynamodb: DynamoDBClient, streams: DynamoDBStreamsClient, table: str) -> None:
        self._streams = streams
        self._arn = dynamodb.describe_table(TableName=table)["Table"]["LatestStreamArn"]
        shard = streams.describe_stream(StreamArn=self._arn)["StreamDescription"]["Shards"][0]["ShardId"]
        self._iterator = streams.get_shard_iterator(
            StreamArn=self._arn, ShardId=shard, ShardIteratorType="TRIM_HORIZON"
        )["ShardIterator"]

    def next_event(self) -> dict[str, Any]:
        """The records written since the last call, as one Lambda event."""
        answer = self._streams.get_records(ShardIterator=self._iterator)
        self._iterator = answer["NextShardIterator"]
        return lambda_event([dict(record) for record in answer["Records"]], self._arn)


@dataclasses.dataclass
class World:
    settings: Settings
    session: boto3.Session
    dynamodb: DynamoDBClient
    ses: SESV2Client
    store: DynamoDBEnquiryStore
    tap: StreamTap
    clock: Clock
    sleeps: list[float]

    def notifier(
        self,
        search_url: str = NO_SEARCH,
        configuration_set: str | None = None,
        unrouted_fallback_after_s: int | None = None,
    ) -> Notifier:
        from opensearchpy import OpenSearch

        settings = self.settings
        return Notifier(
            self.store,
            SesMailer(self.ses, configuration_set),
            SqsDeadLetters(self.session.client("sqs"), settings.dead_letter_queue),
            OpenSearchIndex(OpenSearch(hosts=[search_url], timeout=5), settings.search_alias),
            MailSettings(settings.ses_sender, settings.fallback_team_email, unrouted_fallback_after_s),
            backoff=Backoff(sleep=self.sleeps.append),
            clock=self.clock,
        )

    def put(self, *enquiries: Enquiry) -> dict[str, Any]:
        """Store the enquiries as the API does; the stream records they made, as one event."""
        for enquiry in enquiries:
            self.store.put_new(enquiry)
        return self.tap.next_event()

    def sent(self) -> list[EmailMessage]:
        return [_parse(message.raw_data) for message in _ses_backend(self.settings).sent_messages]

    def envelope_recipients(self) -> set[str]:
        return {address for message in _ses_backend(self.settings).sent_messages for address in message.destinations}

    def item(self, enquiry_id: str) -> dict[str, Any]:
        from boto3.dynamodb.types import TypeDeserializer

        key = {"enquiry_id": {"S": enquiry_id}}
        raw = self.dynamodb.get_item(TableName=self.settings.enquiries_table, Key=key, ConsistentRead=True)["Item"]
        return {name: TypeDeserializer().deserialize(value) for name, value in raw.items()}

    def parked(self) -> list[dict[str, Any]]:
        sqs = self.session.client("sqs")
        url = sqs.get_queue_url(QueueName=self.settings.dead_letter_queue)["QueueUrl"]
        messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
        return [json.loads(message["Body"]) for message in messages]


def _ses_backend(settings: Settings) -> Any:
    from moto.core.models import DEFAULT_ACCOUNT_ID
    from moto.ses.models import ses_backends

    return ses_backends[DEFAULT_ACCOUNT_ID][settings.region]


def _parse(raw: str) -> EmailMessage:
    message = email.message_from_string(raw, _class=EmailMessage, policy=policy.default)
    assert isinstance(message, EmailMessage)
    return message


def _body(message: EmailMessage, subtype: str) -> str:
    part = message.get_body((subtype,))
    assert part is not None
    return str(part.get_content())


_STATUS = {"TooManyRequestsException": 429, "InternalFailure": 500}


def _script_ses(ses: SESV2Client, script: Sequence[str | None]) -> list[dict[str, Any]]:
    """The next SendEmail calls answer in turn: an error code as if SES had sent it, or
    None to reach moto. Returns the parameters of every SendEmail call."""
    answers = list(script)
    calls: list[dict[str, Any]] = []

    def record(params: dict[str, Any], **_: Any) -> None:
        calls.append(dict(params))

    def answer(**_: Any) -> Any:  # (response, parsed) short-circuits the call; None lets it through
        code = answers.pop(0) if answers else None
        if code is None:
            return None
        status = _STATUS.get(code, 400)
        # SES's own messages can quote addresses: the code must not pass them on.
        error = {"Code": code, "Message": "Email address is not verified: zoe.quill1@patients.example"}
        return AWSResponse(ses.meta.endpoint_url, status, HTTPHeaders(), None), {
            "Error": error,
            "ResponseMetadata": {"HTTPStatusCode": status},
        }

    ses.meta.events.register("before-parameter-build.sesv2.SendEmail", record)
    ses.meta.events.register("before-call.sesv2.SendEmail", answer)
    return calls


def _failures(response: dict[str, Any]) -> list[str]:
    return [failure["itemIdentifier"] for failure in response["batchItemFailures"]]


def _sequences(event: dict[str, Any]) -> list[str]:
    return [record["dynamodb"]["SequenceNumber"] for record in event["Records"]]


@pytest.fixture
def world(aws: None) -> World:
    settings = get_settings()
    session = boto3.Session(region_name=settings.region)
    config = Config(account_id_endpoint_mode="disabled")
    dynamodb = session.client("dynamodb", config=config)
    return World(
        settings=settings,
        session=session,
        dynamodb=dynamodb,
        ses=session.client("sesv2"),
        store=DynamoDBEnquiryStore(dynamodb, settings.enquiries_table, settings.rate_limit_table),
        tap=StreamTap(dynamodb, session.client("dynamodbstreams", config=config), settings.enquiries_table),
        clock=Clock(),
        sleeps=[],
    )


def test_given_a_new_enquiry_when_its_record_arrives_then_the_team_and_the_patient_each_get_one_email(
    world: World,
) -> None:
    calls = _script_ses(world.ses, [])
    event = world.put(an_enquiry())

    response = handle_stream_event(event, world.notifier())

    assert response == {"batchItemFailures": []}
    team, patient = world.sent()
    assert (team["To"], team["Reply-To"], team["From"]) == (
        HENDON.team_email,
        an_enquiry().email,
        world.settings.ses_sender,
    )
    assert (patient["To"], patient["Reply-To"]) == (an_enquiry().email, HENDON.team_email)
    assert world.envelope_recipients() == {HENDON.team_email, an_enquiry().email}
    assert all("ConfigurationSetName" not in call for call in calls)
    item = world.item(an_enquiry().enquiry_id)
    assert item["status"] == "sent"
    assert all(item[f"{kind}_{mark}"] for kind in ("team", "patient") for mark in ("sent_at", "message_id"))
    assert not {"claim_token", "claim_expires_at"} & set(item)


def test_given_a_configuration_set_when_sending_then_ses_is_told_its_name(world: World) -> None:
    calls = _script_ses(world.ses, [])

    handle_stream_event(world.put(an_enquiry()), world.notifier(configuration_set="enquiry-mail"))

    assert [call.get("ConfigurationSetName") for call in calls] == ["enquiry-mail", "enquiry-mail"]


def test_given_an_enquiry_then_each_email_tells_ses_its_enquiry_and_kind_for_the_delivery_events(
    world: World,
) -> None:
    calls = _script_ses(world.ses, [])
    enquiry = an_enquiry()

    handle_stream_event(world.put(enquiry), world.notifier())

    assert [call.get("EmailTags") for call in calls] == [
        [{"Name": "enquiry", "Value": enquiry.enquiry_id}, {"Name": "kind", "Value": kind}]
        for kind in ("team", "patient")
    ]


def test_given_the_same_record_delivered_twice_then_each_email_is_sent_once(world: World) -> None:
    event = world.put(an_enquiry())
    notifier = world.notifier()

    first, again = handle_stream_event(event, notifier), handle_stream_event(event, notifier)
    own_marks = world.tap.next_event()  # our progress marks come back as MODIFY records
    after_marks = handle_stream_event(own_marks, notifier)

    assert _failures(first) == _failures(again) == _failures(after_marks) == []
    assert {record["eventName"] for record in own_marks["Records"]} == {"MODIFY"}
    assert [message["To"] for message in world.sent()] == [HENDON.team_email, an_enquiry().email]


def test_given_another_worker_holds_the_lease_then_the_record_comes_back_and_is_sent_once_the_lease_ends(
    world: World,
) -> None:
    event = world.put(an_enquiry())
    world.store.claim(an_enquiry().enquiry_id, "another-worker", world.clock(), CLAIM_LEASE_S)

    while_held = handle_stream_event(event, world.notifier())
    world.clock.now += timedelta(seconds=CLAIM_LEASE_S + 1)  # the other worker died
    after_expiry = handle_stream_event(event, world.notifier())

    assert _failures(while_held) == _sequences(event)
    assert _failures(after_expiry) == []
    assert len(world.sent()) == 2


def test_given_ses_throttles_twice_then_accepts_then_exactly_one_email_each_is_sent(world: World) -> None:
    _script_ses(world.ses, ["TooManyRequestsException", "TooManyRequestsException"])

    response = handle_stream_event(world.put(an_enquiry()), world.notifier())

    assert _failures(response) == []
    assert [message["To"] for message in world.sent()] == [HENDON.team_email, an_enquiry().email]
    assert len(world.sleeps) == 2
    assert 0 <= world.sleeps[0] <= 0.5  # full jitter under a doubling cap
    assert 0 <= world.sleeps[1] <= 1.0


def test_given_ses_throttles_past_every_attempt_then_the_record_comes_back_unclaimed_and_is_sent_later(
    world: World,
) -> None:
    _script_ses(
        world.ses, ["TooManyRequestsException", "ThrottlingException", "LimitExceededException", "InternalFailure"]
    )
    event = world.put(an_enquiry())

    throttled = handle_stream_event(event, world.notifier())
    item = world.item(an_enquiry().enquiry_id)
    retried = handle_stream_event(event, world.notifier())

    assert _failures(throttled) == _sequences(event)
    assert item["status"] == "sending"
    assert "claim_token" not in item  # released: the retry need not wait for the lease
    assert _failures(retried) == []
    assert len(world.sent()) == 2


def test_given_ses_rejects_one_enquiry_then_it_is_parked_and_failed_and_the_rest_of_the_batch_is_sent(
    world: World,
) -> None:
    first, rejected, last = an_enquiry(1), an_enquiry(2), an_enquiry(3)
    _script_ses(world.ses, [None, None, "MessageRejected"])  # the second enquiry's team e-mail

    response = handle_stream_event(world.put(first, rejected, last), world.notifier())

    assert _failures(response) == []  # parked is handled: the batch goes on
    assert {str(message["To"]) for message in world.sent()} == {HENDON.team_email, first.email, last.email}
    assert len(world.sent()) == 4
    assert world.parked() == [{"enquiry_id": rejected.enquiry_id, "reason": "team:MessageRejected"}]
    item = world.item(rejected.enquiry_id)
    assert (item["status"], item["failure_reason"]) == ("failed", "team:MessageRejected")
    kept = {name: value for name, value in rejected.to_item().items() if name not in ("status", "routing")}
    assert {name: item[name] for name in kept} == kept  # nothing of the enquiry is lost
    assert [world.item(enquiry.enquiry_id)["status"] for enquiry in (first, last)] == ["sent", "sent"]


def test_given_no_routing_snapshot_when_sending_then_the_team_address_comes_from_the_real_index(
    world: World, demo_index: str
) -> None:
    enquiry = an_enquiry(routing=None, hospital_id="london-independent")

    response = handle_stream_event(world.put(enquiry), world.notifier(search_url=demo_index))

    assert _failures(response) == []
    team, patient = world.sent()
    assert team["To"] == "enquiries.londonindependent@hospitals.example"
    assert "BMI The London Independent Hospital" in _body(patient, "plain")


def test_given_no_routing_snapshot_and_search_down_then_the_record_comes_back_and_nothing_is_failed(
    world: World,
) -> None:
    event = world.put(an_enquiry(routing=None))

    response = handle_stream_event(event, world.notifier(search_url=NO_SEARCH))

    assert _failures(response) == _sequences(event)
    item = world.item(an_enquiry().enquiry_id)
    assert item["status"] == "sending"
    assert "claim_token" not in item  # released: the retry need not wait for the lease
    assert world.sent() == []
    assert world.parked() == []


def test_given_too_little_time_left_then_only_the_first_record_is_started_and_the_rest_come_back(
    world: World,
) -> None:
    event = world.put(an_enquiry(1), an_enquiry(2), an_enquiry(3))

    response = handle_stream_event(event, world.notifier(), time_left_s=lambda: 5.0)

    assert _failures(response) == _sequences(event)[1:]
    assert len(world.sent()) == 2
    assert [world.item(an_enquiry(n).enquiry_id)["status"] for n in (1, 2, 3)] == ["sent", "received", "received"]


def test_given_html_and_header_injection_attempts_then_the_emails_arrive_inert(world: World) -> None:
    attack = 'Zoë\r\nBcc: victim@elsewhere.example\r\n\r\n<script>alert("x")</script>'
    enquiry = an_enquiry(first_name=attack, last_name=attack, treatment=attack, message=attack)

    response = handle_stream_event(world.put(enquiry), world.notifier())

    assert _failures(response) == []
    assert world.envelope_recipients() == {HENDON.team_email, enquiry.email}
    for message in world.sent():
        assert message["Bcc"] is None
        assert "<script" not in _body(message, "html")
    assert "&lt;script&gt;" in _body(world.sent()[0], "html")


def test_given_a_line_break_in_the_patient_address_then_no_email_is_sent_and_the_enquiry_is_parked_once(
    world: World,
) -> None:
    enquiry = an_enquiry(email="zoe.quill1@patients.example\r\nBcc: victim@elsewhere.example")
    event = world.put(enquiry)

    response, again = handle_stream_event(event, world.notifier()), handle_stream_event(event, world.notifier())

    assert _failures(response) == _failures(again) == []
    assert world.sent() == []
    assert world.parked() == [{"enquiry_id": enquiry.enquiry_id, "reason": "compose:UnsafeHeaderValue"}]
    assert world.item(enquiry.enquiry_id)["status"] == "failed"


def test_given_every_kind_of_failure_then_no_log_line_holds_personal_data(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="chalicelib")
    caplog.set_level(logging.DEBUG, logger="devstack")
    _script_ses(world.ses, ["TooManyRequestsException"] * 4 + [None, "MessageRejected"])
    event = world.put(
        an_enquiry(1), an_enquiry(2), an_enquiry(3, routing=None), an_enquiry(4, email="zoe\r\n@x.example")
    )

    handle_stream_event(event, world.notifier())

    logged = caplog.text
    assert "01JDQ3Z6V8K2M4N6P8R0S2T4V2" in logged  # errors name the enquiry
    for personal in ("Zoë", "Quill", "zoe", "7700900123", "Panic", "Cognitive"):
        assert personal not in logged


def test_given_the_dead_letter_queue_is_unreachable_when_ses_rejects_then_the_record_comes_back_and_nothing_is_lost(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    sqs = world.session.client("sqs")
    queue_url = sqs.get_queue_url(QueueName=world.settings.dead_letter_queue)["QueueUrl"]
    sqs.delete_queue(QueueUrl=queue_url)
    _script_ses(world.ses, ["MessageRejected", "MessageRejected"])
    event = world.put(an_enquiry())

    unparked = handle_stream_event(event, world.notifier())
    item = world.item(an_enquiry().enquiry_id)
    sqs.create_queue(QueueName=world.settings.dead_letter_queue)
    parked = handle_stream_event(event, world.notifier())

    assert _failures(unparked) == _sequences(event)
    assert item["status"] == "sending"
    assert "claim_token" not in item  # released for the retry
    assert "QueueDoesNotExist" in caplog.text
    assert "zoe" not in caplog.text.lower()
    assert _failures(parked) == []
    assert world.parked() == [{"enquiry_id": an_enquiry().enquiry_id, "reason": "team:MessageRejected"}]
    assert world.item(an_enquiry().enquiry_id)["status"] == "failed"


# --- The sweep: what the stream's bounded retries did not send --------------------------

SWEEP_AFTER_S = 300


def _sweeper(world: World, notifier: Notifier) -> Sweeper:
    return Sweeper(world.store, notifier, after_s=SWEEP_AFTER_S, clock=world.clock)


def _exhaust_the_stream(world: World, enquiry: Enquiry) -> None:
    """Stored while search is down; every delivery of its record handed back, then dropped."""
    event = world.put(enquiry)
    for _ in range(5):
        assert _failures(handle_stream_event(event, world.notifier(search_url=NO_SEARCH))) == _sequences(event)


def _later(world: World, seconds: float) -> None:
    world.clock.now += timedelta(seconds=seconds)


def test_given_an_unrouted_enquiry_the_stream_gave_up_on_when_search_returns_then_the_sweep_sends_it_once(
    world: World, demo_index: str
) -> None:
    enquiry = an_enquiry(routing=None, hospital_id="london-independent")
    _exhaust_the_stream(world, enquiry)
    sweeper = _sweeper(world, world.notifier(search_url=demo_index))

    too_soon = sweeper.sweep()
    _later(world, SWEEP_AFTER_S)
    swept = sweeper.sweep()
    again = sweeper.sweep()

    assert too_soon == {"listed": 0}
    assert swept == {"listed": 1, "sent": 1}
    assert again == {"listed": 0}
    team, patient = world.sent()
    assert team["To"] == "enquiries.londonindependent@hospitals.example"
    assert patient["To"] == enquiry.email
    item = world.item(enquiry.enquiry_id)
    assert item["status"] == "sent"
    assert "unsent" not in item
    assert world.parked() == []


def test_given_search_still_down_then_the_sweep_sends_nothing_fails_nothing_and_logs_nothing_personal(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="chalicelib")
    enquiry = an_enquiry(routing=None)
    _exhaust_the_stream(world, enquiry)
    _later(world, SWEEP_AFTER_S)
    sweeper = _sweeper(world, world.notifier(search_url=NO_SEARCH))

    first, second = sweeper.sweep(), sweeper.sweep()

    assert first == second == {"listed": 1, "retry_later": 1}
    assert world.sent() == []
    assert world.parked() == []
    item = world.item(enquiry.enquiry_id)
    assert item["status"] == "sending"
    assert "claim_token" not in item
    assert item["unsent"] == "pending"  # still listed for the next sweep
    assert enquiry.enquiry_id in caplog.text
    for personal in ("Zoë", "Quill", "zoe", "7700900123", "Panic", "Cognitive"):
        assert personal not in caplog.text


def test_given_an_enquiry_another_worker_holds_then_the_sweep_skips_it_until_the_lease_ends(world: World) -> None:
    enquiry = an_enquiry()
    world.store.put_new(enquiry)
    _later(world, SWEEP_AFTER_S)
    world.store.claim(enquiry.enquiry_id, "another-worker", world.clock(), CLAIM_LEASE_S)
    sweeper = _sweeper(world, world.notifier())

    held = sweeper.sweep()
    _later(world, CLAIM_LEASE_S)
    expired = sweeper.sweep()

    assert held == {"listed": 1, "retry_later": 1}
    assert expired == {"listed": 1, "sent": 1}
    assert len(world.sent()) == 2


def test_given_a_sweep_while_the_stream_is_sending_then_each_email_is_sent_once(world: World) -> None:
    enquiry = an_enquiry()
    event = world.put(enquiry)
    _later(world, SWEEP_AFTER_S)  # a slow first delivery: old enough to be swept meanwhile
    sweeper = _sweeper(world, world.notifier())
    during: list[dict[str, int]] = []

    def sweep_mid_send(**_: Any) -> None:
        if not during:
            during.append(sweeper.sweep())

    world.ses.meta.events.register("before-call.sesv2.SendEmail", sweep_mid_send)
    streamed = handle_stream_event(event, world.notifier())
    after = sweeper.sweep()
    redelivered = handle_stream_event(event, world.notifier())

    assert during == [{"listed": 1, "retry_later": 1}]  # the stream's lease held it off
    assert _failures(streamed) == _failures(redelivered) == []
    assert after == {"listed": 0}
    assert sorted(message["To"] for message in world.sent()) == sorted([HENDON.team_email, enquiry.email])


def test_given_a_sweep_first_then_a_late_stream_redelivery_sends_nothing_more(world: World) -> None:
    enquiry = an_enquiry()
    event = world.put(enquiry)
    _later(world, SWEEP_AFTER_S)

    swept = _sweeper(world, world.notifier()).sweep()
    redelivered = handle_stream_event(event, world.notifier())

    assert swept == {"listed": 1, "sent": 1}
    assert _failures(redelivered) == []
    assert len(world.sent()) == 2


def test_given_sent_and_failed_enquiries_then_only_the_unsent_one_is_listed(world: World) -> None:
    sent, failed, waiting = an_enquiry(1), an_enquiry(2, email="zoe\r\n@x.example"), an_enquiry(3)
    handle_stream_event(world.put(sent, failed), world.notifier())
    world.store.put_new(waiting)

    listed = world.store.unsent_ids(world.clock() + timedelta(days=1), limit=10)

    assert listed == [waiting.enquiry_id]
    assert [world.item(e.enquiry_id)["status"] for e in (sent, failed)] == ["sent", "failed"]
    assert all("unsent" not in world.item(e.enquiry_id) for e in (sent, failed))


def test_given_more_unsent_than_the_limit_then_one_sweep_takes_the_oldest_and_the_next_the_rest(
    world: World,
) -> None:
    for number in (3, 1, 2):
        world.store.put_new(an_enquiry(number, created_at=f"2026-11-25T19:0{number}:00.000+00:00"))
    _later(world, SWEEP_AFTER_S)
    sweeper = Sweeper(world.store, world.notifier(), after_s=SWEEP_AFTER_S, limit=2, clock=world.clock)

    first, second = sweeper.sweep(), sweeper.sweep()

    assert first == {"listed": 2, "sent": 2}
    assert second == {"listed": 1, "sent": 1}
    assert len(world.sent()) == 6
    assert world.store.unsent_ids(world.clock(), limit=10) == []


def test_given_search_down_for_longer_than_the_fallback_age_then_the_fallback_team_gets_it(world: World) -> None:
    enquiry = an_enquiry(routing=None)
    _exhaust_the_stream(world, enquiry)
    sweeper = _sweeper(world, world.notifier(search_url=NO_SEARCH, unrouted_fallback_after_s=86_400))

    _later(world, 86_400 - 10)
    waiting = sweeper.sweep()
    _later(world, 10)
    overdue = sweeper.sweep()

    assert waiting == {"listed": 1, "retry_later": 1}
    assert overdue == {"listed": 1, "sent": 1}
    team, patient = world.sent()
    assert team["To"] == world.settings.fallback_team_email
    assert str(enquiry.specialist_id) in _body(team, "plain")
    assert patient["To"] == enquiry.email


def _general(number: int = 1, **changes: Any) -> Enquiry:
    """A general enquiry for Hendon's team about knee replacement, taken while search was down."""
    return an_enquiry(number, **{"specialist_id": None, "treatment": "knee-replacement", "routing": None, **changes})


def test_given_an_unrouted_general_enquiry_the_stream_gave_up_on_then_the_sweep_sends_it_to_the_hospital_once(
    world: World, demo_index: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="chalicelib")
    enquiry = _general()
    _exhaust_the_stream(world, enquiry)
    sweeper = _sweeper(world, world.notifier(search_url=demo_index))
    _later(world, SWEEP_AFTER_S)

    swept, again = sweeper.sweep(), sweeper.sweep()
    redelivered = handle_stream_event(world.put(), world.notifier(search_url=demo_index))

    assert (swept, again) == ({"listed": 1, "sent": 1}, {"listed": 0})
    assert _failures(redelivered) == []
    team, patient = world.sent()
    assert team["To"] == "enquiries.hendon@hospitals.example"
    assert team["Subject"] == f"General enquiry {enquiry.enquiry_id}"
    assert "Knee replacement (knee-replacement)" in _body(team, "plain")
    assert "BMI Hendon Hospital" in _body(patient, "plain")
    assert world.item(enquiry.enquiry_id)["status"] == "sent"
    for personal in ("Zoë", "Quill", "zoe", "7700900123", "Panic"):
        assert personal not in caplog.text


def test_given_an_unknown_slug_at_send_time_then_the_general_enquiry_is_sent_showing_the_slug(
    world: World, demo_index: str
) -> None:
    enquiry = _general(treatment="no-longer-offered")

    response = handle_stream_event(world.put(enquiry), world.notifier(search_url=demo_index))

    assert _failures(response) == []
    team, _ = world.sent()
    assert team["To"] == "enquiries.hendon@hospitals.example"
    assert "Treatment: no-longer-offered" in _body(team, "plain")


def test_given_an_unknown_hospital_at_send_time_then_the_general_enquiry_is_parked_once(
    world: World, demo_index: str
) -> None:
    enquiry = _general(hospital_id="closed-hospital")
    event = world.put(enquiry)

    first = handle_stream_event(event, world.notifier(search_url=demo_index))
    again = handle_stream_event(event, world.notifier(search_url=demo_index))

    assert _failures(first) == _failures(again) == []
    assert world.sent() == []
    assert world.parked() == [{"enquiry_id": enquiry.enquiry_id, "reason": "compose:UnknownHospital"}]


def test_given_search_down_past_the_fallback_age_then_a_general_enquiry_goes_to_the_fallback_team(
    world: World,
) -> None:
    enquiry = _general()
    _exhaust_the_stream(world, enquiry)
    sweeper = _sweeper(world, world.notifier(search_url=NO_SEARCH, unrouted_fallback_after_s=86_400))

    _later(world, 86_400)
    overdue = sweeper.sweep()

    assert overdue == {"listed": 1, "sent": 1}
    team, patient = world.sent()
    assert team["To"] == world.settings.fallback_team_email
    assert "General enquiry" in _body(team, "plain")
    assert "hendon" in _body(team, "plain")
    assert "Treatment: knee-replacement" in _body(team, "plain")
    assert patient["To"] == enquiry.email


def test_given_a_central_general_enquiry_then_it_is_sent_with_search_down(world: World) -> None:
    enquiry = an_enquiry(
        specialist_id=None,
        hospital_id=None,
        treatment=None,
        routing=Routing(None, None, None, world.settings.fallback_team_email),
    )
    event = world.put(enquiry)

    first = handle_stream_event(event, world.notifier(search_url=NO_SEARCH))
    again = handle_stream_event(event, world.notifier(search_url=NO_SEARCH))

    assert _failures(first) == _failures(again) == []
    assert [message["To"] for message in world.sent()] == [world.settings.fallback_team_email, enquiry.email]


def test_given_a_scheduled_event_then_the_notify_function_sweeps_and_given_records_it_handles_the_stream(
    world: World,
) -> None:
    from types import SimpleNamespace

    from app import notify

    old = an_enquiry(created_at="2020-01-01T00:00:00.000+00:00")
    world.store.put_new(old)
    context = SimpleNamespace(get_remaining_time_in_millis=lambda: 120_000)
    scheduled = {"source": "aws.events", "detail-type": "Scheduled Event", "detail": {}}

    swept = notify(scheduled, context)
    streamed = notify(world.tap.next_event(), context)

    assert swept == {"listed": 1, "sent": 1}
    assert streamed == {"batchItemFailures": []}  # the record finds it sent: nothing more
    assert len(world.sent()) == 2
