"""Click events on the real engines (issue 18, item 2): ``POST /events`` through the Chalice app
on the local stage, whose sink is the ``ubi_events`` index of the same OpenSearch node and whose
rate limit is counted in moto's DynamoDB; what is stored is read back from the index."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

import pytest
from chalice.test import Client
from opensearchpy import OpenSearch

from chalicelib import deps
from chalicelib.adapters.dynamodb_rate_counter import DynamoDBRateCounter
from chalicelib.adapters.opensearch_ubi_sink import EVENTS_INDEX
from chalicelib.analytics.click_events import ClickEvents
from chalicelib.analytics.recorder import EVENTS, RECORDING_FAILURES, RecordKind
from tests.conftest import local_api
from tests.enquiries import GOOD

pytestmark = pytest.mark.integration

CLIENT_ID = "5f0c8a9e-7d41-4b2e-8f3a-61c2d9e07b54"


class Counted:
    def __init__(self) -> None:
        self.counted: list[dict[str, float]] = []

    def count(self, values: Mapping[str, float]) -> None:
        self.counted.append(dict(values))


class BrokenSink:
    def record(self, kind: RecordKind, record: Mapping[str, Any]) -> None:
        raise ConnectionError("the store is down")


@pytest.fixture
def opensearch(demo_index: str) -> OpenSearch:
    return OpenSearch(hosts=[demo_index], timeout=30)


@pytest.fixture
def client(demo_index: str, aws: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[Client]:
    with local_api(monkeypatch, demo_index) as chalice_client:
        yield chalice_client


def search(client: Client, **params: Any) -> dict[str, Any]:
    response = client.http.get(f"/specialists?{urlencode(params)}")
    assert response.status_code == 200
    answer: dict[str, Any] = json.loads(response.body)
    return answer


def send(
    client: Client, body: Any, content_type: str = "application/json", headers: dict[str, str] | None = None
) -> tuple[int, dict[str, Any], Any]:
    raw = body if isinstance(body, (str, bytes)) else json.dumps(body)
    response = client.http.post("/events", headers={"Content-Type": content_type, **(headers or {})}, body=raw)
    return response.status_code, json.loads(response.body or b"{}"), response.headers


def events_of(opensearch: OpenSearch, query_id: str) -> list[dict[str, Any]]:
    if not opensearch.indices.exists(index=EVENTS_INDEX):
        return []
    opensearch.indices.refresh(index=EVENTS_INDEX)
    hits = opensearch.search(index=EVENTS_INDEX, body={"query": {"term": {"query_id": query_id}}, "size": 100})
    return [hit["_source"] for hit in hits["hits"]["hits"]]


def click(query_id: str, **fields: Any) -> dict[str, Any]:
    return {"query_id": query_id, "action": "view_profile", "position": 2, "object_id": "krish-nandy", **fields}


def test_given_a_click_on_the_second_card_then_the_event_is_stored_under_the_answers_query_id(
    client: Client, opensearch: OpenSearch
) -> None:
    answer = search(client, q="psychiatrist near Hendon")
    second = answer["results"][1]["id"]
    before = datetime.now(UTC)

    status, body, _ = send(client, click(answer["query_id"], object_id=second, client_id=CLIENT_ID))

    assert (status, body) == (202, {"status": "recorded"})
    [event] = events_of(opensearch, answer["query_id"])
    at = datetime.fromisoformat(event.pop("timestamp"))
    assert before - timedelta(seconds=1) <= at <= datetime.now(UTC) + timedelta(seconds=1)
    assert event == {
        "application": "find-a-specialist",
        "action_name": "view_profile",
        "query_id": answer["query_id"],
        "client_id": CLIENT_ID,
        "message_type": "CLICK",
        "event_attributes": {
            "object": {"object_id": second, "object_id_field": "specialist_id"},
            "position": {"ordinal": 2},
        },
    }


def test_given_a_beacon_then_text_plain_is_taken_and_a_suggestion_pick_names_the_suggestion(
    client: Client, opensearch: OpenSearch
) -> None:
    response = client.http.get("/suggest?q=derm")
    answer = json.loads(response.body)
    first = answer["suggestions"][0]["value"]
    event = {"query_id": answer["query_id"], "action": "suggest_pick", "position": 1, "object_id": first}

    status, _, _ = send(client, event, content_type="text/plain;charset=UTF-8")

    assert status == 202
    [stored] = events_of(opensearch, answer["query_id"])
    assert stored["action_name"] == "suggest_pick"
    assert stored["event_attributes"]["object"] == {"object_id": first, "object_id_field": "suggestion"}


def test_given_a_place_suggestion_picked_then_its_name_is_kept_and_a_phone_number_never(
    client: Client, opensearch: OpenSearch
) -> None:
    answer = json.loads(client.http.get("/suggest?q=kings%20ly").body)
    place = next(s["value"] for s in answer["suggestions"] if s["type"] == "place")
    planted = str(uuid.uuid4())
    pick = {"query_id": answer["query_id"], "action": "suggest_pick", "position": 1, "object_id": place}

    assert send(client, pick)[0] == 202
    assert send(client, {**pick, "query_id": planted, "object_id": "07700 900123"})[0] == 202

    assert place == "King's Lynn"
    assert [e["event_attributes"]["object"]["object_id"] for e in events_of(opensearch, answer["query_id"])] == [place]
    assert [e["event_attributes"]["object"]["object_id"] for e in events_of(opensearch, planted)] == ["[phone]"]


@pytest.mark.parametrize(
    ("body_client_id", "header", "kept"),
    [
        (CLIENT_ID, None, CLIENT_ID),
        (None, CLIENT_ID, CLIENT_ID),  # no client id in the body: the header's
        ("jane.doe@example.com", CLIENT_ID, None),  # the body's wins, and is dropped: not random
        ("Jane Doeberry", None, None),
    ],
)
def test_given_a_client_id_then_only_a_random_one_is_kept(
    client: Client, opensearch: OpenSearch, body_client_id: str | None, header: str | None, kept: str | None
) -> None:
    query_id = str(uuid.uuid4())
    body = click(query_id) if body_client_id is None else click(query_id, client_id=body_client_id)

    status, _, _ = send(client, body, headers={"X-Client-Id": header} if header else None)

    assert status == 202
    [event] = events_of(opensearch, query_id)
    assert event["client_id"] == kept


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"action": "view_profile", "position": 2, "object_id": "krish-nandy"}, "query_id"),
        (click("not-a-uuid"), "query_id"),
        (click("0B6F4D1E-3C2A-4F7B-9A51-2D8E6C7F0A13"), "query_id"),  # ours are lower case
        (click("{Q}", action="purchase"), "action"),
        (click("{Q}", position=0), "position"),
        (click("{Q}", position=1001), "position"),
        (click("{Q}", position="2"), "position"),
        (click("{Q}", position=True), "position"),
        (click("{Q}", position=2.0), "position"),
        (click("{Q}", object_id="Krish Nandy"), "object_id"),  # a place's name, but no specialist's id
        (click("{Q}", action="suggest_pick", object_id="jane@example.com"), "object_id"),
        (click("{Q}", object_id="x" * 65), "object_id"),
        (click("{Q}", client_id=7), "client_id"),
        (click("{Q}", email="jane@example.com"), "email"),
        ('{"query_id": "{Q}", "query_id": "{Q}"}', "query_id"),
        ('{"query_id": "{Q}", "action": "book", "position": NaN, "object_id": "krish-nandy"}', None),
        ("[1, 2]", None),
        ("not json", None),
    ],
)
def test_given_a_bad_event_then_400_names_the_field_and_nothing_is_stored(
    client: Client, opensearch: OpenSearch, body: Any, field: str | None
) -> None:
    query_id = str(uuid.uuid4())
    text = json.dumps(body) if isinstance(body, dict) else body
    text = text.replace("{Q}", query_id)

    status, answer, _ = send(client, text)

    assert status == 400
    assert answer["error"]["code"] == "invalid_parameter"
    assert answer["error"]["field"] == field
    assert events_of(opensearch, query_id) == []


def test_given_an_event_over_2_kib_then_413_and_nothing_is_stored(client: Client, opensearch: OpenSearch) -> None:
    query_id = str(uuid.uuid4())
    status, answer, _ = send(client, click(query_id, client_id="a1" * 1100))

    assert status == 413
    assert answer["error"] == {
        "code": "payload_too_large",
        "message": "The request body must be at most 2 KiB",
        "field": None,
    }
    assert events_of(opensearch, query_id) == []


def test_given_another_content_type_then_415(client: Client) -> None:
    status, _, _ = send(client, click(str(uuid.uuid4())), content_type="application/x-www-form-urlencoded")

    assert status == 415


def test_given_more_events_than_the_hourly_limit_then_429_with_retry_after_and_the_excess_is_not_stored(
    client: Client, opensearch: OpenSearch, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EVENTS_RATE_PER_HOUR", "3")
    deps.reset()
    query_ids = [str(uuid.uuid4()) for _ in range(4)]

    answers = [send(client, click(query_id)) for query_id in query_ids]

    assert [status for status, _, _ in answers] == [202, 202, 202, 429]
    _, body, headers = answers[3]
    assert body["error"]["code"] == "rate_limited"
    assert "events" in body["error"]["message"]
    assert 0 < int(headers["Retry-After"]) <= 3600
    assert [len(events_of(opensearch, query_id)) for query_id in query_ids] == [1, 1, 1, 0]


def test_given_the_rate_limit_table_unreachable_then_the_event_is_still_recorded(
    client: Client, opensearch: OpenSearch
) -> None:
    # The stage's config sets RATE_LIMIT_TABLE on every request: the counter is pointed elsewhere here.
    services = deps.services()
    settings = services.app_settings
    counter = DynamoDBRateCounter(services.clients.dynamodb, "no-such-table")
    services.click_events = ClickEvents(
        services.event_recorder, counter, settings.events_ip_rate_per_hour, settings.rate_limit_salt
    )
    query_id = str(uuid.uuid4())

    status, _, _ = send(client, click(query_id))

    assert status == 202
    assert len(events_of(opensearch, query_id)) == 1


def test_given_the_sink_failing_then_202_and_the_loss_is_counted(client: Client) -> None:
    services = deps.services()
    services.analytics_sink = BrokenSink()
    counted = Counted()
    services.search_metrics = counted

    status, body, _ = send(client, click(str(uuid.uuid4())))

    assert (status, body) == (202, {"status": "recorded"})
    assert counted.counted == [{EVENTS: 1.0, RECORDING_FAILURES: 1.0}]


def post_enquiry(client: Client, body: dict[str, Any], key: str | None = None) -> tuple[int, dict[str, Any]]:
    headers = {"Content-Type": "application/json", **({"Idempotency-Key": key} if key else {})}
    response = client.http.post("/enquiries", headers=headers, body=json.dumps(body))
    return response.status_code, json.loads(response.body)


def test_given_an_enquiry_from_a_search_then_an_enquiry_sent_event_links_it_back_once(
    client: Client, opensearch: OpenSearch
) -> None:
    answer = search(client, q="psychodynamic therapy")
    body = {**GOOD, "query_id": answer["query_id"]}

    first = post_enquiry(client, body, key="form-1")
    replay = post_enquiry(client, body, key="form-1")

    assert first[0] == replay[0] == 202
    assert first[1] == replay[1]
    [event] = events_of(opensearch, answer["query_id"])
    assert event["action_name"] == "enquire"
    assert event["message_type"] == "ENQUIRY_SENT"
    assert event["event_attributes"] == {
        "object": {"object_id": GOOD["specialist_id"], "object_id_field": "specialist_id"},
        "position": {"ordinal": None},
    }
    assert event["client_id"] is None
    stored_text = json.dumps(event)
    for personal in (GOOD["email"], GOOD["first_name"], GOOD["last_name"], "7946", "appointment"):
        assert personal not in stored_text


def test_given_a_general_enquiry_from_a_search_then_the_event_names_the_hospital(
    client: Client, opensearch: OpenSearch
) -> None:
    query_id = str(uuid.uuid4())
    body = {key: value for key, value in GOOD.items() if key not in ("specialist_id", "treatment")}

    status, _ = post_enquiry(client, {**body, "query_id": query_id})

    assert status == 202
    [event] = events_of(opensearch, query_id)
    assert event["event_attributes"]["object"] == {"object_id": "hendon", "object_id_field": "hospital_id"}


def test_given_an_enquiry_caught_by_the_honeypot_or_refused_then_no_event(
    client: Client, opensearch: OpenSearch
) -> None:
    caught, refused = str(uuid.uuid4()), str(uuid.uuid4())

    assert post_enquiry(client, {**GOOD, "website": "spam.example", "query_id": caught})[0] == 202
    status, answer = post_enquiry(client, {**GOOD, "query_id": "not-a-uuid"})

    assert (status, answer["error"]["field"]) == (400, "query_id")
    assert events_of(opensearch, caught) == []
    assert events_of(opensearch, refused) == []
