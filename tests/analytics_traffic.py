"""A scripted week of search traffic in the UBI schema, with known answers
(tests/unit/test_analytics_report.py works them out by hand; docs/analytics-report.md defines them).

The report's window is ``SINCE`` before ``NOW``: Monday 2025-02-24 to Monday 2025-03-03, UTC.
Searches S1..S17 (page 1 of endpoint "search"), a second page P1, a typeahead answer T1, and
two records just outside the window (O1 a millisecond before it, O2 at its end).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

NOW = "2025-03-03T00:00:00Z"
SINCE = "7d"
APP = "find-a-specialist"
# Not parseable: counted as skipped by the file source.
BAD_LINES = ["this is not json", json.dumps({"ubi": "query", "record": {"query_id": "no-timestamp"}})]


def qid(name: str) -> str:
    """A stable uuid-shaped id per record name (S1, P1, ...)."""
    return f"00000000-0000-4000-8000-{name.encode().hex():0>12}"


def query(
    name: str,
    at: str,
    client: str | None,
    text: str,
    total: int,
    latency_ms: float,
    *,
    relaxed: tuple[str, ...] = (),
    page: int = 1,
    endpoint: str = "search",
    filters: dict[str, Any] | None = None,
    parts: tuple[str, ...] = (),
) -> dict[str, Any]:
    return {
        "application": APP,
        "query_id": qid(name),
        "client_id": client,
        "timestamp": at,
        "user_query": text,
        "query_attributes": {
            "endpoint": endpoint,
            "interpreted": {"text": text, "parts": [{"kind": kind, "label": kind.title()} for kind in parts]},
            "relaxed": list(relaxed),
            "filters": filters or {},
            "total": total,
            "page": page,
            "latency_ms": latency_ms,
            "did_you_mean": False,
        },
        "object_id_field": "specialist_id",
        "query_response_id": qid(name + "r"),
        "query_response_hit_ids": [],
    }


def event(
    name: str, at: str, client: str | None, action: str, object_id: str, position: int | None, kind: str = "CLICK"
) -> dict[str, Any]:
    return {
        "application": APP,
        "action_name": action,
        "query_id": qid(name),
        "client_id": client,
        "timestamp": at,
        "message_type": kind,
        "event_attributes": {
            "object": {"object_id": object_id, "object_id_field": "specialist_id"},
            "position": {"ordinal": position},
        },
    }


def enquiry_sent(name: str, at: str, object_id: str) -> dict[str, Any]:
    """What the service records when an enquiry naming answer ``name`` is stored: not a click."""
    return event(name, at, None, "enquire", object_id, None, kind="ENQUIRY_SENT")


NEAR_HENDON = {"near": "hendon", "radius_miles": 10}
MASKED_NEAR_BUPA = {"near": "[masked]", "insurer": ["Bupa"]}
D1, D2, D3 = "2025-02-28T", "2025-03-01T", "2025-03-02T"
QUERIES = [
    query("O1", "2025-02-23T23:59:59.999Z", "c9", "old query", 0, 500.0),
    query("T1", D1 + "08:59:50.000Z", "c1", "derm", 5, 10.0, endpoint="suggest"),
    query("S1", D1 + "09:00:00.000Z", "c1", "skin doctor bristol", 0, 40.0, parts=("place",)),
    query("S2", D1 + "09:00:30.000Z", "c1", "dermatologist bristol", 12, 50.0, parts=("place",)),
    query("P1", D1 + "09:00:35.000Z", "c1", "dermatologist bristol", 12, 200.0, page=2, parts=("place",)),
    query("S3", D1 + "10:00:00.000Z", "c2", "Skin  doctor Bristol", 0, 45.0, parts=("place",)),
    query("S4", D1 + "10:00:50.000Z", "c2", "dermatologist bristol", 12, 55.0, parts=("place",)),
    query("S5", D1 + "11:00:00.000Z", "c3", "hip replacment", 5, 60.0, relaxed=("spelling",)),
    query("S6", D1 + "11:00:20.000Z", "c3", "hip replacement", 30, 70.0),
    query("S7", D1 + "12:00:00.000Z", "c4", "knee surgeon", 20, 80.0),
    query("S8", D1 + "12:01:30.000Z", "c4", "knee surgeon london", 8, 85.0, parts=("place",)),
    query("S9", D1 + "13:00:00.000Z", None, "cardiologist", 15, 30.0),
    query("S10", D1 + "13:00:10.000Z", None, "cardiologist", 15, 35.0, filters=MASKED_NEAR_BUPA),
    query("S11", D1 + "14:00:00.000Z", "c5", "back pain", 0, 120.0),
    query("S12", D1 + "14:00:40.000Z", "c5", "back pain", 10, 90.0, relaxed=("near",), filters=NEAR_HENDON),
    query("S13", D2 + "09:00:00.000Z", "c6", "[name] cardiology", 0, 20.0),
    query("S14", D2 + "10:00:00.000Z", "c7", "gp", 0, 25.0),
    query("S15", D2 + "10:00:10.000Z", "c7", "gp", 0, 26.0),
    query("S16", D3 + "09:00:00.000Z", "c8", "skin doctor bristol", 0, 41.0, parts=("place",)),
    query("S17", D3 + "09:01:10.000Z", "c8", "dermatologist bristol", 12, 58.0, parts=("place",)),
    query("O2", NOW.replace("Z", ".000Z"), "c9", "too late", 0, 600.0),
]
EVENTS = [
    event("T1", D1 + "08:59:55.000Z", "c1", "suggest_pick", "dermatology", 1),
    event("S2", D1 + "09:00:40.000Z", "c1", "view_profile", "krish-nandy", 2),
    event("S2", D1 + "09:00:50.000Z", "c1", "view_profile", "christine-marklow", 5),
    event("P1", D1 + "09:00:45.000Z", "c1", "view_profile", "sp-000011", 11),
    event("S4", D1 + "10:01:00.000Z", "c2", "view_profile", "krish-nandy", 3),
    event("S4", D1 + "10:01:30.000Z", "c2", "book", "kay-rowlands", 1),
    event("S6", D1 + "11:00:30.000Z", "c3", "view_profile", "christine-marklow", 3),
    event("S8", D1 + "12:02:00.000Z", "c4", "enquire", "margaret-mary-searle", 5),
    event("S10", D1 + "13:00:20.000Z", None, "view_profile", "gordon-james-turnbull", 1),
    event("S12", D1 + "14:00:50.000Z", "c5", "view_profile", "richard-oflynn", 4),
    event("S17", D3 + "09:01:20.000Z", "c8", "view_profile", "sp-000007", 2),
    event("O2", NOW.replace("Z", ".000Z"), "c9", "view_profile", "sp-000008", 1),
    enquiry_sent("S8", D1 + "12:04:00.000Z", "margaret-mary-searle"),
    enquiry_sent("S7", D1 + "12:00:50.000Z", "sp-000003"),  # its page's click was lost: still no click
    enquiry_sent("P1", D1 + "09:02:00.000Z", "sp-000011"),  # a later page: no search of its own
]


def log_lines() -> list[str]:
    """The records as the api function's log lines carry them (the Athena export's lines)."""
    return [json.dumps({"ubi": "query", "record": record}) for record in QUERIES] + [
        json.dumps({"ubi": "event", "record": record}) for record in EVENTS
    ]


def write_export(path: Path, *, bad_lines: bool = True) -> Path:
    lines = log_lines() + (BAD_LINES if bad_lines else [])
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
