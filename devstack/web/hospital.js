// A hospital's page (its name, postcode, what its specialists offer with counts, its
// specialists' cards with a pager, a general enquiry to its team) and the list of hospitals.

import { el, clear, plural } from "./dom.js";
import { countedLinks, internalLink, pageTitle, specialistsBlock } from "./blocks.js";
import { generalEnquiryButton } from "./enquiry.js";
import { treatmentHref } from "./treatment.js";

export function hospitalHref(id, page = 1) {
  const path = `/hospitals/${encodeURIComponent(id)}`;
  return page > 1 ? `${path}?page=${page}` : path;
}

function enquire(hospital, formContainer) {
  const button = generalEnquiryButton({ id: "hospital-enquiry", text: "Enquire" }, formContainer, {
    heading: `Enquire at ${hospital.name}`,
    intro: `Your enquiry goes to the enquiries team of ${hospital.name}.`,
    hospital,
    treatments: hospital.treatments,
  });
  return el("div", { class: "page-actions" }, button, internalLink(`/?hospital=${encodeURIComponent(hospital.id)}`, "Search its specialists"));
}

function offerings(hospital) {
  const specialties = hospital.specialties.map((s) => ({
    href: `/?hospital=${encodeURIComponent(hospital.id)}&specialty=${encodeURIComponent(s.value)}`,
    label: s.label,
    count: s.count,
  }));
  const treatments = hospital.treatments.map((t) => ({ href: treatmentHref(t.value), label: t.label, count: t.count }));
  return el(
    "section",
    { class: "offerings side-box", "aria-labelledby": "offerings-heading" },
    el("h2", { id: "offerings-heading", text: "What its specialists offer" }),
    el("p", { class: "hint", text: "In brackets, how many of its specialists offer it" }),
    el(
      "details",
      { class: "offering", id: "hospital-specialties", open: true },
      el("summary", { text: `${plural(specialties.length, "specialty", "specialties")}` }),
      countedLinks(specialties),
    ),
    el(
      "details",
      { class: "offering", id: "hospital-treatments" },
      el("summary", { text: `${plural(treatments.length, "treatment", "treatments")}` }),
      countedLinks(treatments),
    ),
  );
}

export function renderHospital(container, hospital) {
  const formContainer = el("div", { id: "general-enquiry", class: "general-enquiry", hidden: true });
  clear(container).append(
    pageTitle(hospital.name),
    hospital.postcode ? el("p", { class: "postcode-line", id: "hospital-postcode", text: hospital.postcode }) : null,
    enquire(hospital, formContainer),
    formContainer,
    el(
      "div",
      { class: "page-layout" },
      el(
        "div",
        { class: "page-main" },
        specialistsBlock({
          heading: `Specialists at ${hospital.name}`,
          body: hospital,
          hrefFor: (n) => hospitalHref(hospital.id, n),
        }),
      ),
      el("div", { class: "page-side" }, offerings(hospital)),
    ),
  );
}

export function renderHospitals(container, list) {
  clear(container).append(
    pageTitle("Hospitals"),
    el("p", { class: "status", id: "list-status", text: plural(list.total, "hospital", "hospitals") }),
    el(
      "ul",
      { class: "hospital-index" },
      list.hospitals.map((h) =>
        el(
          "li",
          {},
          internalLink(hospitalHref(h.id), h.name),
          h.postcode ? `, ${h.postcode}` : "",
          " ",
          el("span", { class: "count", text: `(${plural(h.specialists, "specialist", "specialists")})` }),
        ),
      ),
    ),
  );
}
