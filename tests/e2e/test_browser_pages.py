"""The demo page's treatment, A-Z and hospital pages in a real browser, against the local stack.

The treatment page is checked against the seed page (the hospital group's own "Psychodynamic
therapy" page). CI has no copy of it, so what the test needs from it is written out below.
Screenshots and axe-core's findings go to test-artifacts/browser/<test name>/.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass

import pytest
import requests
from playwright.sync_api import Locator, Page, Route, expect

from devstack.stack import LocalStack
from tests.e2e.browser import (
    Screenshots,
    api,
    assert_accessible,
    assert_no_sideways_scroll,
    fill_enquiry,
    mail_for,
)

pytestmark = pytest.mark.e2e

ULID = re.compile(r"^[0-9A-HJKMNP-TV-Z]{26}$")
expect.set_options(timeout=15_000)  # two shared cores: a search can take seconds under load

SLUG = "psychodynamic-therapy"
A_TO_Z = "Treatments A\N{EN DASH}Z"
URL = f"/treatments/{SLUG}"

# ---- From the seed page, /work/shared/seed/find-a-specialist-page.txt ------------------------
# Its title, its four section headings (their bodies are the demo feed's own text, not the
# seed's), its call to action, the heading over the cards, and the six cards as it shows them.
SEED_TITLE = "Psychodynamic therapy"
SEED_HEADINGS = [
    "What is psychodynamic therapy?",
    "How does psychodynamic therapy work?",
    "What happens during a psychodynamic therapy session?",
    "Are there any side effects associated with this type of therapy?",
]
SEED_CALL_TO_ACTION = "Book your treatment online today."
SEED_SPECIALISTS_HEADING = "Specialists offering Psychodynamic therapy"
SEED_FIND_A_SPECIALIST = "Find a specialist"
SEED_GENERAL_ENQUIRIES = "General Enquiries"


@dataclass(frozen=True)
class SeedCard:
    name: str
    title: str
    qualifications: str | None  # the seed shows none for Nandy and Marklow
    hospital: str  # the first hospital shown
    more: int  # the seed's "+1 more" (other hospitals)
    action: str  # "Book online" or "Enquire"


BOOK, ENQUIRE = "Book online", "Enquire"
SEED_CARDS = [
    SeedCard("Dr Krish Nandy", "Consultant Psychiatrist", None, "BMI The London Independent Hospital", 1, BOOK),
    SeedCard("Mrs Kay Rowlands", "Consultant Psychotherapist/Counsellor",
             "Dip Counselling/Psychotherapy, Post Grad Cognitive Behavioural Therapy (CBT), Accredited Therapist",
             "BMI The Beaumont Hospital", 0, ENQUIRE),
    SeedCard("Dr Christine Marklow", "Consultant Psychologist", None, "BMI The Highfield Hospital", 0, ENQUIRE),
    SeedCard("Dr Margaret Mary Searle", "Consultant Clinical Psychologist",
             "MSc, Dip.Clin.Psychol., Dip.Clin.Neuropsychol., B.Sc(Hons) C.Psychol., D.Clin.Psychol",
             "BMI The Blackheath Hospital", 0, ENQUIRE),
    SeedCard("Gordon James Turnbull", "Consultant Psychiatrist", "BSc, MB, ChB, FRCP, FRCPsych",
             "BMI The Ridgeway Hospital", 0, ENQUIRE),
    SeedCard("Dr Richard O'Flynn", "Consultant Psychiatrist", "MB, BS (Lond) FRCPsych",
             "BMI St Edmunds Hospital", 0, ENQUIRE),
]  # fmt: skip
# ----------------------------------------------------------------------------------------------


def card_named(page: Page, name: str) -> Locator:
    return page.locator("#specialists .card").filter(has=page.get_by_role("heading", name=name, exact=True))


def check_seed_card(card: Locator, seed: SeedCard) -> None:
    expect(card).to_have_count(1)
    expect(card.locator(".card-title")).to_have_text(seed.title)
    if seed.qualifications:
        expect(card.locator(".card-qualifications")).to_have_text(seed.qualifications)
    else:
        expect(card.locator(".card-qualifications")).to_have_count(0)
    hospitals = card.locator(".card-hospitals")
    if seed.more:
        expect(hospitals).to_have_text(f"{seed.hospital} +{seed.more} more hospital")
        expect(hospitals.locator(".more")).to_contain_text(f"+{seed.more} more")
    else:
        expect(hospitals).to_have_text(seed.hospital)
    expect(card.get_by_role("link", name=f"View profile of {seed.name}", exact=True)).to_be_visible()
    other = ENQUIRE if seed.action == BOOK else BOOK
    expect(card.get_by_role("link", name=re.compile(rf"^{seed.action}\b"))).to_be_visible()
    expect(card.get_by_role("link", name=re.compile(rf"^{other}\b"))).to_have_count(0)


def test_given_the_treatment_page_then_it_shows_the_seed_pages_title_sections_and_six_cards(
    page: Page, stack: LocalStack, shots: Screenshots
) -> None:
    answer = api(stack, URL)
    assert answer["summary"], answer

    page.goto(URL)

    expect(page.get_by_role("heading", level=1)).to_have_text(SEED_TITLE)
    expect(page).to_have_title(f"{SEED_TITLE} — Find a specialist")
    expect(page.locator("#treatment-summary")).to_have_text(answer["summary"])
    expect(page.locator("#book-online-cta")).to_have_text(SEED_CALL_TO_ACTION)  # Nandy books online
    expect(page.locator(".content-section h2")).to_have_text(SEED_HEADINGS)
    bodies = page.locator(".content-section .prose").all_inner_texts()
    assert len(bodies) == 4
    assert all(body.strip() for body in bodies), bodies
    expect(page.locator("#list-heading")).to_have_text(SEED_SPECIALISTS_HEADING)
    expect(page.locator("#specialists .card")).to_have_count(6)
    expect(page.locator("#list-status")).to_have_text("6 specialists")
    for seed in SEED_CARDS:
        check_seed_card(card_named(page, seed.name), seed)
    expect(page.get_by_role("heading", name=SEED_FIND_A_SPECIALIST, exact=True)).to_be_visible()
    expect(page.get_by_role("search", name=SEED_FIND_A_SPECIALIST)).to_be_visible()
    expect(page.get_by_role("button", name=SEED_GENERAL_ENQUIRIES, exact=True)).to_be_visible()
    offered = page.locator(".page-side .counted a")
    expect(offered).to_have_text([hospital["name"] for hospital in answer["hospitals"]])
    expect(page.get_by_role("link", name=A_TO_Z, exact=True).last).to_have_attribute("href", "/treatments")
    shots.take(page, "treatment-desktop")
    assert_accessible(page, shots, "treatment-desktop")

    box = page.get_by_role("search", name=SEED_FIND_A_SPECIALIST)
    box.get_by_label("Specialist, treatment or condition").fill("Kay Rowlands")
    box.get_by_role("button", name="Search").click()

    expect(page).to_have_url(re.compile(r"/\?q=Kay\+Rowlands$"))
    expect(page.locator("#search-view .card h3").first).to_have_text("Mrs Kay Rowlands")
    page.go_back()
    expect(page.get_by_role("heading", level=1)).to_have_text(SEED_TITLE)
    expect(page.locator("#specialists .card")).to_have_count(6)


def test_given_the_treatment_page_when_a_card_is_followed_then_back_returns_to_the_treatment(
    page: Page, stack: LocalStack, shots: Screenshots
) -> None:
    page.goto(URL)
    card_named(page, "Mrs Kay Rowlands").get_by_role("link", name="View profile of Mrs Kay Rowlands").click()

    expect(page.locator("#profile-name")).to_have_text("Mrs Kay Rowlands")
    expect(page.locator("#back-link")).to_have_text(f"Back to {SEED_TITLE}")
    page.locator("#back-link").click()

    expect(page).to_have_url(re.compile(rf"{URL}$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(SEED_TITLE)
    page.reload()
    expect(page.locator("#specialists .card")).to_have_count(6)


def test_given_general_enquiries_then_the_form_names_no_specialist_and_the_central_team_gets_the_treatment(
    page: Page, stack: LocalStack, shots: Screenshots
) -> None:
    answer = api(stack, URL)
    patient = f"general-{uuid.uuid4().hex[:12]}@example.com"
    page.goto(URL)
    button = page.get_by_role("button", name=SEED_GENERAL_ENQUIRIES, exact=True)

    button.click()

    expect(button).to_have_attribute("aria-expanded", "true")
    heading = page.locator("#enquiry-heading")
    expect(heading).to_be_focused()
    expect(heading).to_have_text("General enquiry")
    form = page.locator("#general-enquiry")
    for seed in SEED_CARDS:
        expect(form).not_to_contain_text(seed.name)
    expect(form).to_contain_text(SEED_TITLE)
    hospital = page.get_by_label("Hospital")
    expect(hospital.locator("option:checked")).to_have_text("Any hospital / not sure")
    expect(hospital.locator("option")).to_have_text(
        ["Any hospital / not sure", *(h["name"] for h in answer["hospitals"])]
    )
    shots.take(page, "general-enquiry-form")
    assert_accessible(page, shots, "general-enquiry-form")

    fill_enquiry(page, patient)
    page.get_by_role("button", name="Send enquiry").click()

    reference = page.locator("#enquiry-reference")
    expect(reference).to_be_visible()
    assert ULID.match(reference.inner_text()), reference.inner_text()
    expect(page.locator("#enquiry-confirmation")).to_be_focused()
    expect(page.locator("#enquiry-confirmation")).to_contain_text("Our central enquiries team will be in touch")
    shots.take(page, "general-enquiry-sent")
    mail = mail_for(stack, reference.inner_text(), want=2)
    team = [m for m in mail if patient not in str(m["to"])]
    assert len(team) == 1, mail
    assert team[0]["subject"] == f"General enquiry {reference.inner_text()}", team
    assert "enquiries@hospitals.example" in str(team[0]["to"]), team
    assert SEED_TITLE in team[0]["text"], team[0]["text"]


def test_given_a_360px_phone_then_the_treatment_a_to_z_and_hospital_pages_fit_and_pass_the_accessibility_check(
    phone: Page, stack: LocalStack, shots: Screenshots
) -> None:
    phone.goto(URL)
    expect(phone.locator("#specialists .card")).to_have_count(6)
    expect(phone.locator(".content-section h2")).to_have_text(SEED_HEADINGS)

    assert_no_sideways_scroll(phone)
    shots.take(phone, "treatment-phone")
    assert_accessible(phone, shots, "treatment-phone")

    phone.get_by_role("button", name=SEED_GENERAL_ENQUIRIES, exact=True).click()
    expect(phone.locator("#enquiry-form")).to_be_visible()
    assert_no_sideways_scroll(phone)
    shots.take(phone, "general-enquiry-phone", full_page=False)

    phone.goto("/treatments?letter=p")
    expect(phone.locator(f'#treatment-list li[data-slug="{SLUG}"]')).to_be_visible()
    assert_no_sideways_scroll(phone)
    shots.take(phone, "a-to-z-phone")
    assert_accessible(phone, shots, "a-to-z-phone")

    phone.goto("/hospitals/hendon")
    expect(phone.locator("#specialists .card")).to_have_count(10)
    phone.locator("#hospital-treatments summary").click()
    assert_no_sideways_scroll(phone)
    shots.take(phone, "hospital-phone")
    assert_accessible(phone, shots, "hospital-phone")


def test_given_treatments_a_to_z_when_p_is_chosen_then_psychodynamic_therapy_is_listed_with_six(
    page: Page, stack: LocalStack, shots: Screenshots
) -> None:
    everything = api(stack, "/treatments")
    page.goto("/treatments")
    letters = page.get_by_role("navigation", name="Treatments by letter")
    expect(page.get_by_role("heading", level=1)).to_have_text(A_TO_Z)
    expect(page.locator("#list-status")).to_have_text(f"{everything['total']:,} treatments")
    for letter in "abcdefghijklmnopqrstuvwxyz":
        link = letters.get_by_role("link", name=letter.upper(), exact=True)
        expect(link).to_have_count(1 if letter in everything["letters"] else 0)
    shots.take(page, "a-to-z", full_page=False)
    assert_accessible(page, shots, "a-to-z")

    letters.get_by_role("link", name="P", exact=True).click()

    expect(page).to_have_url(re.compile(r"/treatments\?letter=p$"))
    expect(letters.get_by_role("link", name="P", exact=True)).to_have_attribute("aria-current", "page")
    expect(page.locator("#list-heading")).to_be_focused()
    entry = page.locator(f'#treatment-list li[data-slug="{SLUG}"]')
    expect(entry).to_have_text("Psychodynamic therapy 6 specialists")
    shots.take(page, "letter-p")
    entry.get_by_role("link", name=SEED_TITLE).click()

    expect(page).to_have_url(re.compile(rf"{URL}$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(SEED_TITLE)
    expect(page.get_by_role("heading", level=1)).to_be_focused()
    page.go_back()
    expect(page.locator(f'#treatment-list li[data-slug="{SLUG}"]')).to_be_visible()


def test_given_a_hospital_page_then_its_offerings_and_cards_show_and_a_treatment_leads_to_its_page(
    page: Page, stack: LocalStack, shots: Screenshots
) -> None:
    hendon = api(stack, "/hospitals/hendon", page_size="10")
    page.goto("/hospitals/hendon")

    expect(page.get_by_role("heading", level=1)).to_have_text("BMI Hendon Hospital")
    expect(page.locator("#hospital-postcode")).to_have_text("NW4 1RP")
    specialties = page.locator("#hospital-specialties li")
    expect(specialties).to_have_text([f"{s['label']} ({s['count']})" for s in hendon["specialties"]])
    expect(page.locator("#hospital-treatments summary")).to_have_text(f"{len(hendon['treatments'])} treatments")
    expect(page.locator("#specialists .card h3")).to_have_text([card["name"] for card in hendon["results"]])
    expect(page.locator("#list-status")).to_have_text(f"{hendon['total']} specialists, showing 1 to 10")
    shots.take(page, "hospital")
    assert_accessible(page, shots, "hospital")

    page.get_by_role("link", name="Next (page 2)").click()
    expect(page).to_have_url(re.compile(r"/hospitals/hendon\?page=2$"))
    expect(page.locator("#list-status")).to_have_text(re.compile(r"showing 11 to 20$"))
    expect(page.locator("#list-heading")).to_be_focused()

    page.locator("#hospital-treatments summary").click()
    page.locator("#hospital-treatments").get_by_role("link", name=SEED_TITLE, exact=True).click()

    expect(page).to_have_url(re.compile(rf"{URL}$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(SEED_TITLE)


def test_given_a_hospital_page_when_enquire_is_pressed_then_the_general_enquiry_goes_to_that_hospital(
    page: Page, stack: LocalStack, shots: Screenshots
) -> None:
    patient = f"hospital-{uuid.uuid4().hex[:12]}@example.com"
    page.goto("/hospitals/hendon")
    page.get_by_role("button", name="Enquire", exact=True).click()

    expect(page.locator("#enquiry-heading")).to_have_text("Enquire at BMI Hendon Hospital")
    expect(page.locator("#enquiry-heading")).to_be_focused()
    expect(page.locator("#enq-hospital_id")).to_have_count(0)  # the hospital is this one
    page.locator("#enq-treatment").select_option(SLUG)
    fill_enquiry(page, patient)
    page.get_by_role("button", name="Send enquiry").click()

    reference = page.locator("#enquiry-reference")
    expect(reference).to_be_visible()
    shots.take(page, "hospital-enquiry-sent", full_page=False)
    mail = mail_for(stack, reference.inner_text(), want=2)
    assert sorted(str(m["to"]) for m in mail) == sorted(["enquiries.hendon@hospitals.example", patient]), mail
    team = next(m for m in mail if "enquiries.hendon" in str(m["to"]))
    assert team["subject"] == f"General enquiry {reference.inner_text()}"
    assert SEED_TITLE in team["text"]


def test_given_an_unknown_treatment_then_the_page_says_so_and_offers_the_nearest(
    page: Page, stack: LocalStack, shots: Screenshots
) -> None:
    missing = requests.get(
        f"{stack.api_url}/treatments/psychodinamic-therapy", headers={"Accept": "application/json"}, timeout=10
    )
    assert missing.status_code == 404
    message = missing.json()["error"]["message"]
    assert SLUG in message, message

    page.goto("/treatments/psychodinamic-therapy")

    expect(page.get_by_role("heading", level=1)).to_have_text("Treatment not found")
    expect(page.locator("#not-found-message")).to_have_text(message)
    ways_on = page.get_by_role("navigation", name="Try one of these")
    expect(ways_on.get_by_role("link", name=A_TO_Z)).to_have_attribute("href", "/treatments")
    nearest = ways_on.get_by_role("link", name=SEED_TITLE, exact=True)  # typeahead's match for the words
    expect(nearest).to_have_attribute("href", URL)
    shots.take(page, "not-found")
    assert_accessible(page, shots, "not-found")
    nearest.click()

    expect(page.get_by_role("heading", level=1)).to_have_text(SEED_TITLE)


def test_given_a_search_naming_the_treatment_then_the_results_link_to_its_page(
    page: Page, stack: LocalStack, shots: Screenshots
) -> None:
    answer = api(stack, "/specialists", q="psychodynamic therapy", page_size="1")
    assert answer["page_link"] == {"type": "treatment", "slug": SLUG, "label": SEED_TITLE}, answer
    page.goto("/?q=psychodynamic+therapy")

    about = page.locator("#page-link").get_by_role("link", name=f"About {SEED_TITLE}")
    expect(about).to_have_attribute("href", URL)
    shots.take(page, "page-link", full_page=False)
    about.click()

    expect(page.get_by_role("heading", level=1)).to_have_text(SEED_TITLE)
    page.go_back()
    expect(page.locator("#q")).to_have_value("psychodynamic therapy")
    expect(page.locator("#page-link")).to_be_visible()


def test_given_section_html_with_markup_outside_the_allowed_set_then_only_the_allowed_set_is_shown(
    page: Page, stack: LocalStack, shots: Screenshots
) -> None:
    """Defence in depth: the API escapes its Markdown, but the page keeps only p, ul, ol, li, strong,
    em and a (https or this site's paths) even if an answer held more."""
    hostile = (
        '<p onclick="alert(1)">Safe <strong>bold</strong> <em>it</em> <a href="/treatments">A to Z</a> '
        '<a href="https://www.nhs.uk/">NHS</a> <a href="javascript:alert(1)">js</a></p>'
        '<ul><li>one</li></ul><script>window.hacked = 1</script><img src="/x.png" alt="x">'
        '<iframe src="https://example.com"></iframe><div style="color:red">unwrapped</div>'
    )

    def tamper(route: Route) -> None:
        if route.request.resource_type != "fetch":
            route.continue_()
            return
        body = route.fetch().json()
        body["sections"][0]["html"] = hostile
        route.fulfill(json=body)

    page.route(re.compile(rf"{URL}(\?.*)?$"), tamper)
    page.goto(URL)

    prose = page.locator(".content-section .prose").first
    expect(prose).to_contain_text("Safe bold it A to Z NHS js")
    expect(prose).to_contain_text("unwrapped")
    tags = prose.evaluate("n => [...n.querySelectorAll('*')].map(e => e.tagName.toLowerCase())")
    assert set(tags) <= {"p", "ul", "li", "strong", "em", "a"}, tags
    attributes = prose.evaluate("n => [...n.querySelectorAll('*')].flatMap(e => [...e.attributes].map(a => a.name))")
    assert set(attributes) <= {"href", "data-internal", "rel"}, attributes
    hrefs = prose.locator("a").evaluate_all("ns => ns.map(n => n.getAttribute('href'))")
    assert hrefs == ["/treatments", "https://www.nhs.uk/"], hrefs
    assert page.evaluate("window.hacked") is None
    shots.take(page, "sanitised", full_page=False)
