// Filters with live counts: one fieldset per facet of the last answer. Counts are
// disjunctive (the API counts a facet as if its own selection were not applied), so
// ticking a second specialty widens the results and every other facet's counts change.

import { el, clear } from "./dom.js";

export const FACETS = [
  { name: "specialty", legend: "Specialty" },
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
      " ",
      el("span", { class: "count", text: `(${bucket.count.toLocaleString("en-GB")})` }),
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
    const any = { value: "", label: "Any", count: buckets.reduce((sum, b) => sum + b.count, 0) };
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

// Re-render after every answer; focus stays on the control it was on.
export function renderFilters(container, facets, selection, onToggle, labelOf) {
  const focusedId = container.contains(document.activeElement) ? document.activeElement.id : null;
  clear(container);
  for (const facet of FACETS) {
    const buckets = facets[facet.name] || [];
    const selected = selection[facet.name] || [];
    if (buckets.length || selected.length) container.append(fieldset(facet, buckets, selected, onToggle, labelOf));
  }
  if (focusedId) {
    const again = document.getElementById(focusedId);
    if (again) again.focus();
  }
}
