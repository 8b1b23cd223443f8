"""The local stack's stream worker against a moto server, as ``make run`` runs it: a new
enquiry in the table becomes two e-mails, once each, listed newest first in the outbox."""

from __future__ import annotations

import os
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import boto3
import pytest
from botocore.config import Config

from chalicelib.adapters.dynamodb_store import DynamoDBEnquiryStore
from chalicelib.config import Settings, load_settings
from devstack.outbox import local_outbox
from devstack.processes import free_port
from devstack.provision import provision
from devstack.stream_worker import StreamWorker, local_stream_worker
from tests.enquiries import an_enquiry

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

pytestmark = pytest.mark.integration

TEAM = "enquiries.hendon@hospitals.example"
ENQUIRY = an_enquiry(
    enquiry_id="01JDQ3Z6V8K2M4N6P8R0S2T4W1",
    last_name="Quill",
    email="zoe.quill@patients.example",
    phone=None,
    treatment=None,
    message="Evenings are best <b>please</b>.",
)


@pytest.fixture
def moto_url(app_env: dict[str, str]) -> Iterator[str]:
    """A moto server of our own, emptied first: it shares moto's state with this process."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=free_port(), verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    url = f"http://{host}:{port}"
    try:
        urllib.request.urlopen(urllib.request.Request(f"{url}/moto-api/reset", method="POST"), timeout=5).close()
        yield url
    finally:
        server.stop()


@pytest.fixture
def settings(moto_url: str) -> Settings:
    settings = load_settings(os.environ)
    provision(settings, _session(settings), endpoint_url=moto_url)
    return settings


def _session(settings: Settings) -> boto3.Session:
    return boto3.Session(region_name=settings.region)


def _dynamodb(settings: Settings, moto_url: str) -> DynamoDBClient:
    return _session(settings).client(
        "dynamodb", endpoint_url=moto_url, config=Config(account_id_endpoint_mode="disabled")
    )


def _wait_for(condition: Callable[[], bool], timeout_s: float = 10.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_given_a_new_enquiry_when_the_worker_runs_then_both_emails_are_sent_once_and_listed_newest_first(
    settings: Settings, moto_url: str
) -> None:
    dynamodb = _dynamodb(settings, moto_url)
    DynamoDBEnquiryStore(dynamodb, settings.enquiries_table, settings.rate_limit_table).put_new(ENQUIRY)
    worker = local_stream_worker(settings, _session(settings), moto_url)

    worker.start()
    try:
        _wait_for(lambda: len(local_outbox(moto_url)) >= 2)
        time.sleep(1.0)  # our own progress marks come through the stream too: nothing more may be sent
    finally:
        worker.stop()

    patient, team = local_outbox(moto_url)
    assert set(team) == {"id", "to", "from", "reply_to", "subject", "text", "html"}
    assert (team["to"], team["from"], team["reply_to"]) == (
        TEAM,
        settings.ses_sender,
        ENQUIRY.email,
    )
    assert team["subject"] == f"New patient enquiry {ENQUIRY.enquiry_id}"
    assert "\nMessage:\nEvenings are best <b>please</b>.\n" in team["text"]
    assert "Evenings are best &lt;b&gt;please&lt;/b&gt;." in team["html"]
    assert (patient["to"], patient["reply_to"]) == (ENQUIRY.email, TEAM)
    assert ENQUIRY.enquiry_id in patient["text"]
    assert "Evenings" not in patient["text"]
    item = dynamodb.get_item(TableName=settings.enquiries_table, Key={"enquiry_id": {"S": ENQUIRY.enquiry_id}})
    assert item["Item"]["status"] == {"S": "sent"}


def test_given_the_handler_fails_a_record_then_the_worker_delivers_it_again_after_a_delay(
    settings: Settings, moto_url: str
) -> None:
    dynamodb = _dynamodb(settings, moto_url)
    streams = _session(settings).client(
        "dynamodbstreams", endpoint_url=moto_url, config=Config(account_id_endpoint_mode="disabled")
    )
    deliveries: list[tuple[float, list[str]]] = []
    delivered_twice = threading.Event()

    def handle(event: dict[str, Any]) -> dict[str, Any]:
        sequences = [record["dynamodb"]["SequenceNumber"] for record in event["Records"]]
        deliveries.append((time.monotonic(), sequences))
        if len(deliveries) == 1:
            return {"batchItemFailures": [{"itemIdentifier": sequences[0]}]}
        delivered_twice.set()
        return {"batchItemFailures": []}

    worker = StreamWorker(dynamodb, streams, settings.enquiries_table, handle, poll_s=0.05, redeliver_after_s=0.5)
    DynamoDBEnquiryStore(dynamodb, settings.enquiries_table, settings.rate_limit_table).put_new(ENQUIRY)

    worker.start()
    try:
        assert delivered_twice.wait(10)
    finally:
        worker.stop()

    (first_at, first), (again_at, again) = deliveries[:2]
    assert len(first) == 1
    assert again == first
    assert again_at - first_at >= 0.5


def test_given_the_moto_server_is_reset_under_it_then_the_worker_finds_the_new_stream(
    settings: Settings, moto_url: str
) -> None:
    def put_and_wait_for_mail() -> None:
        dynamodb = _dynamodb(settings, moto_url)
        DynamoDBEnquiryStore(dynamodb, settings.enquiries_table, settings.rate_limit_table).put_new(ENQUIRY)
        _wait_for(lambda: len(local_outbox(moto_url)) >= 2, timeout_s=15)

    worker = local_stream_worker(settings, _session(settings), moto_url)
    worker.start()
    try:
        put_and_wait_for_mail()
        urllib.request.urlopen(urllib.request.Request(f"{moto_url}/moto-api/reset", method="POST"), timeout=5).close()
        provision(settings, _session(settings), endpoint_url=moto_url)
        put_and_wait_for_mail()
    finally:
        worker.stop()

    assert [message["to"] for message in local_outbox(moto_url)] == [ENQUIRY.email, TEAM]


def test_given_a_transaction_is_cancelled_under_it_then_the_worker_still_reads_new_enquiries(
    settings: Settings, moto_url: str
) -> None:
    """moto undoes a cancelled transaction (an enquiry over a rate limit) by putting back a deep
    copy of the table, stream and all: an iterator chained from before it reads a stale copy."""
    store = DynamoDBEnquiryStore(_dynamodb(settings, moto_url), settings.enquiries_table, settings.rate_limit_table)
    later = an_enquiry(enquiry_id="01JDQ3Z6V8K2M4N6P8R0S2T4W2", email="later@patients.example")
    worker = local_stream_worker(settings, _session(settings), moto_url)
    worker.start()
    try:
        store.put_new(ENQUIRY)
        _wait_for(lambda: len(local_outbox(moto_url)) >= 2, timeout_s=15)
        store.put_new(ENQUIRY)  # stored already: the transaction is cancelled, and the answer is still "stored"
        store.put_new(later)
        _wait_for(lambda: len(local_outbox(moto_url)) >= 4, timeout_s=15)
    finally:
        worker.stop()

    assert {message["to"] for message in local_outbox(moto_url)[:2]} == {later.email, TEAM}
