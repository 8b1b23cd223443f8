"""Property: no click event body gets a 5xx or a leak, and nothing but the schema reaches the store.

``POST /events`` in-process: moto for the rate-limit table, the real OpenSearch node's
``ubi_events`` index as the local stage's sink. Every field gets hostile values and wrong
types; whole bodies come as junk, repeated keys, NaN, raw bytes, oversize; the content type
varies as pages and beacons send it. What an accepted event stored is read back from the index.
"""

from __future__ import annotations

import json
import re
import uuid
from typing import Any

import pytest
from chalice.test import Client
from hypothesis import event, given
from hypothesis import strategies as st
from opensearchpy import OpenSearch

from chalicelib.adapters.opensearch_ubi_sink import EVENTS_INDEX
from chalicelib.analytics.click_events import ClickEvent
from chalicelib.analytics.event_records import ACTIONS
from chalicelib.analytics.ubi import client_id_of
from tests.hostile.strategies import HOSTILE, LONG, TEXT
from tests.hostile.support import ALLOWED_ORIGIN, answer_of, check, hostile

pytestmark = pytest.mark.integration

FIELDS = tuple(ClickEvent.model_fields)
STATUSES = {202, 400, 413, 415, 429}
ID = re.compile(r"[a-z0-9-]{1,64}")
SUGGESTION = re.compile(r"[A-Za-z0-9][A-Za-z0-9 '-]{0,63}|[A-Za-z0-9 '-]*\[phone\][A-Za-z0-9 '-]*")
RECORD_KEYS = {"application", "action_name", "query_id", "client_id", "timestamp", "message_type", "event_attributes"}

QUERY_IDS = st.one_of(
    st.uuids(version=4).map(str),
    st.uuids(version=4).map(lambda value: str(value).upper()),
    st.sampled_from(["", "null", "*", "0" * 36, str(uuid.UUID(int=0)) + "\n"]),
    TEXT,
)
FIELD_VALUES: dict[str, st.SearchStrategy[Any]] = {
    "query_id": QUERY_IDS,
    "action": st.one_of(st.sampled_from([*ACTIONS, "VIEW_PROFILE", "purchase", "", "book\r\n"]), TEXT),
    "position": st.one_of(
        st.sampled_from([0, -1, 1, 1_000, 1_001]),
        st.integers(min_value=-5, max_value=1_005),
        st.sampled_from(["2", True, 2.0, None, 2**70, [1]]),
    ),
    "object_id": st.one_of(
        st.sampled_from(
            ["krish-nandy", "Krish Nandy", "King's Lynn", "x" * 65, "jane@example.com", "07700 900123", "NW4 1RP", ""]
        ),
        TEXT,
    ),
    "client_id": st.one_of(
        st.none(),
        st.uuids().map(str),
        st.sampled_from(["jane.doe@example.com", "Jane Doeberry", "07700 900123", "a1" * 40]),
        TEXT,
    ),
}
CHANGES = st.lists(
    st.sampled_from(FIELDS).flatmap(lambda name: st.tuples(st.just(name), st.one_of(FIELD_VALUES[name], HOSTILE))),
    max_size=3,
).map(dict)
EXTRAS = st.dictionaries(st.one_of(TEXT, st.sampled_from(["email", "ip", "user_agent", "__proto__"])), TEXT, max_size=2)
DROPS = st.sets(st.sampled_from(FIELDS), max_size=2)


def _good(query_id: uuid.UUID) -> dict[str, Any]:
    return {"query_id": str(query_id), "action": "view_profile", "position": 2, "object_id": "krish-nandy"}


def _encode(body: Any) -> bytes:
    return json.dumps(body, allow_nan=True).encode("utf-8", "surrogatepass")


BODIES = st.one_of(
    # One field changed to one of its edge values: near misses, many of them accepted.
    st.builds(
        lambda query_id, change: _encode({**_good(query_id), **change}),
        st.uuids(version=4),
        st.sampled_from(FIELDS).flatmap(lambda name: FIELD_VALUES[name].map(lambda value: {name: value})),
    ),
    st.builds(
        lambda query_id, value: _encode({**_good(query_id), "action": "suggest_pick", "object_id": value}),
        st.uuids(version=4),
        FIELD_VALUES["object_id"],
    ),
    st.builds(
        lambda query_id, changes, drops, extras: _encode(
            {**{k: v for k, v in _good(query_id).items() if k not in drops}, **changes, **extras}
        ),
        st.uuids(version=4),
        CHANGES,
        DROPS,
        EXTRAS,
    ),
    st.builds(lambda query_id, value: _encode({**_good(query_id), "client_id": value}), st.uuids(version=4), LONG),
    st.builds(
        lambda query_id: ('{"query_id": "%s", "query_id": "%s"}' % (query_id, query_id)).encode(),  # noqa: UP031
        st.uuids(version=4),
    ),
    st.builds(_encode, st.sampled_from([float("nan"), [1, 2], "text", None, {"position": float("inf")}])),
    st.binary(max_size=200),
)
CONTENT_TYPES = st.sampled_from(
    ["application/json", "text/plain", "text/plain;charset=UTF-8", "application/x-www-form-urlencoded"]
)


@pytest.fixture(scope="module")
def opensearch(demo_index: str) -> OpenSearch:
    return OpenSearch(hosts=[demo_index], timeout=30)


def _stored(opensearch: OpenSearch, query_id: str) -> list[dict[str, Any]]:
    opensearch.indices.refresh(index=EVENTS_INDEX)
    hits = opensearch.search(index=EVENTS_INDEX, body={"query": {"term": {"query_id": query_id}}, "size": 50})
    return [hit["_source"] for hit in hits["hits"]["hits"]]


@hostile(120)
@given(raw=BODIES, content_type=CONTENT_TYPES)
def test_any_event_body_is_answered_as_documented_and_only_the_schema_is_stored(
    client: Client, opensearch: OpenSearch, raw: bytes, content_type: str
) -> None:
    headers = {"Content-Type": content_type, "Origin": ALLOWED_ORIGIN}
    answer = answer_of(client.http.post("/events", headers=headers, body=raw))

    event(f"status {answer.status}")
    check(answer, STATUSES, raw.decode("utf-8", "replace"))
    if answer.status == 400:
        assert answer.error["field"] is None or answer.error["field"] in {*FIELDS, *_keys(raw)}, answer.body
    if answer.status != 202:
        return
    assert content_type != "application/x-www-form-urlencoded"
    assert answer.body == {"status": "recorded"}
    body = json.loads(raw)
    # The hostile enquiries (another module, the same node, the same derandomised UUIDs) may have
    # recorded an enquiry sent under this id: only the page's events are this test's.
    records = [record for record in _stored(opensearch, body["query_id"]) if record["message_type"] != "ENQUIRY_SENT"]
    assert records, "accepted but not stored"
    for record in records:
        assert set(record) == RECORD_KEYS, record
        assert record["action_name"] in ACTIONS
        assert record["message_type"] == "CLICK"
        attributes = record["event_attributes"]
        shape = SUGGESTION if record["action_name"] == "suggest_pick" else ID
        assert shape.fullmatch(attributes["object"]["object_id"]), record
        assert isinstance(attributes["position"]["ordinal"], int)
        assert 1 <= attributes["position"]["ordinal"] <= 1000
        assert record["client_id"] is None or client_id_of(record["client_id"]) == record["client_id"], record


def _keys(raw: bytes) -> set[str]:
    try:
        body = json.loads(raw)
    except ValueError:
        return set()
    return {str(key)[:40] for key in body} if isinstance(body, dict) else set()
