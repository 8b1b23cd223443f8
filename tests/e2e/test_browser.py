"""The demo page at / in a real browser (Debian's Chromium, headless), against the local stack.

Each test saves a screenshot of every step and axe-core's findings in
test-artifacts/browser/<test name>/.
"""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import Page, expect

from devstack.stack import DEMO_SEED, LocalStack
from tests.e2e.browser import Screenshots, api, assert_accessible, facet_counts, fill_enquiry, mail_for, settled
from tests.feeds import demo_listed

pytestmark = pytest.mark.e2e

ULID = re.compile(r"^[0-9A-HJKMNP-TV-Z]{26}$")
expect.set_options(timeout=15_000)  # two shared cores: a search can take seconds under load


def demo_total(stack: LocalStack) -> int:
    """The demo catalog's specialists the search lists: all but the few not registered."""
    return demo_listed(stack.demo_count, DEMO_SEED)


def shown_total(page: Page) -> int:
    status = page.locator("#status").inner_text()
    match = re.match(r"([\d,]+) specialists? found", status)
    assert match, status
    return int(match.group(1).replace(",", ""))


def distances(page: Page) -> list[float]:
    settled(page)
    miles = page.locator(".card-distance").evaluate_all("ns => ns.map(n => n.dataset.miles)")
    return [float(m) for m in miles]


def test_given_the_page_when_the_patient_types_a_name_and_presses_enter_then_a_seed_shaped_card_shows(
    page: Page, stack: LocalStack, shots: Screenshots
) -> None:
    page.goto("/")
    expect(page.locator("#status")).to_have_text(re.compile(rf"^{demo_total(stack):,} specialists found"))
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
    expect(page.locator(".hospital-list .hospital-name")).to_have_text("BMI The Beaumont Hospital, BL6 4LA")
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
    expect(page.locator("#status")).to_have_text(re.compile(rf"^{demo_total(stack):,} specialists found"))
    psychiatry = facet_counts(page, "specialty")["Psychiatry"]
    genders_before = facet_counts(page, "gender")
    shots.take(page, "before")

    page.locator("#f-specialty-psychiatry").check()

    expect(page.locator("#status")).to_have_text(re.compile(rf"^{psychiatry} specialists found"))
    assert psychiatry == api(stack, "/specialists", specialty="psychiatry", page_size="1")["total"]
    assert 0 < psychiatry < demo_total(stack)
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


def understood(page: Page) -> list[str]:
    """The labels of the chips for what the words said ("near Hendon", "Covered by WPA")."""
    settled(page)
    return page.locator("#parts .chip-label").all_inner_texts()


def card_names(page: Page) -> list[str]:
    settled(page)
    return page.locator(".card h3").all_inner_texts()


def test_given_words_with_a_place_then_a_chip_shows_it_and_its_x_searches_without_those_words(
    page: Page, stack: LocalStack, shots: Screenshots
) -> None:
    without_place = api(stack, "/specialists", q="psychiatrist", page_size="1")["total"]
    page.goto("/")
    page.locator("#q").fill("psychiatrist near Hendon")
    page.keyboard.press("Enter")

    expect(page.locator("#parts .chip-label")).to_have_text(["near Hendon"])
    expect(page.locator("#understood-text")).to_have_text("Searching for: psychiatrist")
    near_hendon = card_names(page)
    assert len(near_hendon) == 10
    assert len(distances(page)) == 10  # the place from the words gives every card its distance
    shots.take(page, "chip")
    assert_accessible(page, shots, "chip")

    page.get_by_role("button", name="Remove near Hendon", exact=True).click()

    expect(page).to_have_url(re.compile(r"\?q=psychiatrist$"))
    expect(page.locator("#q")).to_have_value("psychiatrist")
    expect(page.locator("#status")).to_have_text(re.compile(rf"^{without_place} specialists found"))
    expect(page.locator("#parts .chip-label")).to_have_count(0)
    expect(page.locator("#understood")).to_be_hidden()
    expect(page.locator(".card-distance")).to_have_count(0)
    everywhere = card_names(page)
    assert everywhere != near_hendon
    expect(page.locator("#results-heading")).to_be_focused()
    shots.take(page, "chip-removed")


def test_given_words_naming_an_insurer_then_a_chip_shows_it_and_only_its_members_are_found(
    page: Page, stack: LocalStack, shots: Screenshots
) -> None:
    everyone = api(stack, "/specialists", q="cardiologist", page_size="1")["total"]
    with_wpa = api(stack, "/specialists", q="cardiologist", insurer="wpa", page_size="1")["total"]
    assert 0 < with_wpa < everyone
    answer = api(stack, "/specialists", q="cardiologist that takes WPA", page_size="1")
    assert answer["relaxed"] == [], answer  # nothing loosened: everyone found takes WPA
    page.goto("/")
    page.locator("#q").fill("cardiologist that takes WPA")
    page.keyboard.press("Enter")

    expect(page.locator("#parts .chip-label")).to_have_text(["Covered by WPA"])
    expect(page.get_by_role("button", name="Remove Covered by WPA", exact=True)).to_be_visible()
    expect(page.locator("#status")).to_have_text(re.compile(rf"^{with_wpa} specialists found"))
    assert facet_counts(page, "insurer")["WPA"] == with_wpa  # every one found takes WPA
    shots.take(page, "insurer-chip")

    page.locator(".card").first.get_by_role("link", name=re.compile(r"^View profile")).click()
    expect(page.locator(".facts dt:text-is('Insurers') + dd")).to_contain_text("WPA")
    shots.take(page, "profile-takes-wpa")
    page.go_back()
    expect(page.locator("#parts .chip-label")).to_have_text(["Covered by WPA"])

    overridden = api(stack, "/specialists", q="cardiologist that takes Bupa", insurer="wpa", page_size="1")
    conflicts = [c["message"] for c in overridden["interpreted"]["conflicts"]]
    assert conflicts, overridden  # the explicit insurer wins over the words
    page.goto("/?q=cardiologist+that+takes+Bupa&insurer=wpa")
    expect(page.locator("#conflicts li")).to_have_text(conflicts)
    shots.take(page, "conflict")


def test_given_words_describing_an_emergency_then_an_alert_to_call_999_comes_before_the_results(
    page: Page, stack: LocalStack, shots: Screenshots
) -> None:
    page.goto("/")
    page.locator("#q").fill("crushing chest pain")
    page.keyboard.press("Enter")

    alert = page.locator("#notices").get_by_role("alert")
    expect(alert).to_have_count(1)
    expect(alert).to_contain_text("Call 999 now")
    expect(page.locator(".card").first).to_be_visible()
    assert shown_total(page) > 0
    above = alert.bounding_box()
    assert above
    for below in (page.locator("#results-heading"), page.locator(".card").first, page.locator("#filters-panel")):
        box = below.bounding_box()
        assert box
        assert above["y"] + above["height"] <= box["y"]
    shots.take(page, "alert", full_page=False)
    assert_accessible(page, shots, "alert")

    page.locator("#q").fill("cardiologist")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"\?q=cardiologist$"))
    expect(page.locator("#notices").get_by_role("alert")).to_have_count(0)


def test_given_nobody_near_the_place_in_the_words_then_a_polite_line_says_how_the_search_was_widened(
    page: Page, stack: LocalStack, shots: Screenshots
) -> None:
    answer = api(stack, "/specialists", q="dermatologist near Inverness", page_size="1")
    assert answer["relaxed"], answer  # the demo data has no dermatologist within 25 miles of Inverness
    widened = answer["relaxed"][-1]["message"]
    page.goto("/")
    page.locator("#q").fill("dermatologist near Inverness")
    page.keyboard.press("Enter")

    relaxed = page.get_by_role("status").filter(has_text=widened)
    expect(relaxed).to_have_text(widened)
    expect(relaxed).to_have_attribute("aria-live", "polite")
    miles = distances(page)
    assert miles
    assert min(miles) > 25
    line, card = relaxed.bounding_box(), page.locator(".card").first.bounding_box()
    assert line
    assert card
    assert line["y"] + line["height"] <= card["y"]
    shots.take(page, "relaxed", full_page=False)

    page.get_by_role("button", name="Remove near Inverness", exact=True).click()
    expect(page).to_have_url(re.compile(r"\?q=dermatologist$"))
    expect(page.locator("#relaxed")).to_be_empty()
    expect(page.locator(".card").first).to_be_visible()
    shots.take(page, "nothing-relaxed", full_page=False)


def test_given_a_360px_phone_then_chips_the_alert_and_the_relaxed_line_fit_and_pass_the_accessibility_check(
    phone: Page, stack: LocalStack, shots: Screenshots
) -> None:
    words = "crushing chest pain near Hendon for children who speaks Gujarati that takes WPA"
    answer = api(stack, "/specialists", q=words, page_size="1")
    assert answer["relaxed"], answer
    assert answer["notices"], answer
    assert len(answer["interpreted"]["parts"]) == 4, answer
    phone.goto("/")
    phone.locator("#q").fill(words)
    phone.keyboard.press("Enter")

    expect(phone.locator("#notices").get_by_role("alert")).to_contain_text("999")
    expect(phone.locator("#relaxed")).to_have_text(answer["relaxed"][-1]["message"])
    assert understood(phone) == [part["label"] for part in answer["interpreted"]["parts"]]
    expect(phone.locator(".card").first).to_be_visible()
    _assert_fits(phone, 360)
    chips = phone.locator("#parts li").evaluate_all("ns => ns.map(n => n.getBoundingClientRect().right)")
    assert chips
    assert max(chips) <= 360, chips
    shots.take(phone, "understood")
    assert_accessible(phone, shots, "phone-understood")


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


def test_given_the_enquiry_form_when_the_e_mail_is_bad_then_its_error_shows_and_a_good_one_gets_a_reference(
    page: Page, stack: LocalStack, shots: Screenshots
) -> None:
    patient = f"browser-{uuid.uuid4().hex[:12]}@example.com"
    page.goto("/?q=Kay+Rowlands")
    page.get_by_role("link", name="Enquire about Mrs Kay Rowlands").click()
    expect(page.locator("#enquiry-heading")).to_be_focused()
    fill_enquiry(page, "sam-at-example")

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

    mail = mail_for(stack, reference.inner_text(), want=2)
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
    for _ in range(8):
        page.keyboard.press("Tab")
        order.append(page.evaluate("document.activeElement.id || document.activeElement.textContent.trim()"))
        if len(order) == 1:
            shots.take(page, "skip-link", full_page=False)

    header = ["Skip to main content", "Find a specialist", "Treatments A\N{EN DASH}Z", "Hospitals"]
    assert order == [*header, "q", "near", "Search", "Filters"]
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineWidth")
    assert outline == "3px"
    shots.take(page, "focus-on-filters", full_page=False)
