"""Enquiries for the tests: a valid request body, and stored enquiries for the notify side."""

from __future__ import annotations

import dataclasses
from typing import Any

from chalicelib.enquiries.record import Enquiry, Routing

# A valid POST /enquiries body for Dr Krish Nandy at Hendon, every field set.
GOOD: dict[str, Any] = {
    "specialist_id": "krish-nandy",
    "hospital_id": "hendon",
    "treatment": "Psychodynamic therapy",
    "first_name": "Aoife",
    "last_name": "O'Brien-Núñez",
    "email": "aoife@example.com",
    "phone": "020 7946 0000",
    "preferred_contact": "phone",
    "message": "I would like an appointment.\nMornings suit me.",
    "consent": True,
    "consent_version": "2026-11",
    "marketing_opt_in": False,
    "website": "",
}
HENDON = Routing("Dr Krish Nandy", "hendon", "BMI Hendon Hospital", "enquiries.hendon@hospitals.example")


def an_enquiry(number: int = 1, **changes: Any) -> Enquiry:
    """A received enquiry for Dr Krish Nandy at Hendon; ``changes`` replace fields."""
    enquiry = Enquiry(
        enquiry_id=f"01JDQ3Z6V8K2M4N6P8R0S2T4V{number}",
        created_at="2026-11-25T19:08:56.123+00:00",
        expires_at=1_795_000_000,
        status="received",
        specialist_id="krish-nandy",
        hospital_id="hendon",
        first_name="Zoë",
        last_name=f"Quill-{number}",
        email=f"zoe.quill{number}@patients.example",
        phone="+447700900123",
        preferred_contact="email",
        treatment="Cognitive behavioural therapy",
        message="Panic attacks since March; evenings are best.",
        marketing_opt_in=False,
        routing=HENDON,
    )
    return dataclasses.replace(enquiry, **changes)
