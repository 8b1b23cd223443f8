"""The links in the hospital team's e-mail open the demo page's confirmation view (issue 17, item 1).

Each test sends an enquiry over HTTP, reads the team's e-mail from the local outbox and opens a
link from its text, as the team would: the page shows what the link does and what is recorded,
records nothing until Confirm is pressed (link previews and mail scanners open links too), then
says "Recorded", and "Already recorded" from then on. Screenshots and axe-core's findings go to
test-artifacts/browser/<test name>/.
"""

from __future__ import annotations

import re
import uuid
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import requests
from playwright.sync_api import Page, Request, Route, expect

from devstack.stack import LocalStack
from tests.e2e.browser import Screenshots, api, assert_accessible, assert_no_sideways_scroll, mail_for
from tests.enquiries import GOOD

pytestmark = pytest.mark.e2e

expect.set_options(timeout=15_000)  # two shared cores

TEAM_ADDRESS = "enquiries.hendon@hospitals.example"  # GOOD is for Dr Krish Nandy at Hendon
ACKNOWLEDGE = "Acknowledge (we have it and will reply)"
BOOKED = "Outcome: appointment booked"
COULD_NOT_REACH = "Outcome: could not reach the patient"
UK = ZoneInfo("Europe/London")


def send_enquiry(stack: LocalStack) -> tuple[str, str]:
    """A new enquiry over HTTP: its reference and the text of the team's e-mail."""
    body = {**GOOD, "email": f"team-links-{uuid.uuid4().hex[:12]}@example.com"}
    accepted = requests.post(f"{stack.api_url}/enquiries", json=body, timeout=10)
    assert accepted.status_code == 202, accepted.text
    reference: str = accepted.json()["enquiry_id"]
    mails = mail_for(stack, reference, want=2)
    team = [mail for mail in mails if TEAM_ADDRESS in str(mail["to"])]
    assert len(team) == 1, mails
    return reference, str(team[0]["text"])


def link_in(text: str, label: str) -> str:
    """The URL on the e-mail's line `- <label>: <url>`."""
    match = re.search(rf"^- {re.escape(label)}: (\S+)$", text, re.MULTILINE)
    assert match, text
    return match.group(1)


def action_and_token(url: str) -> tuple[str, str]:
    match = re.search(r"[?&]action=([a-z_]+)&token=([^&\s]+)$", url)
    assert match, url
    return match.group(1), match.group(2)


def link_answer(stack: LocalStack, url: str) -> dict[str, Any]:
    """The API's GET answer for the link: what it does and what is recorded (it changes nothing)."""
    action, token = action_and_token(url)
    return api(stack, f"/enquiry-actions/{action}/{token}")


def uk_time(iso: str) -> str:
    """A pattern for the page's en-GB medium date and short time in UK time, e.g. `4 Dec 2026, 22:17`."""
    when = datetime.fromisoformat(iso).astimezone(UK)
    month = re.escape(when.strftime("%b")) + ("t?" if when.month == 9 else "")  # ICU writes "Sept"
    return rf"{when.day} {month} {when.year}, {when:%H:%M}"


@pytest.fixture(scope="module")
def sent(stack: LocalStack) -> dict[str, tuple[str, str]]:
    """Enquiries sent once for the module, by name: "first" for the acknowledge and tampered
    tests, "second" for the outcome tests (an outcome implies the acknowledgement)."""
    return {name: send_enquiry(stack) for name in ("first", "second")}


def posts_to_links(page: Page) -> list[str]:
    posts: list[str] = []

    def seen(request: Request) -> None:
        if request.method == "POST" and "/enquiry-actions/" in request.url:
            posts.append(request.url)

    page.on("request", seen)
    return posts


def test_given_the_acknowledge_link_then_nothing_is_recorded_until_confirm_and_a_reload_says_already_recorded(
    page: Page, stack: LocalStack, shots: Screenshots, sent: dict[str, tuple[str, str]]
) -> None:
    reference, text = sent["first"]
    url = link_in(text, ACKNOWLEDGE)
    assert url.startswith(f"{stack.api_url}/?action=acknowledge&token="), url
    posts = posts_to_links(page)

    page.goto(url)

    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text("Acknowledge this enquiry")
    expect(heading).to_be_focused()
    expect(page).to_have_title("Acknowledge this enquiry — Find a specialist")
    expect(page.locator("#search-view")).to_be_hidden()
    expect(page.locator("#team-link-reference")).to_have_text(reference)
    expect(page.locator("#team-link-acknowledged")).to_have_text("Not acknowledged yet")
    expect(page.locator("#team-link-outcome")).to_have_text("No outcome recorded yet")
    confirm = page.get_by_role("button", name="Confirm", exact=True)
    expect(confirm).to_be_visible()
    expect(page.get_by_text("Already recorded")).to_have_count(0)
    shots.take(page, "opened")
    assert_accessible(page, shots, "opened")
    before = link_answer(stack, url)
    assert before["done"] is False, before
    assert before["recorded"] == {"acknowledged_at": None, "outcome": None, "outcome_at": None}, before
    assert posts == [], posts

    confirm.click()

    result = page.locator("#team-link-result")
    expect(result.locator(".team-link-result-title")).to_have_text("Recorded")
    expect(result).to_be_focused()
    expect(confirm).to_have_count(0)
    after = link_answer(stack, url)
    assert after["done"] is True, after
    acknowledged_at = after["recorded"]["acknowledged_at"]
    assert acknowledged_at, after
    expect(page.locator("#team-link-acknowledged")).to_have_text(
        re.compile(rf"^Acknowledged on {uk_time(acknowledged_at)} \(UK time\)$")
    )
    assert len(posts) == 1, posts
    shots.take(page, "recorded")
    assert_accessible(page, shots, "recorded")

    page.reload()

    expect(heading).to_have_text("Acknowledge this enquiry")
    expect(page.locator("#team-link-result .team-link-result-title")).to_have_text("Already recorded")
    expect(page.locator("#team-link-acknowledged")).to_have_text(
        re.compile(rf"^Acknowledged on {uk_time(acknowledged_at)}")
    )
    expect(page.get_by_role("button", name="Confirm")).to_have_count(0)
    assert len(posts) == 1, posts  # the reload only read
    assert link_answer(stack, url)["recorded"] == after["recorded"]
    shots.take(page, "reloaded")


def test_given_a_tampered_token_then_the_page_shows_the_invalid_link_message_and_no_confirm(
    page: Page, stack: LocalStack, shots: Screenshots, sent: dict[str, tuple[str, str]]
) -> None:
    _, text = sent["first"]
    action, token = action_and_token(link_in(text, ACKNOWLEDGE))
    middle = len(token) // 2
    tampered = token[:middle] + ("A" if token[middle] != "A" else "B") + token[middle + 1 :]
    answer = requests.get(f"{stack.api_url}/enquiry-actions/{action}/{tampered}", timeout=10)
    assert answer.status_code == 404, answer.text
    error = answer.json()["error"]
    assert error["code"] == "link_invalid", error

    page.goto(f"/?action={action}&token={tampered}")

    expect(page.get_by_role("heading", level=1)).to_have_text("This link cannot be used")
    expect(page.get_by_role("heading", level=1)).to_be_focused()
    expect(page.get_by_role("alert")).to_have_text(error["message"])
    expect(page.get_by_role("button", name="Confirm")).to_have_count(0)
    expect(page.get_by_role("button", name="Try again")).to_have_count(0)  # retrying cannot help
    shots.take(page, "invalid")
    assert_accessible(page, shots, "invalid")


def test_given_the_booked_link_on_a_360px_phone_when_confirmed_then_the_outcome_is_recorded(
    phone: Page, stack: LocalStack, shots: Screenshots, sent: dict[str, tuple[str, str]]
) -> None:
    page = phone
    reference, text = sent["second"]
    url = link_in(text, BOOKED)

    page.goto(url)

    expect(page.get_by_role("heading", level=1)).to_have_text("Record the outcome: appointment booked")
    expect(page.locator("#team-link-reference")).to_have_text(reference)
    expect(page.locator("#team-link-outcome")).to_have_text("No outcome recorded yet")
    assert link_answer(stack, url)["done"] is False
    assert_no_sideways_scroll(page)
    shots.take(page, "opened-phone")
    assert_accessible(page, shots, "opened-phone")

    page.get_by_role("button", name="Confirm", exact=True).click()

    expect(page.locator("#team-link-result .team-link-result-title")).to_have_text("Recorded")
    answer = link_answer(stack, url)
    assert answer["done"] is True, answer
    recorded = answer["recorded"]
    assert recorded["outcome"] == "booked", answer
    assert recorded["acknowledged_at"], answer  # an outcome implies the acknowledgement
    expect(page.locator("#team-link-outcome")).to_have_text(
        re.compile(rf"^Appointment booked, recorded on {uk_time(recorded['outcome_at'])} \(UK time\)$")
    )
    expect(page.locator("#team-link-acknowledged")).to_have_text(re.compile(r"^Acknowledged on "))
    assert_no_sideways_scroll(page)
    shots.take(page, "recorded-phone")
    assert_accessible(page, shots, "recorded-phone")


def test_given_the_service_unavailable_when_confirming_then_an_alert_offers_try_again_which_records(
    page: Page, stack: LocalStack, shots: Screenshots, sent: dict[str, tuple[str, str]]
) -> None:
    _, text = sent["second"]
    url = link_in(text, COULD_NOT_REACH)
    message = "The service cannot record this just now. Nothing was recorded; please try again."
    refused: list[str] = []

    def once_unavailable(route: Route) -> None:
        if route.request.method == "POST" and not refused:
            refused.append(route.request.url)
            error = {"error": {"code": "unavailable", "message": message, "field": None}}
            route.fulfill(status=503, json=error, headers={"Retry-After": "1"})
        else:
            route.continue_()

    page.route("**/enquiry-actions/**", once_unavailable)
    page.goto(url)
    expect(page.get_by_role("heading", level=1)).to_have_text("Record the outcome: could not reach the patient")

    page.get_by_role("button", name="Confirm", exact=True).click()

    alert = page.get_by_role("alert")
    expect(alert).to_contain_text(message)
    expect(alert).to_be_focused()
    assert link_answer(stack, url)["done"] is False
    shots.take(page, "unavailable")
    assert_accessible(page, shots, "unavailable")

    alert.get_by_role("button", name="Try again").click()

    expect(page.locator("#team-link-result .team-link-result-title")).to_have_text("Recorded")
    expect(alert).to_be_hidden()
    expect(page.locator("#team-link-outcome")).to_have_text(re.compile(r"^Could not reach the patient, recorded on "))
    assert link_answer(stack, url)["recorded"]["outcome"] == "could_not_reach_patient"
    assert len(refused) == 1, refused
