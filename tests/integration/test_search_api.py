"""GET /specialists, /specialists/{id} and /suggest through the Chalice app, against the
real OpenSearch node holding the demo catalog."""

from __future__ import annotations

import json
import socket
import time
import unicodedata
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import pytest
from chalice.test import Client

from chalicelib import deps
from chalicelib.slugs import slugify
from tests.conftest import DEMO_COUNT, DEMO_SEED, local_api
from tests.feeds import demo_listed

pytestmark = pytest.mark.integration

SEED_SIX = {
    "krish-nandy": ("Dr Krish Nandy", "Consultant Psychiatrist", None, "book", 1),
    "kay-rowlands": (
        "Mrs Kay Rowlands",
        "Consultant Psychotherapist/Counsellor",
        "Dip Counselling/Psychotherapy, Post Grad Cognitive Behavioural Therapy (CBT), Accredited Therapist",
        "enquire",
        0,
    ),
    "christine-marklow": ("Dr Christine Marklow", "Consultant Psychologist", None, "enquire", 0),
    "margaret-mary-searle": (
        "Dr Margaret Mary Searle",
        "Consultant Clinical Psychologist",
        "MSc, Dip.Clin.Psychol., Dip.Clin.Neuropsychol., B.Sc(Hons) C.Psychol., D.Clin.Psychol",
        "enquire",
        0,
    ),
    "gordon-james-turnbull": (
        "Gordon James Turnbull",
        "Consultant Psychiatrist",
        "BSc, MB, ChB, FRCP, FRCPsych",
        "enquire",
        0,
    ),
    "richard-oflynn": ("Dr Richard O'Flynn", "Consultant Psychiatrist", "MB, BS (Lond) FRCPsych", "enquire", 0),
}


@pytest.fixture
def client(demo_index: str, app_env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> Iterator[Client]:
    with local_api(monkeypatch, demo_index) as chalice_client:
        yield chalice_client


def get(client: Client, path: str, **params: Any) -> tuple[int, dict[str, Any], dict[str, str]]:
    query = urlencode(params, doseq=True)
    response = client.http.get(f"{path}?{query}" if query else path)
    return response.status_code, json.loads(response.body), response.headers


def search(client: Client, **params: Any) -> dict[str, Any]:
    status, body, _ = get(client, "/specialists", **params)
    assert status == 200, body
    return body


def profile(client: Client, specialist_id: str) -> dict[str, Any]:
    status, body, _ = get(client, f"/specialists/{specialist_id}")
    assert status == 200, body
    return body


def folded(text: str) -> str:
    """Lowercase without accents, as the index's ``folded`` normalizer (lowercase, asciifolding)."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


# --- The seed page -------------------------------------------------------------------


def test_given_the_demo_catalog_then_psychodynamic_therapy_lists_the_seed_page_specialists(client: Client) -> None:
    first = search(client, treatment="psychodynamic-therapy", page_size=50)
    pages = range(1, (first["total"] + 49) // 50 + 1)
    cards = {
        card["id"]: card
        for page in pages
        for card in search(client, treatment="psychodynamic-therapy", page_size=50, page=page)["results"]
    }
    assert len(cards) == first["total"]
    for specialist_id, (name, title, qualifications, action, more) in SEED_SIX.items():
        card = cards[specialist_id]
        assert (card["name"], card["title"], card["qualifications"]) == (name, title, qualifications)
        assert (card["action"], card["more_hospitals"]) == (action, more)
    nandy = cards["krish-nandy"]
    assert [h["name"] for h in nandy["hospitals"]] == ["BMI The London Independent Hospital", "BMI Hendon Hospital"]
    assert nandy["bookable_online"] is True
    assert cards["richard-oflynn"]["hospitals"][0]["name"] == "BMI St Edmunds Hospital"


# --- Free text -----------------------------------------------------------------------


@pytest.mark.parametrize("q", ["Krish Nandy", "Dr Krish Nandy", "nandy", "Doctor Nandy"])
def test_given_a_name_then_that_specialist_comes_first(client: Client, q: str) -> None:
    assert search(client, q=q)["results"][0]["id"] == "krish-nandy"


@pytest.mark.parametrize("q", ["O'Flynn", "OFlynn", "O Flynn", "Richard O\u2019Flynn"])
def test_given_any_spelling_of_oflynn_then_he_comes_first(client: Client, q: str) -> None:
    assert search(client, q=q)["results"][0]["id"] == "richard-oflynn"


@pytest.mark.parametrize(
    ("q", "fitting"),
    [
        ("heart doctor", {"Cardiology"}),
        ("cardiolgy", {"Cardiology"}),
        ("talking therapy", {"Psychotherapy", "Psychology", "Psychiatry"}),
        ("orthopedic surgeon", {"Trauma and Orthopaedics"}),
        ("skin specialist", {"Dermatology"}),
    ],
)
def test_given_lay_terms_and_typos_then_fitting_specialists_are_found(
    client: Client, q: str, fitting: set[str]
) -> None:
    body = search(client, q=q, page_size=50)

    assert len(body["results"]) == min(body["total"], 50) >= 10
    assert body["relaxed"] == []
    unfit = [(card["id"], card["specialties"]) for card in body["results"] if not fitting & set(card["specialties"])]
    assert unfit == []


@pytest.mark.parametrize(
    ("q", "words"),
    [
        ('"', ""),
        ("*", ""),
        ("psych*", "psych"),  # no wildcard
        ("title:cardiology", "title cardiology"),  # no field
        ("\\", ""),
        ("cardiology OR dermatology", "cardiology or dermatology"),  # no operators
        ('{"query": {"match_all": {}}}', "query match all"),
        ("🩺 heart", "heart"),
        ("طبيب قلب", None),  # no syntax in it: only asked once
        ("car\u200bdiology", "cardiology"),
        ("a" * 200, None),
        ("((((", ""),
        ("cardiology AND NOT", "cardiology and not"),
        ("/.*/", ""),  # no regular expression
    ],
)
def test_given_query_syntax_or_odd_text_then_it_is_just_text(client: Client, q: str, words: str | None) -> None:
    status, body, _ = get(client, "/specialists", q=q)

    assert status == 200, body
    assert len(body["results"]) == min(body["total"], 10)
    if words is not None:  # the same answer as the words alone, syntax characters dropped
        plain = search(client, **({"q": words} if words else {}))
        assert (body["total"], [card["id"] for card in body["results"]]) == (
            plain["total"],
            [card["id"] for card in plain["results"]],
        )


def test_given_a_zero_width_space_inside_a_word_then_the_word_still_matches(client: Client) -> None:
    assert search(client, q="car\u200bdiology")["total"] == search(client, q="cardiology")["total"] > 0


# --- Filters and facets ----------------------------------------------------------------


def test_given_no_filter_then_the_two_valued_facets_add_up_to_the_total(client: Client) -> None:
    body = search(client)
    listed = demo_listed(DEMO_COUNT, DEMO_SEED)  # the 2,000 but the few not registered

    assert body["total"] == listed
    assert sum(bucket["count"] for bucket in body["facets"]["bookable_online"]) == listed
    assert sum(bucket["count"] for bucket in body["facets"]["sees_children"]) == listed
    assert sum(bucket["count"] for bucket in body["facets"]["gender"]) <= listed
    labels = {bucket["value"]: bucket["label"] for bucket in body["facets"]["bookable_online"]}
    assert labels == {"true": "Book online", "false": "Enquire"}


def test_given_a_specialty_is_ticked_then_its_facet_still_counts_the_others(client: Client) -> None:
    before = {b["value"]: b["count"] for b in search(client)["facets"]["specialty"]}

    body = search(client, specialty="psychiatry")

    after = {b["value"]: b["count"] for b in body["facets"]["specialty"]}
    assert body["total"] == before["psychiatry"]
    assert after["psychology"] == before["psychology"]
    assert all("Psychiatry" in card["specialties"] for card in body["results"])


def test_given_two_values_of_a_facet_then_they_are_or_and_other_facets_narrow(client: Client) -> None:
    psychiatry = search(client, specialty="psychiatry")["total"]
    psychology = search(client, specialty="psychology")["total"]

    either = search(client, specialty="psychiatry,psychology")
    repeated = search(client, specialty=["psychiatry", "psychology"])
    narrowed = search(client, specialty="psychiatry,psychology", bookable_online="true")

    assert either["total"] == repeated["total"] <= psychiatry + psychology
    assert either["total"] >= max(psychiatry, psychology)
    assert 0 < narrowed["total"] < either["total"]
    assert all(card["action"] == "book" for card in narrowed["results"])
    bookable_counts = {b["value"]: b["count"] for b in narrowed["facets"]["bookable_online"]}
    assert bookable_counts["true"] + bookable_counts["false"] == either["total"]


def test_given_a_hospital_filter_then_every_card_works_there_and_the_facet_names_it(client: Client) -> None:
    body = search(client, hospital="hendon", page_size=50)

    assert body["total"] > 0
    assert all(any(h["id"] == "hendon" for h in card["hospitals"]) for card in body["results"])
    hospitals = {b["value"]: b for b in body["facets"]["hospital"]}
    assert hospitals["hendon"]["label"] == "BMI Hendon Hospital"
    assert hospitals["hendon"]["count"] == body["total"]


@pytest.mark.parametrize(
    ("params", "field", "wanted", "facet"),
    [
        ({"gender": "female"}, "gender", "female", "gender"),
        ({"sees_children": "true"}, "sees_children", True, "sees_children"),
        ({"language": "Hindi"}, "languages", "hindi", "language"),
        ({"insurer": "bupa"}, "insurers", "bupa", "insurer"),
        ({"condition": "depression"}, "conditions", "depression", None),  # not a facet
    ],
)
def test_given_each_filter_then_every_card_has_it_and_its_facet_counts_the_total(
    client: Client, params: dict[str, str], field: str, wanted: str | bool, facet: str | None
) -> None:
    body = search(client, **params, page_size=50)
    last = search(client, **params, page_size=50, page=(min(body["total"], 1000) + 49) // 50)

    assert 0 < body["total"] < 2000
    cards = body["results"] + last["results"]
    assert len(cards) == min(body["total"], 50) + len(last["results"]) > 0
    for card in cards:  # cards carry none of these fields: the profile does
        value = profile(client, card["id"])[field]
        assert wanted in {slugify(label) for label in value} if isinstance(value, list) else value == wanted, (
            card["id"],
            value,
        )
    if facet is not None:
        counts = {bucket["value"]: bucket["count"] for bucket in body["facets"][facet]}
        assert counts[str(wanted).lower()] == body["total"]
    # An unselected two-valued facet counts exactly the filtered specialists.
    assert sum(bucket["count"] for bucket in body["facets"]["bookable_online"]) == body["total"]


# --- Paging and sorting ----------------------------------------------------------------


@pytest.mark.parametrize(
    "params",
    [
        {"q": "psychiatrist"},  # ranked by score, many ties broken by name then id
        {"specialty": "cardiology"},  # no words: every score ties
        {"q": "talking therapy", "near": "London", "radius_miles": 200},  # distance decays the score
        {
            "specialty": "psychiatry",
            "near": "Birmingham",
            "radius_miles": 200,
            "sort": "distance",
        },  # same-hospital ties
    ],
)
def test_given_pages_then_they_neither_repeat_nor_skip(client: Client, params: dict[str, str]) -> None:
    whole = search(client, **params, page_size=40)
    paged = [
        card["id"] for page in range(1, 5) for card in search(client, **params, page_size=10, page=page)["results"]
    ]

    assert whole["total"] >= 40
    assert whole["relaxed"] == []  # every card matches as asked
    assert len(set(paged)) == 40
    assert paged == [card["id"] for card in whole["results"]]


def test_given_near_a_town_sorted_by_distance_then_distances_rise_and_stay_in_the_radius(client: Client) -> None:
    body = search(client, near="Hendon", sort="distance", radius_miles=30, page_size=50)

    distances = [card["distance_miles"] for card in body["results"]]
    assert body["total"] > 0
    assert distances == sorted(distances)
    assert all(distance <= 30.1 for distance in distances)


def test_given_lat_lon_then_results_are_within_the_radius(client: Client) -> None:
    body = search(client, lat="53.4808", lon="-2.2426", radius_miles=10, sort="distance")

    assert body["total"] > 0
    assert all(card["distance_miles"] <= 10.1 for card in body["results"])


def test_given_near_a_hospital_id_then_its_specialists_are_nearest(client: Client) -> None:
    body = search(client, near="hendon", sort="distance")

    assert body["results"][0]["distance_miles"] < 0.5


def test_given_sort_by_name_then_surnames_are_in_order(client: Client) -> None:
    pages = [search(client, specialty="psychiatry", sort="name", page_size=50, page=page) for page in (1, 2)]
    cards = [card for page in pages for card in page["results"]]
    names = [profile(client, card["id"]) for card in cards]
    # Surname, then first name, folded (as the index's sort_name); ties by id.
    order = [(folded(f"{p['last_name']} {p['first_name']}"), p["id"]) for p in names]

    assert 50 < len(cards) == pages[0]["total"] <= 100  # both pages, so the order holds across them
    assert len({card["id"] for card in cards}) == len(cards)
    assert order == sorted(order)
    assert len({p["last_name"] for p in names}) > 10  # an order that says something


# --- Errors ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"colour": "blue"}, "colour"),
        ({"page_size": "51"}, "page_size"),
        ({"page_size": "0"}, "page_size"),
        ({"page": "0"}, "page"),
        ({"page": "abc"}, "page"),
        ({"page": "21", "page_size": "50"}, "page"),
        ({"lat": "51.5"}, "lon"),
        ({"lat": "91", "lon": "0"}, "lat"),
        ({"lat": "nan", "lon": "0"}, "lat"),
        ({"lat": "51", "lon": "inf"}, "lon"),
        ({"radius_miles": "201"}, "radius_miles"),
        ({"radius_miles": "1e309"}, "radius_miles"),
        ({"sort": "price"}, "sort"),
        ({"sort": "distance"}, "sort"),
        ({"gender": "other"}, "gender"),
        ({"sees_children": "yes"}, "sees_children"),
        ({"bookable_online": "1"}, "bookable_online"),
        ({"q": "x" * 201}, "q"),
        ({"q": ["a", "b"]}, "q"),
        ({"near": "Atlantis"}, "near"),
        ({"near": "ZZ99 9ZZ"}, "near"),
        ({"near": "Hendon", "lat": "51", "lon": "0"}, "near"),
        ({"hospital": "../etc/passwd"}, "hospital"),
    ],
)
def test_given_a_bad_parameter_then_400_names_it(client: Client, params: dict[str, Any], field: str) -> None:
    status, body, _ = get(client, "/specialists", **params)

    assert status == 400
    assert body["error"]["code"] == "invalid_parameter"
    assert body["error"]["field"] == field
    assert body["error"]["message"]


def test_given_opensearch_is_down_then_503_with_retry_after_quickly(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    monkeypatch.setenv("OPENSEARCH_URL", f"http://127.0.0.1:{port}")
    deps.reset()

    started = time.monotonic()
    status, body, headers = get(client, "/specialists", q="cardiology")

    assert status == 503
    assert headers["Retry-After"] == "5"
    assert body["error"]["code"] == "search_unavailable"
    assert "127.0.0.1" not in json.dumps(body)
    assert time.monotonic() - started < 3


def test_given_opensearch_hangs_then_503_within_3_seconds(client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        monkeypatch.setenv("OPENSEARCH_URL", f"http://127.0.0.1:{silent.getsockname()[1]}")
        deps.reset()

        started = time.monotonic()
        status, _, headers = get(client, "/suggest", q="card")
        elapsed = time.monotonic() - started

    assert status == 503
    assert headers["Retry-After"] == "5"
    assert elapsed < 3


# --- Profile ---------------------------------------------------------------------------


def test_given_a_known_id_then_the_profile_has_the_catalog_fields_but_no_team_address(client: Client) -> None:
    status, body, _ = get(client, "/specialists/kay-rowlands")

    assert status == 200
    assert (body["honorific"], body["first_name"], body["last_name"]) == ("Mrs", "Kay", "Rowlands")
    assert body["name"] == "Mrs Kay Rowlands"
    assert body["action"] == "enquire"
    assert body["hospitals"][0]["name"] == "BMI The Beaumont Hospital"
    assert "enquiries_email" not in json.dumps(body)


@pytest.mark.parametrize("specialist_id", ["no-such-person", "UPPER", "a" * 65, "%2e%2e"])
def test_given_an_unknown_id_then_404_json(client: Client, specialist_id: str) -> None:
    status, body, _ = get(client, f"/specialists/{specialist_id}")

    assert status == 404
    assert body["error"]["code"] == "not_found"


# --- Typeahead -------------------------------------------------------------------------


def suggestions(client: Client, q: str, **params: Any) -> list[dict[str, str]]:
    status, body, _ = get(client, "/suggest", q=q, **params)
    assert status == 200, body
    return list(body["suggestions"])


def test_given_two_letters_then_specialties_are_suggested(client: Client) -> None:
    found = suggestions(client, "ps")

    assert {"type": "specialty", "label": "Psychiatry", "value": "psychiatry"} in found
    assert len(found) <= 8


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("kris", {"type": "specialist", "label": "Dr Krish Nandy", "value": "krish-nandy"}),
        ("hendo", {"type": "hospital", "label": "BMI Hendon Hospital", "value": "hendon"}),
        ("cardiolgy", {"type": "specialty", "label": "Cardiology", "value": "cardiology"}),
        (
            "knee rep",
            {
                "type": "treatment",
                "label": "Knee replacement",
                "value": "knee-replacement",
                "page_link": {"type": "treatment", "slug": "knee-replacement", "label": "Knee replacement"},
            },
        ),
    ],
)
def test_given_typing_then_the_right_suggestion_appears(client: Client, q: str, expected: dict[str, str]) -> None:
    assert expected in suggestions(client, q, limit=10)


def test_given_one_letter_then_no_suggestions(client: Client) -> None:
    assert suggestions(client, "p") == []


def test_given_the_start_of_a_town_then_the_place_is_suggested_and_searches_near_it(client: Client) -> None:
    found = suggestions(client, "nott")
    place = {"type": "place", "label": "Nottingham", "value": "Nottingham"}

    assert place in found
    body = search(client, near=place["value"], sort="distance", page_size=5)
    assert body["total"] > 0
    assert body["results"][0]["distance_miles"] < 10  # BMI The Park Hospital, NG5


def test_given_an_outward_area_then_its_districts_are_suggested_in_order_and_each_searches_near_it(
    client: Client,
) -> None:
    places = [s for s in suggestions(client, "nw", limit=10) if s["type"] == "place"]

    assert [s["label"] for s in places] == [f"NW{n}" for n in range(1, 11)]
    assert all(s["value"] == s["label"] for s in places)
    assert search(client, near=places[3]["value"], sort="distance", page_size=1)["results"][0]["distance_miles"] < 2


def test_given_a_full_postcode_then_its_outward_code_is_suggested(client: Client) -> None:
    assert {"type": "place", "label": "NW4", "value": "NW4"} in suggestions(client, "NW4 1RP")


def test_given_card_then_cardiology_is_suggested_first_and_cardiff_soon_after(client: Client) -> None:
    found = suggestions(client, "card")

    assert found[0] == {"type": "specialty", "label": "Cardiology", "value": "cardiology"}
    assert {"type": "place", "label": "Cardiff", "value": "Cardiff"} in found[1:5]


def test_given_a_town_with_a_hospital_of_its_name_then_both_are_suggested(client: Client) -> None:
    found = suggestions(client, "hendon")

    assert {"type": "place", "label": "Hendon", "value": "Hendon"} in found
    assert {"type": "hospital", "label": "BMI Hendon Hospital", "value": "hendon"} in found


def test_given_typing_then_suggest_asks_the_index_once(client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    index = deps.services().search_index
    requests: list[dict[str, Any]] = []
    ask = index.search

    def counted(body: dict[str, Any]) -> dict[str, Any]:
        requests.append(body)
        return ask(body)

    monkeypatch.setattr(index, "search", counted)
    for q in ("nott", "nw", "card", "hendon"):
        requests.clear()
        assert suggestions(client, q)
        assert len(requests) == 1, q


@pytest.mark.parametrize(("params", "field"), [({"limit": "11"}, "limit"), ({"size": "3"}, "size")])
def test_given_bad_typeahead_parameters_then_400(client: Client, params: dict[str, str], field: str) -> None:
    status, body, _ = get(client, "/suggest", q="card", **params)

    assert status == 400
    assert body["error"]["field"] == field


# --- Did you mean ----------------------------------------------------------------------


def test_given_a_misspelling_with_no_results_then_did_you_mean_offers_a_phrase_that_finds_some(
    client: Client,
) -> None:
    # Each word alone would be forgiven, but a typo'd word must match in the same field
    # as the others: the hospital's name and the specialty are different fields.
    # As typed the words find nobody: the answer relaxes them, and offers the correction.
    body = search(client, q="psychiatry hendn")
    suggestion = body["did_you_mean"]

    assert body["relaxed"][0]["code"] == "some_words"
    assert suggestion == "psychiatry hendon"
    assert search(client, q=suggestion)["total"] > 0


def test_given_plenty_of_results_then_no_did_you_mean(client: Client) -> None:
    assert search(client, q="cardiology")["did_you_mean"] is None


# --- Links to pages ----------------------------------------------------------------------

PSYCHODYNAMIC_LINK = {"type": "treatment", "slug": "psychodynamic-therapy", "label": "Psychodynamic therapy"}


@pytest.mark.parametrize(
    "params",
    [
        {"q": "psychodynamic therapy"},
        {"q": "Psychodynamic Therapy"},
        {"q": "psychodynamic therapy near Hendon"},  # the place is understood: the words left are the treatment
        {"q": "psychodynamic therapy covered by Bupa", "page": 2},
        {"treatment": "psychodynamic-therapy"},  # no words, a lone treatment filter
        {"treatment": "Psychodynamic therapy", "near": "NW4 1RP"},
    ],
)
def test_given_the_words_are_a_treatment_then_the_answer_links_its_page(client: Client, params: dict[str, Any]) -> None:
    assert search(client, **params)["page_link"] == PSYCHODYNAMIC_LINK


@pytest.mark.parametrize(
    "params",
    [
        {"q": "psychiatrist"},  # a specialty: specialties have no pages
        {"q": "psychiatry"},
        {"q": "psychodynamic"},  # part of a treatment's name
        {"q": "psychodynamic therapy with depression"},
        {"q": "krish nandy"},
        {"q": "near Hendon"},
        {},
        {"treatment": "psychodynamic-therapy,knee-replacement"},  # not one treatment
        {"treatment": "psychodynamic-therapy", "q": "nandy"},  # words that are not the treatment
        {"treatment": "no-such-treatment"},
    ],
)
def test_given_words_that_are_not_a_treatment_then_no_page_link(client: Client, params: dict[str, Any]) -> None:
    assert search(client, **params)["page_link"] is None


def test_given_a_treatment_suggested_then_it_carries_its_page_and_nothing_else_does(client: Client) -> None:
    offered = suggestions(client, "psychod")
    typed = suggestions(client, "knee rep") + suggestions(client, "psych", limit=10) + suggestions(client, "hendon")

    assert {"type": "treatment", "label": "Psychodynamic therapy", "value": "psychodynamic-therapy",
            "page_link": PSYCHODYNAMIC_LINK} in offered  # fmt: skip
    for suggestion in map(dict[str, Any], offered + typed):
        if suggestion["type"] == "treatment":
            link = {"type": "treatment", "slug": suggestion["value"], "label": suggestion["label"]}
            assert suggestion["page_link"] == link
        else:
            assert "page_link" not in suggestion, suggestion
    assert any(s["type"] == "treatment" for s in typed)
    assert any(s["type"] != "treatment" for s in typed)
