"""What an accepted enquiry must look like in the table and in the e-mails built from it."""

from __future__ import annotations

import email
import re
from dataclasses import fields
from email import policy
from email.message import EmailMessage, Message
from html.parser import HTMLParser
from typing import Any

import boto3

from chalicelib.enquiries.emails import patient_acknowledgement, team_notification
from chalicelib.enquiries.record import Enquiry
from chalicelib.tables import AWAITING_REPLY, UNSENT
from tests.conftest import BASE_ENV

SENDER = BASE_ENV["SES_SENDER"]
# The enquiry's own fields, and the keys that list it in the sweep's indexes (until it is sent;
# until the team acknowledges it).
ENQUIRY_FIELDS = frozenset(field.name for field in fields(Enquiry)) | {
    UNSENT.partition_key,
    AWAITING_REPLY.partition_key,
    AWAITING_REPLY.sort_key,
}
ONE_LINE_FIELDS = (
    "first_name",
    "last_name",
    "email",
    "phone",
    "treatment",
    "specialty",
    "specialist_id",
    "hospital_id",
)
CONTROL_OR_BREAK = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")

TOP_HEADERS = frozenset({"From", "To", "Reply-To", "Subject", "Auto-Submitted", "MIME-Version", "Content-Type"})
PART_HEADERS = frozenset({"Content-Type", "Content-Transfer-Encoding", "MIME-Version"})
ADDRESS = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+")
SUBJECT = re.compile(r"(New patient enquiry|General enquiry|We have received your enquiry) [0-9A-Z]{26}")
# The templates' own markup: anything else in the HTML part came from input unescaped.
TEMPLATE_TAGS = frozenset({"html", "body", "p", "table", "tr", "th", "td", "h3", "div"})
TEMPLATE_ATTRIBUTES = frozenset({"align", "cellpadding", "style"})


def stored(enquiry_id: str) -> dict[str, Any] | None:
    table = boto3.resource("dynamodb").Table(BASE_ENV["ENQUIRIES_TABLE"])
    item: dict[str, Any] | None = table.get_item(Key={"enquiry_id": enquiry_id}).get("Item")
    return item


def check_stored(item: dict[str, Any]) -> Enquiry:
    """Only the enquiry's own attributes, and no line break in a value that could reach a header."""
    assert set(item) <= ENQUIRY_FIELDS, sorted(set(item) - ENQUIRY_FIELDS)
    for name in ONE_LINE_FIELDS:
        value = item.get(name)
        assert value is None or (isinstance(value, str) and not CONTROL_OR_BREAK.search(value)), name
    assert ADDRESS.fullmatch(item["email"]), "an accepted address the mailer cannot use"
    return Enquiry.from_item(item)


def check_emails(enquiry: Enquiry) -> list[EmailMessage]:
    """Both e-mails build (an accepted enquiry can be sent), carry only the templates'
    headers, and show every typed value as text, never as markup."""
    assert enquiry.routing is not None, "search was up: routing is snapshotted"
    team = team_notification(enquiry, enquiry.routing, SENDER)
    patient = patient_acknowledgement(enquiry, enquiry.routing, SENDER)
    for message, to, reply_to in (
        (team, enquiry.routing.team_email, enquiry.email),
        (patient, enquiry.email, enquiry.routing.team_email),
    ):
        parsed = _as_sent(message)
        assert parsed["To"] == to
        assert parsed["Reply-To"] == reply_to
        assert parsed["From"] == SENDER
        assert SUBJECT.fullmatch(str(parsed["Subject"])), parsed["Subject"]
        html_text = _check_parts(parsed)
        if message is team:
            for typed in (enquiry.first_name, enquiry.last_name, enquiry.treatment or ""):
                assert " ".join(typed.split()) in html_text
    return [team, patient]


def _as_sent(message: EmailMessage) -> Message:
    """The bytes SES would get, parsed back: exactly the templates' header lines."""
    raw = message.as_bytes()
    head, _, _ = raw.partition(b"\r\n\r\n")
    names = [line.split(b":", 1)[0].decode("ascii") for line in head.split(b"\r\n") if line[:1] not in (b" ", b"\t")]
    assert sorted(names) == sorted(TOP_HEADERS), names
    parsed = email.message_from_bytes(raw, policy=policy.default)
    for name, value in parsed.items():
        assert not re.search(r"[\r\n]", value), name
    return parsed


def _check_parts(parsed: Message) -> str:
    parts = list(parsed.walk())[1:]
    assert [part.get_content_type() for part in parts] == ["text/plain", "text/html"]
    for part in parts:
        assert set(part.keys()) <= PART_HEADERS, part.keys()
    html_part = parts[1]
    assert isinstance(html_part, EmailMessage)
    markup = html_part.get_content()
    reader = _Markup()
    reader.feed(markup)
    reader.close()
    assert reader.tags <= TEMPLATE_TAGS, reader.tags - TEMPLATE_TAGS
    assert reader.attributes <= TEMPLATE_ATTRIBUTES, reader.attributes - TEMPLATE_ATTRIBUTES
    assert not reader.other, reader.other
    return " ".join("".join(reader.text).split())


class _Markup(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: set[str] = set()
        self.attributes: set[str] = set()
        self.text: list[str] = []
        self.other: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self.attributes.update(name for name, _ in attrs)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def handle_comment(self, data: str) -> None:
        self.other.append("comment")

    def handle_decl(self, decl: str) -> None:
        if decl.lower() != "doctype html":
            self.other.append("declaration")

    def handle_pi(self, data: str) -> None:
        self.other.append("processing instruction")

    def unknown_decl(self, data: str) -> None:
        self.other.append("declaration")
