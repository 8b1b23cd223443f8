"""Fees, consultation types and availability through GET /specialists and the profile,
against the real OpenSearch node holding a small feed of our own indexed by the real
indexer, the app's clock fixed at ``NOW``: fresh, stale and past slots at near and far
hospitals, fees and none."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

import pytest
from chalice.test import Client
from opensearchpy import OpenSearch

from app import app
from chalicelib import deps
from chalicelib.adapters.file_catalog_source import LocalFileSource
from indexer.reindex import Options, Reindexer
from tests.feeds import hospital, record, write_feed

pytestmark = pytest.mark.integration

ALIAS = "fees-availability-specialists"
NOW = datetime(2026, 3, 2, 9, 30, 20, tzinfo=UTC)  # a Monday; searches take it to the minute
DAY, HOUR = timedelta(days=1), timedelta(hours=1)
TEAM = "enquiries@hospitals.example"
# Hendon; central London, 7 miles away; Leeds, 170 miles away.
PLACES = {"hendon": (51.5887, -0.2279), "marylebone": (51.5203, -0.1545), "leeds": (53.8008, -1.5491)}


def _at(hospital_id: str, at: datetime | None = None, as_of: datetime | None = None) -> dict[str, Any]:
    lat, lon = PLACES[hospital_id]
    slot = {} if at is None else {"next_available": {"at": _text(at), "as_of": _text(as_of or NOW - HOUR)}}
    return hospital(hospital_id, TEAM, lat=lat, lon=lon, **slot)


def _text(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _fees(initial: int | None, follow_up: int | None = 15000) -> dict[str, Any]:
    return {
        "initial_consultation": initial,
        "follow_up": follow_up,
        "currency": "GBP",
        "updated_at": "2026-01-10T12:00:00Z",
        "insurer_arrangements": [{"insurer": "Bupa", "fee_capped": True, "shortfall_possible": False}],
    }


# number: (fees, consultation types, hospitals)
SPECIALISTS: dict[int, tuple[dict[str, Any] | None, list[str], list[dict[str, Any]]]] = {
    1: (_fees(15000), ["in_person", "video"], [_at("hendon", NOW + 2 * DAY)]),
    2: (_fees(25000), ["in_person"], [_at("hendon", NOW + 10 * DAY), _at("leeds", NOW + DAY)]),
    3: (_fees(30000), ["video", "phone"], [_at("marylebone", NOW + 20 * DAY)]),
    4: (None, [], [_at("hendon", NOW + DAY, NOW - 30 * HOUR)]),  # stale: unknown
    5: (_fees(20000), ["phone"], [_at("hendon", NOW - 2 * HOUR)]),  # past: unknown
    6: (_fees(15000), ["in_person"], [_at("hendon")]),  # none reported
    7: (_fees(50000), ["video"], [_at("leeds", NOW + 3 * DAY)]),
    8: (_fees(None), ["in_person"], [_at("hendon", NOW + 40 * DAY)]),  # a follow-up fee only
}
ALL = set(SPECIALISTS)


def _specialist(number: int) -> dict[str, Any]:
    fees, types, hospitals = SPECIALISTS[number]
    registration = {
        "status": "registered",
        "specialist_register": ["Cardiology"],
        "verified_at": "2026-02-01T08:00:00Z",
    }
    return record(
        number,
        fees=fees,
        consultation_types=types,
        hospitals=hospitals,
        gmc_number=f"{4000000 + number}",
        registration=registration,
    )


@pytest.fixture(scope="module")
def fees_index(opensearch_url: str, tmp_path_factory: pytest.TempPathFactory) -> str:
    feed = write_feed(tmp_path_factory.mktemp("fees") / "feed.jsonl", map(_specialist, SPECIALISTS))
    summary = Reindexer(OpenSearch(hosts=[opensearch_url], timeout=120), ALIAS, Options()).run(LocalFileSource(feed))
    assert (summary.outcome, summary.indexed) == ("swapped", len(SPECIALISTS)), summary.reason
    return opensearch_url


@pytest.fixture
def client(fees_index: str, app_env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> Iterator[Client]:
    monkeypatch.setenv("OPENSEARCH_URL", fees_index)
    monkeypatch.setenv("SEARCH_ALIAS", ALIAS)
    deps.reset()
    deps.services().clock = lambda: NOW
    with Client(app, stage_name="local") as chalice_client:
        yield chalice_client


def get(client: Client, path: str, **params: Any) -> tuple[int, dict[str, Any]]:
    response = client.http.get(f"{path}?{urlencode(params, doseq=True)}")
    return response.status_code, json.loads(response.body)


def search(client: Client, **params: Any) -> dict[str, Any]:
    status, body = get(client, "/specialists", page_size=50, **params)
    assert status == 200, body
    return body


def numbers(body: dict[str, Any]) -> list[int]:
    return [int(card["id"].removeprefix("sp-")) for card in body["results"]]


def as_asked(body: dict[str, Any]) -> list[int]:
    """The results that fit the search as asked: with a place, a short first page is
    filled from the relaxation ladder (wider, then the nearest), after these."""
    fit = body["relaxed"][0]["after_results"] if body["relaxed"] else len(body["results"])
    return numbers(body)[:fit]


def slot_of(card: dict[str, Any]) -> datetime | None:
    slot = card["next_available"]
    return None if slot is None else datetime.fromisoformat(slot["at"])


# --- Filters -----------------------------------------------------------------------------


def test_given_consultation_types_then_every_card_offers_one_of_them(client: Client) -> None:
    video = search(client, consultation_type="video")
    either = search(client, consultation_type=["video", "phone"])

    assert set(numbers(video)) == {1, 3, 7}
    assert all("video" in card["consultation_types"] for card in video["results"])
    assert set(numbers(either)) == {1, 3, 5, 7}
    assert all({"video", "phone"} & set(card["consultation_types"]) for card in either["results"])


def test_given_max_fee_then_every_card_has_a_fee_within_it_and_those_without_are_left_out(client: Client) -> None:
    body = search(client, max_fee=20000)

    assert set(numbers(body)) == {1, 5, 6}
    assert all(card["fee_from"] is not None and card["fee_from"] <= 20000 for card in body["results"])
    assert set(numbers(search(client, max_fee=0))) == set()


def test_given_available_within_days_then_every_card_shows_a_fresh_slot_by_then(client: Client) -> None:
    body = search(client, available_within_days=7)

    assert set(numbers(body)) == {1, 2, 7}  # the stale (4) and the past (5) slots are not promises
    for card in body["results"]:
        slot = slot_of(card)
        assert slot is not None
        assert NOW <= slot <= NOW + 7 * DAY


def test_given_a_place_then_the_slot_must_be_at_a_hospital_within_the_radius(client: Client) -> None:
    week = search(client, available_within_days=7, near="hendon", radius_miles=25)
    fortnight = search(client, available_within_days=14, near="hendon", radius_miles=25)

    assert as_asked(week) == [1]  # 2's slot within the week is in Leeds
    assert set(as_asked(fortnight)) == {1, 2}
    assert fortnight["results"][1]["next_available"]["hospital_id"] == "hendon"  # as counted: near Hendon
    # The page is filled with the nearest wherever they are: their slots count wherever they are.
    assert numbers(week)[1:] == [2, 7]
    assert [card["next_available"]["hospital_id"] for card in week["results"][1:]] == ["leeds", "leeds"]
    anywhere = {card["id"]: card for card in search(client)["results"]}
    assert anywhere["sp-000002"]["next_available"]["hospital_id"] == "leeds"  # no place: the soonest anywhere


# --- Sorts -------------------------------------------------------------------------------


def test_sort_soonest_puts_the_earliest_fresh_slot_first_and_the_unknown_last_by_name(client: Client) -> None:
    body = search(client, sort="soonest")
    slots = [slot_of(card) for card in body["results"]]
    known = [slot for slot in slots if slot is not None]

    assert numbers(body) == [2, 1, 7, 3, 8, 4, 5, 6]
    assert known == sorted(known)
    assert slots[len(known) :] == [None] * (len(slots) - len(known))


def test_sort_soonest_with_a_place_counts_the_hospitals_within_the_radius(client: Client) -> None:
    body = search(client, sort="soonest", near="hendon", radius_miles=25)

    assert as_asked(body) == [1, 2, 3, 8, 4, 5, 6]  # 7 works only in Leeds; 2 is next seen at Hendon
    assert [card["next_available"]["hospital_id"] for card in body["results"][:4]] == [
        "hendon",
        "hendon",
        "marylebone",
        "hendon",
    ]


def test_sort_fee_puts_the_lowest_fee_first_ties_by_name_and_the_unknown_last(client: Client) -> None:
    body = search(client, sort="fee")
    fees = [card["fee_from"] for card in body["results"]]

    assert numbers(body) == [1, 6, 5, 2, 3, 7, 4, 8]
    assert fees == [15000, 15000, 20000, 25000, 30000, 50000, None, None]


def test_stale_and_past_slots_are_shown_as_unknown(client: Client) -> None:
    cards = {card["id"]: card for card in search(client)["results"]}

    assert [cards[f"sp-00000{n}"]["next_available"] for n in (4, 5, 6)] == [None, None, None]
    assert cards["sp-000001"]["next_available"] == {"at": "2026-03-04T09:30:20+00:00", "hospital_id": "hendon"}


def test_the_window_is_the_setting(client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AVAILABILITY_MAX_AGE_HOURS", "36")
    deps.reset()
    deps.services().clock = lambda: NOW

    body = search(client, available_within_days=7)

    assert set(numbers(body)) == {1, 2, 4, 7}  # 4's slot, reported 30 hours ago, is fresh within 36
    assert body["results"][numbers(body).index(4)]["next_available"]["hospital_id"] == "hendon"


# --- Facets ------------------------------------------------------------------------------


def test_the_facets_count_as_their_filters_find_each_ignoring_its_own_selection(client: Client) -> None:
    body = search(client, consultation_type="video", available_within_days=7)
    types = {bucket["value"]: bucket for bucket in body["facets"]["consultation_type"]}
    windows = {bucket["value"]: bucket for bucket in body["facets"]["available_within_days"]}

    assert set(numbers(body)) == {1, 7}
    # Of those with a slot this week (1, 2, 7), whatever their type; nobody by phone.
    assert {value: (bucket["label"], bucket["count"]) for value, bucket in types.items()} == {
        "in_person": ("In person", 2),
        "video": ("Video", 2),
    }
    for value, bucket in types.items():
        assert bucket["count"] == search(client, consultation_type=value, available_within_days=7)["total"]
    assert [(value, bucket["label"]) for value, bucket in windows.items()] == [
        ("7", "This week"),
        ("14", "Within 2 weeks"),
        ("30", "Within a month"),
    ]
    for value, bucket in windows.items():
        assert bucket["count"] == search(client, consultation_type="video", available_within_days=value)["total"]


def test_the_availability_facet_is_cumulative_and_near_a_place_counts_only_the_hospitals_there(
    client: Client,
) -> None:
    anywhere = {b["value"]: b["count"] for b in search(client)["facets"]["available_within_days"]}
    near = {b["value"]: b["count"] for b in search(client, near="hendon")["facets"]["available_within_days"]}

    assert anywhere == {"7": 3, "14": 3, "30": 4}
    assert near == {"7": 1, "14": 2, "30": 3}


# --- The profile -------------------------------------------------------------------------


def test_the_profile_shows_fees_registration_types_and_fresh_slots_only(client: Client) -> None:
    status, one = get(client, "/specialists/sp-000002")
    _, stale = get(client, "/specialists/sp-000004")

    assert status == 200
    assert one["gmc_number"] == "4000002"
    assert one["registration"] == {
        "status": "registered",
        "specialist_register": ["Cardiology"],
        "verified_at": "2026-02-01T08:00:00Z",
    }
    assert one["fees"] == {
        "initial_consultation": 25000,
        "follow_up": 15000,
        "currency": "GBP",
        "updated_at": "2026-01-10T12:00:00Z",
        "insurer_arrangements": [{"insurer": "Bupa", "fee_capped": True, "shortfall_possible": False}],
    }
    assert one["consultation_types"] == ["in_person"]
    assert one["next_available"] == {"at": "2026-03-03T09:30:20+00:00", "hospital_id": "leeds"}
    assert [h["next_available"] for h in one["hospitals"]] == [
        {"at": "2026-03-12T09:30:20+00:00", "as_of": "2026-03-02T08:30:20+00:00"},
        {"at": "2026-03-03T09:30:20+00:00", "as_of": "2026-03-02T08:30:20+00:00"},
    ]
    assert (stale["fees"], stale["consultation_types"], stale["next_available"]) == (None, [], None)
    assert stale["hospitals"][0]["next_available"] is None


def test_a_hospitals_page_shows_the_cards_as_the_search_does(client: Client) -> None:
    status, page = get(client, "/hospitals/hendon", page_size=50)
    searched = search(client, hospital="hendon")

    assert status == 200
    assert page["results"] == searched["results"]
    assert {card["id"]: card["next_available"] for card in page["results"]}["sp-000002"]["hospital_id"] == "leeds"


# --- Bad input ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"consultation_type": "hologram"}, "consultation_type"),
        ({"available_within_days": "0"}, "available_within_days"),
        ({"available_within_days": "91"}, "available_within_days"),
        ({"max_fee": "two hundred"}, "max_fee"),
        ({"max_fee": "-5"}, "max_fee"),
        ({"sort": "cheapest"}, "sort"),
    ],
)
def test_given_a_bad_value_then_400_names_the_parameter(client: Client, params: dict[str, str], field: str) -> None:
    status, body = get(client, "/specialists", **params)

    assert status == 400
    assert body["error"]["field"] == field
