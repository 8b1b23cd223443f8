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
    model_validator,
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
ConsultationType = Literal["in_person", "video", "phone"]
CONSULTATION_TYPES: tuple[ConsultationType, ...] = ("in_person", "video", "phone")
RegistrationStatus = Literal["registered", "licence_suspended", "erased"]
GmcNumber = Annotated[str, Matches(r"^[0-9]{7}$", "must be a GMC reference number of 7 digits")]
# A consultation fee in pence: up to £10,000.
Pence = Annotated[StrictInt, Field(ge=0, le=1_000_000)]


class NextAvailable(BaseModel):
    """The first free outpatient slot with this specialist at this hospital, as the booking
    system saw it at ``as_of``: availability changes hourly, so a slot is a promise only
    while ``as_of`` is recent (the search shows an older one as unknown)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    at: Timestamp = Field(description="When the slot starts; RFC 3339 with a UTC offset.")
    as_of: Timestamp = Field(description="When the booking system reported it; RFC 3339 with a UTC offset.")


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
    next_available: NextAvailable | None = Field(
        default=None,
        description="The specialist's first free outpatient slot at this hospital (differs from one specialist "
        "to the next, unlike the hospital's other fields); refreshed hourly by the availability feed.",
        examples=[{"at": "2025-06-03T09:30:00Z", "as_of": "2025-06-01T07:00:00Z"}],
    )


class Registration(BaseModel):
    """The specialist's entry on the GMC's register, as last checked against it."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    status: RegistrationStatus = Field(
        description="Only a registered specialist is listed, suggested or sent enquiries; the others are "
        "counted in the indexer's summary and left out of the search."
    )
    specialist_register: list[ShortText] = Field(
        default=[], description="Specialties on the GMC's specialist register.", examples=[["Psychiatry"]]
    )
    verified_at: Timestamp = Field(description="When the register was last checked; RFC 3339 with a UTC offset.")


class InsurerArrangement(BaseModel):
    """How one insurer pays for this specialist's outpatient consultations."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    insurer: ShortText = Field(examples=["Bupa"])
    fee_capped: StrictBool = Field(description="The specialist charges no more than the insurer's fee limit.")
    shortfall_possible: StrictBool = Field(description="The patient may have to pay a shortfall.")


class Fees(BaseModel):
    """Outpatient consultation fees as published under the CMA order (self-pay, in pence)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    initial_consultation: Pence | None = Field(default=None, description="Self-pay, in pence.", examples=[25000])
    follow_up: Pence | None = Field(default=None, description="Self-pay, in pence.", examples=[18000])
    currency: Literal["GBP"] = "GBP"
    updated_at: Timestamp = Field(description="When the fees were last confirmed; RFC 3339 with a UTC offset.")
    insurer_arrangements: list[InsurerArrangement] = Field(default=[], description="At most one per insurer.")

    @field_validator("insurer_arrangements")
    @classmethod
    def _each_insurer_once(cls, arrangements: list[InsurerArrangement]) -> list[InsurerArrangement]:
        seen: set[str] = set()
        for arrangement in arrangements:
            key = arrangement.insurer.casefold()
            if key in seen:
                raise PydanticCustomError(
                    "duplicate_insurer", "lists insurer {insurer} twice", {"insurer": arrangement.insurer}
                )
            seen.add(key)
        return arrangements


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
    gmc_number: GmcNumber | None = Field(
        default=None, description="The GMC reference number; required with registration.", examples=["4123456"]
    )
    registration: Registration | None = Field(
        default=None,
        description="The GMC register's entry; when absent the specialist is listed (older feeds have none) "
        "and the data-quality report counts the gap.",
    )
    fees: Fees | None = None
    consultation_types: list[ConsultationType] = Field(
        default=[], description="How the specialist consults; empty: not stated.", examples=[["in_person", "video"]]
    )

    @field_validator("consultation_types")
    @classmethod
    def _each_type_once(cls, types: list[ConsultationType]) -> list[ConsultationType]:
        if len(set(types)) < len(types):
            raise PydanticCustomError("duplicate_consultation_type", "lists a consultation type twice")
        return types

    @model_validator(mode="after")
    def _registration_has_number(self) -> Specialist:
        if self.registration is not None and self.gmc_number is None:
            raise PydanticCustomError("registration_without_number", "registration needs gmc_number")
        return self

    @property
    def is_registered(self) -> bool:
        """Whether the specialist may be listed: registered, or not stated (older feeds)."""
        return self.registration is None or self.registration.status == "registered"

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
