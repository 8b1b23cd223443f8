"""The treatment pages' parameters, bodies and mapping (pure), the search's link to them,
and their place in the API document."""

from __future__ import annotations

from typing import Any

import pytest

from chalicelib.errors import InvalidParameter
from chalicelib.openapi.document import build_document
from chalicelib.search.interpretation import page_link, plan_search
from chalicelib.search.query import build_search_body
from chalicelib.search.request import SearchRequest, parse_search_request
from chalicelib.search.responses import SearchResults
from chalicelib.search.understanding import Understanding
from chalicelib.treatments.pages import (
    PAGE_AGGREGATION,
    TREATMENT_PAGE_QUERY,
    TREATMENTS_QUERY,
    TreatmentsRequest,
    content_slugs_body,
    parse_treatment_page_request,
    parse_treatments_request,
    split_answer,
    to_content_slugs,
    to_treatment_list,
    to_treatment_page,
    treatments_bodies,
    with_page_aggregation,
)
from tests.unit.test_search_request import SLOTS

CATALOG = {"psychodynamic-therapy": "Psychodynamic therapy", "knee-replacement": "Knee replacement"}


# --- Parameters ------------------------------------------------------------------------


@pytest.mark.parametrize(("given", "letter"), [(None, None), ("p", "p"), ("P", "p"), ("0-9", "0-9"), ("z", "z")])
def test_given_a_letter_in_any_case_then_it_is_read_lowercase(given: str | None, letter: str | None) -> None:
    params = {} if given is None else {"letter": [given]}

    assert parse_treatments_request(params) == TreatmentsRequest((), letter)


def test_given_specialties_then_they_are_read_as_the_search_reads_them() -> None:
    request = parse_treatments_request({"specialty": ["Psychiatry,Clinical Psychology"], "letter": ["c"]})

    assert request == TreatmentsRequest(("psychiatry", "clinical-psychology"), "c")


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"letter": [""]}, "letter"),
        ({"letter": ["ab"]}, "letter"),
        ({"letter": ["0"]}, "letter"),
        ({"letter": ["09"]}, "letter"),
        ({"letter": ["é"]}, "letter"),
        ({"letter": ["a", "b"]}, "letter"),
        ({"page": ["1"]}, "page"),
        ({"near": ["hendon"]}, "near"),
        ({"specialty": ["a"] * 21}, "specialty"),
    ],
)
def test_given_a_bad_list_parameter_then_it_is_named(params: dict[str, list[str]], field: str) -> None:
    with pytest.raises(InvalidParameter) as raised:
        parse_treatments_request(params)

    assert raised.value.field == field


@pytest.mark.parametrize(
    ("params", "field"),
    [({"page": ["0"]}, "page"), ({"page_size": ["51"]}, "page_size"), ({"treatment": ["x"]}, "treatment")],
)
def test_given_a_bad_page_parameter_then_it_is_named(params: dict[str, list[str]], field: str) -> None:
    with pytest.raises(InvalidParameter) as raised:
        parse_treatment_page_request(params)

    assert raised.value.field == field


# --- Bodies ----------------------------------------------------------------------------


def test_given_a_specialty_then_only_its_specialists_treatments_are_counted() -> None:
    offered, content = treatments_bodies(("psychiatry",))
    everyone, _ = treatments_bodies(())

    assert offered["query"] == {"bool": {"filter": [{"terms": {"specialty_slugs": ["psychiatry"]}}]}}
    assert "query" not in everyone
    assert offered["size"] == 0
    assert content["_source"] == ["slug", "label"]


def test_given_the_search_body_then_the_page_aggregation_adds_to_it_and_changes_nothing_else() -> None:
    search = build_search_body(SearchRequest(treatments=("knee-replacement",)), None, slots=SLOTS)
    body = with_page_aggregation(search)

    assert {key: value for key, value in body.items() if key != "aggs"} == {
        key: value for key, value in search.items() if key != "aggs"
    }
    assert {name: value for name, value in body["aggs"].items() if name != PAGE_AGGREGATION} == search["aggs"]
    # Over exactly the hits: the search's post_filter, which holds the treatment filter.
    assert body["aggs"][PAGE_AGGREGATION]["filter"] == search["post_filter"]
    assert search["post_filter"] == {"bool": {"filter": [{"terms": {"treatment_slugs": ["knee-replacement"]}}]}}


def test_given_the_answer_then_it_is_split_into_the_searchs_and_the_pages() -> None:
    raw: dict[str, Any] = {
        "hits": {"hits": []},
        "aggregations": {"specialty": {"x": 1}, PAGE_AGGREGATION: {"doc_count": 2}},
    }

    search, offering = split_answer(raw)

    assert search == {"hits": {"hits": []}, "aggregations": {"specialty": {"x": 1}}}
    assert offering == {"doc_count": 2}
    assert set(raw["aggregations"]) == {"specialty", PAGE_AGGREGATION}  # the answer itself is left as it was


# --- The list --------------------------------------------------------------------------


def _offered(*labels: tuple[str, int]) -> dict[str, Any]:
    from chalicelib.slugs import slugify

    return {
        "aggregations": {
            "slugs": {"buckets": [{"key": slugify(label), "doc_count": count} for label, count in labels]},
            "labels": {"buckets": [{"key": label, "doc_count": count} for label, count in labels]},
        }
    }


def _content(*entries: tuple[str, str]) -> dict[str, Any]:
    return {"hits": {"hits": [{"_source": {"slug": slug, "label": label}} for slug, label in entries]}}


def test_given_catalog_and_content_then_both_are_listed_a_to_z_labelled_by_the_content() -> None:
    offered = _offered(("Knee replacement", 40), ("Ear wax removal", 3), ("24-hour ECG", 2))
    content = _content(("knee-replacement", "Knee Replacement"), ("art-therapy", "Art therapy"))

    body = to_treatment_list(offered, content, TreatmentsRequest())

    assert [(t["label"], t["specialists"], t["has_content"]) for t in body["treatments"]] == [
        ("24-hour ECG", 2, False),
        ("Art therapy", 0, True),
        ("Ear wax removal", 3, False),
        ("Knee Replacement", 40, True),
    ]
    assert (body["total"], body["letter"], body["letters"]) == (4, None, ["0-9", "a", "e", "k"])


def test_given_a_specialty_then_content_nobody_of_it_offers_is_not_listed() -> None:
    offered = _offered(("Knee replacement", 4))
    content = _content(("knee-replacement", "Knee replacement"), ("art-therapy", "Art therapy"))

    body = to_treatment_list(offered, content, TreatmentsRequest(("orthopaedics",), None))

    assert [t["slug"] for t in body["treatments"]] == ["knee-replacement"]
    assert body["letters"] == ["k"]


def test_given_a_letter_then_the_list_is_of_it_and_the_letters_of_all() -> None:
    offered = _offered(("Knee replacement", 40), ("Ear wax removal", 3), ("Écho scan", 1))

    body = to_treatment_list(offered, _content(), TreatmentsRequest((), "e"))

    assert [t["label"] for t in body["treatments"]] == ["Ear wax removal", "Écho scan"]
    assert (body["total"], body["letter"], body["letters"]) == (2, "e", ["e", "k"])


def test_given_no_treatments_index_then_the_catalog_alone_is_listed() -> None:
    empty = {"hits": {"total": {"value": 0}, "hits": []}}  # what a missing alias answers

    body = to_treatment_list(_offered(("Knee replacement", 40)), empty, TreatmentsRequest())

    assert body["treatments"] == [
        {"slug": "knee-replacement", "label": "Knee replacement", "specialists": 40, "has_content": False}
    ]


# --- A treatment's page ----------------------------------------------------------------

_SEARCH: SearchResults = {
    "total": 0, "page": 1, "page_size": 10, "results": [], "facets": {}, "did_you_mean": None,
    "interpreted": {"text": "", "filters": {}, "near": None, "parts": [], "conflicts": []},
    "relaxed": [], "notices": [], "page_link": None,
}  # fmt: skip


def _offering(count: int, labels: list[str], hospitals: list[tuple[str, str, int]]) -> dict[str, Any]:
    return {
        "doc_count": count,
        "label": {"hits": {"hits": [{"_source": {"treatments": labels}}] if labels else []}},
        "hospitals": {
            "ids": {
                "buckets": [
                    {"key": key, "name": {"buckets": [{"key": name}]}, "specialists": {"doc_count": n}}
                    for key, name, n in hospitals
                ]
            }
        },
    }


def test_given_neither_content_nor_specialists_then_no_page() -> None:
    assert to_treatment_page("atlantis", {"hits": {"hits": []}}, _offering(0, [], []), _SEARCH) is None


def test_given_specialists_and_no_content_then_the_catalogs_label_and_the_hospitals_a_to_z() -> None:
    offering = _offering(3, ["EMDR", "Knee Replacement"], [("leeds", "Spire Leeds", 1), ("hendon", "BMI Hendon", 2)])

    page = to_treatment_page("knee-replacement", {"hits": {"hits": []}}, offering, _SEARCH)

    assert page is not None
    assert (page["label"], page["has_content"], page["summary"], page["sections"]) == (
        "Knee Replacement", False, None, []
    )  # fmt: skip
    assert (page["specialist_count"], page["hospital_count"]) == (3, 2)
    assert page["hospitals"] == [
        {"id": "hendon", "name": "BMI Hendon", "specialists": 2},
        {"id": "leeds", "name": "Spire Leeds", "specialists": 1},
    ]
    assert page["specialists"] is _SEARCH


def test_given_content_and_nobody_then_a_page_with_its_content() -> None:
    source = {
        "slug": "art-therapy", "label": "Art therapy", "also_known_as": ["Art psychotherapy"], "summary": "Art.",
        "sections": [{"heading": "What", "body": "*Art*", "html": "<p><em>Art</em></p>"}],
        "related_conditions": ["Anxiety"], "related_condition_slugs": ["anxiety"],
        "related_specialties": [], "related_specialty_slugs": [], "updated_at": "2026-11-02T09:30:00+00:00",
    }  # fmt: skip

    page = to_treatment_page("art-therapy", {"hits": {"hits": [{"_source": source}]}}, _offering(0, [], []), _SEARCH)

    assert page is not None
    assert (page["label"], page["has_content"], page["specialist_count"], page["hospitals"]) == (
        "Art therapy", True, 0, []
    )  # fmt: skip
    assert page["sections"] == [{"heading": "What", "body": "*Art*", "html": "<p><em>Art</em></p>"}]
    assert page["related_conditions"] == [{"value": "anxiety", "label": "Anxiety"}]
    assert page["updated_at"] == "2026-11-02T09:30:00+00:00"


def test_given_a_demo_treatments_document_then_its_page_shows_the_feeds_content() -> None:
    from chalicelib.slugs import slugify
    from chalicelib.treatments.index_schema import to_document
    from chalicelib.treatments.markdown import to_html
    from indexer import demo_treatments

    for content in demo_treatments.entries():
        answer = {"hits": {"hits": [{"_source": to_document(content)}]}}

        page = to_treatment_page(content.slug, answer, _offering(0, [], []), _SEARCH)

        assert page is not None
        assert (page["slug"], page["label"], page["has_content"]) == (content.slug, content.label, True)
        assert (page["also_known_as"], page["summary"]) == (content.also_known_as, content.summary)
        assert page["sections"] == [
            {"heading": section.heading, "body": section.body, "html": to_html(section.body)}
            for section in content.sections
        ]
        assert page["related_conditions"] == [
            {"value": slugify(label), "label": label} for label in content.related_conditions
        ]
        assert page["related_specialties"] == [
            {"value": slugify(label), "label": label} for label in content.related_specialties
        ]
        assert page["updated_at"] == content.updated_at.isoformat()


def test_given_the_slugs_answer_then_every_content_slug_is_read_in_order() -> None:
    body = content_slugs_body()
    answer = {"hits": {"hits": [{"_source": {"slug": "knee-replacement"}}, {"_source": {"slug": "art-therapy"}}]}}

    assert body["_source"] == ["slug"]
    assert to_content_slugs(answer) == ["knee-replacement", "art-therapy"]


# --- The search's link -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "text", "slug"),
    [
        ({}, "Psychodynamic therapy", "psychodynamic-therapy"),
        ({}, "knee  replacement", "knee-replacement"),
        ({"treatment": ["knee-replacement"]}, "", "knee-replacement"),
        ({"treatment": ["knee-replacement"], "specialty": ["orthopaedics"]}, "", "knee-replacement"),
        ({}, "", None),
        ({}, "psychodynamic", None),
        ({}, "psychiatry", None),  # a specialty: no page
        ({"treatment": ["knee-replacement,psychodynamic-therapy"]}, "", None),
        ({"treatment": ["knee-replacement"]}, "hendon", None),
        ({"treatment": ["hip-replacement"]}, "", None),  # not in the catalog
    ],
)
def test_given_the_words_left_then_the_link_is_to_the_treatment_they_are(
    params: dict[str, list[str]], text: str, slug: str | None
) -> None:
    plan = plan_search(parse_search_request(params), Understanding(text), None)

    link = page_link(plan, CATALOG)

    assert link == (None if slug is None else {"type": "treatment", "slug": slug, "label": CATALOG[slug]})


# --- The API document ------------------------------------------------------------------


def test_the_document_describes_the_treatment_routes_with_the_parsers_parameters() -> None:
    document = build_document(set())
    paths = document["paths"]

    for path, declared in (("/treatments", TREATMENTS_QUERY), ("/treatments/{slug}", TREATMENT_PAGE_QUERY)):
        operation = paths[path]["get"]
        assert [p["name"] for p in operation["parameters"] if p["in"] == "query"] == [d.name for d in declared]
        assert {"200", "400", "503"} <= set(operation["responses"])
        assert operation["tags"] == ["treatments"]
    assert "404" in paths["/treatments/{slug}"]["get"]["responses"]
    for path, shape in (("/treatments", "TreatmentList"), ("/treatments/{slug}", "TreatmentPage")):
        schema = paths[path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
        assert schema == {"$ref": f"#/components/schemas/{shape}"}
    schemas = document["components"]["schemas"]
    assert schemas["TreatmentPage"]["properties"]["specialists"]["$ref"] == "#/components/schemas/SearchResults"
    assert "page_link" in schemas["SearchResults"]["required"]
    assert "page_link" not in schemas["Suggestion"]["required"]
