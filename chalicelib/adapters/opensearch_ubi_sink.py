"""The analytics sink on the local stage: the UBI indices ``ubi_queries`` and ``ubi_events``
of the local OpenSearch node, so the search-quality report runs with no AWS account.

Each index is created on first use with the mapping below (never a dynamic guess of the
record's types), then one index request per record: fine locally, which is why production
writes log lines instead (``chalicelib.adapters.log_analytics_sink``). A query record's
document id is its ``query_id``. No refresh: a reader refreshes when it needs to.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from chalicelib.analytics.recorder import RecordKind

if TYPE_CHECKING:
    from opensearchpy import OpenSearch

QUERIES_INDEX = "ubi_queries"
EVENTS_INDEX = "ubi_events"
INDICES: Mapping[RecordKind, str] = {"query": QUERIES_INDEX, "event": EVENTS_INDEX}

_KEYWORD = {"type": "keyword"}
_COMMON = {
    "application": _KEYWORD,
    "query_id": _KEYWORD,
    "client_id": _KEYWORD,
    "timestamp": {"type": "date", "format": "strict_date_optional_time"},
}
QUERIES_MAPPING: dict[str, Any] = {
    "dynamic": "strict",
    "properties": {
        **_COMMON,
        "user_query": {"type": "keyword", "fields": {"text": {"type": "text"}}},
        "object_id_field": _KEYWORD,
        "query_response_id": _KEYWORD,
        "query_response_hit_ids": _KEYWORD,
        "query_attributes": {
            "properties": {
                "endpoint": _KEYWORD,
                "interpreted": {
                    "properties": {
                        "text": _KEYWORD,
                        "parts": {"properties": {"kind": _KEYWORD, "label": _KEYWORD}},
                    }
                },
                "relaxed": _KEYWORD,
                # One field per search parameter; the parameters keep their types.
                "filters": {"type": "object", "dynamic": True},
                "total": {"type": "integer"},
                "page": {"type": "integer"},
                "latency_ms": {"type": "float"},
                "did_you_mean": {"type": "boolean"},
            }
        },
    },
}
EVENTS_MAPPING: dict[str, Any] = {
    "dynamic": "strict",
    "properties": {
        **_COMMON,
        "action_name": _KEYWORD,
        "message_type": _KEYWORD,
        "event_attributes": {
            "properties": {
                "object": {"properties": {"object_id": _KEYWORD, "object_id_field": _KEYWORD}},
                "position": {"properties": {"ordinal": {"type": "integer"}}},
            }
        },
    },
}
MAPPINGS: Mapping[str, dict[str, Any]] = {QUERIES_INDEX: QUERIES_MAPPING, EVENTS_INDEX: EVENTS_MAPPING}


class OpenSearchUbiSink:
    def __init__(self, client: OpenSearch) -> None:
        self._client = client
        self._ready: set[str] = set()
        self._lock = threading.Lock()

    def record(self, kind: RecordKind, record: Mapping[str, Any]) -> None:
        index = INDICES[kind]
        self._ensure(index)
        document_id = record.get("query_id") if kind == "query" else None
        self._client.index(index=index, body=dict(record), id=document_id)

    def _ensure(self, index: str) -> None:
        if index in self._ready:
            return
        from opensearchpy.exceptions import RequestError

        with self._lock:
            if index in self._ready:
                return
            if not self._client.indices.exists(index=index):
                try:
                    body = {"settings": {"number_of_shards": 1}, "mappings": MAPPINGS[index]}
                    self._client.indices.create(index=index, body=body)
                except RequestError as exc:
                    if exc.error != "resource_already_exists_exception":
                        raise
            self._ready.add(index)
