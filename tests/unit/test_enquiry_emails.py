"""Composing the two e-mails: every field for the team, inert input, fixed headers, and
nothing of the patient's message in their own copy."""

from __future__ import annotations

import dataclasses
import email
from email import policy
from email.message import EmailMessage

import pytest

from chalicelib.enquiries.emails import (
    GENERAL_TEAM_SUBJECT,
    PATIENT_SUBJECT,
    TEAM_SUBJECT,
    UnsafeHeaderValue,
    patient_acknowledgement,
    team_notification,
)
from chalicelib.enquiries.record import Routing
from tests.enquiries import HENDON, an_enquiry

SENDER = "no-reply@find-a-specialist.localhost"
ROUTING = HENDON
ENQUIRY = an_enquiry(
    enquiry_id="01JDQ3Z6V8K2M4N6P8R0S2T4V6",
    last_name="O'Brien",
    email="zoe.obrien@patients.example",
    preferred_contact="phone",
    message="I have had panic attacks since March.\nCan I be seen in the evening?",
    marketing_opt_in=True,
)


def _sent(message: EmailMessage) -> EmailMessage:
    """The message as a receiving mail client parses the bytes SES is given."""
    parsed = email.message_from_bytes(message.as_bytes(), _class=EmailMessage, policy=policy.default)
    assert isinstance(parsed, EmailMessage)
    return parsed


def _text(message: EmailMessage) -> str:
    part = message.get_body(("plain",))
    assert part is not None
    return str(part.get_content())


def _html(message: EmailMessage) -> str:
    part = message.get_body(("html",))
    assert part is not None
    return str(part.get_content())


def test_given_an_enquiry_when_the_team_notification_is_composed_then_it_goes_to_the_team_replying_to_the_patient() -> (
    None
):
    sent = _sent(team_notification(ENQUIRY, ROUTING, SENDER))

    assert sent["From"] == SENDER
    assert sent["To"] == ROUTING.team_email
    assert sent["Reply-To"] == ENQUIRY.email
    assert sent["Subject"] == TEAM_SUBJECT.format(reference=ENQUIRY.enquiry_id)
    assert sent.get_content_type() == "multipart/alternative"
    assert [part.get_content_type() for part in sent.iter_parts()] == ["text/plain", "text/html"]


def test_given_an_enquiry_when_the_team_notification_is_composed_then_both_parts_hold_every_field() -> None:
    sent = _sent(team_notification(ENQUIRY, ROUTING, SENDER))

    for part in (_text(sent), _html(sent).replace("&#x27;", "'")):
        for value in (
            ENQUIRY.enquiry_id,
            ENQUIRY.created_at,
            str(ROUTING.specialist_name),
            str(ENQUIRY.specialist_id),
            str(ROUTING.hospital_name),
            "Zoë O'Brien",
            ENQUIRY.email,
            "+447700900123",
            "Phone",
            "Cognitive behavioural therapy",
            "Marketing opt-in",
            "I have had panic attacks since March.",
            "Can I be seen in the evening?",
        ):
            assert value in part


def test_given_non_ascii_text_when_composed_then_the_bytes_for_ses_are_seven_bit_with_crlf_lines() -> None:
    raw = team_notification(ENQUIRY, ROUTING, SENDER).as_bytes()

    assert raw.isascii()
    assert b"\r\n" in raw
    assert b"\n" not in raw.replace(b"\r\n", b"")


def test_given_html_in_every_field_when_composed_then_the_html_part_shows_it_as_text() -> None:
    attack = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    enquiry = dataclasses.replace(
        ENQUIRY, first_name=attack, last_name=attack, treatment=attack, message=attack, phone=None
    )
    routing = dataclasses.replace(ROUTING, specialist_name=attack, hospital_name=attack)

    for composed in (team_notification(enquiry, routing, SENDER), patient_acknowledgement(enquiry, routing, SENDER)):
        page = _html(_sent(composed))
        assert "<script" not in page
        assert "<img" not in page
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page


def test_given_header_lines_in_names_and_message_when_composed_then_no_header_or_recipient_is_added() -> None:
    injected = "Zoë\r\nBcc: victim@elsewhere.example\r\nSubject: You won"
    enquiry = dataclasses.replace(
        ENQUIRY, first_name=injected, last_name=injected, treatment=injected, message=injected
    )

    for composed in (team_notification(enquiry, ROUTING, SENDER), patient_acknowledgement(enquiry, ROUTING, SENDER)):
        sent = _sent(composed)
        assert sent["Bcc"] is None
        assert sent.get_all("Subject") == [sent["Subject"]]
        assert sent["Subject"].endswith(ENQUIRY.enquiry_id)
        assert "victim@elsewhere.example" not in str(sent["To"]) + str(sent["Reply-To"])


def test_given_a_line_break_in_a_name_when_composed_then_it_cannot_start_a_field_line_of_its_own() -> None:
    enquiry = dataclasses.replace(ENQUIRY, first_name="Zoë\nE-mail: someone.else@elsewhere.example")

    lines = _text(_sent(team_notification(enquiry, ROUTING, SENDER))).splitlines()

    assert not any(line.startswith("E-mail: someone.else") for line in lines)
    assert "Name: Zoë E-mail: someone.else@elsewhere.example O'Brien" in lines


@pytest.mark.parametrize(
    "address",
    [
        "zoe@patients.example\r\nBcc: victim@elsewhere.example",
        "zoe@patients.example\nBcc: victim@elsewhere.example",
        "zoe@patients.example, victim@elsewhere.example",
        "Zoe <zoe@patients.example>",
        "zoé@patients.example",
        "",
    ],
)
def test_given_a_patient_address_that_is_not_one_plain_address_then_neither_email_is_composed(address: str) -> None:
    enquiry = dataclasses.replace(ENQUIRY, email=address)

    with pytest.raises(UnsafeHeaderValue) as team_error:
        team_notification(enquiry, ROUTING, SENDER)
    with pytest.raises(UnsafeHeaderValue) as patient_error:
        patient_acknowledgement(enquiry, ROUTING, SENDER)

    for error in (team_error, patient_error):
        assert "zoe" not in str(error.value).lower()  # the value is never quoted


def test_given_a_team_address_with_a_line_break_then_the_notification_is_not_composed() -> None:
    routing = dataclasses.replace(ROUTING, team_email="team@hospitals.example\r\nBcc: x@elsewhere.example")

    with pytest.raises(UnsafeHeaderValue):
        team_notification(ENQUIRY, routing, SENDER)


def test_given_an_enquiry_id_that_is_not_a_plain_id_then_no_subject_is_made_of_it() -> None:
    enquiry = dataclasses.replace(ENQUIRY, enquiry_id="01JD\r\nBcc: x@elsewhere.example")

    with pytest.raises(UnsafeHeaderValue):
        team_notification(enquiry, ROUTING, SENDER)


def test_given_an_enquiry_when_the_acknowledgement_is_composed_then_it_tells_the_patient_what_happens_next() -> None:
    sent = _sent(patient_acknowledgement(ENQUIRY, ROUTING, SENDER))

    assert sent["From"] == SENDER
    assert sent["To"] == ENQUIRY.email
    assert sent["Reply-To"] == ROUTING.team_email
    assert sent["Subject"] == PATIENT_SUBJECT.format(reference=ENQUIRY.enquiry_id)
    for part in (_text(sent), _html(sent)):
        assert ENQUIRY.enquiry_id in part
        assert str(ROUTING.specialist_name) in part
        assert str(ROUTING.hospital_name) in part
        assert "will contact you by phone" in part


def test_given_an_enquiry_when_the_acknowledgement_is_composed_then_it_holds_no_copy_of_what_the_patient_wrote() -> (
    None
):
    raw = patient_acknowledgement(ENQUIRY, ROUTING, SENDER).as_bytes()
    sent = _sent(patient_acknowledgement(ENQUIRY, ROUTING, SENDER))

    for part in (_text(sent), _html(sent)):
        assert "panic" not in part
        assert "evening" not in part
        assert "Cognitive" not in part
        assert "7700900123" not in part
        assert "Brien" not in part
    assert b"panic" not in raw


# --- General enquiries: no specialist ---------------------------------------------------

GENERAL = dataclasses.replace(
    ENQUIRY, specialist_id=None, treatment="knee-replacement", specialty="trauma-and-orthopaedics"
)
GENERAL_ROUTING = Routing(
    None, "hendon", "BMI Hendon Hospital", HENDON.team_email, "Knee replacement", "Trauma and Orthopaedics"
)
CENTRAL = dataclasses.replace(ENQUIRY, specialist_id=None, hospital_id=None, treatment=None)
CENTRAL_ROUTING = Routing(None, None, None, "enquiries@hospitals.example")


def test_given_a_general_enquiry_then_the_team_is_told_it_is_one_and_what_it_is_about() -> None:
    sent = _sent(team_notification(GENERAL, GENERAL_ROUTING, SENDER))

    assert (
        sent["Subject"]
        == GENERAL_TEAM_SUBJECT.format(reference=GENERAL.enquiry_id)
        == (f"General enquiry {GENERAL.enquiry_id}")
    )
    assert sent["To"] == HENDON.team_email
    for part in (_text(sent), _html(sent)):
        assert "general enquiry" in part
        assert "General enquiry" in part
        assert "BMI Hendon Hospital (hendon)" in part
        assert "Knee replacement (knee-replacement)" in part
        assert "Trauma and Orthopaedics (trauma-and-orthopaedics)" in part
        assert "Specialist" not in part


def test_given_a_general_enquiry_then_the_acknowledgement_names_the_hospital_and_labels_not_the_slugs() -> None:
    sent = _sent(patient_acknowledgement(GENERAL, GENERAL_ROUTING, SENDER))

    assert sent["Subject"] == PATIENT_SUBJECT.format(reference=GENERAL.enquiry_id)
    for part in (_text(sent), _html(sent)):
        for shown in ("Enquiry: General enquiry", "Hospital: BMI Hendon Hospital", "Treatment: Knee replacement"):
            assert shown in part
        assert "knee-replacement" not in part
        assert "the enquiries team at BMI Hendon Hospital will contact you by phone" in part
        assert "panic" not in part


def test_given_a_central_enquiry_then_both_emails_say_the_central_team_has_it() -> None:
    team = _text(_sent(team_notification(CENTRAL, CENTRAL_ROUTING, SENDER)))
    patient = _text(_sent(patient_acknowledgement(CENTRAL, CENTRAL_ROUTING, SENDER)))

    assert "Hospital: None chosen: for the central enquiries team" in team
    assert "Treatment: Not given" in team
    assert "our central enquiries team will contact you" in patient
    assert "Hospital: any of our hospitals" in patient


def test_given_no_labels_then_a_general_enquirys_emails_show_the_slugs() -> None:
    routing = dataclasses.replace(GENERAL_ROUTING, treatment_label=None, specialty_label=None)

    for composed in (team_notification(GENERAL, routing, SENDER), patient_acknowledgement(GENERAL, routing, SENDER)):
        text = _text(_sent(composed))
        assert "Treatment: knee-replacement" in text
        assert "Specialty: trauma-and-orthopaedics" in text


def test_given_markup_and_line_breaks_in_a_general_enquirys_labels_then_they_stay_inert() -> None:
    attack = '<script>alert("x")</script>\r\nBcc: victim@elsewhere.example'
    routing = dataclasses.replace(GENERAL_ROUTING, hospital_name=attack, treatment_label=attack, specialty_label=attack)

    for composed in (team_notification(GENERAL, routing, SENDER), patient_acknowledgement(GENERAL, routing, SENDER)):
        sent = _sent(composed)
        assert sent["Bcc"] is None
        assert "<script" not in _html(sent)
        assert not any(line.startswith("Bcc:") for line in _text(sent).splitlines())
