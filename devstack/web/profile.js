// The profile view: everything GET /specialists/{id} answers, and the way to book or enquire.

import { el, clear, hiddenText } from "./dom.js";

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

export function renderProfile(container, profile) {
  clear(container);
  const hospitals = el(
    "ul",
    { class: "hospital-list" },
    profile.hospitals.map((h) =>
      el("li", {}, h.name, h.postcode ? el("span", { class: "postcode", text: `, ${h.postcode}` }) : null),
    ),
  );
  const book =
    profile.action === "book" && profile.booking_url
      ? el(
          "a",
          { class: "button button-book", href: profile.booking_url, target: "_blank", rel: "noopener" },
          "Book online",
          hiddenText(" (opens in a new tab)"),
        )
      : null;
  container.append(
    el(
      "article",
      { class: "profile" },
      el("h1", { id: "profile-name", tabindex: "-1", text: profile.name }),
      profile.title ? el("p", { class: "profile-title", text: profile.title }) : null,
      profile.qualifications ? el("p", { class: "card-qualifications", text: profile.qualifications }) : null,
      el(
        "div",
        { class: "profile-actions" },
        book,
        el("button", { type: "button", class: "button button-primary", text: "Send an enquiry", onclick: toEnquiry }),
      ),
      el("h2", { text: "Hospitals" }),
      hospitals,
      el(
        "dl",
        { class: "facts" },
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
