"""The body of ``POST /enquiries``: parsed strictly, checked field by field.

The raw bytes are parsed strictly (:mod:`chalicelib.json_bodies`). Names and the e-mail
address reach e-mail headers later, so control characters (NUL, CR, LF, ...) are refused in
them; the message may hold line breaks.

Three shapes: a specialist (``specialist_id``, and one of their hospitals or none for the
primary); a general enquiry for a hospital (``hospital_id`` alone, optionally a
``treatment`` or ``specialty`` slug); a general enquiry for the central team (neither id).
Whether the ids and slugs exist is for routing to say (the index knows), not this model.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from chalicelib.analytics.ubi import QUERY_ID
from chalicelib.json_bodies import parse_model
from chalicelib.patterns import CONTROL_IN_TEXT, ID, ONE_LINE_BREAKERS

MAX_BODY_BYTES = 16 * 1024

_SLUG = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"  # what chalicelib.slugs.slugify makes
# The privacy notice's version as the form showed it ("2026-11"): short and printable.
CONSENT_VERSION = r"^[A-Za-z0-9._-]{1,32}$"


def _one_line(value: str) -> str:
    if ONE_LINE_BREAKERS.search(value):
        raise ValueError("must not contain control characters or line breaks")
    return value


def _text(value: str) -> str:
    if CONTROL_IN_TEXT.search(value):
        raise ValueError("must not contain control characters")
    return value


def _email(value: str) -> str:
    from email_validator import EmailNotValidError, validate_email

    try:
        address = validate_email(_one_line(value), check_deliverability=False, allow_smtputf8=False)
    except EmailNotValidError:
        raise ValueError("must be an e-mail address such as name@example.com") from None
    # The ASCII form: ``normalized`` turns an IDN domain (even one typed as xn--...) into
    # Unicode, which the e-mails' headers refuse, so the accepted enquiry could not be sent.
    if address.ascii_email is None:
        raise ValueError("must be an e-mail address such as name@example.com")
    return address.ascii_email


def _phone(value: str) -> str:
    import phonenumbers

    try:
        number = phonenumbers.parse(_one_line(value), "GB")
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise ValueError("must be a phone number, such as 020 7946 0000 or +44 20 7946 0000")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _a_boolean(value: Any) -> Any:
    """Literal[True] alone takes 1 and 1.0 (they equal True): JSON's true only."""
    if not isinstance(value, bool):
        raise ValueError("must be true")
    return value


Name = Annotated[str, Field(min_length=1, max_length=80), AfterValidator(_one_line)]


class EnquiryRequest(BaseModel):
    """An enquiry from a patient: for a specialist, or a general enquiry for a hospital or for the
    group's central enquiries team. At most 16 KiB of JSON; no other fields."""

    model_config = ConfigDict(
        extra="forbid",
        strict=True,
        frozen=True,
        str_strip_whitespace=True,
        use_attribute_docstrings=True,
        json_schema_extra={
            "examples": [
                {
                    "specialist_id": "krish-nandy",
                    "hospital_id": "hendon",
                    "first_name": "Alex",
                    "last_name": "Smith",
                    "email": "alex.smith@example.com",
                    "phone": "020 7946 0000",
                    "preferred_contact": "email",
                    "message": "I would like an appointment next month.",
                    "consent": True,
                    "consent_version": "2026-11",
                },
                {
                    "hospital_id": "hendon",
                    "treatment": "knee-replacement",
                    "first_name": "Alex",
                    "last_name": "Smith",
                    "email": "alex.smith@example.com",
                    "message": "Which of your surgeons could see me for my knee?",
                    "consent": True,
                    "consent_version": "2026-11",
                },
                {
                    "first_name": "Alex",
                    "last_name": "Smith",
                    "email": "alex.smith@example.com",
                    "message": "Do you have a hospital near Leeds?",
                    "consent": True,
                    "consent_version": "2026-11",
                },
            ]
        },
    )

    specialist_id: Annotated[str, Field(pattern=ID)] | None = None
    """The specialist's id, as search results give it. Absent: a general enquiry, for the hospital
    `hospital_id` names, or for the group's central enquiries team when that is absent too."""
    hospital_id: Annotated[str, Field(pattern=ID)] | None = None
    """With `specialist_id`, one of the specialist's hospitals (their primary hospital when absent);
    without, the hospital whose enquiries team the general enquiry is for."""
    treatment: Annotated[str, Field(max_length=120), AfterValidator(_one_line)] | None = None
    """With `specialist_id`, the treatment as their profile names it (free text). In a general
    enquiry, a treatment slug as search's facets give it (`knee-replacement`)."""
    specialty: Annotated[str, Field(max_length=120, pattern=_SLUG)] | None = None
    """General enquiries only: a specialty slug as search's facets give it (`trauma-and-orthopaedics`)."""
    first_name: Name
    last_name: Name
    email: Annotated[str, Field(max_length=254, json_schema_extra={"format": "email"}), AfterValidator(_email)]
    """ASCII only (SES cannot send to internationalised addresses)."""
    phone: Annotated[str, Field(max_length=40), AfterValidator(_phone)] | None = None
    """A phone number, UK unless it starts with +; needed when preferred_contact is "phone"."""
    preferred_contact: Literal["email", "phone"] = "email"
    message: Annotated[str, Field(max_length=2000), AfterValidator(_text)] | None = None
    """Line breaks allowed; no other control characters."""
    consent: Annotated[Literal[True], BeforeValidator(_a_boolean)]
    """The patient accepts the privacy notice."""
    consent_version: Annotated[str, Field(pattern=CONSENT_VERSION)]
    """The version of the privacy notice the form showed (`2026-11`), stored with the consent:
    1 to 32 letters, digits, dots, hyphens or underscores."""
    marketing_opt_in: bool = False
    website: Annotated[str, Field(max_length=500)] = ""
    """Leave empty: a honeypot for bots (a filled one is answered 202 and dropped)."""
    query_id: Annotated[str, Field(pattern=QUERY_ID)] | None = None
    """The `query_id` of the search answer the patient came from, if any: the stored enquiry is
    recorded for search analytics under it (never with the patient's details)."""

    @model_validator(mode="after")
    def _phone_if_preferred(self) -> EnquiryRequest:
        if self.preferred_contact == "phone" and self.phone is None:
            raise ValueError("phone: is needed when preferred_contact is phone")
        return self

    @model_validator(mode="after")
    def _slugs_if_general(self) -> EnquiryRequest:
        if self.is_general:
            if self.treatment is not None and not re.fullmatch(_SLUG, self.treatment):
                raise ValueError(
                    "treatment: must be a treatment slug, such as knee-replacement, in an enquiry without specialist_id"
                )
        elif self.specialty is not None:
            raise ValueError("specialty: is only for an enquiry without specialist_id (a general enquiry)")
        return self

    @property
    def is_general(self) -> bool:
        """No specialist named: for a hospital's team, or the central team."""
        return self.specialist_id is None

    @property
    def is_bot(self) -> bool:
        return bool(self.website)


def parse_enquiry(raw: bytes) -> EnquiryRequest:
    return parse_model(EnquiryRequest, raw)
