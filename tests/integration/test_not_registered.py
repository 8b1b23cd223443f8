"""Patient safety: a specialist whose GMC registration is not "registered" is never listed,
suggested, shown or sent an enquiry. The real indexer loads a small catalog into the real
OpenSearch node; the Chalice app reads it (moto for DynamoDB and SES)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import boto3
import pytest
from chalice.test import Client
from opensearchpy import OpenSearch

from app import app
from chalicelib import deps
from chalicelib.adapters.file_catalog_source import LocalFileSource
from indexer.reindex import Options, Reindexer
from tests.conftest import BASE_ENV
from tests.enquiries import GOOD
from tests.feeds import hospital, record, write_feed

pytestmark = pytest.mark.integration

ALIAS = "safety-specialists"
HENDON = hospital("hendon", "enquiries.hendon@hospitals.example")
# One surname and one specialty for all four, so each search below would find every one
# of them if the index held them.
COMMON = {"last_name": "Vexworth", "specialties": ["Cardiology"], "hospitals": [HENDON]}


def registration(status: str) -> dict[str, Any]:
    return {"status": status, "specialist_register": ["Cardiology"], "verified_at": "2026-11-01T09:00:00Z"}


LISTED = {
    "hermione-vexworth": record(1, id="hermione-vexworth", first_name="Hermione", gmc_number="4000001", **COMMON)
    | {"registration": registration("registered")},
    "barnaby-vexworth": record(2, id="barnaby-vexworth", first_name="Barnaby", **COMMON),  # no registration stated
}
LEFT_OUT = {
    "ottoline-vexworth": record(3, id="ottoline-vexworth", first_name="Ottoline", gmc_number="4000003", **COMMON)
    | {"registration": registration("licence_suspended")},
    "perpetua-vexworth": record(4, id="perpetua-vexworth", first_name="Perpetua", gmc_number="4000004", **COMMON)
    | {"registration": registration("erased")},
}


@pytest.fixture(scope="module")
def safety_index(opensearch_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    path = write_feed(tmp_path_factory.mktemp("safety") / "feed.jsonl", [*LISTED.values(), *LEFT_OUT.values()])
    client = OpenSearch(hosts=[opensearch_url], timeout=60)
    summary = Reindexer(client, ALIAS, Options()).run(LocalFileSource(path))
    assert (summary.outcome, summary.valid, summary.invalid) == ("swapped", 4, 0), summary.reason
    yield opensearch_url
    client.indices.delete(index=f"{ALIAS}*", ignore=[404], expand_wildcards="all")


@pytest.fixture
def client(safety_index: str, aws: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[Client]:
    monkeypatch.setenv("OPENSEARCH_URL", safety_index)
    monkeypatch.setenv("SEARCH_ALIAS", ALIAS)
    deps.reset()
    deps.services()  # built now, on this alias: the client sets the stage's own on each request
    with Client(app, stage_name="local") as chalice_client:
        yield chalice_client
    deps.reset()


def get(client: Client, path: str, **params: Any) -> tuple[int, dict[str, Any]]:
    query = urlencode(params, doseq=True)
    response = client.http.get(f"{path}?{query}" if query else path)
    return response.status_code, json.loads(response.body)


def listed_ids(client: Client, **params: Any) -> set[str]:
    status, body = get(client, "/specialists", page_size=50, **params)
    assert status == 200, body
    return {card["id"] for card in body["results"]}


@pytest.mark.parametrize(
    "params",
    [{"q": "Vexworth"}, {"q": "Ottoline Vexworth"}, {"q": "cardiology"}, {"specialty": "cardiology"}, {}],
    ids=["surname", "full-name", "specialty-words", "specialty-facet", "everyone"],
)
def test_given_specialists_not_registered_then_no_search_lists_them(client: Client, params: dict[str, str]) -> None:
    found = listed_ids(client, **params)

    assert not found & set(LEFT_OUT)
    if params != {"q": "Ottoline Vexworth"}:  # the search works: the listed ones are there
        assert found >= set(LISTED)


@pytest.mark.parametrize("typed", ["vexw", "ottoline", "perpetua vex"])
def test_given_specialists_not_registered_then_typeahead_never_suggests_them(client: Client, typed: str) -> None:
    status, body = get(client, "/suggest", q=typed, limit=10)

    assert status == 200, body
    suggested = body["suggestions"]
    assert not {s["value"] for s in suggested if s["type"] == "specialist"} & set(LEFT_OUT)
    assert not any(name in s["label"] for s in suggested for name in ("Ottoline", "Perpetua"))
    if typed == "vexw":
        assert {s["value"] for s in suggested if s["type"] == "specialist"} == set(LISTED)


@pytest.mark.parametrize("specialist_id", sorted(LEFT_OUT))
def test_given_a_specialist_not_registered_then_the_profile_is_404(client: Client, specialist_id: str) -> None:
    status, body = get(client, f"/specialists/{specialist_id}")

    assert status == 404
    assert body["error"]["code"] == "not_found"
    assert get(client, "/specialists/hermione-vexworth")[0] == 200


def sent_messages() -> list[Any]:
    from moto.core.models import DEFAULT_ACCOUNT_ID
    from moto.ses.models import ses_backends

    return list(ses_backends[DEFAULT_ACCOUNT_ID][BASE_ENV["AWS_DEFAULT_REGION"]].sent_messages)


def stored() -> list[dict[str, Any]]:
    return list(boto3.resource("dynamodb").Table(BASE_ENV["ENQUIRIES_TABLE"]).scan()["Items"])


def post_enquiry(client: Client, specialist_id: str) -> tuple[int, dict[str, Any]]:
    body = {**GOOD, "specialist_id": specialist_id, "hospital_id": "hendon"}
    response = client.http.post("/enquiries", headers={"Content-Type": "application/json"}, body=json.dumps(body))
    return response.status_code, json.loads(response.body)


@pytest.mark.parametrize("specialist_id", sorted(LEFT_OUT))
def test_given_a_specialist_not_registered_then_an_enquiry_is_refused_and_nothing_is_stored_or_sent(
    client: Client, specialist_id: str
) -> None:
    status, body = post_enquiry(client, specialist_id)

    assert status == 400, body
    assert body["error"]["field"] == "specialist_id"
    assert stored() == []
    assert sent_messages() == []


def test_given_a_registered_specialist_then_the_same_enquiry_is_taken(client: Client) -> None:
    # The control for the refusals above: the same body reaches a listed specialist.
    status, body = post_enquiry(client, "hermione-vexworth")

    assert status == 202, body
    assert [item["specialist_id"] for item in stored()] == ["hermione-vexworth"]
