from __future__ import annotations

import pytest

from chalicelib.errors import InvalidParameter
from chalicelib.search.parameters import clean_text
from chalicelib.search.query import build_search_body
from chalicelib.search.request import SearchRequest, parse_search_request
from chalicelib.search.suggest import _match_quality, typed_words


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
    body = build_search_body(parse_search_request({"specialty": ["psychiatry"], "gender": ["female"]}), None)

    assert body["post_filter"] == {
        "bool": {"filter": [{"terms": {"specialty_slugs": ["psychiatry"]}}, {"terms": {"gender": ["female"]}}]}
    }
    assert body["aggs"]["specialty"]["filter"] == {"bool": {"filter": [{"terms": {"gender": ["female"]}}]}}
    assert body["aggs"]["gender"]["filter"] == {"bool": {"filter": [{"terms": {"specialty_slugs": ["psychiatry"]}}]}}
    assert body["aggs"]["insurer"]["filter"]["bool"]["filter"] == body["post_filter"]["bool"]["filter"]


def test_given_user_text_then_it_only_reaches_match_queries() -> None:
    body = build_search_body(parse_search_request({"q": ['title:x OR "y" \\ *']}), None)

    text = str(body["query"])
    assert "query_string" not in text
    assert "simple_query_string" not in text


def test_given_page_and_size_then_from_and_size_follow_and_ties_sort_by_name_then_id() -> None:
    body = build_search_body(parse_search_request({"page": ["3"], "page_size": ["20"]}), None)

    assert (body["from"], body["size"]) == (40, 20)
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
