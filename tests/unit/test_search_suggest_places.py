"""Typeahead's places: towns and outward codes of the offline table, matched in memory and
blended with the index's suggestions."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from typing import Any

import pytest

from chalicelib.geo import GeoPoint
from chalicelib.geocoding.names import place_key
from chalicelib.geocoding.offline import OfflineGeocoder, Place, read_places
from chalicelib.search import suggest_places
from chalicelib.search.suggest import MAX_QUERY_CHARS, MAX_SUGGESTIONS, to_suggestions
from chalicelib.search.suggest_places import PlaceIndex, gazetteer, place_suggestion
from devstack.stack import PROJECT_DIR

PLACES = PlaceIndex(read_places())


def labels(q: str, limit: int = MAX_SUGGESTIONS) -> list[str]:
    return [place_suggestion(place)["label"] for _, place in PLACES.match(q, limit)]


# --- Towns ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("q", "first"),
    [
        ("no", "Northampton"),
        ("nott", "Nottingham"),
        ("Nottingham", "Nottingham"),
        ("milton k", "Milton Keynes"),
        ("stoke on", "Stoke-on-Trent"),
        ("kings ly", "King's Lynn"),
        ("tyne", "Newcastle upon Tyne"),  # a later word of the name
    ],
)
def test_given_the_start_of_a_town_then_it_is_suggested(q: str, first: str) -> None:
    assert labels(q)[0] == first


def test_given_new_then_the_towns_starting_so_in_alphabetical_order_each_once() -> None:
    found = labels("new")

    assert found == sorted(found, key=place_key)
    assert {"Newcastle upon Tyne", "Newcastle-under-Lyme", "Newport", "Newbury"} <= set(found)
    # "Newcastle" and "Newark" are other names of places already offered.
    assert "Newcastle" not in found
    assert len([label for label in found if label.startswith("Newark")]) == 1


@pytest.mark.parametrize("q", ["NOTT", "nött", "  Nottingham! ", "NÖTTINGHAM", "nottingham."])
def test_given_any_case_accents_or_punctuation_then_the_same_town(q: str) -> None:
    assert labels(q) == ["Nottingham"]


@pytest.mark.parametrize(("q", "town"), [("saint alb", "St Albans"), ("st. albans", "St Albans")])
def test_given_saint_or_st_then_the_same_town(q: str, town: str) -> None:
    assert labels(q) == [town]


@pytest.mark.parametrize(("q", "town"), [("notingham", "Nottingham"), ("carduff", "Cardiff"), ("hendn", "Hendon")])
def test_given_one_typo_from_four_letters_then_the_town_with_a_lower_quality(q: str, town: str) -> None:
    assert [(quality, place.name) for quality, place in PLACES.match(q)] == [(0.5, town)]


def test_given_a_town_matching_without_a_typo_then_no_typo_matches_are_added() -> None:
    assert labels("card") == ["Cardiff"]
    assert labels("nott") == ["Nottingham"]


def test_given_three_letters_then_no_typo_is_forgiven() -> None:
    assert labels("ntt") == []


@pytest.mark.parametrize("q", ["on", "upon", "super", "the"])
def test_given_only_a_word_that_joins_town_names_then_no_town(q: str) -> None:
    assert labels(q) == []


# --- Outward codes and postcodes ---------------------------------------------------------


def test_given_an_outward_area_then_its_districts_in_order() -> None:
    assert labels("nw", limit=20) == [f"NW{n}" for n in range(1, 12)]
    assert labels("NW") == [f"NW{n}" for n in range(1, 11)]  # the limit


def test_given_a_district_then_it_first_then_its_sectors_then_longer_districts() -> None:
    found = labels("sw1", limit=20)

    assert found[:3] == ["SW1", "SW1A", "SW1E"]
    assert found.index("SW1Y") < found.index("SW10") < found.index("SW19")
    assert all(label.startswith("SW1") for label in found)


@pytest.mark.parametrize("q", ["nw4", "NW4", "nw 4", "NW4 1RP", "nw41rp", "NW4 1", "nw4 1r", "NW4-1RP"])
def test_given_an_outward_code_or_a_postcode_then_its_outward_code(q: str) -> None:
    assert labels(q) == ["NW4"]


def test_given_a_postcode_with_a_lettered_district_then_that_district() -> None:
    assert labels("SW1A 1AA") == ["SW1A"]


@pytest.mark.parametrize("q", ["ZZ9 9ZZ", "nw41", "nw4 1rpx", "nw4 a"])
def test_given_a_postcode_the_table_does_not_know_or_no_postcode_then_no_outward_code(q: str) -> None:
    assert labels(q) == []


@pytest.mark.parametrize("q", ["NW4", "Nottingham", "Newcastle upon Tyne", "SW1A", "King's Lynn", "St Albans"])
def test_a_suggested_value_is_a_place_the_geocoder_knows(q: str) -> None:
    place = PLACES.match(q)[0][1]
    suggestion = place_suggestion(place)

    assert suggestion["type"] == "place"
    assert OfflineGeocoder().locate(suggestion["value"]) == place.point


# --- Nothing, and bounded work ------------------------------------------------------------


@pytest.mark.parametrize("q", ["xx", "x", "", "  ", "!!", "qz", "zzzz", "nottinghamshire and more"])
def test_given_no_place_then_nothing(q: str) -> None:
    assert labels(q) == []


@pytest.mark.parametrize(
    "q",
    [
        "a" * MAX_QUERY_CHARS,
        "n " * (MAX_QUERY_CHARS // 2),
        "nottingham " * (MAX_QUERY_CHARS // 11),
        "nottinghma" * (MAX_QUERY_CHARS // 10),
        "nw4 " * (MAX_QUERY_CHARS // 4),
    ],
)
def test_given_the_longest_typed_text_then_matching_stays_quick(q: str) -> None:
    started = time.perf_counter()
    for _ in range(10):
        PLACES.match(q)
    assert (time.perf_counter() - started) / 10 < 0.05


def test_given_text_longer_than_a_suggest_query_then_nothing_without_reading_it() -> None:
    huge = "Nottingham " * 100_000
    started = time.perf_counter()

    assert PLACES.match(huge) == []
    assert time.perf_counter() - started < 0.01


# --- Blended with the index's suggestions --------------------------------------------------


def _index_answer(
    specialties: dict[str, int] | None = None, hospitals: dict[str, tuple[str, int]] | None = None
) -> dict[str, Any]:
    def buckets(counts: dict[str, int]) -> dict[str, Any]:
        return {"labels": {"buckets": [{"key": key, "doc_count": count} for key, count in counts.items()]}}

    hospital_buckets = [
        {"key": key, "name": {"buckets": [{"key": name}]}, "specialists": {"doc_count": count}}
        for key, (name, count) in (hospitals or {}).items()
    ]
    return {
        "hits": {"hits": []},
        "aggregations": {
            "labels": {
                "specialty": buckets(specialties or {}),
                "treatment": buckets({}),
                "condition": buckets({}),
                "hospital": {"hospitals": {"labels": {"buckets": hospital_buckets}}},
            }
        },
    }


def test_given_card_then_the_specialty_before_the_town() -> None:
    raw = _index_answer(specialties={"Cardiology": 1, "Cardiothoracic surgery": 1})

    assert to_suggestions(raw, "card", 8, PLACES) == [
        {"type": "specialty", "label": "Cardiology", "value": "cardiology"},
        {"type": "specialty", "label": "Cardiothoracic surgery", "value": "cardiothoracic-surgery"},
        {"type": "place", "label": "Cardiff", "value": "Cardiff"},
    ]


def test_given_hendon_then_the_town_and_the_hospital() -> None:
    raw = _index_answer(hospitals={"hendon": ("BMI Hendon Hospital", 300)})

    assert to_suggestions(raw, "hendon", 8, PLACES) == [
        {"type": "place", "label": "Hendon", "value": "Hendon"},
        {"type": "hospital", "label": "BMI Hendon Hospital", "value": "hendon"},
    ]


def test_given_many_places_then_the_limit_holds_and_their_order_is_kept() -> None:
    found = to_suggestions(_index_answer(), "nw", 4, PLACES)

    assert [s["label"] for s in found] == ["NW1", "NW2", "NW3", "NW4"]


def test_given_a_small_table_then_it_is_the_one_matched() -> None:
    table = PlaceIndex([Place("town", "Nottingham", GeoPoint(52.95, -1.15))])

    assert to_suggestions(_index_answer(), "nott", 8, table) == [
        {"type": "place", "label": "Nottingham", "value": "Nottingham"}
    ]
    assert to_suggestions(_index_answer(), "new", 8, table) == []


def test_the_table_is_read_on_the_first_suggestion_and_once_per_process(monkeypatch: pytest.MonkeyPatch) -> None:
    reads: list[int] = []

    def counted() -> list[Place]:
        reads.append(1)
        return read_places()

    monkeypatch.setattr(suggest_places, "read_places", counted)
    gazetteer.cache_clear()
    try:
        assert reads == []
        for q in ("nott", "nw", "card"):
            assert to_suggestions(_index_answer(), q, 8)
        assert reads == [1]
    finally:
        gazetteer.cache_clear()


_PROBE = """
import json, os, sys
os.environ["OPENSEARCH_URL"] = "http://127.0.0.1:9"
import app
watched = ("chalicelib.search.suggest_places", "chalicelib.geocoding")
print(json.dumps(sorted(m for m in sys.modules if m.startswith(watched))))
"""


def test_importing_the_app_neither_loads_nor_reads_the_places_table() -> None:
    result = subprocess.run(
        [sys.executable, "-c", _PROBE], cwd=PROJECT_DIR, capture_output=True, text=True, check=True, timeout=60
    )

    assert json.loads(result.stdout.strip().splitlines()[-1]) == []
