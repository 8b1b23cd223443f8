"""The index schema on the real node: analyzers via _analyze, and real searches over
a few specialists indexed with to_document."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from opensearchpy import OpenSearch, RequestError, helpers

from chalicelib import index_schema as schema
from chalicelib.catalog import Specialist
from chalicelib.slugs import slugify

pytestmark = pytest.mark.integration


def hospital(hospital_id: str, name: str, postcode: str, lat: float, lon: float) -> dict[str, Any]:
    return {
        "id": hospital_id,
        "name": name,
        "postcode": postcode,
        "lat": lat,
        "lon": lon,
        "enquiries_email": f"enquiries.{hospital_id}@hospitals.example",
    }


LONDON_INDEPENDENT = hospital("london-independent", "BMI The London Independent Hospital", "E1 4NL", 51.5178, -0.0522)
HENDON = hospital("hendon", "BMI Hendon Hospital", "NW4 1RP", 51.5953, -0.2262)
BEAUMONT = hospital("beaumont", "BMI The Beaumont Hospital", "BL6 4LA", 53.5781, -2.4867)
ST_EDMUNDS = hospital("st-edmunds", "BMI St Edmunds Hospital", "IP33 2AA", 52.2405, 0.7093)
BLACKHEATH = hospital("blackheath", "BMI The Blackheath Hospital", "SE3 9UD", 51.4626, 0.0113)
RIDGEWAY = hospital("ridgeway", "BMI The Ridgeway Hospital", "SN4 9DD", 51.5217, -1.8329)
HIGHFIELD = hospital("highfield", "BMI The Highfield Hospital", "OL11 4LZ", 53.6008, -2.1606)

SPECIALISTS = [
    Specialist.model_validate(record)
    for record in (
        {
            "id": "krish-nandy",
            "honorific": "Dr",
            "first_name": "Krish",
            "last_name": "Nandy",
            "title": "Consultant Psychiatrist",
            "specialties": ["Psychiatry"],
            "treatments": ["Psychodynamic therapy"],
            "conditions": ["Depression", "Anxiety"],
            "hospitals": [LONDON_INDEPENDENT, HENDON],
            "languages": ["English", "Hindi"],
            "bookable_online": True,
            "booking_url": "https://booking.hospitals.example/krish-nandy",
            "updated_at": "2025-03-01T09:30:00Z",
        },
        {
            "id": "kay-rowlands",
            "honorific": "Mrs",
            "first_name": "Kay",
            "last_name": "Rowlands",
            "title": "Consultant Psychotherapist/Counsellor",
            "qualifications": "Dip Counselling/Psychotherapy, Accredited Therapist",
            "gender": "female",
            "specialties": ["Psychotherapy"],
            "treatments": ["Cognitive behavioural therapy"],
            "hospitals": [BEAUMONT],
            "bookable_online": False,
        },
        {
            "id": "richard-oflynn",
            "honorific": "Dr",
            "first_name": "Richard",
            "last_name": "O'Flynn",
            "title": "Consultant Psychiatrist",
            "qualifications": "MB, BS (Lond) FRCPsych",
            "specialties": ["Psychiatry"],
            "hospitals": [ST_EDMUNDS],
            "bookable_online": False,
        },
        {
            "id": "ana-nunez-smith",
            "honorific": "Prof",
            "first_name": "Ana",
            "last_name": "Núñez-Smith",
            "title": "Consultant Cardiologist",
            "specialties": ["Cardiology"],
            "conditions": ["Atrial fibrillation"],
            "hospitals": [BLACKHEATH],
            "bookable_online": False,
        },
        {
            "id": "tom-ward",
            "honorific": "Mr",
            "first_name": "Tom",
            "last_name": "Ward",
            "title": "Consultant Surgeon",
            "specialties": ["Trauma and Orthopaedics"],
            "treatments": ["Knee replacement", "Hip replacement"],
            "hospitals": [RIDGEWAY],
            "insurers": ["Bupa", "AXA Health"],
            "bookable_online": False,
        },
        {
            "id": "lucy-hale",
            "honorific": "Miss",
            "first_name": "Lucy",
            "last_name": "Hale",
            "title": "Consultant Surgeon",
            "specialties": ["Ear, nose and throat"],
            "conditions": ["Tonsillitis"],
            "hospitals": [HIGHFIELD],
            "bookable_online": False,
        },
    )
]


@pytest.fixture(scope="module")
def client(opensearch_url: str) -> OpenSearch:
    return OpenSearch(hosts=[opensearch_url], timeout=30)


@pytest.fixture(scope="module")
def index(client: OpenSearch) -> Iterator[str]:
    name = f"test-index-schema-{uuid.uuid4().hex[:8]}"
    client.indices.create(index=name, body=schema.index_body())
    try:
        actions = ({"_index": name, "_id": s.id, "_source": schema.to_document(s)} for s in SPECIALISTS)
        helpers.bulk(client, actions, refresh="wait_for")
        yield name
    finally:
        client.indices.delete(index=name)


def analyze(client: OpenSearch, index: str, analyzer: str, text: str) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = client.indices.analyze(index=index, body={"analyzer": analyzer, "text": text})[
        "tokens"
    ]
    return result


def tokens(client: OpenSearch, index: str, analyzer: str, text: str) -> list[str]:
    return [token["token"] for token in analyze(client, index, analyzer, text)]


def ids(client: OpenSearch, index: str, query: dict[str, Any]) -> set[str]:
    result = client.search(index=index, body={"query": query, "size": 50})
    return {hit["_id"] for hit in result["hits"]["hits"]}


def free_text(text: str) -> dict[str, Any]:
    """Every word in some free-text field: the fields share one analyzer, so cross_fields blends them."""
    fields = list(schema.FREE_TEXT_FIELDS)
    return {"multi_match": {"query": text, "fields": fields, "type": "cross_fields", "operator": "and"}}


def name_query(text: str) -> dict[str, Any]:
    return {"match": {schema.NAME: {"query": text, "operator": "and"}}}


def typeahead(text: str) -> dict[str, Any]:
    return {"multi_match": {"query": text, "fields": list(schema.TYPEAHEAD_FIELDS), "operator": "and"}}


# --- Names -------------------------------------------------------------------------------
@pytest.mark.parametrize("query", ["Dr Krish Nandy", "Doctor Nandy", "Professor Krish Nandy", "Nandy Krish", "krish"])
def test_given_a_name_query_with_or_without_honorific_then_it_finds_the_specialist(
    client: OpenSearch, index: str, query: str
) -> None:
    assert ids(client, index, name_query(query)) == {"krish-nandy"}


@pytest.mark.parametrize("query", ["O'Flynn", "OFlynn", "O Flynn", "o\u2019flynn", "Flynn", "Dr Richard O'Flynn"])
def test_given_any_spelling_of_an_o_apostrophe_name_then_it_finds_o_flynn(
    client: OpenSearch, index: str, query: str
) -> None:
    assert ids(client, index, name_query(query)) == {"richard-oflynn"}


@pytest.mark.parametrize("spelling", ["O'Flynn", "OFlynn", "O Flynn"])
def test_the_three_spellings_all_index_and_search_the_joined_form(
    client: OpenSearch, index: str, spelling: str
) -> None:
    assert "oflynn" in tokens(client, index, schema.NAME_ANALYZER, spelling)


@pytest.mark.parametrize("query", ["Nunez", "NUNEZ-SMITH", "Núñez Smith", "nunezsmith", "Smith"])
def test_given_an_unaccented_or_hyphenless_name_then_it_finds_nunez_smith(
    client: OpenSearch, index: str, query: str
) -> None:
    assert ids(client, index, name_query(query)) == {"ana-nunez-smith"}


def test_the_name_analyzer_drops_honorifics_but_not_names_that_start_like_them(client: OpenSearch, index: str) -> None:
    assert tokens(client, index, schema.NAME_ANALYZER, "Dr. Mrs Prof Professor Miss Ms Mr Doctor") == []
    assert tokens(client, index, schema.NAME_ANALYZER, "Drew Missy") == ["drew", "drewmissy", "missy"]


# --- Free text: stemming, stop words, synonyms -----------------------------------------------------
def test_given_a_plural_then_stemming_finds_the_singular(client: OpenSearch, index: str) -> None:
    assert ids(client, index, free_text("knee replacements")) == {"tom-ward"}


def test_stop_words_and_query_noise_leave_nothing_to_match(client: OpenSearch, index: str) -> None:
    noise = "this was they are the doctors near me, a consultant specialist"
    assert tokens(client, index, schema.SEARCH_ANALYZER, noise) == []
    assert tokens(client, index, schema.TEXT_ANALYZER, "this was they are") == []
    # Indexed text keeps the words a query drops: a title still reads "Consultant".
    assert tokens(client, index, schema.TEXT_ANALYZER, "Consultant") == ["consultant"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("heart doctor", {"ana-nunez-smith"}),
        ("cardiologist near me", {"ana-nunez-smith"}),
        ("talking therapy", {"kay-rowlands", "krish-nandy"}),
        ("orthopedic", {"tom-ward"}),
        ("orthopaedic surgeon", {"tom-ward"}),
        ("CBT", {"kay-rowlands"}),
        ("ENT", {"lucy-hale"}),
        ("ear nose & throat", {"lucy-hale"}),
        ("otolaryngologist", {"lucy-hale"}),
        ("AF", {"ana-nunez-smith"}),
        ("bones", {"tom-ward"}),
        ("psychiatrist", {"krish-nandy", "richard-oflynn"}),
    ],
)
def test_given_a_lay_term_spelling_or_abbreviation_then_synonyms_find_the_specialist(
    client: OpenSearch, index: str, query: str, expected: set[str]
) -> None:
    assert ids(client, index, free_text(query)) == expected


def test_every_synonym_rule_survives_the_analysis_chain_and_expands(client: OpenSearch, index: str) -> None:
    """Each phrase opening a rule, analyzed as a query, yields the terms of every phrase it maps to."""
    failures = []
    for rule in schema.synonym_rules():
        sides = [side.split(", ") for side in rule.split(" => ")]
        inputs, outputs = sides[0], sides[-1]
        for phrase in inputs:
            expanded = set(tokens(client, index, schema.SEARCH_ANALYZER, phrase))
            for output in outputs:
                wanted = set(tokens(client, index, schema.TEXT_ANALYZER, output)) - set(schema.QUERY_NOISE)
                if not wanted or not wanted <= expanded:
                    failures.append(f"{phrase!r} -> {output!r}: {sorted(expanded)} lacks {sorted(wanted)}")
    assert failures == []


def test_no_two_synonym_rules_open_with_the_same_analyzed_phrase(client: OpenSearch, index: str) -> None:
    """The parser rejects textual repeats; this catches "bone" vs "bones", which stem alike.

    Positions count: "ear nose throat" and "ear nose and throat" are different phrases.
    """
    opened: dict[tuple[tuple[str, int], ...], str] = {}
    repeats = []
    for rule in schema.synonym_rules():
        for phrase in rule.split(" => ")[0].split(", "):
            analyzed = tuple((t["token"], t["position"]) for t in analyze(client, index, schema.TEXT_ANALYZER, phrase))
            if analyzed in opened:
                repeats.append(f"{phrase!r} analyzes like {opened[analyzed]!r}")
            opened[analyzed] = phrase
    assert repeats == []


# --- Typeahead -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("prefix", "expected"),
    [
        ("psych", {"krish-nandy", "kay-rowlands", "richard-oflynn"}),
        ("kris", {"krish-nandy"}),
        ("krish na", {"krish-nandy"}),
        ("hend", {"krish-nandy"}),
        ("ofl", {"richard-oflynn"}),
        ("o'fl", {"richard-oflynn"}),
        ("knee rep", {"tom-ward"}),
        ("núñ", {"ana-nunez-smith"}),
    ],
)
def test_given_a_prefix_then_typeahead_fields_complete_it(
    client: OpenSearch, index: str, prefix: str, expected: set[str]
) -> None:
    assert ids(client, index, typeahead(prefix)) == expected


# --- Facets and filters -------------------------------------------------------------------------
def test_given_a_slugified_filter_value_then_the_keyword_field_filters(client: OpenSearch, index: str) -> None:
    specialty = {"term": {schema.SPECIALTY_SLUGS: slugify("Trauma and Orthopaedics")}}
    assert ids(client, index, {"bool": {"filter": [specialty]}}) == {"tom-ward"}
    insurer = {"term": {schema.INSURER_SLUGS: slugify("AXA  health")}}
    assert ids(client, index, {"bool": {"filter": [insurer]}}) == {"tom-ward"}
    both = [{"term": {schema.HOSPITAL_IDS: "hendon"}}, {"term": {schema.BOOKABLE_ONLINE: True}}]
    assert ids(client, index, {"bool": {"filter": both}}) == {"krish-nandy"}


def test_facet_labels_slugify_to_their_filter_values(client: OpenSearch, index: str) -> None:
    aggs = {
        "specialties": {"terms": {"field": schema.SPECIALTY_LABELS}},
        "hospitals": {
            "nested": {"path": schema.HOSPITALS},
            "aggs": {
                "ids": {
                    "terms": {"field": schema.HOSPITAL_ID},
                    "aggs": {"names": {"terms": {"field": schema.HOSPITAL_NAME, "size": 1}}},
                }
            },
        },
    }
    result = client.search(index=index, body={"size": 0, "aggs": aggs})["aggregations"]
    labels = {bucket["key"]: bucket["doc_count"] for bucket in result["specialties"]["buckets"]}
    assert labels["Psychiatry"] == 2
    assert ids(client, index, {"term": {schema.SPECIALTY_SLUGS: slugify("Ear, nose and throat")}}) == {"lucy-hale"}
    hospitals = {b["key"]: b["names"]["buckets"][0]["key"] for b in result["hospitals"]["ids"]["buckets"]}
    assert hospitals["hendon"] == "BMI Hendon Hospital"


# --- Geo -------------------------------------------------------------------------------------
HENDON_CENTRAL = {"lat": 51.5830, "lon": -0.2264}


def test_given_a_point_then_geo_distance_finds_specialists_with_any_hospital_nearby(
    client: OpenSearch, index: str
) -> None:
    near = {"geo_distance": {"distance": "5km", schema.LOCATIONS: HENDON_CENTRAL}}
    assert ids(client, index, {"bool": {"filter": [near]}}) == {"krish-nandy"}

    nested = {"geo_distance": {"distance": "5km", schema.HOSPITAL_LOCATION: HENDON_CENTRAL}}
    query = {"nested": {"path": schema.HOSPITALS, "query": nested, "inner_hits": {}}}
    hits = client.search(index=index, body={"query": query})["hits"]["hits"]
    assert [hit["_id"] for hit in hits] == ["krish-nandy"]
    inner = hits[0]["inner_hits"][schema.HOSPITALS]["hits"]["hits"]
    assert [hit["_source"]["id"] for hit in inner] == ["hendon"]


def test_geo_distance_sort_orders_by_the_nearest_hospital(client: OpenSearch, index: str) -> None:
    body = {"query": {"match_all": {}}, "sort": [{"_geo_distance": {schema.LOCATIONS: HENDON_CENTRAL, "order": "asc"}}]}
    hits = client.search(index=index, body=body)["hits"]["hits"]
    assert [hit["_id"] for hit in hits][:2] == ["krish-nandy", "ana-nunez-smith"]


# --- Mapping ---------------------------------------------------------------------------------
def test_the_mapping_is_strict(client: OpenSearch, index: str) -> None:
    document = {**schema.to_document(SPECIALISTS[0]), "rating": 5}
    with pytest.raises(RequestError) as error:
        client.index(index=index, id="unknown-field", body=document)
    assert error.value.error == "strict_dynamic_mapping_exception"


def test_the_stored_document_is_the_card_and_stored_only_fields_are_not_searchable(
    client: OpenSearch, index: str
) -> None:
    source = client.get(index=index, id="krish-nandy")["_source"]
    assert source == schema.to_document(SPECIALISTS[0])
    assert source[schema.NAME] == "Dr Krish Nandy"
    assert [h["enquiries_email"] for h in source[schema.HOSPITALS]] == [
        "enquiries.london-independent@hospitals.example",
        "enquiries.hendon@hospitals.example",
    ]
    email = {"term": {"hospitals.enquiries_email": "enquiries.hendon@hospitals.example"}}
    with pytest.raises(RequestError):
        client.search(index=index, body={"query": {"nested": {"path": schema.HOSPITALS, "query": email}}})
