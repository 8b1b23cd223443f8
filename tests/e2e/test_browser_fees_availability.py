"""What patients choose on, in the demo page (issue 16): fees, the next free slot, video and phone
consultations and the GMC register, on cards, in the filters and sorts, and on the profile.

The API's answers are the oracle for what changes from run to run (the demo's slots are dated
from the hour the stack started); the page must show them in its own words, in UK time.
Screenshots and axe-core's findings go to test-artifacts/browser/<test name>/.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Page, expect

from devstack.stack import LocalStack
from tests.e2e.browser import (
    Screenshots,
    api,
    assert_accessible,
    assert_no_sideways_scroll,
    facet_counts,
    settled,
)

pytestmark = pytest.mark.e2e

expect.set_options(timeout=15_000)  # two shared cores: a search can take seconds under load
LONDON = ZoneInfo("Europe/London")


def _london(iso: str) -> datetime:
    return datetime.fromisoformat(iso).astimezone(LONDON)


def slot_day(iso: str) -> str:
    """As the page words a slot's day: "Tue 8 Dec", in London."""
    moment = _london(iso)
    return f"{moment:%a} {moment.day} {moment:%b}"


def slot_day_time(iso: str) -> str:
    return f"{slot_day(iso)}, {_london(iso):%H:%M}"


def long_date(iso: str) -> str:
    moment = _london(iso)
    return f"{moment.day} {moment:%b} {moment.year}"


def card_fees(page: Page) -> list[int]:
    settled(page)
    return [int(p) for p in page.locator(".card .card-fee").evaluate_all("ns => ns.map(n => n.dataset.pence)")]


def card_slots(page: Page) -> list[datetime]:
    settled(page)
    times = page.locator(".card .availability time").evaluate_all("ns => ns.map(n => n.dateTime)")
    return [datetime.fromisoformat(t) for t in times]


def availability_line(card: dict[str, Any]) -> str:
    """What a card of the API's answer must say of its next slot."""
    slot = card["next_available"]
    if slot is None:
        return "Availability: ask the hospital"
    where = {h["id"]: h["name"] for h in card["hospitals"]}[slot["hospital_id"]]
    return f"Next available {slot_day(slot['at'])} at {where}"


def card_count(page: Page) -> int:
    settled(page)
    return page.locator(".card").count()


def test_given_a_search_then_each_card_shows_the_fee_the_soonest_slot_where_it_is_and_video_or_phone(
    page: Page, stack: LocalStack, shots: Screenshots
) -> None:
    nandy = api(stack, "/specialists", q="Krish Nandy", page_size="1")["results"][0]
    slot = nandy["next_available"]
    assert slot, nandy  # the seed's slots are dated from the hour the demo was made: fresh
    page.goto("/?q=Krish+Nandy")

    card = page.locator(".card").first
    expect(card.locator("h3")).to_have_text("Dr Krish Nandy")
    expect(card.locator(".card-fee")).to_have_text("From £300 for a first consultation, self-pay")
    expect(card.locator(".availability")).to_have_text(availability_line(nandy))
    expect(card.locator(".availability time")).to_have_attribute("datetime", slot["at"])
    expect(card.locator(".badge")).to_have_text(["Video consultations"])
    shots.take(page, "nandy")
    assert_accessible(page, shots, "card")

    page.goto("/?q=Richard+O%27Flynn")

    card = page.locator(".card").first
    expect(card.locator("h3")).to_have_text("Dr Richard O'Flynn")
    expect(card.locator(".availability")).to_have_text("Availability: ask the hospital")  # no slot: no promise
    expect(card.locator(".availability time")).to_have_count(0)
    expect(card.locator(".card-fee")).to_have_text("From £280 for a first consultation, self-pay")
    expect(card.locator(".badge")).to_have_text(["Phone consultations"])
    shots.take(page, "oflynn")


def test_given_a_profile_then_it_shows_fees_and_when_updated_the_gmc_register_and_each_hospitals_next_slot(
    page: Page, stack: LocalStack, shots: Screenshots
) -> None:
    profile = api(stack, "/specialists/krish-nandy")
    page.goto("/?q=Krish+Nandy")
    page.get_by_role("link", name="View profile of Dr Krish Nandy").click()

    expect(page.locator("#profile-name")).to_have_text("Dr Krish Nandy")
    checked = long_date(profile["registration"]["verified_at"])
    expect(page.locator(".registration")).to_have_text(
        f"GMC 7031842 · Registered · on the specialist register for Psychiatry · checked {checked}"
    )
    expect(page.locator(".profile > .availability")).to_have_text(availability_line(profile))
    fees = page.locator(".fees")
    expect(fees.locator("dt")).to_have_text(["First consultation (self-pay)", "Follow-up (self-pay)"])
    expect(fees.locator("dd")).to_have_text(["£300", "£200"])
    expect(page.locator(".updated-note")).to_have_text(f"Fees updated {long_date(profile['fees']['updated_at'])}")
    expect(page.locator(".facts dt:text-is('Consultations') + dd")).to_have_text("In person, Video")
    slots = [(h["next_available"]["at"], h["next_available"]["as_of"]) for h in profile["hospitals"]]
    shown = [f"Next available {slot_day_time(at)} (as of {slot_day_time(as_of)})" for at, as_of in slots]
    expect(page.locator(".hospital-list .hospital-slot")).to_have_text(shown)
    expect(page.locator(".hospital-list .hospital-name")).to_have_text(
        [f"{h['name']}, {h['postcode']}" for h in profile["hospitals"]]
    )
    shots.take(page, "profile")
    assert_accessible(page, shots, "profile")


def _with_arrangements(stack: LocalStack) -> dict[str, Any]:
    """A demo specialist whose fees come with insurer arrangements, capped and not."""
    for card in api(stack, "/specialists", q="cardiologist", page_size="50")["results"]:
        profile = api(stack, f"/specialists/{card['id']}")
        arrangements = (profile["fees"] or {}).get("insurer_arrangements", [])
        if len({a["fee_capped"] for a in arrangements}) == 2:
            return profile
    raise AssertionError("no cardiologist in the demo data has both kinds of insurer arrangement")


def test_given_insurer_arrangements_then_the_profile_tables_them_and_fits_a_phone(
    phone: Page, stack: LocalStack, shots: Screenshots
) -> None:
    profile = _with_arrangements(stack)
    phone.goto(f"/?specialist={profile['id']}")

    table = phone.get_by_role("table", name="With health insurance")
    expect(table.get_by_role("columnheader")).to_have_text(["Insurer", "Fee capped", "Shortfall possible"])
    yes_no = {True: "Yes", False: "No"}
    rows = [
        f"{a['insurer']}{yes_no[a['fee_capped']]}{yes_no[a['shortfall_possible']]}"
        for a in profile["fees"]["insurer_arrangements"]
    ]
    expect(table.locator("tbody tr")).to_have_text(rows)
    assert_no_sideways_scroll(phone)
    box = table.bounding_box()
    assert box
    assert box["x"] + box["width"] <= 360
    shots.take(phone, "arrangements")
    assert_accessible(phone, shots, "phone-arrangements")


def test_given_video_a_maximum_fee_and_this_week_then_every_card_satisfies_all_three_and_chips_name_them(
    page: Page, stack: LocalStack, shots: Screenshots
) -> None:
    page.goto("/")
    expect(page.locator("#f-consultation_type-video")).to_be_visible()
    video = facet_counts(page, "consultation_type")["Video"]
    assert video == api(stack, "/specialists", consultation_type="video", page_size="1")["total"]

    page.locator("#f-consultation_type-video").check()

    expect(page.locator("#status")).to_have_text(re.compile(rf"^{video} specialists found"))
    expect(page.locator(".card .badge-video")).to_have_count(card_count(page))
    expect(page.locator("#f-consultation_type-video")).to_be_focused()
    shots.take(page, "video")

    page.locator("#f-max_fee").focus()
    page.locator("#f-max_fee").select_option(label="Up to £200")

    expect(page).to_have_url(re.compile(r"max_fee=20000"))
    expect(page.get_by_role("link", name="Maximum fee: Up to £200 (remove)", exact=True)).to_be_visible()
    fees = card_fees(page)
    assert fees
    assert len(fees) == card_count(page)  # no fee published: not found by a fee limit
    assert max(fees) <= 20000, fees
    expect(page.locator(".card .badge-video")).to_have_count(len(fees))
    expect(page.locator("#f-max_fee")).to_be_focused()
    shots.take(page, "video-under-200")

    this_week = facet_counts(page, "available_within_days")["This week"]
    searched_at = datetime.now(UTC)
    page.locator('label[for="f-available_within_days-7"]').click()

    expect(page.locator("#status")).to_have_text(re.compile(rf"^{this_week} specialists? found"))
    slots = card_slots(page)
    assert len(slots) == card_count(page) > 0
    assert all(searched_at - timedelta(minutes=1) <= at <= searched_at + timedelta(days=7) for at in slots), slots
    assert max(card_fees(page)) <= 20000
    expect(page.get_by_role("link", name="Availability: This week (remove)", exact=True)).to_be_visible()
    shots.take(page, "video-under-200-this-week")
    assert_accessible(page, shots, "three-filters")

    page.get_by_role("link", name="Maximum fee: Up to £200 (remove)", exact=True).click()

    expect(page).not_to_have_url(re.compile(r"max_fee"))
    expect(page.locator("#f-max_fee")).to_have_value("")
    expect(page.locator("#f-available_within_days-7")).to_be_checked()


def test_given_lowest_fee_then_soonest_available_then_cards_come_in_that_order_across_pages(
    page: Page, stack: LocalStack, shots: Screenshots
) -> None:
    page.goto("/?q=dermatologist")
    page.locator("#sort").select_option(label="Lowest fee")

    expect(page).to_have_url(re.compile(r"sort=fee"))
    fees = card_fees(page)
    assert len(fees) == 10
    assert fees == sorted(fees)
    shots.take(page, "lowest-fee")
    page.get_by_role("link", name="Next (page 2)").click()
    expect(page.locator(".pager-position")).to_have_text(re.compile(r"^Page 2 of"))
    page_two = card_fees(page)
    assert page_two == sorted(page_two)
    assert page_two[0] >= fees[-1]

    page.locator("#sort").select_option(label="Soonest available")

    expect(page).to_have_url(re.compile(r"sort=soonest"))
    slots = card_slots(page)
    assert len(slots) == 10
    assert slots == sorted(slots)
    answer = api(stack, "/specialists", q="dermatologist", sort="soonest", page_size="10")["results"]
    expect(page.locator(".card .availability")).to_have_text([availability_line(card) for card in answer])
    shots.take(page, "soonest")


def test_given_a_360px_phone_then_the_new_filters_and_cards_fit_and_pass_the_accessibility_check(
    phone: Page, stack: LocalStack, shots: Screenshots
) -> None:
    phone.goto("/?sort=soonest")
    expect(phone.locator(".card .availability").first).to_be_visible()
    expect(phone.locator("#sort")).to_have_value("soonest")

    phone.locator("#filters-panel summary").click()
    phone.locator('label[for="f-consultation_type-video"]').click()
    expect(phone).to_have_url(re.compile(r"consultation_type=video"))
    phone.locator("#f-max_fee").select_option("25000")
    expect(phone).to_have_url(re.compile(r"max_fee=25000"))

    expect(phone.locator(".card .badge-video").first).to_be_visible()
    assert_no_sideways_scroll(phone)
    right_edges = phone.locator(".card, .filters-panel, .badges, .availability, #f-max_fee").evaluate_all(
        "ns => ns.filter(n => n.offsetParent).map(n => n.getBoundingClientRect().right)"
    )
    assert right_edges
    assert max(right_edges) <= 360, right_edges
    shots.take(phone, "filters-and-cards")
    assert_accessible(phone, shots, "phone-filters")
