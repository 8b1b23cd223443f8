// Filters with live counts: one fieldset per facet of the last answer. Counts are
// disjunctive (the API counts a facet as if its own selection were not applied), so
// ticking a second specialty widens the results and every other facet's counts change.
// The maximum fee is no facet (the API counts no fee bands): a select of fixed choices.

import { el, clear } from "./dom.js";
import { maxFeeLabel } from "./format.js";

const FEE_LIMITS = ["15000", "20000", "25000", "30000"]; // pence, as max_fee takes them

// name: the API's parameter (and facet); single: one value at a time (radios, or the select);
// cumulative: each bucket counts the ones before it too ("within 2 weeks" holds "this week"),
// so "Any" shows no sum; choices: fixed values, shown as a select; label: a value's words
// when no answer has named it.
export const FACETS = [
  { name: "specialty", legend: "Specialty" },
  { name: "available_within_days", legend: "Availability", single: true, cumulative: true, any: "Any time" },
  { name: "consultation_type", legend: "Consultation type" },
  { name: "max_fee", legend: "Maximum fee", single: true, choices: FEE_LIMITS, label: maxFeeLabel },
  { name: "treatment", legend: "Treatment" },
  { name: "condition", legend: "Condition" },
  { name: "hospital", legend: "Hospital" },
  { name: "bookable_online", legend: "Booking", single: true },
  { name: "gender", legend: "Gender" },
  { name: "language", legend: "Language" },
  { name: "insurer", legend: "Insurer" },
  { name: "sees_children", legend: "Age group", single: true },
];
const SHOWN = 6;
const expanded = new Set();

function checkbox(facet, bucket, checked, onToggle) {
  const id = `f-${facet.name}-${bucket.value}`;
  const count =
    bucket.count === null ? null : el("span", { class: "count", text: `(${bucket.count.toLocaleString("en-GB")})` });
  return el(
    "li",
    { class: "check" },
    el("input", {
      type: facet.single ? "radio" : "checkbox",
      id,
      name: `f-${facet.name}`,
      value: bucket.value,
      checked,
      onchange: (event) => onToggle(facet, bucket.value, event.target.checked),
    }),
    el(
      "label",
      { for: id },
      el("span", { class: "check-label", text: bucket.label }),
      count ? " " : null,
      count,
    ),
  );
}

function fieldset(facet, buckets, selected, onToggle, labelOf) {
  const chosen = buckets.filter((b) => selected.includes(b.value));
  const missing = selected
    .filter((value) => !buckets.some((b) => b.value === value))
    .map((value) => ({ value, label: labelOf(facet.name, value), count: 0 }));
  const isOpen = expanded.has(facet.name);
  const visible = isOpen ? buckets : buckets.slice(0, SHOWN);
  const rest = [...chosen.filter((b) => !visible.includes(b)), ...missing];
  const items = [...visible, ...rest].map((b) =>
    checkbox(facet, { label: b.value, ...b }, selected.includes(b.value), onToggle),
  );
  if (facet.single) {
    const count = facet.cumulative ? null : buckets.reduce((sum, b) => sum + b.count, 0);
    const any = { value: "", label: facet.any || "Any", count };
    items.unshift(checkbox(facet, any, selected.length === 0, onToggle));
  }
  const list = el("ul", { class: "checks", id: `f-${facet.name}-list` }, items);
  const toggle =
    buckets.length > SHOWN
      ? el("button", {
          type: "button",
          id: `f-${facet.name}-more`,
          class: "link-button",
          "aria-expanded": String(isOpen),
          "aria-controls": list.id,
          text: isOpen ? `Show fewer ${facet.legend.toLowerCase()} options` : `Show all ${buckets.length}`,
          onclick: () => {
            if (isOpen) expanded.delete(facet.name);
            else expanded.add(facet.name);
            onToggle(null);
          },
        })
      : null;
  return el("fieldset", { class: "facet" }, el("legend", { text: facet.legend }), list, toggle);
}

// The fee limits, and a limit from the URL that is not one of them, so the select shows it.
function select(facet, selected, onToggle) {
  const id = `f-${facet.name}`;
  const current = selected[0] || "";
  const values = current && !facet.choices.includes(current) ? [...facet.choices, current] : facet.choices;
  return el(
    "div",
    { class: "facet field" },
    el("label", { for: id, text: facet.legend }),
    el("p", { id: `${id}-hint`, class: "hint", text: "First consultation, self-pay" }),
    el(
      "select",
      {
        id,
        name: id,
        "aria-describedby": `${id}-hint`,
        onchange: (event) => onToggle(facet, event.target.value, true),
      },
      el("option", { value: "", text: "Any", selected: !current }),
      values.map((value) => el("option", { value, text: facet.label(value), selected: value === current })),
    ),
  );
}

// Re-render after every answer; focus stays on the control it was on.
export function renderFilters(container, facets, selection, onToggle, labelOf) {
  const focusedId = container.contains(document.activeElement) ? document.activeElement.id : null;
  clear(container);
  for (const facet of FACETS) {
    if (facet.choices) {
      container.append(select(facet, selection[facet.name] || [], onToggle));
      continue;
    }
    const buckets = facets[facet.name] || [];
    const selected = selection[facet.name] || [];
    if (buckets.length || selected.length) container.append(fieldset(facet, buckets, selected, onToggle, labelOf));
  }
  if (focusedId) {
    const again = document.getElementById(focusedId);
    if (again) again.focus();
  }
}
