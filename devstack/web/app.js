// The demo page: the URL holds the state (/?q=…&specialty=…&page=2, or /?specialist=id; the
// pages /treatments?letter=p, /treatments/{slug}, /hospitals and /hospitals/{id}), so back,
// forward, reload and shared links all work. Search parameters are the API's own.
// /?action=…&token=… is a link from the hospital team's e-mail: its confirmation view.
// What the patient does with an answer is sent as click events (POST /events, docs/analytics.md).

import { ApiError, getAnswer, getJson, sendEvent } from "./api.js";
import { clear, el, isPlainClick, setFieldError } from "./dom.js";
import { renderEnquiryForm } from "./enquiry.js";
import { FACETS, renderFilters } from "./filters.js";
import { createPages } from "./pages.js";
import { renderProfile } from "./profile.js";
import {
  PAGE_SIZE,
  profileHref,
  renderCards,
  renderDidYouMean,
  renderNoResults,
  renderNotices,
  renderPager,
  renderRelaxed,
  renderUnderstood,
  statusText,
  withoutWords,
} from "./results.js";
import { createTeamLink } from "./teamlink.js";
import { treatmentHref } from "./treatment.js";
import { attachTypeahead } from "./typeahead.js";

const $ = (id) => document.getElementById(id);
const labels = new Map(); // "facet:value" -> label, from facets and suggestions
let lastAnswer = null;
let searchController = null;
let cameFromResults = false;
let backText = "Back to results"; // the profile's way back names the view it came from
let viewName = "results";
let profileOrigin = null; // the result card the profile shown was opened from, if any

// ---- state <-> URL -------------------------------------------------------------------

function readState(params) {
  const selection = {};
  for (const facet of FACETS) selection[facet.name] = params.getAll(facet.name).filter(Boolean);
  return {
    q: params.get("q") || "",
    near: params.get("near") || "",
    sort: params.get("sort") || "relevance",
    page: Math.max(1, parseInt(params.get("page") || "1", 10) || 1),
    selection,
  };
}

function toParams(state) {
  const params = new URLSearchParams();
  if (state.q) params.set("q", state.q);
  if (state.near) params.set("near", state.near);
  for (const facet of FACETS) for (const value of state.selection[facet.name] || []) params.append(facet.name, value);
  if (state.sort !== "relevance") params.set("sort", state.sort);
  if (state.page > 1) params.set("page", String(state.page));
  return params;
}

function current() {
  return readState(new URLSearchParams(location.search));
}

function href(state) {
  const params = toParams(state);
  return params.toString() ? `/?${params}` : "/";
}

function withChanges(changes) {
  return { ...current(), page: 1, ...changes };
}

// `origin`: the result card a profile is opened from (cardOrigin), kept in the history entry so
// back, forward and reload keep it.
function navigate(url, { replace = false, origin = null } = {}) {
  cameFromResults = $("profile-view").hidden;
  if (cameFromResults) backText = `Back to ${viewName}`;
  const state = origin ? { origin } : null;
  if (replace) history.replaceState(state, "", url);
  else history.pushState(state, "", url);
  route();
}

function labelOf(facet, value) {
  const known = labels.get(`${facet}:${value}`);
  if (known) return known;
  const own = FACETS.find((f) => f.name === facet);
  if (own && own.label) return own.label(value);
  const words = value.replace(/-/g, " ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}

// ---- search view -----------------------------------------------------------------------

function chipsFor(state) {
  const chips = [];
  for (const facet of FACETS) {
    for (const value of state.selection[facet.name] || []) {
      const selection = { ...state.selection, [facet.name]: state.selection[facet.name].filter((v) => v !== value) };
      const removeHref = href({ ...state, selection, page: 1 });
      chips.push({ label: labelOf(facet.name, value), legend: facet.legend, removeHref });
    }
  }
  return chips;
}

function renderChips(state) {
  const chips = chipsFor(state);
  $("active-filters").hidden = !chips.length;
  clear($("chips")).append(
    ...chips.map((chip) =>
      el(
        "li",
        {},
        el(
          "a",
          { class: "chip", href: chip.removeHref, "data-internal": "" },
          `${chip.legend}: ${chip.label}`,
          el("span", { class: "visually-hidden", text: " (remove)" }),
          el("span", { "aria-hidden": "true", text: " ×" }),
        ),
      ),
    ),
  );
  return chips;
}

function toggleFilter(facet, value, checked) {
  if (facet === null) {
    if (lastAnswer) renderFilters($("filters"), lastAnswer.facets, current().selection, toggleFilter, labelOf);
    return;
  }
  const state = current();
  const values = state.selection[facet.name] || [];
  let next;
  if (facet.single) next = value ? [value] : [];
  else next = checked ? [...values, value] : values.filter((v) => v !== value);
  navigate(href(withChanges({ selection: { ...state.selection, [facet.name]: next } })));
}

function syncForm(state) {
  if (document.activeElement !== $("q")) $("q").value = state.q;
  if (document.activeElement !== $("near")) $("near").value = state.near;
  const distance = $("sort").querySelector('option[value="distance"]');
  distance.disabled = !state.near;
  $("sort").value = state.sort;
}

async function showNoResults(state, body, chips) {
  let suggestions = [];
  if (state.q.length >= 2) {
    try {
      suggestions = (await getAnswer("/suggest", new URLSearchParams({ q: state.q, limit: "5" }))).suggestions;
    } catch {
      suggestions = [];
    }
  }
  renderNoResults($("no-results"), {
    q: state.q,
    didYouMean: body.did_you_mean,
    chips,
    near: state.near,
    suggestions,
    hrefs: {
      query: (q) => href({ ...state, q, page: 1 }),
      withoutNear: href({ ...state, near: "", sort: state.sort === "distance" ? "relevance" : state.sort, page: 1 }),
      suggestion: (s) => suggestionHref(s, state),
    },
  });
}

function suggestionHref(suggestion, state) {
  if (suggestion.type === "specialist") return profileHref(suggestion.value);
  if (suggestion.type === "place") return href({ ...state, q: "", near: suggestion.value, page: 1 });
  labels.set(`${suggestion.type}:${suggestion.value}`, suggestion.label);
  const values = state.selection[suggestion.type] || [];
  const chosen = values.includes(suggestion.value) ? values : [...values, suggestion.value];
  const selection = { ...state.selection, [suggestion.type]: chosen };
  return href({ ...state, q: "", selection, page: 1 });
}

function rememberLabels(facets) {
  for (const [facet, buckets] of Object.entries(facets)) {
    for (const bucket of buckets) labels.set(`${facet}:${bucket.value}`, bucket.label);
  }
}

async function search(state) {
  if (searchController) searchController.abort();
  const controller = new AbortController();
  searchController = controller;
  const params = toParams(state);
  params.set("page_size", String(PAGE_SIZE));
  $("results").setAttribute("aria-busy", "true");
  try {
    const body = await getAnswer("/specialists", params, controller.signal);
    showAnswer(state, body);
  } catch (error) {
    if (error.name === "AbortError") return;
    showSearchError(error);
  } finally {
    if (searchController === controller) $("results").removeAttribute("aria-busy");
  }
}

function showAnswer(state, body) {
  lastAnswer = body;
  rememberLabels(body.facets);
  setFieldError($("near"), $("near-error"), "");
  $("search-error").hidden = true;
  const chips = renderChips(state);
  showUnderstood(state, body);
  renderFilters($("filters"), body.facets, state.selection, toggleFilter, labelOf);
  renderCards($("cards"), body.results);
  renderDidYouMean($("did-you-mean"), body.total ? body.did_you_mean : null, (q) => href({ ...state, q, page: 1 }));
  renderPager($("pager"), state.page, body.total, (page) => href({ ...state, page }));
  $("status").textContent = statusText(body);
  $("results-heading").textContent = state.q ? `Specialists for “${state.q}”` : "Specialists";
  renderPageLink(body.page_link);
  $("no-results").hidden = true;
  if (!body.total) showNoResults(state, body, chips);
}

// "About Psychodynamic therapy": the treatment's own page, when the words or the filter name one.
function renderPageLink(link) {
  const node = $("page-link");
  clear(node);
  node.hidden = !(link && link.type === "treatment");
  if (!node.hidden) node.append(el("a", { href: treatmentHref(link.slug), "data-internal": "", text: `About ${link.label}` }));
}

// What the words said, as chips; removing one deletes its words from q and searches again.
function showUnderstood(state, body) {
  renderNotices($("notices"), body.notices);
  renderRelaxed($("relaxed"), body.relaxed);
  const nodes = { container: $("understood"), text: $("understood-text"), parts: $("parts"), conflicts: $("conflicts") };
  renderUnderstood(nodes, body.interpreted, (part) => {
    const q = withoutWords(state.q, part.words);
    $("q").value = q;
    navigate(href(withChanges({ q })));
    $("results-heading").focus();
  });
}

function showSearchError(error) {
  showUnderstood(current(), {});
  const near = error instanceof ApiError && error.field === "near";
  if (near) {
    setFieldError($("near"), $("near-error"), error.message);
    $("status").textContent = "Please correct the place";
  } else {
    $("search-error").textContent = error.message || "Search failed. Please try again.";
    $("search-error").hidden = false;
    $("status").textContent = "";
  }
  clear($("cards"));
  $("pager").hidden = true;
}

// ---- click events ------------------------------------------------------------------------

// A link on a result card: the answer's query_id, the card's 1-based rank counting earlier pages,
// and the specialist; null for any other link.
function cardOrigin(link) {
  const card = link.closest("#cards > .card");
  if (!card || !lastAnswer || !lastAnswer.query_id) return null;
  const index = [...$("cards").children].indexOf(card);
  return {
    query_id: lastAnswer.query_id,
    position: (lastAnswer.page - 1) * lastAnswer.page_size + index + 1,
    object_id: card.dataset.id,
  };
}

// A control naming its event (`data-event`: view_profile, book, enquire) on a card, or on a
// profile opened from one; a profile opened directly sends nothing.
function sendClick(event, originOf) {
  const control = event.target.closest("[data-event]");
  const origin = control && originOf(control);
  if (origin) sendEvent({ ...origin, action: control.dataset.event });
}

// ---- profile view ----------------------------------------------------------------------

async function showProfile(id, enquire, origin) {
  profileOrigin = origin && origin.object_id === id ? origin : null;
  showView("profile-view");
  $("back-link").textContent = cameFromResults ? backText : "Back to results";
  document.title = "Specialist profile — Find a specialist";
  clear($("profile")).append(el("p", { class: "status", role: "status", text: "Loading the profile…" }));
  clear($("enquiry"));
  try {
    const profile = await getJson(`/specialists/${encodeURIComponent(id)}`);
    renderProfile($("profile"), profile);
    renderEnquiryForm($("enquiry"), profile, profileOrigin && profileOrigin.query_id);
    document.title = `${profile.name} — Find a specialist`;
    (enquire ? $("enquiry-heading") : $("profile-name")).focus();
    if (enquire) $("enquiry-heading").scrollIntoView({ block: "start" });
  } catch (error) {
    clear($("profile")).append(
      el("h1", { id: "profile-name", tabindex: "-1", text: "Profile not found" }),
      el("p", { text: error.message }),
    );
    $("profile-name").focus();
  }
}

// ---- views ------------------------------------------------------------------------------

const VIEWS = ["search-view", "profile-view", "page-view", "team-link-view"];

function showView(name) {
  for (const view of VIEWS) $(view).hidden = view !== name;
  // One enquiry form at a time, so its field ids are unique.
  if (name !== "profile-view") {
    clear($("profile"));
    clear($("enquiry"));
  }
  if (name !== "page-view") clear($("page-view"));
  if (name !== "team-link-view") teamLink.leave();
}

const pages = createPages({
  container: $("page-view"),
  enter: () => showView("page-view"),
  navigate: (url) => navigate(url),
  named: (name) => {
    viewName = name;
  },
});

const teamLink = createTeamLink({
  container: $("team-link-view"),
  enter: () => showView("team-link-view"),
});

// ---- routing and wiring ----------------------------------------------------------------

let routed = null; // the path and query string last drawn: a change of #fragment alone is no new page

function route() {
  routed = location.pathname + location.search;
  const params = new URLSearchParams(location.search);
  const path = location.pathname;
  if (path !== "/") {
    pages.route(path, params);
    return;
  }
  pages.leave(path);
  const action = params.get("action");
  const token = params.get("token");
  if (action && token) {
    teamLink.show(action, token); // reads only: nothing is recorded until Confirm
    return;
  }
  const specialist = params.get("specialist");
  if (specialist) {
    showProfile(specialist, params.get("enquire") === "1", history.state && history.state.origin);
    return;
  }
  const wasElsewhere = $("search-view").hidden;
  showView("search-view");
  viewName = "results";
  document.title = "Find a specialist";
  const state = readState(params);
  syncForm(state);
  search(state).then(() => {
    if (wasElsewhere && !$("search-view").hidden) $("results-heading").focus();
  });
}

function wire() {
  const typeahead = attachTypeahead({
    input: $("q"),
    listbox: $("q-listbox"),
    status: $("q-status"),
    fetchSuggestions: (q, signal) => getAnswer("/suggest", new URLSearchParams({ q, limit: "8" }), signal),
    onSelect: (suggestion, { query_id, position }) => {
      if (query_id) sendEvent({ query_id, action: "suggest_pick", position, object_id: suggestion.value });
      $("q").value = suggestion.type === "specialist" ? $("q").value : "";
      navigate(suggestionHref(suggestion, { ...current(), near: $("near").value.trim() }));
    },
  });
  $("search-form").addEventListener("submit", (event) => {
    event.preventDefault();
    typeahead.close();
    const near = $("near").value.trim();
    const state = current();
    const sort = near ? state.sort : state.sort === "distance" ? "relevance" : state.sort;
    navigate(href(withChanges({ q: $("q").value.trim(), near, sort })));
  });
  // Sorting takes what the boxes hold, so "Watford" then "Distance" needs no Search press.
  $("near").addEventListener("input", () => {
    $("sort").querySelector('option[value="distance"]').disabled = !$("near").value.trim();
  });
  $("sort").addEventListener("change", () =>
    navigate(href(withChanges({ sort: $("sort").value, q: $("q").value.trim(), near: $("near").value.trim() }))),
  );
  document.addEventListener("click", (event) => {
    const link = event.target.closest("a[data-internal]");
    if (!link || !isPlainClick(event)) return;
    event.preventDefault();
    navigate(link.getAttribute("href"), { origin: cardOrigin(link) });
    if (link.classList.contains("pager-link") && !$("search-view").hidden) $("results-heading").focus();
  });
  $("cards").addEventListener("click", (event) => sendClick(event, cardOrigin));
  $("profile").addEventListener("click", (event) => sendClick(event, () => profileOrigin));
  $("back-link").addEventListener("click", (event) => {
    if (!isPlainClick(event) || !cameFromResults) return;
    event.preventDefault();
    history.back();
  });
  window.addEventListener("popstate", () => {
    if (location.pathname + location.search !== routed) route();
  });
  if (window.matchMedia("(min-width: 48em)").matches) $("filters-panel").open = true;
}

wire();
route();
