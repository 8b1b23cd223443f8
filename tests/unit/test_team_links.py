"""The team's e-mail carries its acknowledge and outcome links; the patient's never does."""

from __future__ import annotations

import re
import time
from collections.abc import Sequence
from email.message import EmailMessage
from urllib.parse import parse_qs, urlsplit

from chalicelib.adapters.dynamodb_stream import handle_stream_event
from chalicelib.enquiries.followup import TeamLinks
from chalicelib.enquiries.links import PURPOSES, FixedKeys, verify
from chalicelib.enquiries.notify import MailSettings, Notifier
from chalicelib.enquiries.ports import LinkKeysUnavailable
from tests.enquiries import HENDON, an_enquiry
from tests.fakes import FakeClock, FakeEnquiryStore, RecordingDeadLetters, RecordingMailer, ScriptedIndex
from tests.unit.test_notify_logic import insert

KEY = b"team-links-test-key-of-32-bytes-or-more"
PAGE = "https://www.hospitals.example/enquiry-link"


class NoKeys:
    def keys(self) -> Sequence[bytes]:
        raise LinkKeysUnavailable("secret unreadable")


def send(keys: FixedKeys | NoKeys) -> RecordingMailer:
    mailer, store = RecordingMailer(), FakeEnquiryStore()
    notifier = Notifier(
        store,
        mailer,
        RecordingDeadLetters(),
        ScriptedIndex(),
        MailSettings("find@hospitals.example", "central@hospitals.example"),
        clock=FakeClock(),
        links=TeamLinks(keys, PAGE),
    )
    enquiry = an_enquiry()
    store.put_new(enquiry)
    for _ in range(2):  # a redelivery sends nothing more
        handle_stream_event({"Records": [insert(enquiry)]}, notifier)
    return mailer


def bodies(message: EmailMessage) -> tuple[str, str]:
    text, page = (part.get_content() for part in message.iter_parts())
    return text, page


def test_given_an_enquiry_then_the_team_email_links_each_action_to_the_page_with_a_token_for_it() -> None:
    team, patient = send(FixedKeys(KEY)).sent

    text, page = bodies(team)
    urls = re.findall(r"https://\S+", text)
    assert len(urls) == len(PURPOSES)
    for purpose, url in zip(PURPOSES, urls, strict=True):
        parts = urlsplit(url)
        query = parse_qs(parts.query)
        assert f"{parts.scheme}://{parts.netloc}{parts.path}" == PAGE
        assert query["action"] == [purpose]
        assert verify(KEY, query["token"][0], purpose, int(time.time())) == an_enquiry().enquiry_id
        assert f"href='{url.replace('&', '&amp;')}'" in page
    assert not any("token=" in body for body in bodies(patient))
    assert team["To"] == HENDON.team_email


def test_given_the_link_keys_unreadable_then_both_emails_go_without_links() -> None:
    mailer = send(NoKeys())

    assert [message["To"] for message in mailer.sent] == [HENDON.team_email, an_enquiry().email]
    assert not any("token=" in body for message in mailer.sent for body in bodies(message))
