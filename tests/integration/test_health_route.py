"""/health through the Chalice app, against the real OpenSearch node and moto."""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator

import boto3
import pytest
from chalice.test import Client

from app import app
from tests.conftest import BASE_ENV

pytestmark = pytest.mark.integration


@pytest.fixture
def client() -> Iterator[Client]:
    with Client(app, stage_name="local") as chalice_client:
        yield chalice_client


@pytest.fixture
def silent_server() -> Iterator[str]:
    """Accepts connections and never answers: a hung dependency."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(16)
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"


def test_given_opensearch_and_dynamodb_up_when_health_then_200_ok(
    opensearch_url: str, monkeypatch: pytest.MonkeyPatch, aws: None, client: Client
) -> None:
    monkeypatch.setenv("OPENSEARCH_URL", opensearch_url)

    response = client.http.get("/health")

    assert response.status_code == 200
    assert json.loads(response.body) == {"status": "ok", "checks": {"search": "ok", "enquiries_store": "ok"}}
    assert response.headers["Cache-Control"] == "no-store"


def test_given_the_enquiries_table_missing_when_health_then_503_names_the_store(
    opensearch_url: str, monkeypatch: pytest.MonkeyPatch, aws: None, client: Client
) -> None:
    monkeypatch.setenv("OPENSEARCH_URL", opensearch_url)
    boto3.client("dynamodb").delete_table(TableName=BASE_ENV["ENQUIRIES_TABLE"])

    response = client.http.get("/health")

    assert response.status_code == 503
    assert json.loads(response.body)["checks"] == {"search": "ok", "enquiries_store": "unavailable"}


def test_given_opensearch_hangs_when_health_then_503_within_the_bound(
    silent_server: str, monkeypatch: pytest.MonkeyPatch, aws: None, client: Client
) -> None:
    monkeypatch.setenv("OPENSEARCH_URL", silent_server)

    started = time.monotonic()
    response = client.http.get("/health")
    elapsed = time.monotonic() - started

    assert response.status_code == 503
    assert json.loads(response.body) == {
        "status": "unavailable",
        "checks": {"search": "timeout", "enquiries_store": "ok"},
    }
    assert elapsed < 1.5


def test_given_a_bad_setting_when_health_then_503_not_a_stack_trace(
    monkeypatch: pytest.MonkeyPatch, aws: None, client: Client
) -> None:
    monkeypatch.setenv("OPENSEARCH_URL", "not a url")

    response = client.http.get("/health")

    assert response.status_code == 503
    assert json.loads(response.body)["status"] == "unavailable"
