"""The demo page's click events (POST /events, docs/analytics.md) in a real browser against the
local stack, read back from the local node's ``ubi_events`` and ``ubi_queries`` indices.

The query ids expected are the ones the browser itself received (its answers, read as they
arrived); the client id is the one the page kept in sessionStorage for the tab.
"""

from __future__ import annotations

import json
import re
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from playwright.sync_api import Browser, Page, Request, Response, expect

from chalicelib.adapters.opensearch_ubi_sink import EVENTS_INDEX, QUERIES_INDEX
from devstack.stack import LocalStack
from tests.e2e.browser import DESKTOP, Screenshots, api, fill_enquiry, open_page, settled

pytestmark = pytest.mark.e2e

expect.set_options(timeout=15_000)  # two shared cores: a search can take seconds under load

UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
CLIENT_ID_KEY = "find-a-specialist.client-id"
EVENT_FIELDS = {"query_id", "action", "position", "object_id", "client_id"}
MESSAGE = "Please call me after six, my date of birth is 1 May 1970."


@pytest.fixture
def page(chromium: Browser, stack: LocalStack) -> Iterator[Page]:
    """A page whose "Book online" tabs (the hospitals' own sites, unreachable here) are refused at once."""
    for opened in open_page(chromium, stack, DESKTOP):
        opened.context.route("https://www.hospitals.example/**", lambda route: route.abort())
        yield opened


def path_is(path: str, query: dict[str, str]) -> Callable[[Response], bool]:
    """An answer to GET `path` whose query string holds `query`."""

    def matches(response: Response) -> bool:
        url = urlsplit(response.url)
        asked = {name: values[-1] for name, values in parse_qs(url.query).items()}
        return url.path == path and response.request.method == "GET" and query.items() <= asked.items()

    return matches


def answer_to(page: Page, action: Callable[[], Any], path: str, query: dict[str, str]) -> dict[str, Any]:
    """The JSON answer the page received for the fetch to `path` with `query` that `action` makes."""
    with page.expect_response(path_is(path, query)) as info:
        action()
    body: dict[str, Any] = info.value.json()
    assert UUID.match(body["query_id"]), body
    assert info.value.headers["x-query-id"] == body["query_id"]
    return body


def follow_book_online(page: Page, link: Any) -> None:
    """Click a "Book online" link (a new tab) and close that tab."""
    with page.context.expect_page() as tab:
        link.click()
    tab.value.close()


def send_enquiry(page: Page, patient: str) -> None:
    fill_enquiry(page, patient)
    page.locator("#enq-message").fill(MESSAGE)
    page.get_by_role("button", name="Send enquiry").click()
    expect(page.locator("#enquiry-reference")).to_be_visible()


def node_search(stack: LocalStack, index: str, **terms: str) -> list[dict[str, Any]]:
    """The index's documents with these exact field values, after a refresh; none before the
    index's first record (the sink creates it then)."""
    refreshed = requests.post(f"{stack.node.url}/{index}/_refresh", timeout=10)
    if refreshed.status_code == 404:
        return []
    refreshed.raise_for_status()
    filters = [{"term": {name: value}} for name, value in terms.items()]
    query: dict[str, Any] = {"size": 100, "query": {"bool": {"filter": filters}}}
    response = requests.post(f"{stack.node.url}/{index}/_search", json=query, timeout=10)
    response.raise_for_status()
    return [hit["_source"] for hit in response.json()["hits"]["hits"]]


def wait_for(stack: LocalStack, count: int, **terms: str) -> list[dict[str, Any]]:
    """The events with these field values once there are `count` (beacons go in the background)."""
    deadline = time.monotonic() + 20
    found = node_search(stack, EVENTS_INDEX, **terms)
    while len(found) < count and time.monotonic() < deadline:
        time.sleep(0.25)
        found = node_search(stack, EVENTS_INDEX, **terms)
    return found


def click(query_id: str, action: str, position: int, object_id: str, field: str) -> dict[str, Any]:
    """What one stored CLICK event should say, beside its client id and timestamp."""
    return {
        "query_id": query_id,
        "action_name": action,
        "message_type": "CLICK",
        "event_attributes": {
            "object": {"object_id": object_id, "object_id_field": field},
            "position": {"ordinal": position},
        },
    }


def without(document: dict[str, Any], *names: str) -> dict[str, Any]:
    return {name: value for name, value in document.items() if name not in names}


def test_given_a_patient_clicking_through_answers_then_each_click_is_stored_with_its_answers_query_id_and_rank(
    page: Page, stack: LocalStack, shots: Screenshots
) -> None:
    sent: list[Request] = []
    page.on("request", lambda request: sent.append(request))
    patient = f"events-{uuid.uuid4().hex[:12]}@example.com"

    # A profile opened directly, from no answer: nothing is sent, and its enquiry names no search.
    bookable = next(card for card in api(stack, "/specialists", q="dermatology")["results"] if card["action"] == "book")
    page.goto(f"/?specialist={bookable['id']}")
    expect(page.locator("#profile-name")).to_have_text(bookable["name"])
    follow_book_online(page, page.locator("#profile").get_by_role("link", name=re.compile(r"^Book online")))
    page.get_by_role("button", name="Send an enquiry").click()
    send_enquiry(page, patient)

    # Page 1: the 2nd card's profile, then its "Book online" and "Send an enquiry".
    first = answer_to(page, lambda: page.goto("/?q=dermatology"), "/specialists", {"q": "dermatology"})
    settled(page)
    second = first["results"][1]
    assert second["action"] == "book", "the demo seed's 2nd dermatologist books online"
    page.locator(".card").nth(1).get_by_role("link", name=re.compile(r"^View profile")).click()
    expect(page.locator("#profile-name")).to_have_text(second["name"])
    follow_book_online(page, page.locator("#profile").get_by_role("link", name=re.compile(r"^Book online")))
    page.get_by_role("button", name="Send an enquiry").click()
    expect(page.locator("#enquiry-heading")).to_be_focused()
    shots.take(page, "profile-from-card-2")

    # Page 2: a card's own "Book online", and another card's "Enquire", whose enquiry is sent.
    page.locator("#back-link").click()
    settled(page)
    next_link = page.get_by_role("link", name=re.compile(r"^Next"))
    on_page_2 = answer_to(page, next_link.click, "/specialists", {"q": "dermatology", "page": "2"})
    settled(page)
    cards = on_page_2["results"]
    booked = next(i for i, card in enumerate(cards) if card["action"] == "book")
    asked = next(i for i, card in enumerate(cards) if card["action"] == "enquire")
    follow_book_online(page, page.locator(".card").nth(booked).get_by_role("link", name=re.compile(r"^Book online")))
    page.locator(".card").nth(asked).get_by_role("link", name=re.compile(r"^Enquire")).click()
    expect(page.locator("#enquiry-heading")).to_be_focused()
    send_enquiry(page, patient)
    shots.take(page, "enquiry-sent-from-page-2")

    # Typeahead: the 2nd suggestion for "cardi", picked with the keyboard.
    page.goto("/")
    settled(page)
    box = page.locator("#q")
    suggested = answer_to(page, lambda: box.press_sequentially("cardi", delay=30), "/suggest", {"q": "cardi"})
    expect(page.get_by_role("option").nth(1)).to_be_visible()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    with page.expect_request(lambda request: urlsplit(request.url).path == "/events"):
        page.keyboard.press("Enter")
    picked = suggested["suggestions"][1]

    client_id = page.evaluate(f"sessionStorage.getItem({CLIENT_ID_KEY!r})")
    assert isinstance(client_id, str), "the page keeps its random id in sessionStorage"
    assert UUID.match(client_id), client_id
    expected = [
        click(first["query_id"], "view_profile", 2, second["id"], "specialist_id"),
        click(first["query_id"], "book", 2, second["id"], "specialist_id"),
        click(first["query_id"], "enquire", 2, second["id"], "specialist_id"),
        click(on_page_2["query_id"], "book", 11 + booked, cards[booked]["id"], "specialist_id"),
        click(on_page_2["query_id"], "enquire", 11 + asked, cards[asked]["id"], "specialist_id"),
        click(suggested["query_id"], "suggest_pick", 2, picked["value"], "suggestion"),
    ]
    clicks = wait_for(stack, len(expected), client_id=client_id, message_type="CLICK")
    clicks.sort(key=lambda event: str(event["timestamp"]))
    assert [without(event, "client_id", "timestamp", "application") for event in clicks] == expected
    assert {event["application"] for event in clicks} == {"find-a-specialist"}

    # The answers' query records carry the same random id as the clicks on them.
    for answer in (first, on_page_2, suggested):
        queries = node_search(stack, QUERIES_INDEX, query_id=answer["query_id"])
        assert [query["client_id"] for query in queries] == [client_id]

    # The enquiry sent from page 2's card counts as sent from that search.
    enquiries = [
        (request.url, json.loads(request.post_data or "{}"))
        for request in sent
        if request.method == "POST" and urlsplit(request.url).path == "/enquiries"
    ]
    assert [body.get("query_id") for _, body in enquiries] == [None, on_page_2["query_id"]]
    enquiry_sent = wait_for(stack, 1, query_id=on_page_2["query_id"], message_type="ENQUIRY_SENT")
    assert [without(event, "client_id", "timestamp", "application") for event in enquiry_sent] == [
        {
            "query_id": on_page_2["query_id"],
            "action_name": "enquire",
            "message_type": "ENQUIRY_SENT",
            "event_attributes": {
                "object": {"object_id": cards[asked]["id"], "object_id_field": "specialist_id"},
                "position": {"ordinal": None},
            },
        }
    ]

    # Nothing personal leaves in an event: each beacon holds exactly the five fields, and what the
    # patient typed into the enquiry goes only to POST /enquiries.
    personal = (patient, MESSAGE, "Browser")  # the e-mail address, the message, the last name
    beacons = [request for request in sent if urlsplit(request.url).path == "/events"]
    assert len(beacons) == len(expected)
    for beacon in beacons:
        assert beacon.method == "POST"
        assert beacon.headers["content-type"].startswith("text/plain")
        assert set(json.loads(beacon.post_data or "{}")) == EVENT_FIELDS
    for request in sent:
        if urlsplit(request.url).path == "/enquiries":
            continue
        carried = f"{request.url} {request.post_data or ''}"
        assert not [typed for typed in personal if typed in carried], carried
    stored = json.dumps([*clicks, *enquiry_sent])
    assert not [typed for typed in personal if typed in stored], stored

    # The random id goes with searches and typeahead only.
    for request in sent:
        path = urlsplit(request.url).path
        header = request.headers.get("x-client-id")
        assert header == (client_id if path in ("/specialists", "/suggest") else None), (request.url, header)


# Storage refused (a privacy setting) and no beacon: the page makes one id per page load and
# sends with fetch (keepalive, text/plain); an event that cannot be sent changes nothing visible.
NO_STORAGE_NO_BEACON = """
Object.defineProperty(window, "sessionStorage", {
  get() { throw new DOMException("Storage is off", "SecurityError"); },
});
Navigator.prototype.sendBeacon = () => false;
"""


def test_given_no_storage_and_no_beacon_then_events_go_by_fetch_with_the_page_loads_id_and_a_failure_shows_nothing(
    page: Page, stack: LocalStack
) -> None:
    page.add_init_script(NO_STORAGE_NO_BEACON)
    with page.expect_response(path_is("/specialists", {"q": "dermatology"})) as info:
        page.goto("/?q=dermatology")
    answer = info.value.json()
    client_id = info.value.request.headers["x-client-id"]
    assert UUID.match(client_id), client_id
    settled(page)

    with page.expect_request(lambda request: urlsplit(request.url).path == "/events") as posted:
        page.locator(".card").first.get_by_role("link", name=re.compile(r"^View profile")).click()
    assert posted.value.resource_type == "fetch"
    assert posted.value.headers["content-type"].startswith("text/plain")
    first = answer["results"][0]
    [event] = wait_for(stack, 1, query_id=answer["query_id"])
    assert event["client_id"] == client_id
    assert without(event, "client_id", "timestamp", "application") == click(
        answer["query_id"], "view_profile", 1, first["id"], "specialist_id"
    )

    page.route("**/events", lambda route: route.abort())
    page.get_by_role("button", name="Send an enquiry").click()
    expect(page.locator("#enquiry-heading")).to_be_focused()
    expect(page.locator("#profile-name")).to_have_text(first["name"])

    with page.expect_response(path_is("/specialists", {"q": "dermatology"})) as again:
        page.go_back()
    assert UUID.match(again.value.request.headers["x-client-id"])
    with page.expect_response(path_is("/specialists", {"q": "dermatology"})) as reloaded:
        page.reload()
    assert reloaded.value.request.headers["x-client-id"] != client_id
