"""The treatments content feed: its model, its published schema and the demo feed."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from chalicelib.treatments.content import json_schema, json_schema_text, parse_line
from chalicelib.treatments.index_schema import to_document
from chalicelib.treatments.markdown import to_html
from indexer import demo_data, demo_treatments

DOCS = Path(__file__).resolve().parents[2] / "docs"
SEED_HEADINGS = [
    "What is psychodynamic therapy?",
    "How does psychodynamic therapy work?",
    "What happens during a psychodynamic therapy session?",
    "Are there any side effects associated with this type of therapy?",
]


def section(**changes: Any) -> dict[str, Any]:
    return {"heading": "What is it?", "body": "A **talking** therapy.\n\n- one\n- two", **changes}


def record(**changes: Any) -> dict[str, Any]:
    """A complete valid line; ``changes`` set fields, and ``...`` removes one."""
    base: dict[str, Any] = {
        "slug": "psychodynamic-therapy",
        "label": "Psychodynamic therapy",
        "also_known_as": ["Psychodynamic psychotherapy"],
        "summary": "A talking therapy.",
        "sections": [section()],
        "related_conditions": ["Depression", "Anxiety"],
        "related_specialties": ["Psychotherapy"],
        "updated_at": "2025-05-06T10:00:00+01:00",
    }
    merged = {**base, **changes}
    return {key: value for key, value in merged.items() if value is not ...}


def line(**changes: Any) -> str:
    return json.dumps(record(**changes), ensure_ascii=False)


def rejection(text: str) -> tuple[str, str]:
    """The (location, message) of the single error ``parse_line`` raises."""
    with pytest.raises(ValidationError) as error:
        parse_line(text)
    assert error.value.error_count() == 1, error.value
    first = error.value.errors()[0]
    return ".".join(str(part) for part in first["loc"]), first["msg"]


def test_given_a_complete_line_then_every_field_is_parsed() -> None:
    content = parse_line(line().encode())

    assert (content.slug, content.label) == ("psychodynamic-therapy", "Psychodynamic therapy")
    assert content.sections[0].heading == "What is it?"
    assert content.sections[0].body == "A **talking** therapy.\n\n- one\n- two"
    assert content.related_conditions == ["Depression", "Anxiety"]
    assert content.updated_at == datetime(2025, 5, 6, 9, 0, tzinfo=UTC)


def test_given_only_the_required_fields_then_the_lists_default_to_empty() -> None:
    content = parse_line(line(also_known_as=..., sections=..., related_conditions=..., related_specialties=...))

    assert content.also_known_as == content.related_conditions == content.related_specialties == []
    assert content.sections == []


def test_given_padded_strings_then_they_are_trimmed_before_the_checks() -> None:
    content = parse_line(line(label="  Psychodynamic therapy ", sections=[section(heading=" What? ", body=" *x* ")]))

    assert content.label == "Psychodynamic therapy"
    assert (content.sections[0].heading, content.sections[0].body) == ("What?", "*x*")


def test_given_a_label_with_accents_and_apostrophes_then_its_slug_is_the_catalogs() -> None:
    content = parse_line(line(label="Dupuytren's surgery", slug="dupuytrens-surgery"))

    assert content.slug == "dupuytrens-surgery"


@pytest.mark.parametrize(
    ("changes", "location", "message"),
    [
        ({"slug": "psychodynamic"}, "slug", "must be the slug of label (psychodynamic-therapy)"),
        ({"label": "Knee replacement"}, "slug", "must be the slug of label (knee-replacement)"),
        ({"label": "???", "slug": "x"}, "slug", "must be the slug of label, which has no letters or digits"),
        ({"slug": "Psychodynamic Therapy"}, "slug", "must be 1-64 lower-case letters, digits or hyphens"),
        ({"label": "Psycho\x00dynamic therapy"}, "label", "must not contain control characters"),
        ({"summary": "Line one\nline two"}, "summary", "must not contain control characters"),
        ({"sections": [section(heading="What\tis it?")]}, "sections.0.heading", "must not contain control characters"),
        ({"summary": "x" * 501}, "summary", "String should have at most 500 characters"),
        ({"summary": "  "}, "summary", "String should have at least 1 character"),
        ({"summary": ...}, "summary", "Field required"),
        ({"updated_at": ...}, "updated_at", "Field required"),
        ({"updated_at": None}, "updated_at", "must be an RFC 3339 timestamp with a UTC offset"),
        ({"updated_at": "2025-05-06T10:00:00"}, "updated_at", "must be an RFC 3339 timestamp with a UTC offset"),
        ({"updated_at": 1746525600}, "updated_at", "must be an RFC 3339 timestamp with a UTC offset"),
        ({"author": "someone"}, "author", "Extra inputs are not permitted"),
        ({"sections": [section(html="<p>x</p>")]}, "sections.0.html", "Extra inputs are not permitted"),
        ({"sections": [section()] * 21}, "sections", "List should have at most 20 items after validation, not 21"),
        ({"also_known_as": ["x"] * 21}, "also_known_as", "List should have at most 20 items after validation, not 21"),
        ({"related_conditions": ["x"] * 51}, "related_conditions", "List should have at most 50 items"),
        ({"related_specialties": [""]}, "related_specialties.0", "String should have at least 1 character"),
        ({"sections": [section(body="")]}, "sections.0.body", "String should have at least 1 character"),
        ({"sections": [section(body="x" * 10001)]}, "sections.0.body", "String should have at most 10000 characters"),
        ({"sections": [section(body="<script>x</script>")]}, "sections.0.body", "must not contain raw HTML"),
        ({"sections": [section(body="# Title")]}, "sections.0.body", "headings belong in sections' headings"),
        ({"sections": [section(body="[x](javascript:alert(1))")]}, "sections.0.body", "links only to https://"),
        ({"sections": [section(body="a {reason} b\x00")]}, "sections.0.body", "must not contain control characters"),
        ({"label": 42}, "label", "Input should be a valid string"),
    ],
)  # fmt: skip
def test_given_a_line_breaking_one_rule_then_it_is_rejected_naming_field_and_rule(
    changes: dict[str, Any], location: str, message: str
) -> None:
    found_location, found_message = rejection(line(**changes))

    assert found_location == location
    assert found_message.startswith(message)


def test_given_a_parsed_line_then_it_cannot_be_changed() -> None:
    content = parse_line(line())

    with pytest.raises(ValidationError, match="frozen"):
        content.summary = "Changed"


def test_given_the_model_then_the_schema_has_an_id_title_and_closed_objects() -> None:
    schema = json_schema()

    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == "https://find-a-specialist.example/schemas/treatments.schema.json"
    assert schema["title"] == "Find a specialist treatment content line"
    assert "JSON Lines" in schema["description"]
    assert schema["additionalProperties"] is False
    assert schema["$defs"]["Section"]["additionalProperties"] is False
    assert set(schema["required"]) == {"slug", "label", "summary", "updated_at"}


def test_given_the_committed_schema_file_then_it_matches_the_model() -> None:
    assert (DOCS / "treatments.schema.json").read_text(encoding="utf-8") == json_schema_text(), (
        "docs/treatments.schema.json is stale: "
        "run `python -m chalicelib.treatments.content > docs/treatments.schema.json`"
    )


def test_given_the_example_in_the_contract_then_it_validates_and_renders_as_shown() -> None:
    contract = (DOCS / "treatments.md").read_text(encoding="utf-8")
    [example] = re.findall(r"```json\n(.*?)```", contract, re.DOTALL)
    [rendered] = re.findall(r"```html\n(.*?)```", contract, re.DOTALL)

    content = parse_line(example)

    assert "\n" not in example.strip()
    assert to_html(content.sections[0].body) + "\n" == rendered


# --- The demo feed ---------------------------------------------------------------------


def demo_catalog_treatments() -> set[str]:
    pools = {label for specialty in demo_data.SPECIALTIES for label in specialty.treatments}
    return pools | {label for specialist in demo_data.SEED_SPECIALISTS for label in specialist.treatments}


def test_given_the_demo_feed_then_every_line_parses_to_its_entry() -> None:
    lines = list(demo_treatments.lines())

    assert all(raw.endswith(b"\n") and raw.count(b"\n") == 1 for raw in lines)
    assert [parse_line(raw) for raw in lines] == demo_treatments.entries()
    assert len(lines) >= 12


def test_given_the_demo_feed_then_psychodynamic_therapy_has_the_seed_pages_four_sections() -> None:
    content = next(entry for entry in demo_treatments.entries() if entry.slug == "psychodynamic-therapy")

    assert [section.heading for section in content.sections] == SEED_HEADINGS
    assert content.related_specialties == ["Psychotherapy", "Psychology", "Psychiatry"]
    document = to_document(content)
    assert any("<ul>" in section["html"] for section in document["sections"])
    assert any('<a href="https://' in section["html"] for section in document["sections"])


def test_given_the_demo_feed_then_every_label_and_related_label_is_in_the_demo_catalog() -> None:
    specialties = {specialty.name for specialty in demo_data.SPECIALTIES}
    conditions = {label for specialty in demo_data.SPECIALTIES for label in specialty.conditions}

    for content in demo_treatments.entries():
        assert content.label in demo_catalog_treatments(), content.label
        assert set(content.related_specialties) <= specialties, content.label
        assert set(content.related_conditions) <= conditions, content.label


def test_given_the_demo_feed_then_some_catalog_treatments_deliberately_have_none() -> None:
    with_content = {content.label for content in demo_treatments.entries()}

    assert demo_catalog_treatments() - with_content


def test_given_a_path_then_the_demo_feed_is_written_there_the_same_every_time(tmp_path: Path) -> None:
    first, second = tmp_path / "first.jsonl", tmp_path / "second.jsonl"

    assert demo_treatments.write(first) == len(demo_treatments.entries())
    assert demo_treatments.main([str(second)]) == 0
    assert first.read_bytes() == second.read_bytes() == b"".join(demo_treatments.lines())


def test_given_the_demo_entries_then_each_builds_a_document_with_html_for_every_section() -> None:
    for content in demo_treatments.entries():
        document = to_document(content)

        assert document["slug"] == content.slug
        assert content.sections, content.label
        assert all(section["html"].startswith("<p>") for section in document["sections"]), content.label
