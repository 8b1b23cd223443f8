"""The body of ``POST /enquiries``: parsed strictly, checked field by field.

The raw bytes are parsed here rather than by Chalice so that what ``json.loads`` would
quietly accept is refused with a 400 naming the field: NaN and Infinity, duplicate keys,
lone surrogates. Names and the e-mail address reach e-mail headers later, so control
characters (NUL, CR, LF, ...) are refused in them; the message may hold line breaks.

Three shapes: a specialist (``specialist_id``, and one of their hospitals or none for the
primary); a general enquiry for a hospital (``hospital_id`` alone, optionally a
``treatment`` or ``specialty`` slug); a general enquiry for the central team (neither id).
Whether the ids and slugs exist is for routing to say (the index knows), not this model.
"""

from __future__ import annotations

import json
import re
from typing import Annotated, Any, Literal, TypeVar

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, model_validator

from chalicelib.errors import InvalidParameter
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


def _reject_constant(name: str) -> Any:
    raise InvalidParameter(None, f"{name} is not valid JSON")


def _reject_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise InvalidParameter(key[:40], f"'{key[:40]}' is given twice")
        result[key] = value
    return result


def _check_strings(body: dict[str, Any]) -> None:
    """JSON's \\u escapes can smuggle in lone surrogates, which no e-mail can carry."""
    for key, value in body.items():
        for text in (key, value):  # a field's name too: pydantic cannot even name it in its error
            if isinstance(text, str):
                try:
                    text.encode("utf-8")
                except UnicodeEncodeError:
                    raise InvalidParameter(key[:40], f"'{key[:40]}' holds characters that are not valid text") from None


def parse_enquiry(raw: bytes) -> EnquiryRequest:
    return parse_model(EnquiryRequest, raw)


_Model = TypeVar("_Model", bound=BaseModel)


def parse_model(model: type[_Model], raw: bytes) -> _Model:
    """A JSON object body, parsed as strictly as an enquiry's (a 400 naming the field)."""
    try:
        body = json.loads(raw, parse_constant=_reject_constant, object_pairs_hook=_reject_duplicates)
    except (ValueError, RecursionError) as exc:
        if isinstance(exc, InvalidParameter):
            raise
        raise InvalidParameter(None, "The body must be a JSON object") from None
    if not isinstance(body, dict):
        raise InvalidParameter(None, "The body must be a JSON object")
    _check_strings(body)
    try:
        return model.model_validate(body)
    except ValidationError as exc:
        raise _invalid(exc) from None


def _invalid(error: ValidationError) -> InvalidParameter:
    first = error.errors(include_url=False, include_input=False)[0]
    location = [str(part) for part in first["loc"]]
    message = str(first["msg"]).removeprefix("Value error, ")
    if not location and ":" in message:  # a rule across fields names its field first
        named, _, rule = message.partition(": ")
        return InvalidParameter(named, f"'{named}' {rule}")
    field = location[0] if location else None
    if first["type"] == "extra_forbidden":
        return InvalidParameter(field, f"'{str(field)[:40]}' is not a field of an enquiry")
    if first["type"] == "missing":
        return InvalidParameter(field, f"'{field}' is required")
    if field == "consent":
        return InvalidParameter(field, "'consent' must be true: please accept the privacy notice")
    return InvalidParameter(field, f"'{field}' {_plain(message)}")


def _plain(message: str) -> str:
    """Pydantic's wording, made to follow the field name."""
    message = message[0].lower() + message[1:] if message else message
    return message if message.startswith("must") else f"is not valid: {message}"
