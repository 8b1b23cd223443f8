"""The hospital pages' bodies and mapping (pure), and their place in the API document."""

from __future__ import annotations

from typing import Any

import pytest

from chalicelib.errors import InvalidParameter
from chalicelib.geo import GeoPoint
from chalicelib.openapi.document import build_document
from chalicelib.search.hospitals import (
    HOSPITAL_PAGE_QUERY,
    HOSPITALS_QUERY,
    hospital_page_body,
    hospitals_body,
    parse_hospital_page_request,
    parse_hospitals_request,
    to_hospital_page,
    to_hospital_records,
)
from chalicelib.search.query import build_search_body
from chalicelib.search.request import SearchRequest, parse_search_request
from tests.unit.test_search_request import SLOTS


def _bucket(hospital_id: str, name: str, count: int, fit: int | None = None, centre: bool = True) -> dict[str, Any]:
    specialists: dict[str, Any] = {"doc_count": count}
    if fit is not None:
        specialists["fit"] = {"doc_count": fit}
    return {
        "key": hospital_id,
        "doc_count": count,
        "name": {"buckets": [{"key": name, "doc_count": count}]},
        "postcode": {"buckets": [{"key": "NW4 1RP", "doc_count": count}]},
        "centre": {"location": {"lat": 51.59629997, "lon": -0.22580001}, "count": count} if centre else {"count": 0},
        "specialists": specialists,
    }


def _list_answer(*buckets: dict[str, Any]) -> dict[str, Any]:
    return {"aggregations": {"hospitals": {"doc_count": 9, "ids": {"buckets": list(buckets)}}}}


def test_given_the_list_answer_then_each_hospital_has_its_record_rounded_and_its_count() -> None:
    records = to_hospital_records(_list_answer(_bucket("hendon", "BMI Hendon Hospital", 7), _bucket("x", "X", 1)))

    assert [(r.id, r.name, r.postcode, r.specialists) for r in records] == [
        ("hendon", "BMI Hendon Hospital", "NW4 1RP", 7),
        ("x", "X", "NW4 1RP", 1),
    ]
    assert records[0].point == GeoPoint(51.5963, -0.2258)


def test_given_a_specialty_then_the_count_is_of_those_that_fit_and_no_location_is_skipped() -> None:
    answer = _list_answer(_bucket("hendon", "H", 7, fit=2), _bucket("nowhere", "N", 3, fit=3, centre=False))

    assert [(r.id, r.specialists) for r in to_hospital_records(answer)] == [("hendon", 2)]


def test_the_list_body_counts_specialists_of_the_specialty_only_when_given() -> None:
    plain = hospitals_body()["aggs"]["hospitals"]["aggs"]["ids"]["aggs"]["specialists"]
    fit = hospitals_body(("psychiatry",))["aggs"]["hospitals"]["aggs"]["ids"]["aggs"]["specialists"]

    assert plain == {"reverse_nested": {}}
    assert fit["aggs"]["fit"] == {"filter": {"terms": {"specialty_slugs": ["psychiatry"]}}}
    assert hospitals_body()["size"] == 0


def test_the_page_body_is_the_search_body_of_the_hospital_filter_but_for_its_aggregations() -> None:
    request = SearchRequest(hospitals=("hendon",), page=3, page_size=5)
    body = hospital_page_body(request, SLOTS)
    searched = build_search_body(
        parse_search_request({"hospital": ["hendon"], "page": ["3"], "page_size": ["5"]}), None, slots=SLOTS
    )

    assert {k: v for k, v in body.items() if k != "aggs"} == {k: v for k, v in searched.items() if k != "aggs"}
    assert list(body["aggs"]) == ["here"]
    assert body["aggs"]["here"]["filter"] == {"term": {"hospital_ids": "hendon"}}


def _page_answer(here_count: int, this_count: int) -> dict[str, Any]:
    bucket = _bucket("hendon", "BMI Hendon Hospital", this_count)
    return {
        "hits": {"total": {"value": here_count}, "hits": []},
        "aggregations": {
            "here": {
                "doc_count": here_count,
                "specialties": {"buckets": [{"key": "Urology", "doc_count": 9}, {"key": "Cardiology", "doc_count": 2}]},
                "treatments": {"buckets": [{"key": "Knee replacement", "doc_count": 1}]},
                "hospital": {"doc_count": this_count, "this": {**bucket, "doc_count": this_count}},
            }
        },
    }


def test_given_the_page_answer_then_offerings_are_a_to_z_with_slugs_and_counts() -> None:
    page = to_hospital_page(_page_answer(11, 11), SearchRequest(hospitals=("hendon",)), SLOTS)

    assert page is not None
    assert (page["name"], page["postcode"], page["lat"], page["total"]) == (
        "BMI Hendon Hospital",
        "NW4 1RP",
        51.5963,
        11,
    )
    assert page["specialties"] == [
        {"value": "cardiology", "label": "Cardiology", "count": 2},
        {"value": "urology", "label": "Urology", "count": 9},
    ]
    assert page["treatments"] == [{"value": "knee-replacement", "label": "Knee replacement", "count": 1}]


def test_given_nobody_works_there_then_no_page() -> None:
    assert to_hospital_page(_page_answer(0, 0), SearchRequest(hospitals=("atlantis",)), SLOTS) is None


@pytest.mark.parametrize(
    ("parse", "params", "field"),
    [
        (parse_hospitals_request, {"page": ["1"]}, "page"),
        (parse_hospitals_request, {"lat": ["1"]}, "lon"),
        (parse_hospitals_request, {"specialty": ["a"] * 21}, "specialty"),
        (parse_hospital_page_request, {"page_size": ["0"]}, "page_size"),
        (parse_hospital_page_request, {"near": ["hendon"]}, "near"),
    ],
)
def test_given_a_bad_parameter_then_it_is_named(parse: Any, params: dict[str, list[str]], field: str) -> None:
    with pytest.raises(InvalidParameter) as raised:
        parse(params)

    assert raised.value.field == field


def test_the_document_describes_the_hospital_routes_with_the_parsers_parameters() -> None:
    paths = build_document(set())["paths"]

    for path, declared in (("/hospitals", HOSPITALS_QUERY), ("/hospitals/{hospital_id}", HOSPITAL_PAGE_QUERY)):
        operation = paths[path]["get"]
        assert [p["name"] for p in operation["parameters"] if p["in"] == "query"] == [d.name for d in declared]
        assert {"200", "400", "503"} <= set(operation["responses"])
    assert "404" in paths["/hospitals/{hospital_id}"]["get"]["responses"]
    assert paths["/hospitals"]["get"]["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/HospitalList"
    }
