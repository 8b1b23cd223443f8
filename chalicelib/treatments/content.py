"""The treatments content feed: one treatment's page text per line, beside the specialist catalog.

This model is the contract (``docs/treatments.md``); its JSON Schema is published as
``docs/treatments.schema.json`` by ``python -m chalicelib.treatments.content``. It reuses
the catalog's rules for ids, short texts and timestamps, so both feeds read alike. A
treatment's content joins the catalog by slug: ``slug`` must be ``slugify(label)``, the key
``GET /specialists?treatment=`` takes. Section bodies are the Markdown subset of
:mod:`chalicelib.treatments.markdown`, checked here so a bad body is reported with the
line, never found at render time.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from chalicelib.catalog import NO_CONTROL, Id, Matches, ShortText, Timestamp, text_length
from chalicelib.slugs import slugify
from chalicelib.treatments import markdown

SCHEMA_ID = "https://find-a-specialist.example/schemas/treatments.schema.json"

MAX_ALSO_KNOWN_AS = 20
MAX_SECTIONS = 20
MAX_RELATED = 50

_Plain = Matches(NO_CONTROL, "must not contain control characters")


def _acceptable_markdown(body: str) -> str:
    reason = markdown.problem(body)
    if reason is not None:
        raise PydanticCustomError("markdown", "{reason}", {"reason": reason})
    return body


Heading = Annotated[str, text_length(200), _Plain]
Summary = Annotated[str, text_length(500), _Plain]
Body = Annotated[str, text_length(10000), AfterValidator(_acceptable_markdown)]


class Section(BaseModel):
    """One titled part of a treatment's page."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    heading: Heading = Field(description="Plain text.", examples=["What is psychodynamic therapy?"])
    body: Body = Field(
        description="The Markdown subset of docs/treatments.md: paragraphs, lists, strong, em and links to "
        "allowed hosts; no raw HTML, headings or images.",
        examples=["Psychodynamic therapy is a **talking therapy**.\n\n- It is one to one.\n- It takes time."],
    )


class TreatmentContent(BaseModel):
    """One treatment's page text: a line of the treatments content feed (JSON Lines, UTF-8)."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    # label comes before slug so that slug's check can read it.
    label: ShortText = Field(
        description="Exactly as the catalog's specialists list the treatment.", examples=["Psychodynamic therapy"]
    )
    slug: Id = Field(description="slugify(label): the key that joins the catalog.", examples=["psychodynamic-therapy"])
    also_known_as: list[ShortText] = Field(
        default=[], max_length=MAX_ALSO_KNOWN_AS, examples=[["Psychodynamic psychotherapy"]]
    )
    summary: Summary = Field(description="Plain text: the page's opening lines.")
    sections: list[Section] = Field(default=[], max_length=MAX_SECTIONS, description="In page order.")
    related_conditions: list[ShortText] = Field(
        default=[], max_length=MAX_RELATED, description="Condition labels as the catalog spells them.",
        examples=[["Depression", "Anxiety"]],
    )  # fmt: skip
    related_specialties: list[ShortText] = Field(
        default=[], max_length=MAX_RELATED, description="Specialty labels as the catalog spells them.",
        examples=[["Psychotherapy", "Psychiatry"]],
    )  # fmt: skip
    updated_at: Timestamp = Field(
        description="When the text last changed: RFC 3339 timestamp with a UTC offset.",
        examples=["2025-03-01T09:30:00Z"],
    )

    @field_validator("slug")
    @classmethod
    def _slug_of_label(cls, slug: str, info: ValidationInfo) -> str:
        label = info.data.get("label")
        if label is None:  # the label is invalid and already reported
            return slug
        expected = slugify(label)
        if not expected:
            raise PydanticCustomError("slug_of_label", "must be the slug of label, which has no letters or digits")
        if slug != expected:
            raise PydanticCustomError("slug_of_label", "must be the slug of label ({expected})", {"expected": expected})
        return slug


def parse_line(line: str | bytes) -> TreatmentContent:
    """One feed line to a treatment's content; raises ``pydantic.ValidationError`` naming each broken rule."""
    return TreatmentContent.model_validate_json(line)


def json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of one feed line, as published in ``docs/treatments.schema.json``."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        **TreatmentContent.model_json_schema(),
        "title": "Find a specialist treatment content line",
        "description": "One treatment's page text, one line of the treatments content feed (JSON Lines, UTF-8). "
        "See docs/treatments.md.",
    }


def json_schema_text() -> str:
    """The exact text of ``docs/treatments.schema.json``; a unit test keeps the two equal."""
    return json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    print(json_schema_text(), end="")
