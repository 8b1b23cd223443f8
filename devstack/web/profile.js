// The profile view: everything GET /specialists/{id} answers, and the way to book or enquire
// (each naming the click event it sends, `data-event`, when the profile was opened from a result).

import { el, clear, hiddenText } from "./dom.js";
import { CONSULTATION_LABELS, feesMayBeStale, longDate, pounds, registrationText, slotDayTime } from "./format.js";
import { availability } from "./results.js";

function row(term, value) {
  if (value === null || value === undefined || value === "" || (Array.isArray(value) && !value.length)) return null;
  const shown = Array.isArray(value) ? value.join(", ") : String(value);
  return [el("dt", { text: term }), el("dd", { text: shown })];
}

function toEnquiry() {
  const heading = document.getElementById("enquiry-heading");
  heading.scrollIntoView({ block: "start" });
  heading.focus();
}

// Each hospital's own next slot, with when the booking system reported it; none when the
// API has none it trusts.
function hospitalSlot(hospital) {
  const slot = hospital.next_available;
  if (!slot) return el("span", { class: "hospital-slot availability-unknown", text: "Availability: ask the hospital" });
  return el(
    "span",
    { class: "hospital-slot availability" },
    "Next available ",
    el("time", { datetime: slot.at, text: slotDayTime(slot.at) }),
    el("span", { class: "as-of" }, " (as of ", el("time", { datetime: slot.as_of, text: slotDayTime(slot.as_of) }), ")"),
  );
}

function hospitalList(hospitals) {
  return el(
    "ul",
    { class: "hospital-list" },
    hospitals.map((h) =>
      el(
        "li",
        {},
        el(
          "span",
          { class: "hospital-name" },
          h.name,
          h.postcode ? el("span", { class: "postcode", text: `, ${h.postcode}` }) : null,
        ),
        hospitalSlot(h),
      ),
    ),
  );
}

const YES_NO = (value) => (value ? "Yes" : "No");

function arrangements(list) {
  if (!list.length) return null;
  const header = ["Insurer", "Fee capped", "Shortfall possible"].map((text) => el("th", { scope: "col", text }));
  return el(
    "table",
    { class: "arrangements" },
    el("caption", { text: "With health insurance" }),
    el("thead", {}, el("tr", {}, header)),
    el(
      "tbody",
      {},
      list.map((a) =>
        el(
          "tr",
          {},
          el("th", { scope: "row", text: a.insurer }),
          el("td", { text: YES_NO(a.fee_capped) }),
          el("td", { text: YES_NO(a.shortfall_possible) }),
        ),
      ),
    ),
  );
}

// Self-pay fees as published under the CMA order, when they were updated, and each insurer's terms.
function fees(profile) {
  const heading = el("h2", { text: "Fees" });
  const given = profile.fees;
  if (!given) return [heading, el("p", { class: "fees-none", text: "Fees not published: ask the hospital." })];
  const money = (pence) => (typeof pence === "number" ? pounds(pence) : null);
  return [
    heading,
    el(
      "dl",
      { class: "facts fees" },
      row("First consultation (self-pay)", money(given.initial_consultation)),
      row("Follow-up (self-pay)", money(given.follow_up)),
    ),
    el(
      "p",
      { class: "updated-note" },
      "Fees updated ",
      el("time", { datetime: given.updated_at, text: longDate(given.updated_at) }),
      feesMayBeStale(given.updated_at) ? " and may have changed since: check with the hospital" : null,
    ),
    arrangements(given.insurer_arrangements || []),
  ];
}

export function renderProfile(container, profile) {
  clear(container);
  const book =
    profile.action === "book" && profile.booking_url
      ? el(
          "a",
          {
            class: "button button-book",
            href: profile.booking_url,
            target: "_blank",
            rel: "noopener",
            "data-event": "book",
          },
          "Book online",
          hiddenText(" (opens in a new tab)"),
        )
      : null;
  const registration = registrationText(profile.gmc_number, profile.registration);
  const types = (profile.consultation_types || []).map((type) => CONSULTATION_LABELS[type] || type);
  container.append(
    el(
      "article",
      { class: "profile" },
      el("h1", { id: "profile-name", tabindex: "-1", text: profile.name }),
      profile.title ? el("p", { class: "profile-title", text: profile.title }) : null,
      profile.qualifications ? el("p", { class: "card-qualifications", text: profile.qualifications }) : null,
      registration ? el("p", { class: "registration", text: registration }) : null,
      availability(profile.next_available, profile.hospitals),
      el(
        "div",
        { class: "profile-actions" },
        book,
        el("button", {
          type: "button",
          class: "button button-primary",
          text: "Send an enquiry",
          onclick: toEnquiry,
          "data-event": "enquire",
        }),
      ),
      el("h2", { text: "Hospitals" }),
      hospitalList(profile.hospitals),
      fees(profile),
      el(
        "dl",
        { class: "facts" },
        row("Consultations", types),
        row("Specialties", profile.specialties),
        row("Treatments", profile.treatments),
        row("Conditions", profile.conditions),
        row("Languages", profile.languages),
        row("Insurers", profile.insurers),
        row("Sees children", profile.sees_children ? "Yes" : "No"),
      ),
      profile.bio ? el("p", { class: "bio", text: profile.bio }) : null,
    ),
  );
}
