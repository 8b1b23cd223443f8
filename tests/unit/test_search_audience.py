"""Audience words ("female", "child") become filters; every other word stays to search."""

from __future__ import annotations

import pytest

from chalicelib import index_schema as f
from chalicelib.search.audience import read_audience


@pytest.mark.parametrize(
    ("q", "words", "filters"),
    [
        ("female gynaecologist", "gynaecologist", [{"term": {f.GENDER: "female"}}]),
        ("Lady doctor", "doctor", [{"term": {f.GENDER: "female"}}]),
        ("male urologist", "urologist", [{"term": {f.GENDER: "male"}}]),
        ("child psychiatrist", "psychiatrist", [{"term": {f.SEES_CHILDREN: True}}]),
        ("ENT surgeon for children", "ENT surgeon for", [{"term": {f.SEES_CHILDREN: True}}]),
        (
            "children's female dermatologist",
            "dermatologist",
            [{"term": {f.GENDER: "female"}}, {"term": {f.SEES_CHILDREN: True}}],
        ),
        ("male or female cardiologist", "or cardiologist", []),
        ("women's health", "women's health", []),
        ("knee replacement", "knee replacement", []),
    ],
)
def test_given_a_query_then_audience_words_become_filters_and_the_rest_stays(
    q: str, words: str, filters: list[dict[str, object]]
) -> None:
    audience = read_audience(q)

    assert audience.words == words
    assert audience.filters == filters
