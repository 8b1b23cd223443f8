// Result cards shaped like the seed treatment page: name, title, qualifications, the
// first hospital and "+N more", "View profile", and "Book online" or "Enquire"; then what
// patients choose on: video or phone, the self-pay fee and the soonest fresh slot. A card's
// links name the click event they send (`data-event`, the action of POST /events).

import { el, clear, hiddenText, plural } from "./dom.js";
import { CONSULTATION_LABELS, pounds, slotDay } from "./format.js";

export const PAGE_SIZE = 10;
const POPULAR = ["Psychiatry", "Dermatology", "Cardiology", "Trauma and Orthopaedics"];
const MAX_RESULT_WINDOW = 1000;

export function profileHref(id, enquire = false) {
  const params = new URLSearchParams({ specialist: id });
  if (enquire) params.set("enquire", "1");
  return `/?${params}`;
}

function hospitals(card) {
  if (!card.hospitals.length) return null;
  const more = card.more_hospitals
    ? el(
        "span",
        { class: "more" },
        ` +${card.more_hospitals} more`,
        hiddenText(card.more_hospitals === 1 ? " hospital" : " hospitals"),
      )
    : null;
  return el("p", { class: "card-hospitals" }, card.hospitals[0].name, more);
}

// In person is the default: only the other ways to consult get a badge.
const BADGES = ["video", "phone"];

function badges(card) {
  const types = BADGES.filter((type) => (card.consultation_types || []).includes(type));
  if (!types.length) return null;
  return el(
    "ul",
    { class: "badges" },
    types.map((type) =>
      el("li", { class: `badge badge-${type}` }, CONSULTATION_LABELS[type], hiddenText(" consultations")),
    ),
  );
}

function fee(card) {
  if (typeof card.fee_from !== "number") return null;
  return el(
    "p",
    { class: "card-fee", "data-pence": card.fee_from },
    `From ${pounds(card.fee_from)}`,
    hiddenText(" for a first consultation, self-pay"),
  );
}

// The soonest slot the API still trusts (it drops stale ones), at the hospital it names; without
// one the page says so rather than promising anything.
export function availability(slot, hospitals) {
  if (!slot) return el("p", { class: "availability availability-unknown", text: "Availability: ask the hospital" });
  const hospital = hospitals.find((h) => h.id === slot.hospital_id);
  return el(
    "p",
    { class: "availability" },
    "Next available ",
    el("time", { datetime: slot.at, text: slotDay(slot.at) }),
    hospital ? ` at ${hospital.name}` : null,
  );
}

function action(card) {
  if (card.action === "book" && card.booking_url) {
    return el(
      "a",
      { class: "button button-book", href: card.booking_url, target: "_blank", rel: "noopener", "data-event": "book" },
      "Book online",
      hiddenText(` with ${card.name} (opens in a new tab)`),
    );
  }
  return el(
    "a",
    { class: "button button-primary", href: profileHref(card.id, true), "data-internal": "", "data-event": "enquire" },
    "Enquire",
    hiddenText(` about ${card.name}`),
  );
}

function renderCard(card) {
  const headingId = `card-${card.id}`;
  const distance =
    typeof card.distance_miles === "number"
      ? el("p", {
          class: "card-distance",
          "data-miles": card.distance_miles,
          text: `${card.distance_miles.toFixed(1)} miles away`,
        })
      : null;
  return el(
    "li",
    { class: "card", "data-id": card.id },
    el(
      "article",
      { "aria-labelledby": headingId },
      el("h3", { id: headingId, class: "card-name", text: card.name }),
      card.title ? el("p", { class: "card-title", text: card.title }) : null,
      card.qualifications ? el("p", { class: "card-qualifications", text: card.qualifications }) : null,
      badges(card),
      hospitals(card),
      distance,
      fee(card),
      availability(card.next_available, card.hospitals),
      el(
        "div",
        { class: "card-actions" },
        el(
          "a",
          {
            class: "button button-secondary",
            href: profileHref(card.id),
            "data-internal": "",
            "data-event": "view_profile",
          },
          "View profile",
          hiddenText(` of ${card.name}`),
        ),
        action(card),
      ),
    ),
  );
}

export function renderCards(list, results) {
  clear(list).append(...results.map(renderCard));
}

export function lastPage(total) {
  return Math.max(1, Math.min(Math.ceil(total / PAGE_SIZE), Math.floor(MAX_RESULT_WINDOW / PAGE_SIZE)));
}

export function statusText(body) {
  if (!body.total) return "No specialists found";
  const first = (body.page - 1) * body.page_size + 1;
  const last = first + body.results.length - 1;
  return `${plural(body.total, "specialist", "specialists")} found, showing ${first} to ${last}`;
}

export function renderPager(nav, page, total, hrefFor) {
  clear(nav);
  const last = lastPage(total);
  nav.hidden = last <= 1;
  if (nav.hidden) return;
  const link = (target, text, rel) => {
    const attrs = { href: hrefFor(target), rel, class: "pager-link", "data-internal": "" };
    return el("a", attrs, text, hiddenText(` (page ${target})`));
  };
  const none = (text) => el("span", { class: "pager-link disabled", "aria-hidden": "true", text });
  nav.append(
    page > 1 ? link(page - 1, "Previous", "prev") : none("Previous"),
    el("span", { class: "pager-position", text: `Page ${page} of ${last}`, "aria-current": "page" }),
    page < last ? link(page + 1, "Next", "next") : none("Next"),
  );
}

export function renderDidYouMean(node, suggestion, hrefFor) {
  clear(node);
  node.hidden = !suggestion;
  if (suggestion) {
    node.append("Did you mean ", el("a", { href: hrefFor(suggestion), "data-internal": "", text: suggestion }), "?");
  }
}

// The empty page still offers ways on: the spelling correction, dropping a filter or
// the place, typeahead's matches for the words, and some common specialties.
export function renderNoResults(node, { q, didYouMean, chips, near, suggestions, hrefs }) {
  clear(node);
  const items = [];
  const item = (href, ...text) => el("li", {}, el("a", { href, "data-internal": "" }, ...text));
  if (didYouMean) items.push(item(hrefs.query(didYouMean), "Search for ", didYouMean));
  for (const chip of chips) items.push(item(chip.removeHref, `Remove the filter “${chip.label}”`));
  if (near) items.push(item(hrefs.withoutNear, `Search everywhere, not only near ${near}`));
  for (const s of suggestions) items.push(item(hrefs.suggestion(s), `${s.label} (${s.type})`));
  for (const name of POPULAR) items.push(item(hrefs.query(name), name));
  node.append(
    el("h3", { text: q ? `No specialists match “${q}”` : "No specialists match these filters" }),
    el("p", { text: "Check the spelling, use fewer words, or try one of these:" }),
    el("ul", { class: "suggestions" }, items),
  );
  node.hidden = false;
}

// What the API understood of the words: a chip per part (its × deletes the part's words
// from the box and searches again), the words still matched as text, and any conflicts.
export function renderUnderstood(nodes, interpreted, onRemove) {
  const parts = (interpreted && interpreted.parts) || [];
  const conflicts = (interpreted && interpreted.conflicts) || [];
  const text = parts.length && interpreted.text ? interpreted.text : "";
  nodes.text.hidden = !text;
  nodes.text.textContent = text ? `Searching for: ${text}` : "";
  clear(nodes.parts).append(
    ...parts.map((part) =>
      el(
        "li",
        { class: "chip chip-part" },
        el("span", { class: "chip-label", text: part.label }),
        el(
          "button",
          { type: "button", class: "chip-remove", onclick: () => onRemove(part) },
          hiddenText(`Remove ${part.label}`),
          el("span", { "aria-hidden": "true", text: "×" }),
        ),
      ),
    ),
  );
  clear(nodes.conflicts).append(...conflicts.map((c) => el("li", { text: c.message })));
  nodes.container.hidden = !parts.length && !conflicts.length;
}

// The last thing relaxed is what the results show. The node stays in the page (a live
// region) and is empty when nothing was relaxed.
export function renderRelaxed(node, relaxed) {
  node.textContent = relaxed && relaxed.length ? relaxed[relaxed.length - 1].message : "";
}

// Safety notices (e.g. chest pain: call 999) come before everything else.
export function renderNotices(node, notices) {
  clear(node).append(...(notices || []).map((n) => el("p", { class: "notice", role: "alert", text: n.message })));
}

// The query without a part's words: the exact substring (else the same words in any case),
// then spaces collapsed.
export function withoutWords(q, words) {
  let at = q.indexOf(words);
  if (at < 0) at = q.toLowerCase().indexOf(words.toLowerCase());
  const rest = at < 0 ? q : q.slice(0, at) + " " + q.slice(at + words.length);
  return rest.replace(/\s+/g, " ").trim();
}
