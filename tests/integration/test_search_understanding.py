"""The one search box, read as a receptionist would, against the real node holding the demo
catalog: what the words say becomes filters and a place, the answer says what it understood,
and it relaxes rather than answer nothing. Assertions are on what the patient sees: every
card's profile, every card's distance."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from chalice.test import Client

from chalicelib.bootstrap import Services, bootstrap
from chalicelib.config import load_search_settings
from chalicelib.search.ports import SearchIndex
from chalicelib.search.request import parse_search_request
from tests.conftest import BASE_ENV, DEMO_COUNT, DEMO_SEED
from tests.feeds import demo_listed
from tests.integration.test_search_api import client, get, search

pytestmark = pytest.mark.integration
__all__ = ["client"]  # the Chalice client fixture of the search API tests, on the same node


def as_asked(body: dict[str, Any]) -> list[dict[str, Any]]:
    """The cards that match as asked: those before the first filled-in relaxed ones."""
    starts = [item["after_results"] for item in body["relaxed"] if "after_results" in item]
    results: list[dict[str, Any]] = body["results"]
    return results[: min(starts)] if starts else results


def profiles(client: Client, body: dict[str, Any]) -> list[dict[str, Any]]:
    found = []
    for card in as_asked(body):
        status, profile, _ = get(client, f"/specialists/{card['id']}")
        assert status == 200
        found.append(profile)
    return found


def test_given_a_place_in_the_words_then_everyone_near_it_is_found_nearest_first(client: Client) -> None:
    body = search(client, q="psychiatrist in London", page_size=50)

    assert body["interpreted"]["near"]["label"] == "London"
    assert body["interpreted"]["text"] == "psychiatrist"
    assert [part["words"] for part in body["interpreted"]["parts"]] == ["in London"]
    near = as_asked(body)
    assert all(card["distance_miles"] <= 25 for card in near)
    assert all(card["distance_miles"] > 25 for card in body["results"][len(near) :])
    assert all("Psychiatry" in card["specialties"] for card in body["results"])
    # Not only the few whose hospital is called "London ...".
    assert sum("London" not in card["hospitals"][0]["name"] for card in near) > 5


def test_given_a_place_then_nearer_specialists_rank_before_farther_ones(client: Client) -> None:
    cards = search(client, q="psychiatrist near Hendon", page_size=30)["results"]
    distances = [card["distance_miles"] for card in cards]

    assert sum(distances[:5]) / 5 < sum(distances[10:]) / len(distances[10:])


@pytest.mark.parametrize(
    ("q", "field", "value", "label"),
    [
        ("cardiologist that takes WPA", "insurer", "wpa", "WPA"),
        ("dermatologist covered by AXA", "insurer", "axa-health", "AXA Health"),
        ("French speaking cardiologist", "language", "french", "French"),
        ("Polish-speaking dermatologist", "language", "polish", "Polish"),
    ],
)
def test_given_an_insurer_or_language_in_the_words_then_every_card_has_it(
    client: Client, q: str, field: str, value: str, label: str
) -> None:
    body = search(client, q=q)
    plural = {"insurer": "insurers", "language": "languages"}[field]

    assert as_asked(body)
    assert body["interpreted"]["filters"] == {field: [value]}
    assert all(label in profile[plural] for profile in profiles(client, body))


def test_given_my_son_then_every_card_sees_children_and_ent_comes_first(client: Client) -> None:
    body = search(client, q="my son keeps getting ear infections")

    assert body["interpreted"]["filters"] == {"sees_children": True}
    assert body["total"] > 0
    assert all(profile["sees_children"] for profile in profiles(client, body))
    assert body["results"][0]["specialties"][0].startswith("ENT")


def test_given_a_compound_line_then_every_constraint_holds_on_every_card(client: Client) -> None:
    body = search(client, q="female dermatologist Bupa near Birmingham")

    assert body["interpreted"]["filters"] == {"insurer": ["bupa"], "gender": ["female"]}
    assert body["interpreted"]["near"]["label"] == "Birmingham"
    assert body["total"] > 0
    for card, profile in zip(as_asked(body), profiles(client, body), strict=True):
        assert profile["gender"] == "female"
        assert "Bupa" in profile["insurers"]
        assert "Dermatology" in profile["specialties"]
        assert card["distance_miles"] <= body["interpreted"]["near"]["radius_miles"]


@pytest.mark.parametrize("q", ["consultant", "doctor", "specialist", "Dr", "private consultant near me"])
def test_given_only_generic_words_then_everyone_answers(client: Client, q: str) -> None:
    body = search(client, q=q)

    assert body["total"] == demo_listed(DEMO_COUNT, DEMO_SEED)
    assert body["interpreted"]["text"] == ""


@pytest.mark.parametrize(
    ("q", "fitting"),
    [
        ("I need a cataract operation", {"Ophthalmology"}),
        ("hernia repair private", {"General surgery", "Colorectal surgery", "Bariatric surgery"}),
        ("who can help with back pain", {"Spinal surgery", "Pain management", "Trauma and Orthopaedics"}),
        ("doctor for migraines", {"Neurology"}),
    ],
)
def test_given_a_sentence_then_specialists_who_fit_answer(client: Client, q: str, fitting: set[str]) -> None:
    body = search(client, q=q, page_size=50)

    assert len(body["results"]) == min(body["total"], 50) >= 10
    unfit = [(card["id"], card["specialties"]) for card in body["results"] if not fitting & set(card["specialties"])]
    assert unfit == []


def test_given_an_explicit_parameter_then_it_wins_and_the_conflict_is_reported(client: Client) -> None:
    body = search(client, q="cardiologist Bupa", insurer="aviva")

    assert body["interpreted"]["filters"] == {}
    assert body["interpreted"]["conflicts"][0]["field"] == "insurer"
    assert body["interpreted"]["conflicts"][0]["words"] == "Bupa"
    assert all("Aviva" in profile["insurers"] for profile in profiles(client, body))


def test_given_nobody_within_the_radius_then_the_radius_widens_and_says_so(client: Client) -> None:
    body = search(client, q="spinal surgeon in Nottingham")

    assert body["total"] > 0
    assert [step["code"] for step in body["relaxed"]] == ["radius"]
    radius = body["relaxed"][-1]["radius_miles"]
    assert all(25 < card["distance_miles"] <= radius for card in body["results"])


def test_given_nobody_within_100_miles_then_the_nearest_are_shown(client: Client) -> None:
    body = search(client, q="cardiothoracic surgeon in Inverness")

    assert body["relaxed"][-1]["code"] == "nearest"
    assert "Inverness" in body["relaxed"][-1]["message"]
    distances = [card["distance_miles"] for card in body["results"]]
    assert all("Cardiothoracic surgery" in card["specialties"] for card in body["results"])
    assert distances == sorted(distances)


def test_given_a_word_constraint_nobody_meets_nearby_then_it_is_dropped_and_said(client: Client) -> None:
    body = search(client, q="Gujarati speaking gynaecologist in Aberdeen")

    assert body["relaxed"][-1] | {"message": ""} == {"code": "dropped", "field": "language", "message": ""}
    assert all(card["distance_miles"] <= 100 for card in body["results"])
    assert all("Gynaecology" in card["specialties"] for card in body["results"])


def test_given_few_match_as_asked_then_the_page_is_filled_after_them_and_says_from_where(client: Client) -> None:
    body = search(client, q="Gujarati speaking gynaecologist")
    exact = as_asked(body)

    assert 0 < len(exact) < len(body["results"]) == body["total"] <= 10
    assert body["relaxed"][0] | {"message": ""} == {
        "code": "dropped",
        "field": "language",
        "message": "",
        "after_results": len(exact),
    }
    assert all("Gujarati" in profile["languages"] for profile in profiles(client, body))
    assert all("Gynaecology" in card["specialties"] for card in body["results"])
    cards_ids = [card["id"] for card in body["results"]]
    assert len(set(cards_ids)) == len(cards_ids)


def test_given_the_words_find_someone_then_nothing_is_relaxed(client: Client) -> None:
    assert search(client, q="cardiologist")["relaxed"] == []


def test_given_red_flag_words_then_a_notice_comes_with_the_results(client: Client) -> None:
    body = search(client, q="crushing chest pain")

    assert [notice["code"] for notice in body["notices"]] == ["chest_pain"]
    assert "999" in body["notices"][0]["message"]
    assert body["total"] > 0
    assert search(client, q="cardiologist")["notices"] == []


class CountingIndex(SearchIndex):
    """The real index, counting round trips to OpenSearch."""

    def __init__(self, index: SearchIndex) -> None:
        self.index = index
        self.round_trips = 0

    def ping(self) -> None:
        self.index.ping()

    def search(self, body: dict[str, Any]) -> dict[str, Any]:
        self.round_trips += 1
        return self.index.search(body)

    def msearch(self, bodies: Any, corpora: Any = None) -> list[dict[str, Any]]:
        self.round_trips += 1
        return self.index.msearch(bodies, corpora)

    def get(self, doc_id: str) -> dict[str, Any] | None:
        self.round_trips += 1
        return self.index.get(doc_id)


def counted_services(opensearch_url: str, **env: str) -> tuple[CountingIndex, Services]:
    """The app's services as the composition root builds them for the node at
    ``opensearch_url`` (and any other ``env``), their index counting round trips."""
    settings = load_search_settings({**BASE_ENV, "OPENSEARCH_URL": opensearch_url, **env})
    counting = CountingIndex(bootstrap(settings).search_index)
    return counting, bootstrap(settings, index=counting)


@pytest.mark.parametrize(
    "params",
    [
        {"q": "cardiologist"},
        {"q": "psychiatry hendn"},
        {"q": "cardiothoracic surgeon in Inverness"},
        {"q": "Gujarati speaking gynaecologist in Aberdeen"},
        {"q": "female Welsh speaking cardiothoracic surgeon Bupa book online near Truro"},
        {"q": "zzzz qqqq"},
        {"q": "psychiatrist", "near": "hendon"},
    ],
)
def test_given_any_search_then_at_most_two_round_trips_once_the_vocabulary_is_read(
    demo_index: str, params: dict[str, str]
) -> None:
    counting, services = counted_services(demo_index)
    service = services.search
    service.search(parse_search_request({"q": ["warm up"]}))
    counting.round_trips = 0

    service.search(parse_search_request({name: [value] for name, value in params.items()}))

    assert counting.round_trips <= 2


def test_given_words_the_catalog_uses_then_no_near_spelling_stands_in_for_them(client: Client) -> None:
    # "cardiologist" is two edits from "radiologist": forgiven only for words the catalog lacks.
    body = search(client, q="Hindi speaking cardiologist")

    assert body["total"] > 0
    assert all("Cardiology" in card["specialties"] for card in body["results"])
    assert body["did_you_mean"] is None
    assert search(client, q="cardiolgy")["results"][0]["specialties"] == ["Cardiology"]
    # A word the catalog lacks beside it does not make "cardiology" fuzzy ("radiology").
    beside = search(client, q="cardiology NOT", page_size=50)
    assert beside["total"] == search(client, q="cardiology")["total"]
    assert all("Cardiology" in card["specialties"] for card in beside["results"])


# --- How, when and for how much, from the words ---------------------------------------------


def parts_of(body: dict[str, Any]) -> list[tuple[str, str, str]]:
    return [(part["kind"], part["label"], part["words"]) for part in body["interpreted"]["parts"]]


def within_days(card: dict[str, Any], days: int) -> bool:
    slot = card["next_available"]
    return slot is not None and datetime.fromisoformat(slot["at"]) <= datetime.now(UTC) + timedelta(days=days)


def test_given_video_in_the_words_then_every_card_offers_video_and_the_text_is_the_rest(client: Client) -> None:
    body = search(client, q="dermatologist video", page_size=50)

    assert parts_of(body) == [("consultation", "Video consultation", "video")]
    assert (body["interpreted"]["text"], body["interpreted"]["filters"]) == (
        "dermatologist",
        {"consultation_type": ["video"]},
    )
    assert len(as_asked(body)) > 10
    assert all("video" in card["consultation_types"] for card in as_asked(body))
    assert all("Dermatology" in card["specialties"] for card in body["results"])
    # Those filling the page after them are said to: "Only 26 fit as asked; also showing all consultation types".
    assert [(item["field"], item.get("after_results")) for item in body["relaxed"]] == [
        ("consultation_type", len(as_asked(body)))
    ]


def test_given_a_fee_ceiling_in_the_words_then_every_card_publishes_a_fee_within_it(client: Client) -> None:
    body = search(client, q="cardiologist under £240", page_size=50)

    assert parts_of(body) == [("fee", "Initial consultation up to £240", "under £240")]
    assert body["interpreted"]["filters"] == {"max_fee": 24000}
    assert len(as_asked(body)) > 5
    assert all(card["fee_from"] is not None and card["fee_from"] <= 24000 for card in as_asked(body))
    assert all("Cardiology" in card["specialties"] for card in body["results"])


def test_given_this_week_in_the_words_then_every_card_has_a_slot_within_seven_days(client: Client) -> None:
    body = search(client, q="knee surgeon available this week", page_size=50)

    assert parts_of(body) == [("availability", "Available this week", "available this week")]
    assert body["interpreted"]["filters"] == {"available_within_days": 7}
    assert len(as_asked(body)) > 5
    assert all(within_days(card, 7) for card in as_asked(body))


@pytest.mark.parametrize(
    ("q", "order", "key"),
    [
        ("soonest dermatologist", "soonest", lambda card: card["next_available"] and card["next_available"]["at"]),
        ("cheapest dermatologist", "fee", lambda card: card["fee_from"]),
    ],
)
def test_given_an_order_in_the_words_then_the_cards_come_in_it_unknown_last(
    client: Client, q: str, order: str, key: Any
) -> None:
    body = search(client, q=q, page_size=50)
    values = [key(card) for card in body["results"]]
    known = [value for value in values if value]

    assert body["interpreted"]["filters"] == {"sort": order}
    assert body["interpreted"]["text"] == "dermatologist"
    assert known == sorted(known)
    assert len(known) > 10
    assert values[: len(known)] == known  # those not known come after every known one
    assert all("Dermatology" in card["specialties"] for card in body["results"])


def test_given_a_consultation_type_parameter_then_it_wins_over_the_words_and_the_conflict_is_said(
    client: Client,
) -> None:
    body = search(client, q="dermatologist video", consultation_type="phone", page_size=50)

    assert body["interpreted"]["filters"] == {}
    assert [(c["field"], c["words"]) for c in body["interpreted"]["conflicts"]] == [("consultation_type", "video")]
    assert body["total"] > 0
    assert all("phone" in card["consultation_types"] for card in body["results"])


def test_given_a_fee_ceiling_nobody_meets_then_it_is_dropped_and_said(client: Client) -> None:
    body = search(client, q="dermatologist under £100")

    assert body["relaxed"] == [
        {
            "code": "dropped",
            "field": "max_fee",
            "message": "Nobody who fits charges up to £100 for a first consultation; showing all fees",
        }
    ]
    assert body["total"] > 0
    assert all("Dermatology" in card["specialties"] for card in body["results"])
