from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from chalicelib.errors import InvalidParameter
from chalicelib.geo import GeoPoint
from chalicelib.search.availability import Slots
from chalicelib.search.parameters import clean_text
from chalicelib.search.query import build_search_body
from chalicelib.search.request import SearchRequest, parse_search_request
from chalicelib.search.suggest import _match_quality, typed_words

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
SLOTS = Slots(NOW, timedelta(hours=24))
HENDON = GeoPoint(51.5887, -0.2279)


def body_of(params: dict[str, list[str]], origin: GeoPoint | None = None, **step: Any) -> dict[str, Any]:
    return build_search_body(parse_search_request(params), origin, slots=SLOTS, **step)


def test_given_no_parameters_then_the_defaults() -> None:
    assert parse_search_request({}) == SearchRequest()


def test_given_text_then_it_is_normalised() -> None:
    assert clean_text("  \uff43\uff41\uff52\uff44iology\u200b  \t heart\u202e ") == "cardiology heart"


def test_given_facet_values_then_they_are_slugs_deduplicated_from_repeats_and_commas() -> None:
    request = parse_search_request({"specialty": ["Trauma and Orthopaedics,psychiatry", "Psychiatry"]})

    assert request.specialties == ("trauma-and-orthopaedics", "psychiatry")


def test_given_too_many_values_then_the_facet_is_named() -> None:
    with pytest.raises(InvalidParameter) as error:
        parse_search_request({"insurer": [",".join(f"i{n}" for n in range(21))]})

    assert error.value.field == "insurer"


def test_given_selected_facets_then_each_facet_counts_without_its_own_selection() -> None:
    body = body_of({"specialty": ["psychiatry"], "gender": ["female"]})

    assert body["post_filter"] == {
        "bool": {"filter": [{"terms": {"specialty_slugs": ["psychiatry"]}}, {"terms": {"gender": ["female"]}}]}
    }
    assert body["aggs"]["specialty"]["filter"] == {"bool": {"filter": [{"terms": {"gender": ["female"]}}]}}
    assert body["aggs"]["gender"]["filter"] == {"bool": {"filter": [{"terms": {"specialty_slugs": ["psychiatry"]}}]}}
    assert body["aggs"]["insurer"]["filter"]["bool"]["filter"] == body["post_filter"]["bool"]["filter"]


def test_given_user_text_then_it_only_reaches_match_queries() -> None:
    body = body_of({"q": ['title:x OR "y" \\ *']})

    text = str(body["query"])
    assert "query_string" not in text
    assert "simple_query_string" not in text


def test_given_page_and_size_then_from_and_size_follow_and_ties_sort_by_name_then_id() -> None:
    body = body_of({"page": ["3"], "page_size": ["20"]})

    assert (body["from"], body["size"]) == (40, 20)
    assert body["sort"] == ["_score", {"sort_name": "asc"}, {"id": "asc"}]


# --- Fees, consultation types and availability ----------------------------------------


def test_given_the_new_parameters_then_they_are_read() -> None:
    request = parse_search_request(
        {"consultation_type": ["Video,phone", "video"], "available_within_days": ["14"], "max_fee": ["20000"]}
    )

    assert request.consultation_types == ("video", "phone")
    assert (request.available_within_days, request.max_fee) == (14, 20000)
    assert parse_search_request({"sort": ["soonest"]}).sort == "soonest"
    assert parse_search_request({"sort": ["fee"]}).sort == "fee"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("consultation_type", "telepathy"),
        ("consultation_type", "in person"),
        ("available_within_days", "0"),
        ("available_within_days", "91"),
        ("available_within_days", "7.5"),
        ("available_within_days", "week"),
        ("max_fee", "-1"),
        ("max_fee", "1000001"),
        ("max_fee", "£200"),
        ("max_fee", "9" * 5000),
        ("sort", "cheapest"),
    ],
)
def test_given_a_bad_value_then_the_error_names_its_parameter(name: str, value: str) -> None:
    with pytest.raises(InvalidParameter) as error:
        parse_search_request({name: [value]})

    assert error.value.field == name


def test_given_max_fee_then_it_filters_the_query_itself_so_every_facet_counts_within_it() -> None:
    body = body_of({"max_fee": ["20000"]})

    assert {"range": {"fee_from": {"lte": 20000}}} in body["query"]["bool"]["filter"]
    assert "post_filter" not in body


def test_given_consultation_types_then_they_filter_as_a_disjunctive_facet() -> None:
    body = body_of({"consultation_type": ["video"], "gender": ["female"]})

    assert body["post_filter"]["bool"]["filter"] == [
        {"terms": {"gender": ["female"]}},
        {"terms": {"consultation_types": ["video"]}},
    ]
    assert body["aggs"]["consultation_type"]["filter"] == {"bool": {"filter": [{"terms": {"gender": ["female"]}}]}}
    assert body["aggs"]["consultation_type"]["aggs"]["values"] == {"terms": {"field": "consultation_types", "size": 30}}


def _nested_filters(clause: dict[str, Any]) -> list[dict[str, Any]]:
    assert clause["nested"]["path"] == "hospitals"
    filters: list[dict[str, Any]] = clause["nested"]["query"]["bool"]["filter"]
    return filters


FRESH_SINCE = {"range": {"hospitals.next_available_as_of": {"gte": "2026-03-01T09:30:00+00:00"}}}


def test_given_available_within_days_then_a_fresh_slot_by_then_at_any_hospital_filters_the_hits() -> None:
    (clause,) = body_of({"available_within_days": ["7"]})["post_filter"]["bool"]["filter"]

    assert _nested_filters(clause) == [
        {
            "range": {
                "hospitals.next_available": {"gte": "2026-03-02T09:30:00+00:00", "lte": "2026-03-09T09:30:00+00:00"}
            }
        },
        FRESH_SINCE,
    ]


def test_given_a_place_then_only_hospitals_within_the_radius_count_for_availability() -> None:
    params = {"available_within_days": ["7"], "radius_miles": ["10"]}
    (clause,) = body_of(params, HENDON)["post_filter"]["bool"]["filter"]
    (anywhere,) = body_of(params, HENDON, within_radius=False)["post_filter"]["bool"]["filter"]

    assert _nested_filters(clause)[2] == {
        "geo_distance": {"distance": "16093m", "hospitals.location": {"lat": 51.5887, "lon": -0.2279}}
    }
    assert len(_nested_filters(anywhere)) == 2  # the ladder's nearest step: wherever they are


def test_the_availability_facet_counts_three_cumulative_windows_applying_the_other_selections_only() -> None:
    body = body_of({"available_within_days": ["7"], "consultation_type": ["video"]})
    facet = body["aggs"]["available_within_days"]
    windows = facet["aggs"]["values"]["filters"]["filters"]

    assert facet["filter"] == {"bool": {"filter": [{"terms": {"consultation_types": ["video"]}}]}}
    assert [_nested_filters(window)[0]["range"]["hospitals.next_available"]["lte"][:10] for window in windows] == [
        "2026-03-09",
        "2026-03-16",
        "2026-04-01",
    ]
    # Every other facet counts within the availability selection.
    (selected,) = [clause for clause in body["post_filter"]["bool"]["filter"] if "nested" in clause]
    assert selected in body["aggs"]["consultation_type"]["filter"]["bool"]["filter"]


def test_given_sort_soonest_then_the_earliest_fresh_slot_first_unknown_last_then_relevance() -> None:
    soonest, *rest = body_of({"q": ["knee"], "sort": ["soonest"]})["sort"]
    slot = soonest["hospitals.next_available"]

    assert (slot["order"], slot["mode"], slot["missing"]) == ("asc", "min", "_last")
    assert slot["nested"]["path"] == "hospitals"
    assert slot["nested"]["filter"]["bool"]["filter"] == [
        {"range": {"hospitals.next_available": {"gte": "2026-03-02T09:30:00+00:00"}}},
        FRESH_SINCE,
    ]
    assert rest == ["_score", {"sort_name": "asc"}, {"id": "asc"}]


def test_given_sort_fee_then_the_lowest_fee_first_unknown_last_then_relevance_as_with_a_place() -> None:
    fee, *rest = body_of({"sort": ["fee"]}, HENDON)["sort"]

    assert fee == {"fee_from": {"order": "asc", "missing": "_last"}}
    assert list(rest[0]) == ["_geo_distance"]  # no words: relevance is nearness
    assert rest[1:] == ["_score", {"sort_name": "asc"}, {"id": "asc"}]


def test_given_none_of_the_new_parameters_then_nothing_filters_or_sorts_on_them() -> None:
    body = body_of({"q": ["knee"]})

    assert "post_filter" not in body
    assert body["query"]["bool"]["filter"] == []
    assert body["sort"] == ["_score", {"sort_name": "asc"}, {"id": "asc"}]


@pytest.mark.parametrize(
    ("label", "typed", "quality"),
    [
        ("Cardiology", "card", 2.0),
        ("Interventional cardiology", "card", 1.0),
        ("Cardiology", "derm", 0.0),
        ("Cardiology", "cadr", 0.5),
        ("Cardiology", "cardiolgy", 0.5),
        ("Knee replacement", "knee rep", 2.0),
        ("BMI Hendon Hospital", "hendon", 1.0),
    ],
)
def test_given_typed_words_then_labels_match_by_word_prefix_with_one_typo_from_four_letters(
    label: str, typed: str, quality: float
) -> None:
    assert _match_quality(label, typed_words(typed)) == quality
