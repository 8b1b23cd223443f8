from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from chalicelib.catalog import Specialist, json_schema, json_schema_text, parse_line

DOCS = Path(__file__).resolve().parents[2] / "docs"


def hospital(**changes: Any) -> dict[str, Any]:
    return {
        "id": "hendon",
        "name": "BMI Hendon Hospital",
        "postcode": "NW4 1RP",
        "lat": 51.5963,
        "lon": -0.2258,
        "enquiries_email": "enquiries.hendon@hospitals.example",
        **changes,
    }


def record(**changes: Any) -> dict[str, Any]:
    """A complete valid line; ``changes`` set fields, and ``...`` removes one."""
    base: dict[str, Any] = {
        "id": "richard-oflynn",
        "honorific": "Dr",
        "first_name": "Richard",
        "last_name": "O'Flynn",
        "title": "Consultant Psychiatrist",
        "qualifications": "MB, BS (Lond) FRCPsych",
        "gender": "male",
        "specialties": ["Psychiatry"],
        "treatments": ["Psychodynamic therapy"],
        "conditions": ["Depression"],
        "hospitals": [hospital()],
        "languages": ["English"],
        "insurers": ["Bupa"],
        "sees_children": False,
        "bookable_online": True,
        "booking_url": "https://www.hospitals.example/consultants/richard-oflynn/book",
        "profile_url": "https://www.hospitals.example/consultants/richard-oflynn",
        "photo_url": "https://images.hospitals.example/consultants/richard-oflynn.jpg",
        "bio": "Consultant psychiatrist.\nSees adults.",
        "updated_at": "2025-03-01T09:30:00+01:00",
    }
    merged = {**base, **changes}
    return {key: value for key, value in merged.items() if value is not ...}


def line(**changes: Any) -> str:
    return json.dumps(record(**changes), ensure_ascii=False)


SLOT = {"at": "2025-06-03T09:30:00Z", "as_of": "2025-06-01T07:00:00+01:00"}
REGISTERED = {"status": "registered", "specialist_register": ["Psychiatry"], "verified_at": "2025-05-20T10:00:00Z"}
BUPA_CAPPED = {"insurer": "Bupa", "fee_capped": True, "shortfall_possible": False}


def fees(**changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "initial_consultation": 25000,
        "follow_up": 18000,
        "currency": "GBP",
        "updated_at": "2025-04-01T09:00:00Z",
        "insurer_arrangements": [BUPA_CAPPED],
    }
    merged = {**base, **changes}
    return {key: value for key, value in merged.items() if value is not ...}


def practice(**changes: Any) -> dict[str, Any]:
    """The fields patients choose on, all filled in; ``changes`` as for :func:`record`."""
    return {
        "gmc_number": "4123456",
        "registration": REGISTERED,
        "fees": fees(),
        "consultation_types": ["in_person", "video"],
        "hospitals": [hospital(next_available=SLOT)],
        **changes,
    }


def rejection(text: str) -> tuple[str, str]:
    """The (location, message) of the single error ``parse_line`` raises."""
    with pytest.raises(ValidationError) as error:
        parse_line(text)
    assert error.value.error_count() == 1, error.value
    first = error.value.errors()[0]
    return ".".join(str(part) for part in first["loc"]), first["msg"]


def test_given_a_complete_line_then_every_field_is_parsed() -> None:
    specialist = parse_line(line())

    assert specialist.id == "richard-oflynn"
    assert specialist.last_name == "O'Flynn"
    assert specialist.hospitals[0].postcode == "NW4 1RP"
    assert specialist.updated_at == datetime(2025, 3, 1, 8, 30, tzinfo=UTC)
    assert specialist.bio == "Consultant psychiatrist.\nSees adults."


def test_given_only_the_required_fields_then_the_rest_default() -> None:
    required = ("id", "first_name", "last_name", "title", "specialties", "hospitals", "bookable_online")
    specialist = parse_line(json.dumps({key: record()[key] for key in required}))

    assert specialist.honorific is None
    assert specialist.treatments == specialist.conditions == specialist.languages == specialist.insurers == []
    assert specialist.sees_children is False
    assert specialist.updated_at is None


def test_given_fees_registration_types_and_a_slot_then_they_are_parsed() -> None:
    specialist = parse_line(line(**practice()))

    assert specialist.gmc_number == "4123456"
    assert specialist.registration is not None
    assert specialist.registration.status == "registered"
    assert specialist.registration.specialist_register == ["Psychiatry"]
    assert specialist.registration.verified_at == datetime(2025, 5, 20, 10, tzinfo=UTC)
    assert specialist.fees is not None
    assert (specialist.fees.initial_consultation, specialist.fees.follow_up) == (25000, 18000)
    assert specialist.fees.currency == "GBP"
    assert [(a.insurer, a.fee_capped, a.shortfall_possible) for a in specialist.fees.insurer_arrangements] == [
        ("Bupa", True, False)
    ]
    assert specialist.consultation_types == ["in_person", "video"]
    slot = specialist.hospitals[0].next_available
    assert slot is not None
    assert (slot.at, slot.as_of) == (datetime(2025, 6, 3, 9, 30, tzinfo=UTC), datetime(2025, 6, 1, 6, tzinfo=UTC))


def test_given_an_old_feed_line_without_the_new_fields_then_it_stays_valid_and_listed() -> None:
    specialist = parse_line(line())

    assert specialist.gmc_number is None
    assert specialist.registration is None
    assert specialist.fees is None
    assert specialist.consultation_types == []
    assert specialist.hospitals[0].next_available is None
    assert specialist.is_registered


def test_given_fees_with_only_their_date_then_the_amounts_are_not_stated_and_the_currency_is_gbp() -> None:
    specialist = parse_line(line(fees={"updated_at": "2025-04-01T09:00:00Z"}))

    assert specialist.fees is not None
    assert (specialist.fees.initial_consultation, specialist.fees.follow_up) == (None, None)
    assert specialist.fees.currency == "GBP"
    assert specialist.fees.insurer_arrangements == []


@pytest.mark.parametrize(
    ("registration", "listed"),
    [
        (..., True),
        (REGISTERED, True),
        ({**REGISTERED, "status": "licence_suspended"}, False),
        ({**REGISTERED, "status": "erased"}, False),
    ],
)
def test_given_a_registration_status_then_only_registered_or_not_stated_may_be_listed(
    registration: Any, listed: bool
) -> None:
    assert parse_line(line(**practice(registration=registration))).is_registered is listed


def test_given_accents_hyphens_and_apostrophes_in_names_then_they_are_kept() -> None:
    specialist = parse_line(line(first_name="Zoë Siân", last_name="Núñez-O'Brien").encode())

    assert (specialist.first_name, specialist.last_name) == ("Zoë Siân", "Núñez-O'Brien")


def test_given_padded_strings_and_a_loose_postcode_then_they_are_normalised() -> None:
    specialist = parse_line(
        line(first_name="  Richard ", treatments=[" CBT "], hospitals=[hospital(postcode="nw41rp")])
    )

    assert specialist.first_name == "Richard"
    assert specialist.treatments == ["CBT"]
    assert specialist.hospitals[0].postcode == "NW4 1RP"


@pytest.mark.parametrize(
    ("honorific", "first_name", "last_name", "expected"),
    [
        ("Dr", "Krish", "Nandy", "Dr Krish Nandy"),
        ("Mrs", "Kay", "Rowlands", "Mrs Kay Rowlands"),
        (None, "Gordon James", "Turnbull", "Gordon James Turnbull"),
        (..., "Gordon James", "Turnbull", "Gordon James Turnbull"),
    ],
)
def test_given_an_honorific_or_none_then_the_display_name_reads_like_the_page(
    honorific: Any, first_name: str, last_name: str, expected: str
) -> None:
    specialist = parse_line(line(honorific=honorific, first_name=first_name, last_name=last_name))

    assert specialist.display_name == expected


@pytest.mark.parametrize(
    ("changes", "location", "message"),
    [
        ({"id": "Richard O'Flynn"}, "id", "must be 1-64 lower-case letters, digits or hyphens"),
        ({"id": "x" * 65}, "id", "must be 1-64 lower-case letters, digits or hyphens"),
        ({"title": ...}, "title", "Field required"),
        ({"bookable_online": ...}, "bookable_online", "Field required"),
        ({"rating": 5}, "rating", "Extra inputs are not permitted"),
        ({"hospitals": [hospital(postcode="NW4")]}, "hospitals.0.postcode", "must be a UK postcode such as NW4 1RP"),
        ({"hospitals": [hospital(phone="020")]}, "hospitals.0.phone", "Extra inputs are not permitted"),
        ({"hospitals": [hospital(lat=91.0)]}, "hospitals.0.lat", "Input should be less than or equal to 90"),
        ({"hospitals": [hospital(lat="51.5")]}, "hospitals.0.lat", "Input should be a valid number"),
        (
            {"hospitals": [hospital(enquiries_email="enquiries@hendon\r\nBcc: x@y.example")]},
            "hospitals.0.enquiries_email",
            "must be an e-mail address",
        ),
        ({"profile_url": "http://www.hospitals.example/x"}, "profile_url", "must be an https URL"),
        ({"booking_url": "javascript:alert(1)"}, "booking_url", "must be an https URL"),
        ({"updated_at": "2025-03-01T09:30:00"}, "updated_at", "must be an RFC 3339 timestamp with a UTC offset"),
        ({"updated_at": 1740821400}, "updated_at", "must be an RFC 3339 timestamp with a UTC offset"),
        ({"specialties": []}, "specialties", "List should have at least 1 item after validation, not 0"),
        ({"hospitals": []}, "hospitals", "List should have at least 1 item after validation, not 0"),
        ({"hospitals": [hospital(), hospital(name="Hendon again")]}, "hospitals", "lists hospital hendon twice"),
        ({"bookable_online": "true"}, "bookable_online", "Input should be a valid boolean"),
        ({"sees_children": 1}, "sees_children", "Input should be a valid boolean"),
        ({"first_name": 42}, "first_name", "Input should be a valid string"),
        ({"honorific": "Sir"}, "honorific", "Input should be 'Dr', 'Mr', 'Mrs', 'Ms', 'Miss' or 'Prof'"),
        ({"gender": "f"}, "gender", "Input should be 'female' or 'male'"),
        ({"first_name": "Rich\x00ard"}, "first_name", "must not contain control characters"),
        ({"last_name": "O'Fly\u0085nn"}, "last_name", "must not contain control characters"),
        ({"treatments": ["CBT\nEMDR"]}, "treatments.0", "must not contain control characters"),
        ({"bio": "Plain\x1b[31m text"}, "bio", "must be plain text without control characters"),
        ({"conditions": [" "]}, "conditions.0", "String should have at least 1 character"),
        ({"first_name": "x" * 81}, "first_name", "String should have at most 80 characters"),
        # What patients choose on: fees, registration, consultation types, slots.
        (practice(gmc_number="412345"), "gmc_number", "must be a GMC reference number of 7 digits"),
        (practice(gmc_number="41234567"), "gmc_number", "must be a GMC reference number of 7 digits"),
        (practice(gmc_number=4123456), "gmc_number", "Input should be a valid string"),
        (practice(gmc_number=...), "", "registration needs gmc_number"),
        (
            practice(registration={**REGISTERED, "status": "suspended"}),
            "registration.status",
            "Input should be 'registered', 'licence_suspended' or 'erased'",
        ),
        (practice(registration={"status": "registered"}), "registration.verified_at", "Field required"),
        (
            practice(registration={**REGISTERED, "verified_at": "2025-05-20"}),
            "registration.verified_at",
            "must be an RFC 3339 timestamp with a UTC offset",
        ),
        (
            practice(fees=fees(initial_consultation=-1)),
            "fees.initial_consultation",
            "Input should be greater than or equal to 0",
        ),
        (
            practice(fees=fees(follow_up=1_000_001)),
            "fees.follow_up",
            "Input should be less than or equal to 1000000",
        ),
        (
            practice(fees=fees(initial_consultation=250.0)),
            "fees.initial_consultation",
            "Input should be a valid integer",
        ),
        (
            practice(fees=fees(initial_consultation="25000")),
            "fees.initial_consultation",
            "Input should be a valid integer",
        ),
        (practice(fees=fees(currency="USD")), "fees.currency", "Input should be 'GBP'"),
        (practice(fees=fees(updated_at=...)), "fees.updated_at", "Field required"),
        (
            practice(fees=fees(insurer_arrangements=[BUPA_CAPPED, {**BUPA_CAPPED, "insurer": " BUPA"}])),
            "fees.insurer_arrangements",
            "lists insurer BUPA twice",
        ),
        (
            practice(fees=fees(insurer_arrangements=[{"insurer": "Bupa", "fee_capped": True}])),
            "fees.insurer_arrangements.0.shortfall_possible",
            "Field required",
        ),
        (
            practice(consultation_types=["video", "phone", "video"]),
            "consultation_types",
            "lists a consultation type twice",
        ),
        (
            practice(consultation_types=["online"]),
            "consultation_types.0",
            "Input should be 'in_person', 'video' or 'phone'",
        ),
        (
            practice(hospitals=[hospital(next_available={"at": SLOT["at"]})]),
            "hospitals.0.next_available.as_of",
            "Field required",
        ),
        (
            practice(hospitals=[hospital(next_available={**SLOT, "at": "2025-06-03T09:30:00"})]),
            "hospitals.0.next_available.at",
            "must be an RFC 3339 timestamp with a UTC offset",
        ),
        (
            practice(hospitals=[hospital(next_available={**SLOT, "hospital_id": "hendon"})]),
            "hospitals.0.next_available.hospital_id",
            "Extra inputs are not permitted",
        ),
    ],
)
def test_given_a_line_breaking_one_rule_then_it_is_rejected_naming_field_and_rule(
    changes: dict[str, Any], location: str, message: str
) -> None:
    found_location, found_message = rejection(line(**changes))
    assert found_location == location
    assert found_message.startswith(message)


def test_given_a_naive_datetime_in_python_then_it_is_rejected() -> None:
    with pytest.raises(ValidationError, match="timezone"):
        Specialist.model_validate(record(updated_at=datetime(2025, 3, 1, 9, 30)))


def test_given_a_naive_slot_time_in_python_then_it_is_rejected() -> None:
    naive = {"at": datetime(2025, 6, 3, 9, 30), "as_of": datetime(2025, 6, 1, 7, tzinfo=UTC)}

    with pytest.raises(ValidationError, match="timezone") as error:
        Specialist.model_validate(record(hospitals=[hospital(next_available=naive)]))
    assert error.value.errors()[0]["loc"] == ("hospitals", 0, "next_available", "at")


def test_given_an_aware_datetime_in_python_then_it_is_kept() -> None:
    moment = datetime(2025, 3, 1, 9, 30, tzinfo=timezone(timedelta(hours=1)))

    assert Specialist.model_validate(record(updated_at=moment)).updated_at == moment


def test_given_a_parsed_specialist_then_it_cannot_be_changed() -> None:
    specialist = parse_line(line())

    with pytest.raises(ValidationError, match="frozen"):
        specialist.title = "Consultant"


def test_given_the_model_then_the_schema_has_an_id_title_and_closed_objects() -> None:
    schema = json_schema()

    assert schema["$id"].startswith("https://")
    assert schema["title"] == "Find a specialist catalog line"
    assert "JSON Lines" in schema["description"]
    assert schema["additionalProperties"] is False
    assert all(schema["$defs"][name]["additionalProperties"] is False for name in schema["$defs"])
    assert {"Hospital", "Registration", "Fees", "InsurerArrangement", "NextAvailable"} <= set(schema["$defs"])
    assert set(schema["required"]) == {
        "id", "first_name", "last_name", "title", "specialties", "hospitals", "bookable_online",
    }  # fmt: skip


def test_given_the_committed_schema_file_then_it_matches_the_model() -> None:
    assert (DOCS / "catalog.schema.json").read_text(encoding="utf-8") == json_schema_text(), (
        "docs/catalog.schema.json is stale: run `python -m chalicelib.catalog > docs/catalog.schema.json`"
    )


def test_given_the_example_lines_in_the_contract_then_they_validate() -> None:
    examples = re.findall(r"```json\n(.*?)```", (DOCS / "catalog.md").read_text(encoding="utf-8"), re.DOTALL)

    assert len(examples) == 2
    assert parse_line(examples[0]) == parse_line(examples[1])
    assert "\n" not in examples[0].strip()
