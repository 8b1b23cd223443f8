"""Query records on the real engines (issue 18, item 1): searches and typeahead through the
Chalice app on the local stage, whose sink is the ``ubi_queries`` index of the same OpenSearch
node; what is stored is read back from it."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import urlencode

import pytest
from chalice.test import Client
from opensearchpy import OpenSearch

from chalicelib import deps
from chalicelib.adapters.opensearch_ubi_sink import QUERIES_INDEX, QUERIES_MAPPING
from tests.conftest import local_api

pytestmark = pytest.mark.integration

CLIENT_ID = "0f8fa1c2-6a4e-4c55-9d2b-8a1c8e1f3b7d"
# Planted personal data: none of it may reach the store.
PLANTED = {
    "email": "jane.doeberry@example.com",
    "mobile": "07700 900123",
    "landline": "+44 20 7946 0000",
    "postcode": "NW4 1RP",
    "name": "Dr Jane Doeberry",
    "user agent": "PlantedAgent/9.9",
}
NEVER_STORED = ("doeberry", "jane", "example.com", "07700", "900123", "7946", "1rp", "plantedagent")


class Counted:
    def __init__(self) -> None:
        self.counted: list[dict[str, float]] = []

    def count(self, values: Mapping[str, float]) -> None:
        self.counted.append(dict(values))


@pytest.fixture
def opensearch(demo_index: str) -> OpenSearch:
    return OpenSearch(hosts=[demo_index], timeout=30)


@pytest.fixture
def client(demo_index: str, app_env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> Iterator[Client]:
    with local_api(monkeypatch, demo_index) as chalice_client:
        yield chalice_client


@pytest.fixture
def counted(client: Client) -> Counted:
    metrics = Counted()
    deps.services().search_metrics = metrics
    return metrics


def get(client: Client, path: str, headers: dict[str, str] | None = None, **params: Any) -> tuple[int, Any, Any]:
    response = client.http.get(f"{path}?{urlencode(params)}", headers=headers or {})
    return response.status_code, json.loads(response.body), response.headers


def stored(opensearch: OpenSearch, query_id: str) -> dict[str, Any]:
    opensearch.indices.refresh(index=QUERIES_INDEX)
    document: dict[str, Any] = opensearch.get(index=QUERIES_INDEX, id=query_id)["_source"]
    return document


def test_given_a_search_then_its_answer_has_a_query_id_and_the_record_is_stored(
    client: Client, opensearch: OpenSearch, counted: Counted
) -> None:
    status, body, headers = get(
        client, "/specialists", {"X-Client-Id": CLIENT_ID}, q="knee surgeon in Nottingham", bookable_online="true"
    )

    assert status == 200
    assert headers["X-Query-Id"] == body["query_id"]
    assert uuid.UUID(body["query_id"]).version == 4
    record = stored(opensearch, body["query_id"])
    assert record["application"] == "find-a-specialist"
    assert record["client_id"] == CLIENT_ID
    assert record["user_query"] == "knee surgeon in Nottingham"
    assert record["object_id_field"] == "specialist_id"
    assert uuid.UUID(record["query_response_id"]) != uuid.UUID(body["query_id"])
    assert record["query_response_hit_ids"] == [card["id"] for card in body["results"]]
    assert record["timestamp"].endswith("Z")
    attributes = record["query_attributes"]
    assert attributes["endpoint"] == "search"
    assert (attributes["total"], attributes["page"]) == (body["total"], 1)
    assert attributes["filters"] == {"bookable_online": True}
    assert attributes["interpreted"]["text"] == body["interpreted"]["text"]
    assert attributes["interpreted"]["parts"] == [{"kind": "place", "label": "near Nottingham"}]
    assert attributes["relaxed"] == [item["code"] for item in body["relaxed"]]
    assert attributes["did_you_mean"] is (body["did_you_mean"] is not None)
    assert 0 < attributes["latency_ms"] < 10_000
    assert counted.counted[-1]["Searches"] == 1
    assert counted.counted[-1]["AnalyticsRecordingFailures"] == 0


def test_given_the_index_is_made_on_first_use_then_it_has_the_explicit_mapping(
    client: Client, opensearch: OpenSearch
) -> None:
    assert get(client, "/specialists", q="cardiology")[0] == 200

    mapping = opensearch.indices.get_mapping(index=QUERIES_INDEX)[QUERIES_INDEX]["mappings"]

    assert mapping["dynamic"] == "strict"
    assert set(mapping["properties"]) == set(QUERIES_MAPPING["properties"])
    assert mapping["properties"]["timestamp"]["type"] == "date"


def test_given_typeahead_then_its_answer_has_a_query_id_and_the_record_lists_the_suggestions(
    client: Client, opensearch: OpenSearch, counted: Counted
) -> None:
    status, body, headers = get(client, "/suggest", q="card", limit="5")

    assert status == 200
    assert headers["X-Query-Id"] == body["query_id"]
    record = stored(opensearch, body["query_id"])
    assert record["client_id"] is None
    assert record["user_query"] == "card"
    assert record["query_response_hit_ids"] == [item["value"] for item in body["suggestions"]]
    assert record["query_attributes"]["endpoint"] == "suggest"
    assert record["query_attributes"]["filters"] == {"limit": 5}
    assert record["query_attributes"]["total"] == len(body["suggestions"])
    assert counted.counted[-1] == {"TypeaheadRequests": 1, "AnalyticsRecordingFailures": 0}


def test_given_planted_personal_data_then_none_of_it_is_stored_but_the_catalog_words_are(
    client: Client, opensearch: OpenSearch
) -> None:
    q = " ".join(
        [PLANTED["name"], PLANTED["email"], PLANTED["mobile"], PLANTED["landline"], "knee", PLANTED["postcode"]]
    )
    headers = {"User-Agent": PLANTED["user agent"], "X-Client-Id": PLANTED["email"]}

    searched = get(client, "/specialists", headers, q=q, near=PLANTED["postcode"])
    typed = get(client, "/suggest", headers, q=f"{PLANTED['name']} {PLANTED['mobile']}")

    assert (searched[0], typed[0]) == (200, 200)
    search_record = stored(opensearch, searched[1]["query_id"])
    suggest_record = stored(opensearch, typed[1]["query_id"])
    for record in (search_record, suggest_record):
        text = json.dumps(record).lower()
        assert [planted for planted in NEVER_STORED if planted in text] == []
        assert record["client_id"] is None
    assert search_record["user_query"] == "Dr [name] [name] [email] [phone] [phone] knee NW4"
    assert search_record["query_attributes"]["filters"]["near"] == "NW4"
    assert suggest_record["user_query"] == "Dr [name] [name] [phone]"


def test_given_a_catalog_specialists_name_then_it_is_stored_as_typed(client: Client, opensearch: OpenSearch) -> None:
    status, body, _ = get(client, "/specialists", q="Dr Krish Nandy")

    assert status == 200
    assert stored(opensearch, body["query_id"])["user_query"] == "Dr Krish Nandy"


def test_given_the_ubi_index_is_closed_then_the_search_still_answers_and_the_failure_is_counted(
    client: Client, opensearch: OpenSearch, counted: Counted
) -> None:
    assert get(client, "/specialists", q="hip")[0] == 200  # the index exists
    opensearch.indices.close(index=QUERIES_INDEX)
    try:
        status, body, headers = get(client, "/specialists", q="hip")
        typed = get(client, "/suggest", q="hip")
    finally:
        opensearch.indices.open(index=QUERIES_INDEX, wait_for_active_shards=1)

    assert (status, typed[0]) == (200, 200)
    assert body["results"]
    assert headers["X-Query-Id"] == body["query_id"]
    assert [values["AnalyticsRecordingFailures"] for values in counted.counted] == [0, 1, 1]
    opensearch.indices.refresh(index=QUERIES_INDEX)
    assert not opensearch.exists(index=QUERIES_INDEX, id=body["query_id"])
