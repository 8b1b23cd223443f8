// Treatments A–Z: a bar of letters (those without treatments are shown but are not links),
// then the treatments of the chosen letter, each a link to its page with its specialists.

import { el, clear, hiddenText, plural } from "./dom.js";
import { internalLink, pageTitle, specialistsText } from "./blocks.js";
import { treatmentHref } from "./treatment.js";

const LETTERS = [..."abcdefghijklmnopqrstuvwxyz", "0-9"];

export function atozHref(letter, specialty) {
  const params = new URLSearchParams();
  if (letter) params.set("letter", letter);
  if (specialty) params.set("specialty", specialty);
  return params.toString() ? `/treatments?${params}` : "/treatments";
}

function letterBar(list, specialty) {
  const shown = (letter) => (letter === "0-9" ? "0–9" : letter.toUpperCase());
  const items = LETTERS.map((letter) => {
    if (letter === list.letter) {
      return el("li", {}, el("a", { href: atozHref(letter, specialty), "data-internal": "", "aria-current": "page", class: "letter current", text: shown(letter) }));
    }
    if (list.letters.includes(letter)) {
      return el("li", {}, el("a", { href: atozHref(letter, specialty), "data-internal": "", class: "letter", text: shown(letter) }));
    }
    return el("li", {}, el("span", { class: "letter letter-none" }, shown(letter), hiddenText(" (no treatments)")));
  });
  const all = { href: atozHref(null, specialty), "data-internal": "", class: "letter letter-all", text: "All" };
  items.push(el("li", {}, el("a", { ...all, "aria-current": list.letter ? null : "page" })));
  return el("nav", { class: "letters", "aria-label": "Treatments by letter" }, el("ul", {}, items));
}

export function renderAtoZ(container, list, specialty) {
  const heading = list.letter ? `Treatments: ${list.letter === "0-9" ? "0–9" : list.letter.toUpperCase()}` : "All treatments";
  const items = list.treatments.map((t) =>
    el(
      "li",
      { "data-slug": t.slug },
      internalLink(treatmentHref(t.slug), t.label),
      " ",
      el("span", { class: "count", text: specialistsText(t.specialists) }),
    ),
  );
  clear(container).append(
    pageTitle("Treatments A–Z"),
    letterBar(list, specialty),
    el(
      "section",
      { class: "treatments-list", "aria-labelledby": "list-heading" },
      el("h2", { id: "list-heading", tabindex: "-1", text: heading }),
      el("p", { class: "status", id: "list-status", text: plural(list.total, "treatment", "treatments") }),
      list.treatments.length ? el("ul", { class: "treatment-list", id: "treatment-list" }, items) : null,
    ),
  );
}
