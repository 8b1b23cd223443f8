"""The demo page at / in a real browser (Debian's Chromium, headless), against the local stack.

Each test saves a screenshot of every step and axe-core's findings in
test-artifacts/browser/<test name>/.
"""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from playwright.sync_api import Browser, Page, ViewportSize, expect, sync_playwright

from devstack.stack import LocalStack
from tests.e2e.browser import DESKTOP, PHONE, Screenshots, assert_accessible, launch

pytestmark = pytest.mark.e2e

ULID = re.compile(r"^[0-9A-HJKMNP-TV-Z]{26}$")
expect.set_options(timeout=15_000)  # two shared cores: a search can take seconds under load


@pytest.fixture(scope="module")
def chromium() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = launch(playwright)
        yield browser
        browser.close()


def _open(chromium: Browser, stack: LocalStack, viewport: ViewportSize) -> Iterator[Page]:
    context = chromium.new_context(viewport=viewport, base_url=stack.api_url)
    page = context.new_page()
    script_errors: list[str] = []
    page.on("pageerror", lambda error: script_errors.append(str(error)))
    page.set_default_timeout(15_000)
    yield page
    context.close()
    assert not script_errors, script_errors


@pytest.fixture
def page(chromium: Browser, stack: LocalStack) -> Iterator[Page]:
    yield from _open(chromium, stack, DESKTOP)


@pytest.fixture
def phone(chromium: Browser, stack: LocalStack) -> Iterator[Page]:
    yield from _open(chromium, stack, PHONE)


@pytest.fixture
def shots(request: pytest.FixtureRequest) -> Screenshots:
    return Screenshots(request.node.name)


def api(stack: LocalStack, path: str, **params: str) -> dict[str, Any]:
    response = requests.get(f"{stack.api_url}{path}", params=params, timeout=10)
    response.raise_for_status()
    body: dict[str, Any] = response.json()
    return body


def shown_total(page: Page) -> int:
    status = page.locator("#status").inner_text()
    match = re.match(r"([\d,]+) specialists? found", status)
    assert match, status
    return int(match.group(1).replace(",", ""))


def settled(page: Page) -> None:
    """The page's last search has been answered and drawn."""
    expect(page.locator("#results")).not_to_have_attribute("aria-busy", "true")


def distances(page: Page) -> list[float]:
    settled(page)
    miles = page.locator(".card-distance").evaluate_all("ns => ns.map(n => n.dataset.miles)")
    return [float(m) for m in miles]


def facet_counts(page: Page, facet: str) -> dict[str, int]:
    labels = page.locator(f'input[name="f-{facet}"] + label').all_inner_texts()
    found = (re.match(r"(.+) \(([\d,]+)\)$", text) for text in labels)
    return {m.group(1): int(m.group(2).replace(",", "")) for m in found if m}


def test_given_the_page_when_the_patient_types_a_name_and_presses_enter_then_a_seed_shaped_card_shows(
    page: Page, stack: LocalStack, shots: Screenshots
) -> None:
    page.goto("/")
    expect(page.locator("#status")).to_have_text(re.compile(r"^2,000 specialists found"))
    shots.take(page, "home", full_page=False)
    assert_accessible(page, shots, "home")

    page.locator("#q").press_sequentially("Krish Nandy")
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(r"\?q=Krish\+Nandy$"))
    expect(page.locator("#status")).to_have_text("1 specialist found, showing 1 to 1")
    card = page.locator(".card").first
    expect(card.locator("h3")).to_have_text("Dr Krish Nandy")
    expect(card.locator(".card-title")).to_have_text("Consultant Psychiatrist")
    expect(card.locator(".card-hospitals")).to_have_text("BMI The London Independent Hospital +1 more hospital")
    expect(card.get_by_role("link", name="View profile of Dr Krish Nandy")).to_be_visible()
    expect(card.get_by_role("link", name=re.compile(r"^Book online with Dr Krish Nandy"))).to_have_attribute(
        "href", "https://www.hospitals.example/consultants/krish-nandy/book"
    )
    shots.take(page, "nandy")

    page.locator("#q").fill("Kay Rowlands")
    page.keyboard.press("Enter")
    card = page.locator(".card").first
    expect(card.locator("h3")).to_have_text("Mrs Kay Rowlands")
    expect(card.locator(".card-title")).to_have_text("Consultant Psychotherapist/Counsellor")
    expect(card.locator(".card-qualifications")).to_have_text(
        "Dip Counselling/Psychotherapy, Post Grad Cognitive Behavioural Therapy (CBT), Accredited Therapist"
    )
    expect(card.locator(".card-hospitals")).to_have_text("BMI The Beaumont Hospital")
    expect(card.get_by_role("link", name="Enquire about Mrs Kay Rowlands")).to_be_visible()
    shots.take(page, "rowlands")

    card.get_by_role("link", name="View profile of Mrs Kay Rowlands").click()
    expect(page.locator("#profile-name")).to_have_text("Mrs Kay Rowlands")
    expect(page.locator(".hospital-list")).to_have_text("BMI The Beaumont Hospital, BL6 4LA")
    shots.take(page, "profile")
    page.go_back()
    expect(page.locator(".card h3").first).to_have_text("Mrs Kay Rowlands")


def test_given_typeahead_when_the_patient_arrows_to_a_specialty_and_presses_enter_then_it_filters(
    page: Page, stack: LocalStack, shots: Screenshots
) -> None:
    expected = api(stack, "/specialists", specialty="cardiology", page_size="1")["total"]
    page.goto("/")
    box = page.locator("#q")

    box.press_sequentially("cardi", delay=30)
    options = page.get_by_role("option")
    expect(options.first).to_have_text("Cardiology, Specialty")
    expect(box).to_have_attribute("aria-expanded", "true")
    page.keyboard.press("ArrowDown")
    expect(box).to_have_attribute("aria-activedescendant", "q-listbox-0")
    expect(options.first).to_have_attribute("aria-selected", "true")
    shots.take(page, "typeahead-open", full_page=False)
    assert_accessible(page, shots, "typeahead-open")
    page.keyboard.press("Escape")
    expect(box).to_have_attribute("aria-expanded", "false")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(r"\?specialty=cardiology$"))
    expect(page.get_by_role("link", name="Specialty: Cardiology (remove)", exact=True)).to_be_visible()
    expect(page.locator("#status")).to_have_text(re.compile(rf"^{expected} specialists found"))
    titles = page.locator(".card-title").all_inner_texts()
    assert len(titles) == 10
    assert all("Cardiologist" in title for title in titles), titles
    expect(page.locator("#f-specialty-cardiology")).to_be_checked()
    shots.take(page, "cardiology")


def test_given_all_specialists_when_a_filter_is_ticked_then_results_narrow_and_counts_update(
    page: Page, stack: LocalStack, shots: Screenshots
) -> None:
    page.goto("/")
    expect(page.locator("#status")).to_have_text(re.compile(r"^2,000 specialists found"))
    psychiatry = facet_counts(page, "specialty")["Psychiatry"]
    genders_before = facet_counts(page, "gender")
    shots.take(page, "before")

    page.locator("#f-specialty-psychiatry").check()

    expect(page.locator("#status")).to_have_text(re.compile(rf"^{psychiatry} specialists found"))
    assert psychiatry == api(stack, "/specialists", specialty="psychiatry", page_size="1")["total"]
    assert 0 < psychiatry < 2000
    genders_after = facet_counts(page, "gender")
    assert genders_after != genders_before
    assert sum(genders_after.values()) <= psychiatry
    assert facet_counts(page, "specialty")["Psychiatry"] == psychiatry  # disjunctive: its own count stays
    assert all("Psychiatrist" in title for title in page.locator(".card-title").all_inner_texts())
    expect(page.locator("#f-specialty-psychiatry")).to_be_focused()
    shots.take(page, "psychiatry")

    page.locator('label[for="f-gender-female"]').click()
    expect(page.locator("#status")).to_have_text(re.compile(rf"^{genders_after['Female']} specialists? found"))
    shots.take(page, "psychiatry-female")


def test_given_a_place_when_sorting_by_distance_then_cards_come_nearest_first(
    page: Page, stack: LocalStack, shots: Screenshots
) -> None:
    page.goto("/?sort=name")
    expect(page.locator('#sort option[value="distance"]')).to_be_disabled()
    page.locator("#q").fill("psychiatrist")
    page.locator("#near").fill("Nowheresville")
    page.get_by_role("button", name="Search").click()
    expect(page.locator("#near-error")).to_have_text(re.compile(r"^'near' is not a place we know"))
    expect(page.locator("#near")).to_have_attribute("aria-describedby", "near-hint near-error")
    shots.take(page, "unknown-place", full_page=False)

    page.locator("#near").fill("Watford")
    page.get_by_role("button", name="Search").click()
    expect(page).to_have_url(re.compile(r"near=Watford"))
    expect(page.locator("#near-error")).to_be_hidden()
    by_name = distances(page)
    assert len(by_name) == 10
    assert by_name != sorted(by_name)  # sorted by name, the distances are mixed
    shots.take(page, "by-name")

    page.locator("#sort").select_option("distance")

    expect(page).to_have_url(re.compile(r"sort=distance"))
    expect(page.locator(".card-distance").first).to_have_text("3.5 miles away")
    miles = distances(page)
    assert len(miles) == 10
    assert miles == sorted(miles)
    shots.take(page, "by-distance")

    page.get_by_role("link", name="Next (page 2)").click()
    expect(page.locator(".pager-position")).to_have_text(re.compile(r"^Page 2 of"))
    page_two = distances(page)
    assert page_two == sorted(page_two)
    assert page_two[0] >= miles[-1]
    shots.take(page, "page-2")


def test_given_a_misspelt_name_then_did_you_mean_offers_the_correction_and_finds_them(
    page: Page, stack: LocalStack, shots: Screenshots
) -> None:
    page.goto("/")
    page.locator("#q").fill("christine marklwo")
    page.keyboard.press("Enter")

    offer = page.locator("#did-you-mean")
    expect(offer).to_have_text("Did you mean christine marklow?")
    shots.take(page, "offer")
    offer.get_by_role("link", name="christine marklow").click()

    expect(page).to_have_url(re.compile(r"\?q=christine\+marklow$"))
    expect(page.locator(".card h3").first).to_have_text("Dr Christine Marklow")
    shots.take(page, "corrected")


def test_given_words_that_find_nobody_then_the_page_offers_ways_on(
    page: Page, stack: LocalStack, shots: Screenshots
) -> None:
    page.goto("/?q=xylophone+quartz&gender=female")

    empty = page.locator("#no-results")
    expect(empty.locator("h3")).to_have_text("No specialists match “xylophone quartz”")
    expect(page.locator("#status")).to_have_text("No specialists found")
    expect(empty.get_by_role("link", name="Remove the filter “Female”")).to_be_visible()
    shots.take(page, "no-results")
    assert_accessible(page, shots, "no-results")
    empty.get_by_role("link", name="Psychiatry").click()

    expect(page.locator(".card").first).to_be_visible()
    assert shown_total(page) > 0


def _fill_enquiry(page: Page, email: str) -> None:
    page.locator("#enq-first_name").fill("Sam")
    page.locator("#enq-last_name").fill("Browser")
    page.locator("#enq-email").fill(email)
    page.locator("#enq-message").fill("I would like an appointment in the evening, please.")
    page.locator("#enq-consent").check()


def _mail_for(stack: LocalStack, reference: str, want: int, timeout_s: float = 20) -> list[dict[str, Any]]:
    deadline = time.monotonic() + timeout_s
    mine: list[dict[str, Any]] = []
    while time.monotonic() < deadline:
        outbox = requests.get(f"{stack.api_url}/_local/outbox", timeout=10).json()
        mine = [mail for mail in outbox if reference in mail["subject"] or reference in mail["text"]]
        if len(mine) >= want:
            break
        time.sleep(0.25)
    return mine


def test_given_the_enquiry_form_when_the_e_mail_is_bad_then_its_error_shows_and_a_good_one_gets_a_reference(
    page: Page, stack: LocalStack, shots: Screenshots
) -> None:
    patient = f"browser-{uuid.uuid4().hex[:12]}@example.com"
    page.goto("/?q=Kay+Rowlands")
    page.get_by_role("link", name="Enquire about Mrs Kay Rowlands").click()
    expect(page.locator("#enquiry-heading")).to_be_focused()
    _fill_enquiry(page, "sam-at-example")

    page.get_by_role("button", name="Send enquiry").click()

    email = page.locator("#enq-email")
    error = page.locator("#enq-email-error")
    expect(error).to_have_text("'email' must be an e-mail address such as name@example.com")
    expect(email).to_have_attribute("aria-invalid", "true")
    expect(email).to_have_attribute("aria-describedby", re.compile(r"\benq-email-error\b"))
    expect(email).to_be_focused()
    shots.take(page, "bad-email")
    assert_accessible(page, shots, "field-error")

    email.fill(patient)
    page.get_by_role("button", name="Send enquiry").click()

    reference = page.locator("#enquiry-reference")
    expect(reference).to_be_visible(timeout=15_000)
    assert ULID.match(reference.inner_text()), reference.inner_text()
    expect(page.locator("#enquiry-confirmation")).to_be_focused()
    expect(error).to_have_count(0)
    shots.take(page, "confirmation")
    assert_accessible(page, shots, "confirmation")

    mail = _mail_for(stack, reference.inner_text(), want=2)
    assert sorted(str(m["to"]) for m in mail) == sorted(["enquiries.beaumont@hospitals.example", patient]), mail


def test_given_a_360px_phone_then_nothing_overflows_and_every_step_still_works(
    phone: Page, stack: LocalStack, shots: Screenshots
) -> None:
    phone.goto("/")
    expect(phone.locator(".card").first).to_be_visible()
    expect(phone.locator("#filters-panel")).not_to_have_attribute("open", "")
    shots.take(phone, "home", full_page=False)

    phone.locator("#q").press_sequentially("psychiatr", delay=30)
    expect(phone.get_by_role("option").first).to_be_visible()
    shots.take(phone, "typeahead", full_page=False)
    phone.keyboard.press("Escape")
    phone.locator("#near").fill("Hendon")
    phone.get_by_role("button", name="Search").click()
    expect(phone.locator(".card-distance").first).to_be_visible()
    _assert_fits(phone, 360)
    shots.take(phone, "results")
    assert_accessible(phone, shots, "phone-results")

    phone.locator("#filters-panel summary").click()
    expect(phone.locator("#f-specialty-psychiatry")).to_be_visible()
    _assert_fits(phone, 360)
    shots.take(phone, "filters-open")

    phone.locator(".card").first.get_by_role("link", name=re.compile(r"^View profile")).click()
    expect(phone.locator("#enquiry-form")).to_be_visible()
    _assert_fits(phone, 360)
    shots.take(phone, "profile")
    assert_accessible(phone, shots, "phone-profile")


def _assert_fits(page: Page, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    boxes = page.locator(".card, .search-form, .enquiry, .filters-panel").evaluate_all(
        "ns => ns.filter(n => n.offsetParent).map(n => n.getBoundingClientRect().right)"
    )
    assert boxes
    assert max(boxes) <= width, boxes


def test_given_an_unlabelled_field_then_the_accessibility_check_fails(
    page: Page, stack: LocalStack, shots: Screenshots
) -> None:
    page.goto("/")
    expect(page.locator(".card").first).to_be_visible()
    assert_accessible(page, shots, "before")

    page.evaluate("document.querySelector('main').append(Object.assign(document.createElement('input'), {id: 'x'}))")

    with pytest.raises(AssertionError, match=r"label \(critical\)"):
        assert_accessible(page, shots, "unlabelled")


def test_given_only_a_keyboard_then_focus_moves_in_reading_order_and_shows(
    page: Page, stack: LocalStack, shots: Screenshots
) -> None:
    page.goto("/")
    expect(page.locator(".card").first).to_be_visible()
    order: list[str] = []
    for _ in range(6):
        page.keyboard.press("Tab")
        order.append(page.evaluate("document.activeElement.id || document.activeElement.textContent.trim()"))
        if len(order) == 1:
            shots.take(page, "skip-link", full_page=False)

    assert order == ["Skip to main content", "Find a specialist", "q", "near", "Search", "Filters"]
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineWidth")
    assert outline == "3px"
    shots.take(page, "focus-on-filters", full_page=False)
