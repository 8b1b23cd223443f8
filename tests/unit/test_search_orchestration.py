"""The search services' round trips with a scripted index (no OpenSearch): when the ladder,
the page filling and "did you mean" run, what answers, and what each page costs.
What the queries find is tested on the real node (tests/integration/test_search_*.py)."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from chalicelib import index_schema as schema
from chalicelib.errors import InvalidParameter
from chalicelib.geo import METRES_PER_MILE, GeoPoint
from chalicelib.search.hospital_service import HospitalService
from chalicelib.search.ports import SearchIndex, SearchUnavailable
from chalicelib.search.relaxation import Step, ladder
from chalicelib.search.request import SearchRequest
from chalicelib.search.service import FEW_RESULTS, SearchService
from chalicelib.search.vocabulary import REFRESH_S, VocabularyCache, vocabulary_body
from chalicelib.treatments import index_schema as t
from chalicelib.treatments.pages import PAGE_AGGREGATION
from chalicelib.treatments.service import TreatmentService
from tests.fakes import (
    Answer,
    ScriptedIndex,
    a_hit,
    a_specialist,
    hits_answer,
    no_hits,
    spelling_answer,
    vocabulary_answer,
)

# The catalog: psychiatrists, cardiologists, orthopaedic surgeons and dermatologists at Hendon.
CATALOG = [a_specialist(number) for number in range(1, 9)]
A, B, C, D, E, *_ = CATALOG
THERAPY_NEAR_HENDON = SearchRequest(q="psychodynamic therapy", near="bmi-hendon")  # seven steps to loosen


class NoPlaces:
    """A geocoder that knows no place, and says when it was asked."""

    def __init__(self) -> None:
        self.asked: list[str] = []

    def locate(self, place: str) -> GeoPoint | None:
        self.asked.append(place)
        return None


class Ticks:
    """A monotonic clock that moves only when told."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def service(index: ScriptedIndex, geocoder: NoPlaces | None = None) -> SearchService:
    """The search service over ``index``, its vocabulary (the catalog's) read from another."""
    vocabulary = VocabularyCache(ScriptedIndex([vocabulary_answer(*CATALOG)]))
    return SearchService(index, geocoder or NoPlaces(), vocabulary)


def steps_of(request: SearchRequest) -> list[Step]:
    return ladder(service(ScriptedIndex()).ask(request).plan)


def ids(results: Any) -> list[str]:
    return [card["id"] for card in results["results"]]


def radius_miles(body: dict[str, Any]) -> float | None:
    """The geo_distance filter's radius of a search body; None when it has none."""
    found = re.search(r'"distance": "(\d+)m"', json.dumps(body))
    return None if found is None else round(int(found.group(1)) / METRES_PER_MILE)


def test_the_scripted_index_is_the_port() -> None:
    index: SearchIndex = ScriptedIndex()  # mypy checks it structurally

    assert index.get("anyone") is None


# --- One round trip, or two -------------------------------------------------------------


def test_given_a_full_first_page_then_the_search_is_one_round_trip() -> None:
    index = ScriptedIndex([hits_answer(A, B, C, total=40)])

    results = service(index).search(SearchRequest(q="psychiatry", page_size=3))

    assert index.kinds() == ["search"]
    assert (results["total"], ids(results), results["relaxed"]) == (40, [A.id, B.id, C.id], [])
    assert results["did_you_mean"] is None
    assert {"specialty", "hospital", "bookable_online"} <= set(results["facets"])


def test_given_few_results_on_a_later_page_then_the_ladder_does_not_fill_it() -> None:
    index = ScriptedIndex([hits_answer(C, total=2)])

    results = service(index).search(SearchRequest(q="psychodynamic therapy", near="bmi-hendon", page=2))

    assert index.kinds() == ["search"]
    assert ids(results) == [C.id]


def test_given_nobody_then_one_msearch_runs_every_step_and_the_first_step_with_someone_answers() -> None:
    steps = steps_of(THERAPY_NEAR_HENDON)
    answers = [no_hits(), hits_answer(B), no_hits(), hits_answer(C, D), *[hits_answer(E)] * (len(steps) - 4)]
    index = ScriptedIndex([no_hits(), *answers])

    results = service(index).search(THERAPY_NEAR_HENDON)

    assert index.kinds() == ["search", "msearch"]
    ladder_call = index.calls[1]
    assert len(ladder_call.bodies) == len(steps) == 7  # and no spelling body: the words are the catalog's
    assert ladder_call.corpora is None
    assert [radius_miles(body) for body in ladder_call.bodies] == [50, 100, None, 25, 50, 100, None]
    assert (results["total"], ids(results)) == (1, [B.id])
    assert results["relaxed"] == list(steps[1].relaxed)
    assert [item["code"] for item in results["relaxed"]] == ["radius"]
    assert results["relaxed"][0]["radius_miles"] == 100


def test_given_nobody_at_any_step_then_the_answer_is_the_empty_search_as_asked() -> None:
    steps = steps_of(THERAPY_NEAR_HENDON)
    index = ScriptedIndex([no_hits()] * (1 + len(steps)))

    results = service(index).search(THERAPY_NEAR_HENDON)

    assert (results["total"], results["results"], results["relaxed"]) == (0, [], [])


def test_given_nobody_and_nothing_to_loosen_then_the_search_is_one_round_trip() -> None:
    index = ScriptedIndex([no_hits()])

    results = service(index).search(SearchRequest(q="psychiatry"))

    assert index.kinds() == ["search"]
    assert results["total"] == 0


def test_given_few_on_the_first_page_then_it_is_filled_from_the_ladder_in_order_saying_after_whom() -> None:
    steps = steps_of(THERAPY_NEAR_HENDON)
    wider = [hits_answer(B, C), hits_answer(D, E), *[hits_answer(*CATALOG)] * (len(steps) - 2)]
    index = ScriptedIndex([hits_answer(A, B), *wider])

    results = service(index).search(SearchRequest(q="psychodynamic therapy", near="bmi-hendon", page_size=4))

    assert index.kinds() == ["search", "msearch"]
    assert ids(results) == [A.id, B.id, C.id, D.id]  # B once; D fills the page, E is cut
    assert results["total"] == 4
    assert [(item["code"], item.get("radius_miles"), item.get("after_results")) for item in results["relaxed"]] == [
        ("radius", 50.0, 2),
        ("radius", 100.0, 3),
    ]
    assert results["relaxed"][0]["message"].startswith("Only 2 fit as asked; also showing those within 50 miles")


def test_given_a_full_first_page_from_the_search_as_asked_then_the_ladder_is_not_read() -> None:
    index = ScriptedIndex([hits_answer(A, B, C, D)])

    results = service(index).search(SearchRequest(q="psychodynamic therapy", near="bmi-hendon", page_size=4))

    assert index.kinds() == ["search"]
    assert results["relaxed"] == []


# --- Did you mean ---------------------------------------------------------------------


def test_given_words_the_catalog_lacks_and_nobody_then_the_correction_comes_in_the_same_msearch() -> None:
    request = SearchRequest(q="psychiatry hendn")
    steps = steps_of(request)
    index = ScriptedIndex([no_hits(), *[no_hits()] * len(steps), spelling_answer("psychiatry hendon")])

    results = service(index).search(request)

    assert index.kinds() == ["search", "msearch"]
    assert len(index.calls[1].bodies) == len(steps) + 1
    assert "suggest" in index.calls[1].bodies[-1]
    assert results["did_you_mean"] == "psychiatry hendon"


def test_given_only_some_words_understood_then_the_correction_is_put_back_among_the_words_typed() -> None:
    request = SearchRequest(q="cardiolgy in hendon")  # "in hendon" is the place; "cardiolgy" the text
    steps = steps_of(request)
    index = ScriptedIndex([no_hits(), *[no_hits()] * len(steps), spelling_answer("cardiology")])

    results = service(index).search(request)

    assert index.calls[1].bodies[-1]["suggest"]["text"] == "cardiolgy"
    assert results["did_you_mean"] == "cardiology in hendon"


@pytest.mark.parametrize(("total", "spelled"), [(FEW_RESULTS - 1, True), (FEW_RESULTS, False)])
def test_given_words_the_catalog_lacks_then_a_correction_is_asked_for_only_when_few_are_found(
    total: int, spelled: bool
) -> None:
    request = SearchRequest(q="psychiatry hendn")
    found = CATALOG[:total]
    steps = steps_of(request)
    answers = [hits_answer(*found), *[no_hits()] * len(steps)]
    index = ScriptedIndex([*answers, spelling_answer("psychiatry hendon")] if spelled else answers)

    results = service(index).search(request)

    assert ("suggest" in index.calls[1].bodies[-1]) is spelled
    assert results["did_you_mean"] == ("psychiatry hendon" if spelled else None)
    assert ids(results) == [s.id for s in found]


def test_given_catalog_words_that_find_nobody_then_no_correction_is_asked_for() -> None:
    steps = steps_of(THERAPY_NEAR_HENDON)
    index = ScriptedIndex([no_hits()] * (1 + len(steps)))

    results = service(index).search(THERAPY_NEAR_HENDON)

    assert all("suggest" not in body for body in index.calls[1].bodies)
    assert results["did_you_mean"] is None


def test_given_a_correction_that_is_what_was_typed_then_there_is_no_did_you_mean() -> None:
    request = SearchRequest(q="psychiatry hendn")
    index = ScriptedIndex([no_hits(), *[no_hits()] * len(steps_of(request)), spelling_answer("Psychiatry Hendn")])

    assert service(index).search(request)["did_you_mean"] is None


# --- Failures and the vocabulary -------------------------------------------------------


@pytest.mark.parametrize(
    "script",
    [
        [SearchUnavailable("down")],  # the search as asked
        [no_hits(), SearchUnavailable("timed out")],  # the ladder's msearch
    ],
)
def test_given_search_unavailable_at_either_round_trip_then_it_propagates_rather_than_answering_nobody(
    script: list[Answer | Exception],
) -> None:
    index = ScriptedIndex(script)

    with pytest.raises(SearchUnavailable):
        service(index).search(THERAPY_NEAR_HENDON)


def test_given_the_vocabulary_cannot_be_read_then_search_unavailable_propagates_and_nothing_is_searched() -> None:
    index = ScriptedIndex([hits_answer(A)])
    searches = SearchService(index, NoPlaces(), VocabularyCache(ScriptedIndex(unavailable=True)))

    with pytest.raises(SearchUnavailable):
        searches.search(SearchRequest(q="psychiatry"))
    assert index.calls == []


def test_the_vocabulary_is_read_once_per_refresh_period_from_the_index_searched() -> None:
    def script(body: dict[str, Any], _corpus: str) -> Answer:
        return vocabulary_answer(*CATALOG) if body == vocabulary_body() else hits_answer(A, B, C)

    index, ticks = ScriptedIndex(script), Ticks()
    searches = SearchService(index, NoPlaces(), VocabularyCache(index, clock=ticks))
    request = SearchRequest(q="psychiatry", page_size=3)

    def vocabulary_reads() -> int:
        return sum(call.bodies == (vocabulary_body(),) for call in index.calls)

    searches.search(request)
    ticks.now += REFRESH_S - 1
    searches.search(request)
    read_within = vocabulary_reads()
    ticks.now += 1
    searches.search(request)

    assert read_within == 1
    assert vocabulary_reads() == 2
    assert index.round_trips == 5  # three searches, two vocabulary reads


def test_given_near_a_hospital_id_then_the_vocabulary_places_it_and_the_geocoder_is_not_asked() -> None:
    geocoder = NoPlaces()
    index = ScriptedIndex([hits_answer(*CATALOG, total=20)])

    results = service(index, geocoder).search(SearchRequest(near="bmi-hendon", page_size=8))

    assert geocoder.asked == []
    assert results["results"][0]["distance_miles"] == 0.0


def test_given_near_a_place_nobody_knows_then_it_is_a_bad_parameter_before_any_search() -> None:
    geocoder, index = NoPlaces(), ScriptedIndex()

    with pytest.raises(InvalidParameter):
        service(index, geocoder).search(SearchRequest(near="Atlantis"))
    assert geocoder.asked == ["Atlantis"]
    assert index.calls == []


# --- Typeahead and profiles -------------------------------------------------------------


def _suggest_answer(*hits: dict[str, Any]) -> Answer:
    empty: dict[str, Any] = {"buckets": []}
    labels = {kind: {"labels": empty} for kind in ("specialty", "treatment", "condition")}
    return {
        "hits": {"total": {"value": len(hits)}, "hits": list(hits)},
        "aggregations": {"labels": {**labels, "hospital": {"hospitals": {"labels": empty}}}},
    }


def test_given_one_character_then_no_suggestion_is_searched_and_given_two_one_search_answers() -> None:
    nandy = a_specialist(1, id="krish-nandy", first_name="Krish", last_name="Nandy")
    index = ScriptedIndex([_suggest_answer(a_hit(nandy))])
    searches = service(index)

    short = searches.suggest("n", 8)
    two = searches.suggest("nandy", 8)

    assert short == {"suggestions": []}
    assert index.kinds() == ["search"]
    assert {"type": "specialist", "label": "Dr Krish Nandy", "value": "krish-nandy"} in two["suggestions"]


def test_given_a_profile_id_then_one_get_answers_and_a_malformed_id_costs_no_round_trip() -> None:
    index = ScriptedIndex(documents={A.id: schema.to_document(A)})
    searches = service(index)

    found, missing, malformed = searches.profile(A.id), searches.profile("nobody"), searches.profile("../etc")

    assert found is not None
    assert found["id"] == A.id
    assert (missing, malformed) == (None, None)
    assert [(call.kind, call.doc_id) for call in index.calls] == [("get", A.id), ("get", "nobody")]


# --- Treatment and hospital pages -------------------------------------------------------

PSYCHODYNAMIC = "psychodynamic-therapy"


def _content(slug: str, label: str) -> Answer:
    source = {t.SLUG: slug, t.LABEL: label, t.SUMMARY: "Talking therapy.", t.SECTIONS: []}
    return {"hits": {"total": {"value": 1}, "hits": [{"_id": slug, "_source": source}]}}


def _with_offering(raw: Answer, *specialists: Any) -> Answer:
    """A search answer with the treatment page's own aggregation over its hits."""
    offering = {
        "doc_count": len(specialists),
        "label": {"hits": {"hits": [a_hit(s) for s in specialists[:1]]}},
        "hospitals": {
            "ids": {
                "buckets": [
                    {
                        "key": "bmi-hendon",
                        "name": {"buckets": [{"key": "BMI Hendon Hospital"}]},
                        "specialists": {"doc_count": len(specialists)},
                    }
                ]
                if specialists
                else []
            }
        },
    }
    return {**raw, "aggregations": {**raw["aggregations"], PAGE_AGGREGATION: offering}}


def treatments(index: ScriptedIndex) -> TreatmentService:
    vocabulary = VocabularyCache(ScriptedIndex([vocabulary_answer(*CATALOG)]))
    return TreatmentService(index, SearchService(index, NoPlaces(), vocabulary), vocabulary)


def test_given_a_treatment_page_then_it_is_one_msearch_over_the_content_and_the_specialists() -> None:
    index = ScriptedIndex([_content(PSYCHODYNAMIC, "Psychodynamic therapy"), _with_offering(hits_answer(A, B), A, B)])

    page = treatments(index).page(PSYCHODYNAMIC, SearchRequest())

    assert page is not None
    assert index.kinds() == ["msearch"]
    assert index.calls[0].corpora == ("treatments", "specialists")
    content_body, search_body = index.calls[0].bodies
    assert content_body["query"] == {"ids": {"values": [PSYCHODYNAMIC]}}
    assert search_body["post_filter"] == {"bool": {"filter": [{"terms": {schema.TREATMENT_SLUGS: [PSYCHODYNAMIC]}}]}}
    assert (page["label"], page["has_content"], page["specialist_count"]) == ("Psychodynamic therapy", True, 2)
    assert ids(page["specialists"]) == [A.id, B.id]
    assert PAGE_AGGREGATION not in page["specialists"]["facets"]


def test_given_the_treatments_content_not_loaded_yet_then_the_page_stands_on_the_catalogs_label() -> None:
    index = ScriptedIndex([_with_offering(hits_answer(A, B), A, B)], unloaded=frozenset({"treatments"}))

    page = treatments(index).page(PSYCHODYNAMIC, SearchRequest())

    assert page is not None
    assert index.calls[0].corpora == ("treatments", "specialists")
    assert (page["label"], page["has_content"], page["summary"]) == ("Psychodynamic therapy", False, None)
    assert ids(page["specialists"]) == [A.id, B.id]


def test_given_a_treatment_nobody_offers_and_no_content_has_then_there_is_no_page() -> None:
    index = ScriptedIndex([{"hits": {"total": {"value": 0}, "hits": []}}, _with_offering(no_hits())])

    assert treatments(index).page("unheard-of", SearchRequest()) is None
    assert index.kinds() == ["msearch"]


@pytest.mark.parametrize("slug", ["Psychodynamic-Therapy", "psycho--dynamic", "x" * 65, "a/b"])
def test_given_a_slug_that_is_not_one_then_there_is_no_page_and_no_round_trip(slug: str) -> None:
    index = ScriptedIndex()

    assert treatments(index).page(slug, SearchRequest()) is None
    assert index.calls == []


def _hospital_answer(*specialists: Any) -> Answer:
    raw = hits_answer(*specialists)
    count = len(specialists)
    here = {
        "doc_count": count,
        "specialties": {"buckets": raw["aggregations"]["specialty"]["values"]["buckets"]},
        "treatments": {"buckets": [{"key": "Psychodynamic therapy", "doc_count": count}] if count else []},
        "hospital": {
            "this": {
                "doc_count": count,
                "name": {"buckets": [{"key": "BMI Hendon Hospital"}]},
                "postcode": {"buckets": [{"key": "NW4 1RP"}]},
                "centre": {"location": {"lat": 51.5887, "lon": -0.2279}} if count else {},
            }
        },
    }
    return {"hits": raw["hits"], "aggregations": {"here": here}}


def test_given_a_hospital_page_then_it_is_one_search_filtered_to_the_hospital() -> None:
    index = ScriptedIndex([_hospital_answer(A, B, C)])
    vocabulary = VocabularyCache(ScriptedIndex())

    page = HospitalService(index, NoPlaces(), vocabulary).page("bmi-hendon", SearchRequest(page_size=3))

    assert index.kinds() == ["search"]
    assert index.calls[0].bodies[0]["aggs"]["here"]["filter"] == {"term": {schema.HOSPITAL_IDS: "bmi-hendon"}}
    assert page is not None
    assert (page["name"], page["total"], [card["id"] for card in page["results"]]) == (
        "BMI Hendon Hospital",
        3,
        [A.id, B.id, C.id],
    )


def test_given_a_hospital_nobody_works_at_then_there_is_no_page_and_a_malformed_id_costs_no_round_trip() -> None:
    index = ScriptedIndex([_hospital_answer()])
    hospitals = HospitalService(index, NoPlaces(), VocabularyCache(ScriptedIndex()))

    assert hospitals.page("closed", SearchRequest()) is None
    assert hospitals.page("../closed", SearchRequest()) is None
    assert index.kinds() == ["search"]
