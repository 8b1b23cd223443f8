// A treatment's page, shaped like the seed page: title, summary, the content's sections, the
// specialists who offer it (the same cards as search), then a "Find a specialist" box, a
// "General Enquiries" button, where it is offered, related specialties and conditions.

import { el, clear } from "./dom.js";
import { countedLinks, internalLink, pageTitle, specialistsBlock, specialistsText } from "./blocks.js";
import { generalEnquiryButton } from "./enquiry.js";
import { richText } from "./richtext.js";

export const BOOK_ONLINE = "Book your treatment online today.";

export function treatmentHref(slug, page = 1) {
  const path = `/treatments/${encodeURIComponent(slug)}`;
  return page > 1 ? `${path}?page=${page}` : path;
}

function introduction(page) {
  const booksOnline = page.specialists.results.some((card) => card.action === "book" && card.booking_url);
  const summary = page.summary
    ? el("p", { class: "summary", id: "treatment-summary", text: page.summary })
    : el("p", { class: "summary", id: "treatment-summary", text: "We have no description of this treatment yet." });
  return [
    page.also_known_as.length
      ? el("p", { class: "also-known-as", text: `Also known as ${page.also_known_as.join(", ")}` })
      : null,
    summary,
    booksOnline ? el("p", { class: "cta", id: "book-online-cta" }, el("a", { href: "#specialists", text: BOOK_ONLINE })) : null,
  ];
}

function sections(page) {
  return page.sections.map((section, i) =>
    el(
      "section",
      { class: "content-section", "aria-labelledby": `section-${i + 1}` },
      el("h2", { id: `section-${i + 1}`, text: section.heading }),
      el("div", { class: "prose" }, richText(section.html, section.body)),
    ),
  );
}

function findBox(onSearch) {
  const input = el("input", { id: "find-q", name: "q", type: "text", maxlength: "200", autocomplete: "off" });
  const form = el(
    "form",
    { class: "find-form", role: "search", "aria-labelledby": "find-heading", novalidate: true },
    el("label", { for: "find-q", text: "Specialist, treatment or condition" }),
    input,
    el("button", { type: "submit", class: "button button-primary", text: "Search" }),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    onSearch(input.value.trim());
  });
  return el(
    "section",
    { class: "side-box find-box", "aria-labelledby": "find-heading" },
    el("h2", { id: "find-heading", text: "Find a specialist" }),
    form,
  );
}

function generalEnquiry(page, formContainer) {
  const button = generalEnquiryButton({ id: "general-enquiries", text: "General Enquiries" }, formContainer, {
    heading: "General enquiry",
    intro: `About ${page.label}. No specialist in mind? Choose a hospital, or leave it to our central enquiries team.`,
    hospitals: page.hospitals,
    treatment: { slug: page.slug, label: page.label },
  });
  return el(
    "section",
    { class: "side-box", "aria-labelledby": "general-heading" },
    el("h2", { id: "general-heading", text: "Not sure who to see?" }),
    el("p", { text: "Ask our enquiries team about this treatment." }),
    button,
  );
}

function offeredAt(page) {
  if (!page.hospitals.length) return null;
  const items = page.hospitals.map((h) => ({ href: `/hospitals/${encodeURIComponent(h.id)}`, label: h.name, count: h.specialists }));
  return el(
    "section",
    { class: "side-box", "aria-labelledby": "hospitals-heading" },
    el("h2", { id: "hospitals-heading", text: `Hospitals offering ${page.label}` }),
    countedLinks(items, (n) => `(${specialistsText(n)})`),
  );
}

function related(page) {
  const link = (facet) => (item) => el("li", {}, internalLink(`/?${facet}=${encodeURIComponent(item.value)}`, item.label));
  const list = (heading, id, items, facet) =>
    items.length ? [el("h3", { id, text: heading }), el("ul", { class: "related" }, items.map(link(facet)))] : [];
  const parts = [
    ...list("Specialties", "related-specialties", page.related_specialties, "specialty"),
    ...list("Conditions", "related-conditions", page.related_conditions, "condition"),
  ];
  if (!parts.length) return null;
  return el("section", { class: "side-box", "aria-labelledby": "related-heading" }, el("h2", { id: "related-heading", text: "Related" }), parts);
}

export function renderTreatment(container, page, { onSearch }) {
  const formContainer = el("div", { id: "general-enquiry", class: "general-enquiry", hidden: true });
  const more =
    page.specialists.total > page.specialists.results.length
      ? el("p", {}, internalLink(`/?treatment=${encodeURIComponent(page.slug)}`, "Search and filter all of them"))
      : null;
  const updated = page.updated_at
    ? el("p", { class: "updated" }, "Page updated ", el("time", { datetime: page.updated_at, text: new Date(page.updated_at).toLocaleDateString("en-GB", { day: "numeric", month: "long", year: "numeric" }) }))
    : null;
  clear(container).append(
    el(
      "div",
      { class: "page-layout" },
      el(
        "div",
        { class: "page-main" },
        pageTitle(page.label),
        introduction(page),
        sections(page),
        specialistsBlock({
          heading: `Specialists offering ${page.label}`,
          body: page.specialists,
          hrefFor: (n) => treatmentHref(page.slug, n),
          extra: more,
        }),
        formContainer,
        updated,
      ),
      el(
        "div",
        { class: "page-side" },
        findBox(onSearch),
        generalEnquiry(page, formContainer),
        offeredAt(page),
        related(page),
        el("p", { class: "side-link" }, internalLink("/treatments", "Treatments A–Z")),
      ),
    ),
  );
}
