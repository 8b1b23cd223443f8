"""The catalog: one specialist per line of the feed upstream systems send us.

This model is the contract (``docs/catalog.md``); its JSON Schema is published as
``docs/catalog.schema.json`` by ``python -m chalicelib.catalog``. Types are strict
where pydantic would otherwise coerce (``"true"`` is not a bool, ``"51.5"`` is not a
number, a number is not a timestamp), so a feed that drifts is reported, not guessed at.
Each check names its rule in plain words: the indexer reports these reasons back to
the team that sent the line.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any, Literal, Protocol

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
    StrictBool,
    StrictFloat,
    StrictInt,
    StringConstraints,
    field_validator,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import PydanticCustomError, core_schema

from chalicelib.patterns import CONTROL, CONTROL_BUT_LINE_BREAKS, EMAIL, ID

SCHEMA_ID = "https://find-a-specialist.example/schemas/catalog.schema.json"

# Patterns are written to mean the same in Python and in the ECMA-262 dialect JSON Schema uses.
NO_CONTROL = f"^[^{CONTROL}]*$"
_NO_CONTROL_BUT_LINE_BREAKS = f"^[^{CONTROL_BUT_LINE_BREAKS}]*$"
_ID = ID
_POSTCODE = r"^[A-Za-z]{1,2}[0-9][A-Za-z0-9]? ?[0-9][A-Za-z]{2}$"
_EMAIL = EMAIL
_HTTPS_URL = r"^https://[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+(:[0-9]{1,5})?([/?#][^\s" + CONTROL + r"]*)?$"
_RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})")


@dataclass(frozen=True)
class Matches:
    """A regex check with a readable reason, whose pattern is also published in the JSON Schema.

    (``StringConstraints(pattern=...)`` would publish it too, but its error quotes the regex.)
    """

    pattern: str
    reason: str

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        # Checked in pydantic-core (Rust), not in a Python function: the indexer runs this
        # for every string of every line, and a Python call each was most of its parse time.
        check = core_schema.custom_error_schema(
            core_schema.str_schema(pattern=self.pattern), "invalid_format", custom_error_message=self.reason
        )
        return core_schema.chain_schema([handler(source), check])

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return {**handler(schema), "pattern": self.pattern}


def _normalise_postcode(value: str) -> str:
    compact = value.replace(" ", "").upper()
    return f"{compact[:-3]} {compact[-3:]}"


def _rfc3339(value: object) -> object:
    """Let through datetimes and RFC 3339 strings only: pydantic alone would take Unix numbers too."""
    if isinstance(value, datetime) or (isinstance(value, str) and _RFC3339.fullmatch(value)):
        return value
    raise PydanticCustomError("invalid_timestamp", "must be an RFC 3339 timestamp with a UTC offset")


def text_length(max_length: int) -> StringConstraints:
    """1 to ``max_length`` characters (after the model strips whitespace at the ends)."""
    return StringConstraints(min_length=1, max_length=max_length)


_Plain = Matches(NO_CONTROL, "must not contain control characters")

Id = Annotated[str, Matches(_ID, "must be 1-64 lower-case letters, digits or hyphens")]
Name = Annotated[str, text_length(80), _Plain]
ShortText = Annotated[str, text_length(120), _Plain]
Postcode = Annotated[
    str, Matches(_POSTCODE, "must be a UK postcode such as NW4 1RP"), AfterValidator(_normalise_postcode)
]
Email = Annotated[str, StringConstraints(max_length=254), Matches(_EMAIL, "must be an e-mail address")]
HttpsUrl = Annotated[
    str, StringConstraints(max_length=2000), Matches(_HTTPS_URL, "must be an https URL with a dotted host name")
]
Timestamp = Annotated[AwareDatetime, BeforeValidator(_rfc3339)]

Honorific = Literal["Dr", "Mr", "Mrs", "Ms", "Miss", "Prof"]
Gender = Literal["female", "male"]


class Hospital(BaseModel):
    """A hospital where the specialist sees patients; enquiries about them go to its team."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    id: Id = Field(examples=["hendon"])
    name: ShortText = Field(examples=["BMI Hendon Hospital"])
    postcode: Postcode = Field(description="UK postcode; stored upper case with one space.", examples=["NW4 1RP"])
    lat: StrictFloat = Field(ge=-90, le=90, description="WGS 84 latitude in degrees.", examples=[51.5953])
    lon: StrictFloat = Field(ge=-180, le=180, description="WGS 84 longitude in degrees.", examples=[-0.2262])
    enquiries_email: Email = Field(
        description="Where patient enquiries for this hospital are sent.",
        examples=["enquiries.hendon@hospitals.example"],
    )
    escalation_email: Email | None = Field(
        default=None,
        description="Where an enquiry the team has not acknowledged by its reply deadline is escalated; "
        "the central enquiries team when absent.",
        examples=["matron.hendon@hospitals.example"],
    )
    reply_working_hours: StrictInt | None = Field(
        default=None,
        ge=1,
        le=168,
        description="The team's reply deadline in working hours (weekends and England and Wales bank holidays "
        "do not count); the service's default (36) when absent.",
        examples=[24],
    )


class Specialist(BaseModel):
    """One specialist: a line of the catalog feed (JSON Lines, UTF-8)."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    id: Id = Field(description="Stable across feeds; profile addresses use it.", examples=["krish-nandy"])
    honorific: Honorific | None = None
    first_name: Name = Field(description="Given names, as the patient should read them.", examples=["Richard"])
    last_name: Name = Field(examples=["O'Flynn"])
    title: ShortText = Field(description="Job title.", examples=["Consultant Psychiatrist"])
    qualifications: Annotated[str, text_length(300), _Plain] | None = Field(
        default=None, examples=["MB, BS (Lond) FRCPsych"]
    )
    gender: Gender | None = None
    specialties: list[ShortText] = Field(min_length=1, examples=[["Psychiatry"]])
    treatments: list[ShortText] = Field(default=[], examples=[["Psychodynamic therapy"]])
    conditions: list[ShortText] = Field(default=[], examples=[["Depression", "Anxiety"]])
    hospitals: list[Hospital] = Field(min_length=1, description="Primary hospital first; no hospital twice.")
    languages: list[ShortText] = Field(default=[], examples=[["English", "Hindi"]])
    insurers: list[ShortText] = Field(default=[], examples=[["Bupa", "AXA Health"]])
    sees_children: StrictBool = False
    bookable_online: StrictBool = Field(description="True shows 'Book online' (booking_url); false shows 'Enquire'.")
    booking_url: HttpsUrl | None = None
    profile_url: HttpsUrl | None = None
    photo_url: HttpsUrl | None = None
    bio: (
        Annotated[
            str,
            text_length(5000),
            Matches(_NO_CONTROL_BUT_LINE_BREAKS, "must be plain text without control characters"),
        ]
        | None
    ) = Field(default=None, description="Plain text (never rendered as HTML); line breaks and tabs allowed.")
    updated_at: Timestamp | None = Field(
        default=None, description="RFC 3339 timestamp with a UTC offset.", examples=["2025-03-01T09:30:00Z"]
    )

    @field_validator("hospitals")
    @classmethod
    def _each_hospital_once(cls, hospitals: list[Hospital]) -> list[Hospital]:
        seen: set[str] = set()
        for hospital in hospitals:
            if hospital.id in seen:
                raise PydanticCustomError("duplicate_hospital", "lists hospital {id} twice", {"id": hospital.id})
            seen.add(hospital.id)
        return hospitals

    @property
    def display_name(self) -> str:
        """As the results page shows it: "Dr Krish Nandy", or "Gordon James Turnbull" with no honorific."""
        return " ".join(part for part in (self.honorific, self.first_name, self.last_name) if part)


def parse_line(line: str | bytes) -> Specialist:
    """One feed line to a specialist; raises ``pydantic.ValidationError`` naming each broken rule."""
    return Specialist.model_validate_json(line)


class SourceError(Exception):
    """The feed cannot be found or opened."""


class CatalogSource(Protocol):
    """Where the indexer reads a feed (this catalog, or the treatments' content): JSON Lines,
    one record a line, read as a stream. Adapters: ``chalicelib.adapters.file_catalog_source``
    and ``s3_catalog_source``."""

    @property
    def uri(self) -> str: ...

    def open_lines(self) -> AbstractContextManager[Iterator[bytes]]:
        """The feed's lines as raw bytes, decompressed, never read whole into memory."""


def json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of one feed line, as published in ``docs/catalog.schema.json``."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        **Specialist.model_json_schema(),
        "title": "Find a specialist catalog line",
        "description": "One specialist, one line of the catalog feed (JSON Lines, UTF-8). See docs/catalog.md.",
    }


def json_schema_text() -> str:
    """The exact text of ``docs/catalog.schema.json``; a unit test keeps the two equal."""
    return json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    print(json_schema_text(), end="")
