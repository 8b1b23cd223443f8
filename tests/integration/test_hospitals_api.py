"""GET /hospitals and /hospitals/{hospital_id} through the Chalice app, against the real
OpenSearch node holding the demo catalog: the hospitals are the catalog's own, and a
hospital's page agrees with GET /specialists?hospital={id} card for card and count for count."""

from __future__ import annotations

from typing import Any

import pytest
from chalice.test import Client

from chalicelib.geo import GeoPoint, distance_miles
from chalicelib.search.hospital_service import HospitalService
from chalicelib.search.hospitals import parse_hospital_page_request, parse_hospitals_request
from indexer.demo_data import HOSPITALS, HOSPITALS_BY_ID
from tests.integration.test_search_api import client, get, search
from tests.integration.test_search_understanding import CountingIndex, counted_services

pytestmark = pytest.mark.integration
__all__ = ["client"]  # the Chalice client fixture of the search API tests, on the same node


def hospitals(client: Client, **params: Any) -> dict[str, Any]:
    status, body, _ = get(client, "/hospitals", **params)
    assert status == 200, body
    return body


def hospital(client: Client, hospital_id: str, **params: Any) -> dict[str, Any]:
    status, body, _ = get(client, f"/hospitals/{hospital_id}", **params)
    assert status == 200, body
    return body


# --- The list ------------------------------------------------------------------------


def test_given_the_demo_catalog_then_every_hospital_is_listed_a_to_z_with_its_own_record(client: Client) -> None:
    body = hospitals(client)
    listed = body["hospitals"]

    assert body["total"] == len(listed) == len(HOSPITALS) == 45
    assert {h["id"] for h in listed} == set(HOSPITALS_BY_ID)
    assert [h["name"].casefold() for h in listed] == sorted(h.name.casefold() for h in HOSPITALS)
    assert body["near"] is None
    for entry in listed:
        record = HOSPITALS_BY_ID[entry["id"]]
        assert (entry["name"], entry["postcode"]) == (record.name, record.postcode)
        assert entry["lat"] == pytest.approx(record.lat, abs=1e-5)
        assert entry["lon"] == pytest.approx(record.lon, abs=1e-5)
        assert "distance_miles" not in entry
    assert sum(h["specialists"] for h in listed) >= 2000  # everyone works somewhere, some at two


@pytest.mark.parametrize("hospital_id", ["hendon", "london-independent", "st-edmunds", "fernbrae"])
def test_given_a_hospital_then_its_count_is_the_total_of_specialists_there(client: Client, hospital_id: str) -> None:
    counts = {h["id"]: h["specialists"] for h in hospitals(client)["hospitals"]}

    assert counts[hospital_id] == search(client, hospital=hospital_id)["total"] > 0


def test_given_a_specialty_then_only_hospitals_with_one_of_it_are_listed_counting_those(client: Client) -> None:
    everyone = {h["id"]: h["specialists"] for h in hospitals(client)["hospitals"]}
    body = hospitals(client, specialty="psychiatry")
    counts = {h["id"]: h["specialists"] for h in body["hospitals"]}
    per_hospital = {
        b["value"]: b["count"] for b in search(client, specialty="psychiatry", page_size=1)["facets"]["hospital"]
    }

    assert 0 < len(counts) <= len(everyone)
    assert counts == per_hospital
    assert all(0 < counts[h] <= everyone[h] for h in counts)
    for hospital_id in list(counts)[:3]:
        assert counts[hospital_id] == search(client, hospital=hospital_id, specialty="psychiatry")["total"]


@pytest.mark.parametrize(
    ("params", "label"),
    [({"near": "NW4 1RP"}, "NW4 1RP"), ({"near": "hendon"}, "hendon"), ({"lat": 51.5963, "lon": -0.2258}, None)],
)
def test_given_near_then_the_nearest_comes_first_with_rising_distances(
    client: Client, params: dict[str, Any], label: str | None
) -> None:
    body = hospitals(client, **params)
    listed = body["hospitals"]
    distances = [h["distance_miles"] for h in listed]

    assert len(listed) == 45
    assert listed[0]["id"] == "hendon"
    assert distances == sorted(distances)
    assert distances[0] < 1
    assert body["near"]["label"] == (label or "your location")
    origin = GeoPoint(body["near"]["lat"], body["near"]["lon"])
    far = listed[-1]
    assert far["distance_miles"] == pytest.approx(distance_miles(origin, GeoPoint(far["lat"], far["lon"])), abs=0.1)


def test_given_near_and_a_specialty_then_both_apply(client: Client) -> None:
    only = {h["id"] for h in hospitals(client, specialty="psychiatry")["hospitals"]}
    body = hospitals(client, specialty="psychiatry", near="Glasgow")
    listed = body["hospitals"]
    glasgow = GeoPoint(body["near"]["lat"], body["near"]["lon"])

    def miles(hospital_id: str) -> float:
        record = HOSPITALS_BY_ID[hospital_id]
        return distance_miles(glasgow, GeoPoint(record.lat, record.lon))

    assert len(only) < 45
    assert {h["id"] for h in listed} == only
    assert [h["id"] for h in listed] == sorted(only, key=miles)
    assert [h["distance_miles"] for h in listed] == [round(miles(h["id"]), 1) for h in listed]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"near": "Atlantis"}, "near"),
        ({"lat": "51.5"}, "lon"),
        ({"lat": "91", "lon": "0"}, "lat"),
        ({"near": "hendon", "lat": "51", "lon": "0"}, "near"),
        ({"page": "2"}, "page"),  # the list is not paged
        ({"q": "hendon"}, "q"),
    ],
)
def test_given_a_bad_list_parameter_then_400_names_it(client: Client, params: dict[str, Any], field: str) -> None:
    status, body, _ = get(client, "/hospitals", **params)

    assert status == 400
    assert body["error"]["code"] == "invalid_parameter"
    assert body["error"]["field"] == field


# --- A hospital's page ---------------------------------------------------------------


def test_given_hendon_then_its_page_has_its_record_offerings_and_the_search_cards(client: Client) -> None:
    page = hospital(client, "hendon")
    as_searched = search(client, hospital="hendon")
    record = HOSPITALS_BY_ID["hendon"]

    assert (page["id"], page["name"], page["postcode"]) == ("hendon", "BMI Hendon Hospital", "NW4 1RP")
    assert (page["lat"], page["lon"]) == (pytest.approx(record.lat, abs=1e-5), pytest.approx(record.lon, abs=1e-5))
    assert page["total"] == as_searched["total"] > 10
    assert (page["page"], page["page_size"]) == (1, 10)
    assert page["results"] == as_searched["results"]
    labels = [s["label"].casefold() for s in page["specialties"]]
    assert labels == sorted(labels)
    assert len(page["specialties"]) >= 5
    assert page["treatments"]


@pytest.mark.parametrize("kind", ["specialties", "treatments"])
def test_given_hendon_then_each_offering_counts_the_specialists_searched_for_it(client: Client, kind: str) -> None:
    offered = hospital(client, "hendon")[kind]
    field = {"specialties": "specialty", "treatments": "treatment"}[kind]

    for offering in [*offered[:4], *offered[-2:]]:
        assert offering["count"] == search(client, hospital="hendon", **{field: offering["value"]})["total"], offering
    # Every value is offered there: a search for it at the hospital finds someone.
    assert all(offering["count"] > 0 for offering in offered)


def test_given_hendon_then_every_specialty_of_its_specialists_is_offered(client: Client) -> None:
    offered = {s["label"] for s in hospital(client, "hendon")["specialties"]}
    total = search(client, hospital="hendon")["total"]
    cards = [
        card
        for number in range(1, (total + 49) // 50 + 1)
        for card in search(client, hospital="hendon", page_size=50, page=number)["results"]
    ]

    assert len(cards) == total
    assert {specialty for card in cards for specialty in card["specialties"]} == offered


def test_given_pages_then_they_are_the_searchs_pages_and_neither_repeat_nor_skip(client: Client) -> None:
    total = hospital(client, "hendon")["total"]
    seen: list[str] = []
    for number in range(1, (total + 19) // 20 + 1):
        page = hospital(client, "hendon", page=number, page_size=20)
        searched = search(client, hospital="hendon", page=number, page_size=20)
        assert [c["id"] for c in page["results"]] == [c["id"] for c in searched["results"]]
        assert page["page"] == number
        seen += [c["id"] for c in page["results"]]

    assert len(seen) == len(set(seen)) == total
    beyond = hospital(client, "hendon", page=(total // 20) + 2, page_size=20)
    assert beyond["results"] == []
    assert beyond["total"] == total


@pytest.mark.parametrize("hospital_id", ["atlantis", "hendonn", "HENDON", "no such id", "x" * 65])
def test_given_an_unknown_id_then_404_json(client: Client, hospital_id: str) -> None:
    status, body, headers = get(client, f"/hospitals/{hospital_id}")

    assert status == 404
    assert headers["Content-Type"] == "application/json"
    assert set(body) == {"error"}
    assert body["error"]["code"] == "not_found"
    assert body["error"]["field"] is None
    assert body["error"]["message"].startswith("There is no hospital with this id.")


def test_given_a_near_miss_then_the_404_names_the_hospital_meant(client: Client) -> None:
    status, body, _ = get(client, "/hospitals/hendonn")

    assert status == 404
    assert "hendon" in body["error"]["message"].removeprefix("There is no hospital with this id.")


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"page": "0"}, "page"),
        ({"page": "x"}, "page"),
        ({"page": "101", "page_size": "10"}, "page"),  # past the first 1,000 results
        ({"page_size": "51"}, "page_size"),
        ({"specialty": "psychiatry"}, "specialty"),  # not a parameter of the page
    ],
)
def test_given_a_bad_page_parameter_then_400_names_it(client: Client, params: dict[str, str], field: str) -> None:
    status, body, _ = get(client, "/hospitals/hendon", **params)

    assert status == 400
    assert body["error"]["field"] == field


# --- Round trips ---------------------------------------------------------------------


@pytest.fixture
def counted(demo_index: str) -> tuple[CountingIndex, HospitalService]:
    counting, services = counted_services(demo_index)
    return counting, services.hospitals


@pytest.mark.parametrize(
    "params", [{}, {"specialty": ["psychiatry"]}, {"near": ["hendon"]}, {"near": ["NW4"], "specialty": ["cardiology"]}]
)
def test_given_the_list_then_one_round_trip(
    counted: tuple[CountingIndex, HospitalService], params: dict[str, list[str]]
) -> None:
    counting, service = counted

    assert service.hospitals(parse_hospitals_request(params))["hospitals"]
    assert counting.round_trips == 1


@pytest.mark.parametrize("params", [{}, {"page": ["3"], "page_size": ["5"]}])
def test_given_a_hospitals_page_then_one_round_trip(
    counted: tuple[CountingIndex, HospitalService], params: dict[str, list[str]]
) -> None:
    counting, service = counted

    page = service.page("hendon", parse_hospital_page_request(params))

    assert page is not None
    assert page["results"]
    assert counting.round_trips == 1
