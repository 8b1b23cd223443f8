// Pieces the treatment, A–Z and hospital pages share: a block of specialist cards with its
// pager, lists of links with counts, the page's h1, and the loading and not-found states.

import { el, clear, plural } from "./dom.js";
import { PAGE_SIZE, renderCards, renderPager } from "./results.js";

export const TITLE_ID = "page-title";
export const LIST_HEADING_ID = "list-heading";

export function pageTitle(text) {
  return el("h1", { id: TITLE_ID, tabindex: "-1", text });
}

export function specialistsText(count) {
  return plural(count, "specialist", "specialists");
}

// A link to one of the page's own views: app.js draws it without a reload.
export function internalLink(href, ...children) {
  return el("a", { href, "data-internal": "" }, ...children);
}

// [{href, label, count}] as a list of links, each with its count of specialists.
export function countedLinks(items, countText = (n) => `(${n})`) {
  return el(
    "ul",
    { class: "counted" },
    items.map((item) =>
      el("li", {}, internalLink(item.href, item.label), " ", el("span", { class: "count", text: countText(item.count) })),
    ),
  );
}

// The cards of a /specialists-shaped answer ({total, page, page_size, results}), with a status
// line and a pager whose links `hrefFor(page)` builds.
export function specialistsBlock({ heading, body, hrefFor, extra }) {
  const cards = el("ol", { class: "cards" });
  renderCards(cards, body.results);
  const pager = el("nav", { class: "pager", "aria-label": "Pages of specialists" });
  renderPager(pager, body.page, body.total, hrefFor);
  const first = (body.page - 1) * body.page_size + 1;
  const shown =
    body.total > body.results.length && body.results.length
      ? `${specialistsText(body.total)}, showing ${first} to ${first + body.results.length - 1}`
      : specialistsText(body.total);
  return el(
    "section",
    { class: "specialists-block", id: "specialists", "aria-labelledby": LIST_HEADING_ID },
    el("h2", { id: LIST_HEADING_ID, tabindex: "-1", text: heading }),
    el("p", { class: "status", id: "list-status", text: shown }),
    cards,
    pager,
    extra,
  );
}

export function pageParams(params) {
  const page = Math.max(1, parseInt(params.get("page") || "1", 10) || 1);
  return new URLSearchParams({ page: String(page), page_size: String(PAGE_SIZE) });
}

export function showLoading(container, what) {
  container.setAttribute("aria-busy", "true");
  clear(container).append(el("p", { class: "status", role: "status", text: `Loading ${what}…` }));
}

// A page that is not there: the API's message (which may name the nearest matches) and ways on.
export function renderNotFound(container, { title, message, links }) {
  clear(container).append(
    pageTitle(title),
    el("p", { class: "not-found-message", id: "not-found-message", text: message }),
    links && links.length
      ? el(
          "nav",
          { class: "ways-on", "aria-labelledby": "ways-on-heading" },
          el("h2", { id: "ways-on-heading", text: "Try one of these" }),
          el("ul", { class: "suggestions" }, links.map(([href, text]) => el("li", {}, internalLink(href, text)))),
        )
      : null,
  );
}
