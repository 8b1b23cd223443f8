"""The UBI records the weekly report reads, parsed into what its figures need.

Both sources carry the records of the shared schema (``docs/analytics.md``): query records
(``ubi_queries``) and event records (``ubi_events``). A record that does not parse is
skipped and counted, never guessed at: the report says how many it skipped.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from chalicelib.analytics.event_records import CLICK, ENQUIRY_SENT

KINDS = ("query", "event")


@dataclass(frozen=True)
class Query:
    query_id: str
    client_id: str | None
    at: datetime
    text: str
    endpoint: str
    page: int
    total: int
    relaxed: tuple[str, ...]
    latency_ms: float
    filters: Mapping[str, Any]
    part_kinds: tuple[str, ...]


@dataclass(frozen=True)
class Event:
    query_id: str
    client_id: str | None
    at: datetime
    action: str
    object_id: str
    position: int  # 0 for an enquiry sent, which has none
    message_type: str = CLICK

    @property
    def enquiry_sent(self) -> bool:
        return self.message_type == ENQUIRY_SENT


@dataclass
class Traffic:
    queries: list[Query] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    skipped: int = 0

    def add(self, kind: str, record: Mapping[str, Any]) -> None:
        """One record of ``kind`` ("query" or "event"); one that does not parse is counted in ``skipped``."""
        try:
            if kind == "query":
                self.queries.append(parse_query(record))
            elif kind == "event":
                self.events.append(parse_event(record))
            else:
                raise ValueError(kind)
        except (AttributeError, KeyError, TypeError, ValueError):
            self.skipped += 1

    def within(self, start: datetime, end: datetime) -> Traffic:
        """The records with ``start <= timestamp < end``."""
        return Traffic(
            [query for query in self.queries if start <= query.at < end],
            [event for event in self.events if start <= event.at < end],
            self.skipped,
        )


def timestamp(text: str) -> datetime:
    """An RFC 3339 time as an aware UTC datetime; naive times are refused."""
    at = datetime.fromisoformat(text)
    if at.tzinfo is None:
        raise ValueError(f"timestamp without a zone: {text!r}")
    return at.astimezone(UTC)


def parse_query(record: Mapping[str, Any]) -> Query:
    attributes = record["query_attributes"]
    parts = attributes.get("interpreted", {}).get("parts", [])
    return Query(
        query_id=str(record["query_id"]),
        client_id=record.get("client_id") or None,
        at=timestamp(record["timestamp"]),
        text=str(record.get("user_query") or ""),
        endpoint=str(attributes["endpoint"]),
        page=int(attributes.get("page", 1)),
        total=int(attributes["total"]),
        relaxed=tuple(str(code) for code in attributes.get("relaxed") or ()),
        latency_ms=float(attributes["latency_ms"]),
        filters=_filters(attributes.get("filters")),
        part_kinds=tuple(str(part["kind"]) for part in parts),
    )


def _filters(value: Any) -> dict[str, Any]:
    """The filters object; Athena's tables keep it as its JSON text (no Hive type fits it)."""
    filters = json.loads(value) if isinstance(value, str) else value or {}
    if not isinstance(filters, dict):
        raise ValueError("filters is not an object")
    return filters


def parse_event(record: Mapping[str, Any]) -> Event:
    """A click must have a position; an enquiry sent has none."""
    attributes = record["event_attributes"]
    message_type = str(record.get("message_type") or "")
    ordinal = (attributes.get("position") or {}).get("ordinal")
    if ordinal is None and message_type != ENQUIRY_SENT:
        raise ValueError("a click without a position")
    return Event(
        query_id=str(record["query_id"]),
        client_id=record.get("client_id") or None,
        at=timestamp(record["timestamp"]),
        action=str(record["action_name"]),
        object_id=str(attributes["object"]["object_id"]),
        position=0 if ordinal is None else int(ordinal),
        message_type=message_type,
    )


def from_log_lines(lines: Iterable[str]) -> Traffic:
    """An Athena export in JSON Lines: each line ``{"ubi": "query"|"event", "record": {...}}``,
    as the api function's log line carries it; blank lines are ignored."""
    traffic = Traffic()
    for line in lines:
        if not line.strip():
            continue
        try:
            wrapped = json.loads(line)
            kind, record = wrapped["ubi"], wrapped["record"]
        except (ValueError, KeyError, TypeError):
            traffic.skipped += 1
            continue
        traffic.add(kind, record)
    return traffic
