"""The two e-mails an enquiry sends, composed as MIME messages: pure, no I/O.

Every value a patient typed goes into the bodies only: escaped in the HTML part, line
breaks normalised in the text part. Headers carry only the configured sender, addresses
checked here (the API checks them too) and a fixed subject with the enquiry reference,
so no input can add a header or a recipient.

The patient's copy leaves out their message, phone, name and typed treatment: the message
may hold health details, and a mistyped address would hand them to a stranger. It names
what they chose from the catalog: the specialist, or for a general enquiry the hospital
and the treatment or specialty label.

A general enquiry (no specialist) says so: "General enquiry" in the team's subject and
body and in the patient's copy.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from email import policy
from email.message import EmailMessage

from chalicelib.enquiries.record import Enquiry, Routing
from chalicelib.patterns import CONTROL_BUT_TAB_AND_NEWLINE, EMAIL_FORMAT, ONE_LINE_BREAKERS

# SES wants 7-bit bodies (non-ASCII is quoted-printable or base64) and CRLF line ends.
MIME_POLICY = policy.SMTP.clone(cte_type="7bit")

TEAM_SUBJECT = "New patient enquiry {reference}"
GENERAL_TEAM_SUBJECT = "General enquiry {reference}"
PATIENT_SUBJECT = "We have received your enquiry {reference}"
REMINDER_SUBJECT = "Reminder: enquiry {reference} awaits your reply"
ESCALATION_SUBJECT = "Not acknowledged in time: enquiry {reference}"
TEAM_BOUNCE_SUBJECT = "Undelivered to the hospital team: enquiry {reference}"
GENERAL = "General enquiry"
NOT_GIVEN = "Not given"
CENTRAL_TEAM = "None chosen: for the central enquiries team"
LINKS_INTRO = "Let us know where it stands (one click each; each link asks you to confirm):"

# RFC 5321's bound on an address's local part, checked on top of the shared pattern.
_MAX_LOCAL_PART = 64
_REFERENCE = re.compile(r"[A-Za-z0-9-]{1,64}")
# Line breaks and other control characters: none in a one-line value, only "\n" in the message.
_LINE_BREAK = re.compile(r"\r\n|[\r\u2028\u2029]")
_CONTROLS_BUT_LINES = re.compile(f"[{CONTROL_BUT_TAB_AND_NEWLINE}]")


class UnsafeHeaderValue(ValueError):
    """A value meant for a header is not a plain address or reference.

    The message names the header only, never the value (it may be personal data).
    """


def team_notification(
    enquiry: Enquiry, routing: Routing, sender: str, links: Sequence[tuple[str, str]] = ()
) -> EmailMessage:
    """To the hospital's enquiries team: every field, ``Reply-To`` the patient, and ``links``
    (label, URL) to acknowledge the enquiry and record its outcome."""
    rows = [(label, _one_line(value)) for label, value in _team_rows(enquiry, routing)]
    message = _lines(enquiry.message or "(no message)")
    kind = "a general enquiry (no specialist chosen)" if enquiry.is_general else "an enquiry"
    intro = f"A patient has sent {kind} through Find a specialist. Reply to this e-mail to answer them."
    subject = GENERAL_TEAM_SUBJECT if enquiry.is_general else TEAM_SUBJECT
    text = "\n".join([intro, "", *(f"{label}: {value}" for label, value in rows), "", "Message:", message])
    table = "".join(f"<tr><th align='left'>{_h(label)}</th><td>{_h(value)}</td></tr>" for label, value in rows)
    page = (
        f"<p>{_h(intro)}</p><table cellpadding='4'>{table}</table>"
        f"<h3>Message</h3><div style='white-space:pre-wrap'>{_h(message)}</div>"
    )
    text, page = _with_links(text, page, links)
    return _message(
        sender=sender,
        to=_address(routing.team_email, "To"),
        reply_to=_address(enquiry.email, "Reply-To"),
        subject=subject.format(reference=_reference(enquiry.enquiry_id)),
        text=text,
        html_body=page,
    )


def patient_acknowledgement(enquiry: Enquiry, routing: Routing, sender: str) -> EmailMessage:
    """To the patient: the reference, who and where, what happens next; replies reach the team."""
    how = "phone" if enquiry.preferred_contact == "phone" else "e-mail"
    hospital = _one_line(routing.hospital_name) if routing.hospital_name else None
    team = "the hospital's enquiries team" if hospital else "our central enquiries team"
    who = f"the enquiries team at {hospital}" if hospital else "our central enquiries team"
    about = [f"Your reference: {enquiry.enquiry_id}"]
    if enquiry.is_general:
        about += [f"Enquiry: {GENERAL}", f"Hospital: {hospital or 'any of our hospitals'}"]
        about += [f"{label}: {_one_line(value)}" for label, value in _general_topics(enquiry, routing, slugs=False)]
    else:
        about += [f"Specialist: {_one_line(routing.specialist_name or NOT_GIVEN)}", f"Hospital: {hospital}"]
    paragraphs = [
        f"Thank you for your enquiry. We have passed it to {team}.",
        "\n".join(about),
        f"What happens next: {who} will contact you by {how} "
        "to answer your questions and, if you wish, arrange an appointment. "
        "Please quote your reference if you contact us.",
        "For your privacy, this e-mail does not repeat what you wrote to us. "
        "If you did not send this enquiry, you can ignore this e-mail.",
        "If you need medical help urgently, call 999 or NHS 111.",
    ]
    text = "\n\n".join(paragraphs)
    page = "".join(f"<p style='white-space:pre-wrap'>{_h(paragraph)}</p>" for paragraph in paragraphs)
    return _message(
        sender=sender,
        to=_address(enquiry.email, "To"),
        reply_to=_address(routing.team_email, "Reply-To"),
        subject=PATIENT_SUBJECT.format(reference=_reference(enquiry.enquiry_id)),
        text=text,
        html_body=page,
    )


def team_reminder(
    enquiry: Enquiry, routing: Routing, sender: str, reply_by: str, links: Sequence[tuple[str, str]] = ()
) -> EmailMessage:
    """To the team, at half the reply deadline: the reference, the deadline and the links; no
    patient data (the first e-mail has it), so a forwarded reminder discloses nothing."""
    paragraphs = [
        f"Enquiry {enquiry.enquiry_id}, received {uk_time(enquiry.created_at)}, has not been acknowledged yet.",
        f'Please reply to the patient (answer the first e-mail, "{_first_subject(enquiry)}") and acknowledge '
        f"it by {uk_time(reply_by)}; after that it is escalated.",
    ]
    return _follow_up(enquiry, sender, routing.team_email, REMINDER_SUBJECT, paragraphs, links)


def escalation_notice(enquiry: Enquiry, routing: Routing, sender: str, to: str, reply_by: str) -> EmailMessage:
    """To the hospital's escalation address (or the central team), at the deadline: which
    enquiry, which team, since when; no patient data."""
    team = f"{routing.hospital_name} ({routing.hospital_id})" if routing.hospital_id else CENTRAL_TEAM
    paragraphs = [
        f"Enquiry {enquiry.enquiry_id} was not acknowledged by its reply deadline, {uk_time(reply_by)}.",
        f"Received: {uk_time(enquiry.created_at)}\nTeam: {_one_line(team)} <{routing.team_email}>"
        + (f"\nSpecialist: {_one_line(routing.specialist_name)}" if routing.specialist_name else ""),
        "Please make sure the patient is answered. The team's e-mail holds the enquiry itself.",
    ]
    return _follow_up(enquiry, sender, to, ESCALATION_SUBJECT, paragraphs, ())


def team_bounce_notice(
    enquiry_id: str, kind: str, routing: Routing | None, bounced: Sequence[str], sender: str, to: str
) -> EmailMessage:
    """To the central team, when a team's e-mail (``kind``: the enquiry, or its reminder) bounced
    for good: the reference, the hospital, the address that bounced and what to do; never the
    patient's message or details (the team bounce may be forwarded to whoever fixes the catalog)."""
    if routing is None:
        team = "Not recorded (routed when it was sent)"
    else:
        team = f"{routing.hospital_name} ({routing.hospital_id})" if routing.hospital_id else CENTRAL_TEAM
    what = "the enquiry" if kind == "team" else "the reminder about the enquiry"
    addresses = ", ".join(_one_line(address) for address in bounced) or "not given by the mail service"
    paragraphs = [
        f"E-mail of {what} {enquiry_id} could not be delivered to the hospital's enquiries team: their mail "
        "server refused it for good (an unknown address, a full or closed mailbox, or no TLS).",
        f"Hospital: {_one_line(team)}\nAddress that bounced: {addresses}",
        "Please answer the patient yourselves: find the enquiry by its reference. Then have the "
        "hospital's enquiries address corrected in the specialist catalog, so that the next enquiries reach "
        "the team.",
    ]
    text = "\n\n".join(paragraphs)
    page = "".join(f"<p style='white-space:pre-wrap'>{_h(paragraph)}</p>" for paragraph in paragraphs)
    return _message(
        sender=sender,
        to=_address(to, "To"),
        reply_to=_address(sender, "Reply-To"),
        subject=TEAM_BOUNCE_SUBJECT.format(reference=_reference(enquiry_id)),
        text=text,
        html_body=page,
    )


def uk_time(timestamp: str) -> str:
    """An RFC 3339 instant as the teams read it: "Tue 8 Dec 2026, 04:00 (UK time)"."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    local = datetime.fromisoformat(timestamp).astimezone(ZoneInfo("Europe/London"))
    return f"{local:%a} {local.day} {local:%b %Y, %H:%M} (UK time)"


def _first_subject(enquiry: Enquiry) -> str:
    subject = GENERAL_TEAM_SUBJECT if enquiry.is_general else TEAM_SUBJECT
    return subject.format(reference=_reference(enquiry.enquiry_id))


def _follow_up(
    enquiry: Enquiry, sender: str, to: str, subject: str, paragraphs: list[str], links: Sequence[tuple[str, str]]
) -> EmailMessage:
    text = "\n\n".join(paragraphs)
    page = "".join(f"<p style='white-space:pre-wrap'>{_h(paragraph)}</p>" for paragraph in paragraphs)
    text, page = _with_links(text, page, links)
    return _message(
        sender=sender,
        to=_address(to, "To"),
        reply_to=_address(sender, "Reply-To"),
        subject=subject.format(reference=_reference(enquiry.enquiry_id)),
        text=text,
        html_body=page,
    )


def _with_links(text: str, page: str, links: Sequence[tuple[str, str]]) -> tuple[str, str]:
    """The two bodies with the team's links after them (none: as they were)."""
    if not links:
        return text, page
    text += "\n\n" + "\n".join([LINKS_INTRO, *(f"- {label}: {url}" for label, url in links)])
    items = "".join(f"<li><a href='{_h(url)}'>{_h(label)}</a></li>" for label, url in links)
    return text, page + f"<h3>{_h(LINKS_INTRO)}</h3><ul>{items}</ul>"


def _team_rows(enquiry: Enquiry, routing: Routing) -> list[tuple[str, str]]:
    if enquiry.is_general:
        hospital = f"{routing.hospital_name} ({routing.hospital_id})" if routing.hospital_id else CENTRAL_TEAM
        about = [
            ("Enquiry", GENERAL),
            ("Hospital", hospital),
            *_general_topics(enquiry, routing, absent=NOT_GIVEN),
        ]
    else:
        about = [
            ("Specialist", f"{routing.specialist_name} ({enquiry.specialist_id})"),
            ("Hospital", f"{routing.hospital_name} ({routing.hospital_id})"),
            ("Treatment", enquiry.treatment or NOT_GIVEN),
        ]
    return [
        ("Reference", enquiry.enquiry_id),
        ("Received", enquiry.created_at),
        *about,
        ("Name", f"{enquiry.first_name} {enquiry.last_name}"),
        ("E-mail", enquiry.email),
        ("Phone", enquiry.phone or NOT_GIVEN),
        ("Preferred contact", "Phone" if enquiry.preferred_contact == "phone" else "E-mail"),
        ("Marketing opt-in", "Yes" if enquiry.marketing_opt_in else "No"),
    ]


def _general_topics(
    enquiry: Enquiry, routing: Routing, *, absent: str | None = None, slugs: bool = True
) -> list[tuple[str, str]]:
    """A general enquiry's treatment and specialty: the catalog's label (and the slug, with
    ``slugs``); the slug alone when its label could not be read. Left out when not given,
    unless ``absent`` says what to show."""
    topics = []
    for name, slug, label in (
        ("Treatment", enquiry.treatment, routing.treatment_label),
        ("Specialty", enquiry.specialty, routing.specialty_label),
    ):
        if slug:
            topics.append((name, (f"{label} ({slug})" if slugs else label) if label else slug))
        elif absent is not None:
            topics.append((name, absent))
    return topics


def _message(*, sender: str, to: str, reply_to: str, subject: str, text: str, html_body: str) -> EmailMessage:
    message = EmailMessage(policy=MIME_POLICY)
    message["From"] = _address(sender, "From")
    message["To"] = to
    message["Reply-To"] = reply_to
    message["Subject"] = subject
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no auto-replies to it
    message.set_content(text)
    message.add_alternative(f"<!doctype html><html><body>{html_body}</body></html>", subtype="html")
    return message


def _address(value: str, header: str) -> str:
    """One plain addr-spec: no display name, no list, no comment, ASCII only (SES does not
    support SMTPUTF8)."""
    if not EMAIL_FORMAT.fullmatch(value) or len(value.partition("@")[0]) > _MAX_LOCAL_PART:
        raise UnsafeHeaderValue(f"the {header} address is not a plain e-mail address")
    return value


def _reference(enquiry_id: str) -> str:
    if not _REFERENCE.fullmatch(enquiry_id):
        raise UnsafeHeaderValue("the enquiry reference is not a plain id")
    return enquiry_id


def _one_line(value: str) -> str:
    """A value for a "Label: value" line: a line break in it cannot start a line of its own."""
    return ONE_LINE_BREAKERS.sub(" ", value)


def _lines(value: str) -> str:
    return _CONTROLS_BUT_LINES.sub("", _LINE_BREAK.sub("\n", value))


def _h(value: str) -> str:
    """Escaped for HTML text and attribute values alike."""
    return html.escape(value, quote=True)
