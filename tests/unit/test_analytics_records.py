"""The UBI query record of a search or typeahead answer (``chalicelib.analytics.records``), the
recorder that never fails a search (``recorder``) and the production sinks' lines."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import pytest

from chalicelib.adapters.emf_search_metrics import EmfSearchMetrics
from chalicelib.adapters.log_analytics_sink import LogAnalyticsSink
from chalicelib.analytics.recorder import QueryRecorder, RecordKind
from chalicelib.analytics.records import Asked, search_record, suggest_record
from chalicelib.analytics.ubi import client_id_of
from chalicelib.search.request import SearchRequest
from chalicelib.search.responses import SearchResults, Suggestions
from chalicelib.search.understanding import Vocabulary

AT = datetime(2026, 12, 5, 1, 2, 3, 456789, tzinfo=UTC)
ASKED = Asked("q-1", "r-1", None, AT, 12.34567)
CATALOG = Vocabulary(words=frozenset({"knee", "pain", "cardiology", "surgeon"}))
QUERY_FIELDS = {
    "application", "query_id", "client_id", "timestamp", "user_query", "query_attributes", "object_id_field",
    "query_response_id", "query_response_hit_ids",
}  # fmt: skip
ATTRIBUTES = {"endpoint", "interpreted", "relaxed", "filters", "total", "page", "latency_ms", "did_you_mean"}


def known(word: str) -> bool:
    return CATALOG.spells(word)


def card(specialist_id: str, name: str) -> dict[str, Any]:
    return {"id": specialist_id, "name": name}


def results(q: str, cards: list[dict[str, Any]], **more: Any) -> SearchResults:
    answer: dict[str, Any] = {
        "total": len(cards),
        "page": 1,
        "page_size": 10,
        "results": cards,
        "facets": {},
        "did_you_mean": None,
        "interpreted": {"text": q, "filters": {}, "near": None, "parts": [], "conflicts": []},
        "relaxed": [],
        "notices": [],
        "page_link": None,
        **more,
    }
    return answer  # type: ignore[return-value]


# --- the client id ------------------------------------------------------------------------


@pytest.mark.parametrize("header", ["0f8fa1c2-6a4e-4c55-9d2b-8a1c8e1f3b7d", "Zq3_x9-LmP0aB7cD4eF2gH", "a1" * 32])
def test_given_a_random_client_id_then_it_is_kept(header: str) -> None:
    assert client_id_of(header) == header


@pytest.mark.parametrize(
    "header",
    [
        None, "", "jane.doe@example.com", "Jane Doeberry", "abcdefghijklmnopqrstuvwx", "07700900123071",
        "192.168.1.20", "Mozilla/5.0 (X11; Linux x86_64)", "a1" * 33, "short1",
    ],
)  # fmt: skip
def test_given_a_client_id_that_is_not_random_then_it_is_dropped(header: str | None) -> None:
    assert client_id_of(header) is None


# --- the search record --------------------------------------------------------------------


def test_given_a_search_then_the_record_has_the_ubi_fields_and_the_ids_shown() -> None:
    request = SearchRequest(q="knee surgeon", page=1)
    answer = results(
        "knee surgeon",
        [card("krish-nandy", "Dr Krish Nandy"), card("kay-rowlands", "Mrs Kay Rowlands")],
        total=42,
        relaxed=[{"code": "radius", "message": "m"}, {"code": "dropped", "message": "m", "field": "insurer"}],
        did_you_mean="knee surgeon",
    )

    record = search_record(ASKED, request, answer, known)

    assert set(record) == QUERY_FIELDS
    assert set(record["query_attributes"]) == ATTRIBUTES
    assert record["application"] == "find-a-specialist"
    assert record["timestamp"] == "2026-12-05T01:02:03.456Z"
    assert (record["query_id"], record["query_response_id"], record["client_id"]) == ("q-1", "r-1", None)
    assert record["object_id_field"] == "specialist_id"
    assert record["query_response_hit_ids"] == ["krish-nandy", "kay-rowlands"]
    attributes = record["query_attributes"]
    assert attributes["endpoint"] == "search"
    assert (attributes["total"], attributes["page"], attributes["did_you_mean"]) == (42, 1, True)
    assert attributes["relaxed"] == ["radius", "dropped"]
    assert attributes["latency_ms"] == 12.346
    assert attributes["filters"] == {}
    json.dumps(record)  # JSON-ready


def test_given_a_name_then_a_specialist_shown_is_kept_and_anyone_else_masked() -> None:
    request = SearchRequest(q="Dr Krish Nandy or Dr Jane Doeberry knee")
    answer = results("krish nandy jane doeberry knee", [card("krish-nandy", "Dr Krish Nandy")])

    record = search_record(ASKED, request, answer, known)

    assert record["user_query"] == "Dr Krish Nandy or Dr [name] [name] knee"
    assert record["query_attributes"]["interpreted"]["text"] == "krish nandy [masked] [masked] knee"


def test_given_the_words_left_to_match_lost_the_signs_of_an_address_then_they_are_masked_as_in_the_query() -> None:
    """Understanding leaves "jane doeberry example com 07700 900123": masked word by word, it would pass."""
    request = SearchRequest(q="jane.doeberry@example.com 07700 900123 knee NW4 1RP")
    answer = results("jane doeberry example com 07700 900123 knee nw4 1rp", [])

    record = search_record(ASKED, request, answer, known)

    assert record["user_query"] == "[email] [phone] knee NW4"
    assert (
        record["query_attributes"]["interpreted"]["text"]
        == "[masked] [masked] [masked] [masked] [masked] [masked] knee nw4 [masked]"
    )


def test_given_understood_parts_then_their_words_are_kept_and_labels_lose_full_postcodes() -> None:
    request = SearchRequest(q="Knee pain Covered by Bupa NW4 1RP")
    parts = [
        {"kind": "insurer", "label": "Covered by Bupa", "words": "Covered by Bupa"},
        {"kind": "place", "label": "near NW4 1RP", "words": "NW4 1RP"},
    ]
    interpreted: dict[str, Any] = {"text": "Knee pain", "filters": {}, "near": None, "parts": parts, "conflicts": []}
    answer = results(request.q, [], interpreted=interpreted)

    record = search_record(ASKED, request, answer, known)

    assert record["user_query"] == "Knee pain Covered by Bupa NW4"
    assert record["query_attributes"]["interpreted"]["parts"] == [
        {"kind": "insurer", "label": "Covered by Bupa"},
        {"kind": "place", "label": "near NW4"},
    ]


def test_given_explicit_filters_then_they_are_recorded_by_parameter_with_near_masked_and_lat_lon_rounded() -> None:
    request = SearchRequest(
        specialties=("cardiology",),
        insurers=("bupa", "axa-health", "07700-900123"),
        bookable_online=True,
        max_fee=20000,
        near="NW4 1RP",
        sort="distance",
        page=2,
        page_size=20,
        radius_miles=10,
    )
    near_point = SearchRequest(lat=51.5889123, lon=-0.2301987)

    filters = search_record(ASKED, request, results("", []), known)["query_attributes"]["filters"]
    point = search_record(ASKED, near_point, results("", []), known)["query_attributes"]["filters"]

    assert filters == {
        "specialty": ["cardiology"],
        "insurer": ["bupa", "axa-health", "[phone]"],
        "bookable_online": True,
        "max_fee": 20000,
        "near": "NW4",
        "radius_miles": 10,
        "sort": "distance",
        "page_size": 20,
    }
    assert point == {"lat": 51.59, "lon": -0.23}


# --- the typeahead record -----------------------------------------------------------------


def test_given_typeahead_then_words_begun_by_a_suggestion_are_kept_and_others_masked() -> None:
    answer: Suggestions = {
        "suggestions": [
            {"type": "specialty", "label": "Cardiology", "value": "cardiology"},
            {"type": "specialist", "label": "Dr Krish Nandy", "value": "krish-nandy"},
        ]
    }

    kept = suggest_record(ASKED, "Car", 8, answer, known)
    masked = suggest_record(ASKED, "Jane Doeb", 8, {"suggestions": []}, known)
    nandy = suggest_record(ASKED, "Dr Kri", 8, answer, known)

    assert set(kept) == QUERY_FIELDS
    assert kept["user_query"] == "Car"
    assert kept["query_response_hit_ids"] == ["cardiology", "krish-nandy"]
    assert kept["query_attributes"] == {
        "endpoint": "suggest",
        "interpreted": {"text": "Car", "parts": []},
        "relaxed": [],
        "filters": {"limit": 8},
        "total": 2,
        "page": 1,
        "latency_ms": 12.346,
        "did_you_mean": False,
    }
    assert masked["user_query"] == "[name] [name]"
    assert nandy["user_query"] == "Dr Kri"


# --- the recorder -------------------------------------------------------------------------


class Sink:
    def __init__(self, error: Exception | None = None) -> None:
        self.records: list[tuple[RecordKind, Mapping[str, Any]]] = []
        self.error = error

    def record(self, kind: RecordKind, record: Mapping[str, Any]) -> None:
        if self.error is not None:
            raise self.error
        self.records.append((kind, record))


class Counts:
    def __init__(self) -> None:
        self.counted: list[dict[str, float]] = []

    def count(self, values: Mapping[str, float]) -> None:
        self.counted.append(dict(values))


def recorder(sink: Sink, counts: Counts) -> QueryRecorder:
    ids = iter(["q-1", "r-1", "q-2", "r-2"])
    return QueryRecorder(
        sink,
        counts,
        lambda: CATALOG,
        lambda _word: None,
        clock=lambda: AT,
        ids=lambda: next(ids),
        monotonic=lambda: 5.0,
    )


def test_given_searches_then_each_is_recorded_and_counted() -> None:
    sink, counts = Sink(), Counts()
    recording = recorder(sink, counts)

    found = recording.searched(SearchRequest(q="knee"), results("knee", [card("a", "Dr A")]), None, 4.99)
    relaxed = results("knee", [], relaxed=[{"code": "radius", "message": "m"}], total=0)
    nothing = recording.searched(SearchRequest(q="knee"), relaxed, "Zq3_x9-LmP0aB7cD4eF2gH", 4.9)

    assert (found, nothing) == ("q-1", "q-2")
    assert [kind for kind, _ in sink.records] == ["query", "query"]
    assert sink.records[0][1]["query_attributes"]["latency_ms"] == pytest.approx(10.0)
    assert sink.records[1][1]["client_id"] == "Zq3_x9-LmP0aB7cD4eF2gH"
    assert counts.counted == [
        {"Searches": 1, "ZeroResultSearches": 0, "RelaxedSearches": 0, "AnalyticsRecordingFailures": 0},
        {"Searches": 1, "ZeroResultSearches": 1, "RelaxedSearches": 1, "AnalyticsRecordingFailures": 0},
    ]


def test_given_the_sink_fails_then_the_answer_still_gets_its_id_and_the_failure_is_counted_without_the_query(
    caplog: pytest.LogCaptureFixture,
) -> None:
    sink, counts = Sink(RuntimeError("could not index 'Jane Doeberry'")), Counts()

    with caplog.at_level(logging.WARNING):
        query_id = recorder(sink, counts).suggested("Jane Doeberry", 8, {"suggestions": []}, None, 4.0)

    assert query_id == "q-1"
    assert counts.counted == [{"TypeaheadRequests": 1, "AnalyticsRecordingFailures": 1}]
    assert "RuntimeError" in caplog.text
    assert "Doeberry" not in caplog.text


def test_given_the_metrics_fail_too_then_nothing_is_raised() -> None:
    class Broken:
        def count(self, values: Mapping[str, float]) -> None:
            raise OSError("stdout closed")

    recording = QueryRecorder(Sink(RuntimeError()), Broken(), lambda: CATALOG, lambda _word: None)

    assert recording.searched(SearchRequest(q="knee"), results("knee", []), None, 0.0)


# --- the production lines -----------------------------------------------------------------


def test_given_a_record_then_the_log_sink_writes_one_json_line_naming_its_kind() -> None:
    stream = io.StringIO()
    record = search_record(ASKED, SearchRequest(q="knee"), results("knee", []), known)

    LogAnalyticsSink(stream).record("query", record)

    lines = stream.getvalue().splitlines()
    assert len(lines) == 1
    assert json.loads(lines[0]) == {"ubi": "query", "record": record}


def test_given_counts_then_one_emf_line_in_the_search_namespace_with_no_dimension(
    capsys: pytest.CaptureFixture[str],
) -> None:
    EmfSearchMetrics().count({"Searches": 1, "ZeroResultSearches": 0})

    (line,) = capsys.readouterr().out.splitlines()
    emf = json.loads(line)
    (directive,) = emf["_aws"]["CloudWatchMetrics"]
    assert directive["Namespace"] == "FindASpecialist/Search"
    assert directive["Dimensions"] in ([], [[]])
    assert {metric["Name"]: metric["Unit"] for metric in directive["Metrics"]} == {
        "Searches": "Count",
        "ZeroResultSearches": "Count",
    }
    assert (emf["Searches"], emf["ZeroResultSearches"]) in ((1, 0), ([1], [0]))
