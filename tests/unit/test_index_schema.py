"""The index schema without a node: the synonyms file, the index body and the document.

What the analyzers do is proven against the real node in
tests/integration/test_index_schema.py.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from chalicelib import index_schema as schema
from chalicelib.catalog import Specialist

REPO_ROOT = Path(__file__).resolve().parents[2]

RECORD: dict[str, Any] = {
    "id": "richard-oflynn",
    "honorific": "Dr",
    "first_name": "Richard",
    "last_name": "O'Flynn",
    "title": "Consultant Psychiatrist",
    "specialties": ["Psychiatry", "Ear, nose & throat (ENT)", "psychiatry"],
    "treatments": ["Psychodynamic therapy"],
    "hospitals": [
        {
            "id": "st-edmunds",
            "name": "BMI St Edmunds Hospital",
            "postcode": "ip332aa",
            "lat": 52.2405,
            "lon": 0.7093,
            "enquiries_email": "enquiries.st-edmunds@hospitals.example",
        },
        {
            "id": "hendon",
            "name": "BMI Hendon Hospital",
            "postcode": "NW4 1RP",
            "lat": 51.5953,
            "lon": -0.2262,
            "enquiries_email": "enquiries.hendon@hospitals.example",
        },
    ],
    "languages": ["English", "Irish Gaelic"],
    "bookable_online": False,
}
SPECIALIST = Specialist.model_validate(RECORD)


# --- Synonyms ------------------------------------------------------------------------------
def test_the_shipped_synonyms_file_parses_into_many_distinct_rules() -> None:
    rules = schema.synonym_rules()
    assert len(rules) >= 100
    assert len(set(rules)) == len(rules)
    assert "heart, cardiac => heart, cardiac, cardiology, cardiologist" in rules
    assert all(rule.count("=>") <= 1 and rule == rule.strip() for rule in rules)


def test_given_comments_blanks_and_ragged_spacing_then_rules_come_out_normalised() -> None:
    text = "# a comment\n\n  CBT ,  Cognitive   behavioural therapy\nheart doctor=>cardiology\n"
    assert schema.parse_synonyms(text) == (
        "cbt, cognitive behavioural therapy",
        "heart doctor => cardiology",
    )


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("heart", "expected"),
        ("heart =>", "expected"),
        ("=> cardiology", "expected"),
        ("ent, , otolaryngology", "expected"),
        ("a => b => c", "expected"),
        ("ent, ENT", "twice"),
        ("skin => skin, dermatology, Skin", "twice"),
        ("eye => ophthalmology\n# note\nEye, vision", "already opens line 1"),
    ],
)
def test_given_a_malformed_or_repeated_rule_then_parsing_names_its_line(text: str, problem: str) -> None:
    with pytest.raises(ValueError, match=problem) as error:
        schema.parse_synonyms(text)
    assert "synonyms line" in str(error.value)


def test_importing_the_schema_does_not_read_the_synonyms_file() -> None:
    code = "import chalicelib.index_schema as s; print(s.synonym_rules.cache_info().currsize)"
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "0"


# --- Index body ----------------------------------------------------------------------------
def test_index_body_is_deterministic_and_json_serialisable() -> None:
    first, second = schema.index_body(), schema.index_body()
    assert first == second
    assert json.dumps(first, sort_keys=True) == json.dumps(second, sort_keys=True)
    assert json.loads(json.dumps(first)) == first


def test_index_body_sets_the_shards_and_a_strict_mapping() -> None:
    body = schema.index_body(shards=3)
    assert body["settings"]["number_of_shards"] == 3
    assert body["mappings"]["dynamic"] == "strict"
    assert body["settings"]["analysis"]["filter"]["synonyms"]["synonyms"] == list(schema.synonym_rules())


def test_a_caller_changing_one_body_does_not_change_the_next() -> None:
    body = schema.index_body()
    body["mappings"]["properties"][schema.ID]["type"] = "text"
    body["mappings"]["properties"][schema.LANGUAGES]["ignore_above"] = 1
    body["settings"]["analysis"]["filter"]["english_stop"]["stopwords"].append("heart")
    properties = schema.index_body()["mappings"]["properties"]
    assert properties[schema.ID] == {"type": "keyword"}
    assert properties[schema.LANGUAGES] == {"type": "keyword", "ignore_above": 256}
    assert properties[schema.SPECIALTY_SLUGS] == {"type": "keyword"}
    assert "heart" not in schema.index_body()["settings"]["analysis"]["filter"]["english_stop"]["stopwords"]


def _field(properties: dict[str, Any], path: str) -> dict[str, Any]:
    """The mapping of a dotted field name: an object's property or a multi-field."""
    head, _, rest = path.partition(".")
    field: dict[str, Any] = properties[head]
    if not rest:
        return field
    return _field(field.get("properties") or field["fields"], rest)


def test_every_field_name_a_query_uses_is_mapped_with_its_analyzer() -> None:
    properties = schema.index_body()["mappings"]["properties"]
    for name in schema.FREE_TEXT_FIELDS:
        assert _field(properties, name)["search_analyzer"] == schema.SEARCH_ANALYZER
    for name in schema.TYPEAHEAD_FIELDS:
        assert _field(properties, name)["type"] == "text"
    for name in (schema.SPECIALTY_LABELS, schema.TREATMENT_LABELS, schema.CONDITION_LABELS, schema.HOSPITAL_NAME):
        assert _field(properties, name)["type"] == "keyword"
    assert _field(properties, schema.NAME)["analyzer"] == schema.NAME_ANALYZER
    assert _field(properties, schema.HOSPITAL_LOCATION)["type"] == "geo_point"
    assert _field(properties, schema.LOCATIONS)["type"] == "geo_point"
    assert properties[schema.HOSPITALS]["type"] == "nested"


def test_every_analysis_component_used_is_defined() -> None:
    body = schema.index_body()
    analysis = body["settings"]["analysis"]
    for analyzer in analysis["analyzer"].values():
        assert set(analyzer.get("char_filter", [])) <= set(analysis["char_filter"])
        assert set(analyzer["filter"]) <= set(analysis["filter"]) | {"lowercase", "asciifolding"}

    def used(mapping: dict[str, Any]) -> set[str]:
        names = {mapping[key] for key in ("analyzer", "search_analyzer", "normalizer") if key in mapping}
        for child in (*mapping.get("properties", {}).values(), *mapping.get("fields", {}).values()):
            names |= used(child)
        return names

    assert used(body["mappings"]) <= set(analysis["analyzer"]) | set(analysis["normalizer"])


# --- Document ------------------------------------------------------------------------------
def test_the_document_has_exactly_the_mapped_fields() -> None:
    properties = schema.index_body()["mappings"]["properties"]
    document = schema.to_document(SPECIALIST)
    # The spelling field is filled by copy_to from the others, never sent.
    assert set(document) == set(properties) - {schema.SPELLING}
    assert set(document[schema.HOSPITALS][0]) == set(properties[schema.HOSPITALS]["properties"])


def test_the_document_keeps_labels_and_adds_deduplicated_slugs() -> None:
    document = schema.to_document(SPECIALIST)
    assert document[schema.NAME] == "Dr Richard O'Flynn"
    assert document[schema.SORT_NAME] == "O'Flynn Richard"
    assert document[schema.SPECIALTIES] == ["Psychiatry", "Ear, nose & throat (ENT)", "psychiatry"]
    assert document[schema.SPECIALTY_SLUGS] == ["psychiatry", "ear-nose-throat-ent"]
    assert document[schema.LANGUAGE_SLUGS] == ["english", "irish-gaelic"]
    assert document[schema.INSURER_SLUGS] == []


def test_the_document_keeps_hospitals_primary_first_with_points_and_email() -> None:
    document = schema.to_document(SPECIALIST)
    assert document[schema.HOSPITAL_IDS] == ["st-edmunds", "hendon"]
    assert document[schema.HOSPITAL_NAMES] == ["BMI St Edmunds Hospital", "BMI Hendon Hospital"]
    assert document[schema.LOCATIONS] == [{"lat": 52.2405, "lon": 0.7093}, {"lat": 51.5953, "lon": -0.2262}]
    assert document[schema.HOSPITALS][0] == {
        "id": "st-edmunds",
        "name": "BMI St Edmunds Hospital",
        "postcode": "IP33 2AA",
        "location": {"lat": 52.2405, "lon": 0.7093},
        "enquiries_email": "enquiries.st-edmunds@hospitals.example",
        "escalation_email": None,
        "reply_working_hours": None,
        "next_available": None,
        "next_available_as_of": None,
    }


def test_the_document_is_json_and_leaves_missing_optionals_null() -> None:
    document = schema.to_document(SPECIALIST)
    assert json.loads(json.dumps(document)) == document
    assert document[schema.BIO] is None
    assert document[schema.UPDATED_AT] is None


def test_the_update_time_is_indexed_as_iso_8601_with_its_offset() -> None:
    specialist = Specialist.model_validate({**RECORD, "updated_at": "2025-03-01T09:30:00Z"})
    assert schema.to_document(specialist)[schema.UPDATED_AT] == "2025-03-01T09:30:00+00:00"


# --- Fees, consultation types, registration, availability (issue 16) -----------------------
ISSUE_16 = {
    **RECORD,
    "gmc_number": "4123456",
    "registration": {
        "status": "registered",
        "specialist_register": ["Psychiatry"],
        "verified_at": "2026-11-01T09:00:00Z",
    },
    "fees": {
        "initial_consultation": 25000,
        "follow_up": 18000,
        "updated_at": "2026-03-01T09:00:00+01:00",
        "insurer_arrangements": [{"insurer": "Bupa", "fee_capped": True, "shortfall_possible": False}],
    },
    "consultation_types": ["in_person", "video"],
    "hospitals": [
        {
            **RECORD["hospitals"][0],
            "next_available": {"at": "2026-12-08T09:30:00Z", "as_of": "2026-12-05T07:00:00Z"},
        },
        RECORD["hospitals"][1],
    ],
}


def test_the_document_carries_fees_types_registration_and_each_hospitals_next_slot() -> None:
    document = schema.to_document(Specialist.model_validate(ISSUE_16))
    assert document[schema.FEE_FROM] == 25000
    assert document[schema.CONSULTATION_TYPES] == ["in_person", "video"]
    assert document[schema.GMC_NUMBER] == "4123456"
    assert document[schema.REGISTRATION] == {
        "status": "registered",
        "specialist_register": ["Psychiatry"],
        "verified_at": "2026-11-01T09:00:00Z",
    }
    assert document[schema.FEES]["updated_at"] == "2026-03-01T09:00:00+01:00"
    first, second = document[schema.HOSPITALS]
    assert (first["next_available"], first["next_available_as_of"]) == (
        "2026-12-08T09:30:00+00:00",
        "2026-12-05T07:00:00+00:00",
    )
    assert (second["next_available"], second["next_available_as_of"]) == (None, None)
    assert json.loads(json.dumps(document)) == document


def test_the_new_fields_read_back_typed_on_the_profile_and_the_card() -> None:
    document = json.loads(json.dumps(schema.to_document(Specialist.model_validate(ISSUE_16))))
    view = schema.from_document(document)
    assert view.gmc_number == "4123456"
    assert view.registration == schema.RegistrationView("registered", ["Psychiatry"], "2026-11-01T09:00:00Z")
    assert view.fees == schema.FeesView(
        25000,
        18000,
        "GBP",
        "2026-03-01T09:00:00+01:00",
        [schema.InsurerArrangementView("Bupa", fee_capped=True, shortfall_possible=False)],
    )
    assert view.consultation_types == ["in_person", "video"]
    assert view.hospitals[0].next_available == "2026-12-08T09:30:00+00:00"
    assert view.hospitals[0].next_available_as_of == "2026-12-05T07:00:00+00:00"
    assert view.hospitals[1].next_available is None
    summary = schema.summary_from_document(document)
    assert (summary.fee_from, summary.consultation_types) == (25000, ["in_person", "video"])
    assert summary.hospitals[0].next_available == "2026-12-08T09:30:00+00:00"


def test_an_older_document_without_the_new_fields_reads_as_not_stated() -> None:
    document = schema.to_document(SPECIALIST)
    view = schema.from_document(document)
    assert (view.gmc_number, view.registration, view.fees, view.consultation_types) == (None, None, None, [])
    assert schema.summary_from_document(document).fee_from is None
