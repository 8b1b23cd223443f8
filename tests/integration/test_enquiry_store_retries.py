"""The store when an answer is lost: a committed enquiry is never reported as not stored
(a moto server, so that a request can really reach it and its answer really be lost)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
import requests
from botocore.config import Config
from botocore.exceptions import ReadTimeoutError
from moto.server import ThreadedMotoServer

from chalicelib.adapters.dynamodb_store import DynamoDBEnquiryStore
from chalicelib.config import load_settings
from chalicelib.enquiries.ports import StoreUnavailable
from devstack.processes import free_port
from devstack.provision import provision
from tests.conftest import BASE_ENV
from tests.enquiries import an_enquiry

pytestmark = pytest.mark.integration


@pytest.fixture
def store_client() -> Iterator[Any]:
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    url = f"http://127.0.0.1:{port}"
    requests.post(f"{url}/moto-api/reset", timeout=10)  # moto's state is per process, not per server
    settings = load_settings(BASE_ENV)
    session = boto3.Session(aws_access_key_id="local", aws_secret_access_key="local", region_name=settings.region)
    provision(settings, session, endpoint_url=url)
    yield session.client("dynamodb", endpoint_url=url, config=Config(account_id_endpoint_mode="disabled"))
    server.stop()


def lose_answers(client: Any, how_many: int, deliver: bool) -> list[int]:
    """The next ``how_many`` transactions time out; ``deliver``: after reaching moto."""
    attempts: list[int] = []

    def lost(request: Any, **_: Any) -> None:
        attempts.append(1)
        if len(attempts) <= how_many:
            if deliver:
                requests.post(request.url, data=request.body, headers=dict(request.headers), timeout=10)
            raise ReadTimeoutError(endpoint_url=request.url)

    client.meta.events.register("before-send.dynamodb.TransactWriteItems", lost)
    return attempts


def stored(client: Any) -> int:
    return len(client.scan(TableName=BASE_ENV["ENQUIRIES_TABLE"])["Items"])


def test_given_the_commit_answer_is_lost_and_the_retry_conflicts_then_it_counts_as_stored(store_client: Any) -> None:
    attempts = lose_answers(store_client, 1, deliver=True)
    store = DynamoDBEnquiryStore(store_client, BASE_ENV["ENQUIRIES_TABLE"], BASE_ENV["RATE_LIMIT_TABLE"])

    store.put_new(an_enquiry())

    assert len(attempts) == 2  # botocore retried the transaction
    assert stored(store_client) == 1


def test_given_every_answer_is_lost_after_a_commit_then_it_still_counts_as_stored(store_client: Any) -> None:
    lose_answers(store_client, 100, deliver=True)
    store = DynamoDBEnquiryStore(store_client, BASE_ENV["ENQUIRIES_TABLE"], BASE_ENV["RATE_LIMIT_TABLE"])

    store.put_new(an_enquiry())

    assert stored(store_client) == 1


def test_given_nothing_reaches_the_store_then_it_is_unavailable(store_client: Any) -> None:
    lose_answers(store_client, 100, deliver=False)
    store = DynamoDBEnquiryStore(store_client, BASE_ENV["ENQUIRIES_TABLE"], BASE_ENV["RATE_LIMIT_TABLE"])

    with pytest.raises(StoreUnavailable):
        store.put_new(an_enquiry())
    assert stored(store_client) == 0
