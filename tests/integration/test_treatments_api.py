"""GET /treatments and /treatments/{slug} through the Chalice app, against the real
OpenSearch node holding the demo catalog and a treatments index: a treatment's page is its
content, where it is offered and, literally, the answer of GET /specialists?treatment={slug};
the list counts what that search counts."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from chalice.test import Client
from opensearchpy import OpenSearch

from app import app
from chalicelib import deps
from chalicelib.slugs import fold
from chalicelib.treatments.index_schema import index_body, letter_of
from chalicelib.treatments.pages import parse_treatment_page_request, parse_treatments_request
from chalicelib.treatments.service import TreatmentService
from devstack.local_routes import local_app
from tests.conftest import local_api
from tests.integration.test_search_api import SEED_SIX, get, profile, search
from tests.integration.test_search_understanding import CountingIndex, counted_services

pytestmark = pytest.mark.integration

# The tests' own treatments alias: the content below, whatever else the session loads.
TREATMENTS_ALIAS = "treatments-pages-test"
MISSING_ALIAS = "treatments-never-loaded"
PSYCHODYNAMIC = "psychodynamic-therapy"
KNEE = "knee-replacement"  # in the catalog, with no content
ART = "art-therapy"  # content, and nobody in the catalog offers it


def _document(slug: str, label: str, **fields: Any) -> dict[str, Any]:
    """A document as ``index_schema.to_document`` writes it (sections with their rendered HTML)."""
    return {
        "slug": slug,
        "label": label,
        "sort_label": fold(label),
        "letter": letter_of(label),
        "also_known_as": fields.get("also_known_as", []),
        "summary": fields.get("summary", f"About {label.lower()}."),
        "sections": fields.get("sections", []),
        "related_conditions": fields.get("related_conditions", []),
        "related_condition_slugs": fields.get("related_condition_slugs", []),
        "related_specialties": fields.get("related_specialties", []),
        "related_specialty_slugs": fields.get("related_specialty_slugs", []),
        "updated_at": "2026-11-02T09:30:00+00:00",
    }


CONTENT = [
    _document(
        PSYCHODYNAMIC,
        "Psychodynamic therapy",
        also_known_as=["Psychodynamic psychotherapy"],
        summary="A talking therapy that looks at how the past shapes the present.",
        sections=[
            {
                "heading": "What happens",
                "body": "Weekly *sessions* of 50 minutes.",
                "html": "<p>Weekly <em>sessions</em> of 50 minutes.</p>",
            },
            {
                "heading": "Who it helps",
                "body": "- Depression\n- Anxiety",
                "html": "<ul><li>Depression</li><li>Anxiety</li></ul>",
            },
        ],
        related_conditions=["Depression", "Anxiety"],
        related_condition_slugs=["depression", "anxiety"],
        related_specialties=["Psychiatry", "Psychotherapy"],
        related_specialty_slugs=["psychiatry", "psychotherapy"],
    ),
    _document(ART, "Art therapy"),
    _document("12-step-programme", "12-step programme"),
]


@pytest.fixture(scope="module")
def treatments_index(demo_index: str) -> str:
    """The content above behind :data:`TREATMENTS_ALIAS`, on the demo catalog's node."""
    client = OpenSearch(hosts=[demo_index])
    name = f"{TREATMENTS_ALIAS}-1"
    if client.indices.exists(index=name):
        client.indices.delete(index=name)
    client.indices.create(index=name, body=index_body())
    for document in CONTENT:
        client.index(index=name, id=document["slug"], body=document)
    client.indices.refresh(index=name)
    client.indices.put_alias(index=name, name=TREATMENTS_ALIAS)
    return demo_index


@pytest.fixture
def client(treatments_index: str, app_env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> Iterator[Client]:
    monkeypatch.setenv("OPENSEARCH_URL", treatments_index)
    monkeypatch.setenv("TREATMENTS_ALIAS", TREATMENTS_ALIAS)
    deps.reset()
    # As the local stack serves it: a browser's navigation to a page's path gets the demo page.
    with Client(local_app(), stage_name="local") as chalice_client:
        yield chalice_client


def listed(client: Client, **params: Any) -> dict[str, Any]:
    status, body, _ = get(client, "/treatments", **params)
    assert status == 200, body
    return body


def page(client: Client, slug: str, **params: Any) -> dict[str, Any]:
    status, body, _ = get(client, f"/treatments/{slug}", **params)
    assert status == 200, body
    return body


# --- A treatment's page ----------------------------------------------------------------


def unrecorded(answer: dict[str, Any]) -> dict[str, Any]:
    """A search's answer as a page embeds it: the page is not recorded as a search, so no query id."""
    assert answer.pop("query_id")
    return answer


@pytest.mark.parametrize("params", [{}, {"page": 2, "page_size": 4}, {"page": 9, "page_size": 50}])
@pytest.mark.parametrize("slug", [PSYCHODYNAMIC, KNEE, ART])
def test_given_a_treatment_then_its_specialists_are_literally_the_searchs_answer(
    client: Client, slug: str, params: dict[str, Any]
) -> None:
    assert page(client, slug, **params)["specialists"] == unrecorded(search(client, treatment=slug, **params))


def test_given_psychodynamic_therapy_then_its_page_has_its_content_and_the_six_seed_specialists(
    client: Client,
) -> None:
    body = page(client, PSYCHODYNAMIC)
    cards = body["specialists"]["results"]

    assert (body["slug"], body["label"], body["has_content"]) == (PSYCHODYNAMIC, "Psychodynamic therapy", True)
    assert body["summary"] == "A talking therapy that looks at how the past shapes the present."
    assert body["also_known_as"] == ["Psychodynamic psychotherapy"]
    assert [s["heading"] for s in body["sections"]] == ["What happens", "Who it helps"]
    assert body["sections"][0]["html"] == "<p>Weekly <em>sessions</em> of 50 minutes.</p>"
    assert body["related_conditions"] == [
        {"value": "depression", "label": "Depression"},
        {"value": "anxiety", "label": "Anxiety"},
    ]
    assert body["related_specialties"][0] == {"value": "psychiatry", "label": "Psychiatry"}
    assert body["updated_at"] == "2026-11-02T09:30:00+00:00"
    assert body["specialist_count"] == body["specialists"]["total"] == 6
    assert {card["id"] for card in cards} == set(SEED_SIX)
    for card in cards:  # what each specialist's own profile says
        assert "Psychodynamic therapy" in profile(client, card["id"])["treatments"], card["id"]


def test_given_a_treatment_then_each_hospital_counts_what_the_search_there_finds(client: Client) -> None:
    body = page(client, KNEE)
    hospitals = body["hospitals"]

    assert body["hospital_count"] == len(hospitals) > 5
    assert [h["name"].casefold() for h in hospitals] == sorted(h["name"].casefold() for h in hospitals)
    for hospital in [*hospitals[:4], *hospitals[-2:]]:
        assert hospital["specialists"] == search(client, treatment=KNEE, hospital=hospital["id"])["total"] > 0
    # Every hospital of every specialist who offers it, and no other.
    total = body["specialist_count"]
    cards = [
        card
        for number in range(1, (total + 49) // 50 + 1)
        for card in search(client, treatment=KNEE, page_size=50, page=number)["results"]
    ]
    worked_at = {hospital["id"] for card in cards for hospital in profile(client, card["id"])["hospitals"]}
    assert len(cards) == total
    assert {h["id"] for h in hospitals} == worked_at


def test_given_a_treatment_without_content_then_its_page_has_the_catalogs_label_and_specialists(
    client: Client,
) -> None:
    body = page(client, KNEE)

    assert (body["label"], body["has_content"]) == ("Knee replacement", False)
    assert (body["summary"], body["updated_at"]) == (None, None)
    assert body["sections"] == body["also_known_as"] == body["related_conditions"] == []
    assert body["specialist_count"] == body["specialists"]["total"] > 10
    assert all(
        "Knee replacement" in profile(client, card["id"])["treatments"] for card in body["specialists"]["results"]
    )


def test_given_content_that_nobody_offers_then_it_still_has_a_page(client: Client) -> None:
    body = page(client, ART)

    assert (body["label"], body["has_content"], body["summary"]) == ("Art therapy", True, "About art therapy.")
    assert body["specialist_count"] == body["hospital_count"] == body["specialists"]["total"] == 0
    assert body["hospitals"] == body["specialists"]["results"] == []


@pytest.mark.parametrize(
    "slug", ["atlantis-surgery", "psychodynamic-therapyy", "Psychodynamic-Therapy", "psychodynamic--therapy", "x" * 65]
)
def test_given_an_unknown_slug_then_404_json(client: Client, slug: str) -> None:
    status, body, headers = get(client, f"/treatments/{slug}")

    assert status == 404
    assert headers["Content-Type"] == "application/json"
    assert set(body) == {"error"}
    assert body["error"]["code"] == "not_found"
    assert body["error"]["message"].startswith("There is no treatment with this slug.")


@pytest.mark.parametrize(
    ("slug", "meant"),
    [("psychodynamic-therapyy", PSYCHODYNAMIC), ("knee-replacment", KNEE), ("art-therapi", ART)],
)
def test_given_a_near_miss_then_the_404_names_the_treatment_meant(client: Client, slug: str, meant: str) -> None:
    status, body, _ = get(client, f"/treatments/{slug}")
    suggested = body["error"]["message"].removeprefix("There is no treatment with this slug. Did you mean ")

    assert status == 404
    assert meant in suggested.rstrip("?").split(" or ")
    assert len(suggested.split(" or ")) <= 3


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"page": "0"}, "page"),
        ({"page_size": "51"}, "page_size"),
        ({"page": "101", "page_size": "10"}, "page"),
        ({"treatment": "knee-replacement"}, "treatment"),
        ({"q": "knee"}, "q"),
    ],
)
def test_given_a_bad_page_parameter_then_400_names_it(client: Client, params: dict[str, str], field: str) -> None:
    status, body, _ = get(client, f"/treatments/{PSYCHODYNAMIC}", **params)

    assert status == 400
    assert body["error"]["field"] == field


# --- The list --------------------------------------------------------------------------


def test_given_the_list_then_catalog_and_content_treatments_are_listed_a_to_z(client: Client) -> None:
    body = listed(client)
    treatments = body["treatments"]
    by_slug = {t["slug"]: t for t in treatments}

    assert body["total"] == len(treatments) > 100
    assert body["letter"] is None
    assert [fold(t["label"]) for t in treatments] == sorted(fold(t["label"]) for t in treatments)
    assert by_slug[ART] == {"slug": ART, "label": "Art therapy", "specialists": 0, "has_content": True}
    assert by_slug[PSYCHODYNAMIC] == {
        "slug": PSYCHODYNAMIC, "label": "Psychodynamic therapy", "specialists": 6, "has_content": True,
    }  # fmt: skip
    assert by_slug[KNEE]["has_content"] is False
    assert treatments[0]["slug"] == "12-step-programme"
    assert body["letters"][0] == "0-9"
    assert set(body["letters"]) == {letter_of(t["label"]) for t in treatments}
    for entry in [*treatments[1:4], by_slug[KNEE], *treatments[-3:]]:
        assert entry["specialists"] == search(client, treatment=entry["slug"], page_size=1)["total"] > 0, entry


def test_given_a_letter_then_only_its_treatments_and_every_letter_still_named(client: Client) -> None:
    everything = listed(client)
    body = listed(client, letter="P")

    assert body["letter"] == "p"
    assert body["treatments"] == [t for t in everything["treatments"] if letter_of(t["label"]) == "p"]
    assert PSYCHODYNAMIC in {t["slug"] for t in body["treatments"]}
    assert body["total"] == len(body["treatments"])
    assert body["letters"] == everything["letters"]
    digits = [t["label"] for t in listed(client, letter="0-9")["treatments"]]
    assert digits[0] == "12-step programme"
    assert all(label[0].isdigit() for label in digits)


def test_given_a_specialty_then_only_what_its_specialists_offer_counting_them(client: Client) -> None:
    body = listed(client, specialty="psychiatry")
    counts = {t["slug"]: t["specialists"] for t in body["treatments"]}
    facet = {b["value"]: b["count"] for b in search(client, specialty="psychiatry", page_size=1)["facets"]["treatment"]}

    assert ART not in counts  # content only: nobody offers them
    assert "12-step-programme" not in counts
    assert KNEE not in counts
    assert counts[PSYCHODYNAMIC] == 3  # the seed page's three psychiatrists
    assert all(counts[slug] == count for slug, count in facet.items())
    for slug in list(counts)[:4]:
        assert counts[slug] == search(client, specialty="psychiatry", treatment=slug)["total"] > 0
    assert body["letters"] == sorted({letter_of(t["label"]) for t in body["treatments"]})
    assert listed(client, specialty="no-such-specialty") == {
        "total": 0,
        "letter": None,
        "letters": [],
        "treatments": [],
    }


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"letter": "ab"}, "letter"),
        ({"letter": "é"}, "letter"),
        ({"letter": "1"}, "letter"),
        ({"letter": ["a", "b"]}, "letter"),
        ({"page": "2"}, "page"),
        ({"q": "knee"}, "q"),
        ({"specialty": ["x"] * 21}, "specialty"),
    ],
)
def test_given_a_bad_list_parameter_then_400_names_it(client: Client, params: dict[str, Any], field: str) -> None:
    status, body, _ = get(client, "/treatments", **params)

    assert status == 400
    assert body["error"]["field"] == field


# --- No content loaded yet -------------------------------------------------------------


def test_given_no_treatments_index_then_pages_and_list_come_from_the_catalog(
    treatments_index: str, app_env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENSEARCH_URL", treatments_index)
    monkeypatch.setenv("TREATMENTS_ALIAS", MISSING_ALIAS)
    deps.reset()
    with Client(app, stage_name="local") as client:
        body = page(client, PSYCHODYNAMIC)
        everything = listed(client)
        status, _, _ = get(client, f"/treatments/{ART}")

    assert (body["label"], body["has_content"], body["specialist_count"]) == ("Psychodynamic therapy", False, 6)
    assert {t["slug"] for t in everything["treatments"]} >= {PSYCHODYNAMIC, KNEE}
    assert not any(t["has_content"] for t in everything["treatments"])
    assert status == 404


# --- Round trips -----------------------------------------------------------------------


@pytest.fixture
def counted(treatments_index: str) -> tuple[CountingIndex, TreatmentService]:
    counting, services = counted_services(treatments_index, TREATMENTS_ALIAS=TREATMENTS_ALIAS)
    services.vocabulary.get()  # read once per warm container, as every search does
    counting.round_trips = 0
    return counting, services.treatments


@pytest.mark.parametrize("params", [{}, {"specialty": ["psychiatry"]}, {"letter": ["k"]}])
def test_given_the_list_then_one_round_trip(
    counted: tuple[CountingIndex, TreatmentService], params: dict[str, list[str]]
) -> None:
    counting, service = counted

    assert service.treatments(parse_treatments_request(params))["treatments"]
    assert counting.round_trips == 1


@pytest.mark.parametrize("slug", [PSYCHODYNAMIC, KNEE, ART])
@pytest.mark.parametrize("params", [{}, {"page": ["3"], "page_size": ["5"]}])
def test_given_a_treatments_page_then_one_round_trip(
    counted: tuple[CountingIndex, TreatmentService], slug: str, params: dict[str, list[str]]
) -> None:
    counting, service = counted

    assert service.page(slug, parse_treatment_page_request(params)) is not None
    assert counting.round_trips == 1


# --- A browser's navigation on the demo stage ---------------------------------------------

PATHS = ["/treatments", f"/treatments/{PSYCHODYNAMIC}", "/hospitals", "/hospitals/hendon"]


@pytest.mark.parametrize("accept", ["application/json", "*/*", None])
@pytest.mark.parametrize("path", PATHS)
def test_given_a_request_for_json_then_json_whatever_the_stage(client: Client, path: str, accept: str | None) -> None:
    response = client.http.get(path, headers={"Accept": accept} if accept else {})

    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json"
    assert json.loads(response.body)
    assert "Accept" in response.headers["Vary"]


@pytest.mark.parametrize("path", PATHS)
def test_given_a_browsers_navigation_on_the_local_stage_then_the_demo_page(client: Client, path: str) -> None:
    accept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    response = client.http.get(path, headers={"Accept": accept})

    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    assert b"<html" in response.body.lower()
    assert "Accept" in response.headers["Vary"]


@pytest.mark.parametrize("path", PATHS)
def test_given_another_stage_then_a_browsers_navigation_gets_json_never_the_page(
    treatments_index: str, app_env: dict[str, str], monkeypatch: pytest.MonkeyPatch, path: str
) -> None:
    monkeypatch.setenv("STAGE", "dev")
    monkeypatch.setenv("OPENSEARCH_URL", treatments_index)
    monkeypatch.setenv("TREATMENTS_ALIAS", TREATMENTS_ALIAS)
    deps.reset()
    with Client(app, stage_name="dev") as client:
        response = client.http.get(path, headers={"Accept": "text/html,*/*;q=0.8"})

    assert response.headers["Content-Type"] == "application/json"
    assert b"<html" not in response.body.lower()


@pytest.mark.parametrize("path", PATHS)
def test_given_an_answer_that_depends_on_accept_then_it_still_varies_by_origin(client: Client, path: str) -> None:
    response = client.http.get(path, headers={"Accept": "application/json", "Origin": "https://www.example.org"})
    varies = {name.strip().lower() for name in response.headers["Vary"].split(",")}

    assert varies >= {"accept", "origin"}


# --- The demo content, as the indexer loads it -----------------------------------------------


@pytest.fixture
def demo_client(
    request: pytest.FixtureRequest, app_env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> Iterator[Client]:
    """The app over the demo catalog and the demo treatments feed, loaded by the real indexer."""
    with local_api(monkeypatch, request.getfixturevalue("demo_treatments_index")) as chalice_client:
        yield chalice_client


def test_given_the_demo_content_then_every_entry_has_a_page_and_the_list_says_so(demo_client: Client) -> None:
    from indexer.demo_treatments import entries

    written = {entry.slug: entry for entry in entries()}
    by_slug = {t["slug"]: t for t in listed(demo_client)["treatments"]}

    for slug, entry in written.items():
        body = page(demo_client, slug)
        assert (body["label"], body["has_content"], body["summary"]) == (entry.label, True, entry.summary)
        assert [s["heading"] for s in body["sections"]] == [s.heading for s in entry.sections]
        assert all(s["html"].startswith("<") for s in body["sections"])
        assert body["specialists"] == unrecorded(search(demo_client, treatment=slug))
        assert by_slug[slug]["has_content"] is True
        assert by_slug[slug]["specialists"] == body["specialist_count"]
    psychodynamic = page(demo_client, PSYCHODYNAMIC)
    assert psychodynamic["specialist_count"] == 6
    assert {card["id"] for card in psychodynamic["specialists"]["results"]} == set(SEED_SIX)
