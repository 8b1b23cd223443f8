// The views at their own paths: /treatments (A–Z, ?letter=p), /treatments/{slug}, /hospitals
// and /hospitals/{id} (?page=2). Each fetches its answer and draws it into one container; a
// newer route aborts an older one's fetch. A new page focuses its h1; another page or letter
// of the same list focuses the list's heading (never on first load: focus starts at the top).

import { ApiError, getAnswer, getJson } from "./api.js";
import { renderAtoZ } from "./atoz.js";
import { LIST_HEADING_ID, TITLE_ID, pageParams, renderNotFound, showLoading } from "./blocks.js";
import { renderHospital, renderHospitals } from "./hospital.js";
import { renderTreatment, treatmentHref } from "./treatment.js";

const $ = (id) => document.getElementById(id);
const SITE = "Find a specialist";

function cannotShow(view, error) {
  renderNotFound(view, {
    title: error.status === 404 ? "Page not found" : "Sorry, this page could not be shown",
    message: error.message,
    links: [["/", SITE], ["/treatments", "Treatments A–Z"]],
  });
}

// The API's message names the nearest slugs; typeahead's treatments for the words become links.
async function treatmentMissing(view, error, slug, signal) {
  if (error.status !== 404) return cannotShow(view, error);
  let links = [];
  try {
    const words = slug.replace(/[-_]+/g, " ").trim().slice(0, 100);
    const answer = await getAnswer("/suggest", new URLSearchParams({ q: words, limit: "8" }), signal);
    links = answer.suggestions.filter((s) => s.type === "treatment").map((s) => [treatmentHref(s.value), s.label]);
  } catch {
    links = [];
  }
  renderNotFound(view, {
    title: "Treatment not found",
    message: error.message,
    links: [...links, ["/treatments", "Treatments A–Z"], ["/", SITE]],
  });
}

function hospitalMissing(view, error) {
  if (error.status !== 404) return cannotShow(view, error);
  renderNotFound(view, {
    title: "Hospital not found",
    message: error.message,
    links: [["/hospitals", "All hospitals"], ["/", SITE]],
  });
}

// The last segment of /{prefix}/{segment}, decoded; null for any other path.
function segment(path, prefix) {
  if (!path.startsWith(prefix)) return null;
  const rest = path.slice(prefix.length).replace(/\/$/, "");
  if (!rest || rest.includes("/")) return null;
  try {
    return decodeURIComponent(rest);
  } catch {
    return null;
  }
}

// `enter()` shows the container's view, `named(text)` names it for the profile's way back,
// `navigate(url)` follows an in-page link.
export function createPages({ container, enter, navigate, named }) {
  let controller = null;
  let lastPath = null;

  async function show({ what, load, render, missing }, { initial, samePath }) {
    if (controller) controller.abort();
    const mine = new AbortController();
    controller = mine;
    enter();
    showLoading(container, what);
    try {
      const body = await load(mine.signal);
      if (mine !== controller) return;
      const title = render(container, body);
      named(title);
      document.title = `${title} — ${SITE}`;
    } catch (error) {
      if (error.name === "AbortError" || mine !== controller) return;
      await missing(container, error instanceof ApiError ? error : new ApiError(0, null), mine.signal);
      if (mine !== controller) return;
      named($(TITLE_ID).textContent);
      document.title = `${$(TITLE_ID).textContent} — ${SITE}`;
    } finally {
      if (mine === controller) container.removeAttribute("aria-busy");
    }
    const target = samePath && $(LIST_HEADING_ID) ? $(LIST_HEADING_ID) : $(TITLE_ID);
    if (!initial && target) target.focus();
  }

  function treatment(slug, params) {
    return {
      what: "the treatment",
      load: (signal) => getJson(`/treatments/${encodeURIComponent(slug)}`, pageParams(params), signal),
      render: (view, page) => {
        renderTreatment(view, page, { onSearch: (q) => navigate(q ? `/?${new URLSearchParams({ q })}` : "/") });
        return page.label;
      },
      missing: (view, error, signal) => treatmentMissing(view, error, slug, signal),
    };
  }

  function atoz(params) {
    const query = new URLSearchParams();
    for (const name of ["letter", "specialty"]) if (params.get(name)) query.set(name, params.get(name).toLowerCase());
    return {
      what: "the treatments",
      load: (signal) => getJson("/treatments", query, signal),
      render: (view, list) => {
        renderAtoZ(view, list, query.get("specialty"));
        return "Treatments A–Z";
      },
      missing: cannotShow,
    };
  }

  function hospital(id, params) {
    return {
      what: "the hospital",
      load: (signal) => getJson(`/hospitals/${encodeURIComponent(id)}`, pageParams(params), signal),
      render: (view, page) => {
        renderHospital(view, page);
        return page.name;
      },
      missing: hospitalMissing,
    };
  }

  const hospitals = {
    what: "the hospitals",
    load: (signal) => getJson("/hospitals", null, signal),
    render: (view, list) => {
      renderHospitals(view, list);
      return "Hospitals";
    },
    missing: cannotShow,
  };

  const nothing = {
    what: "the page",
    load: () => Promise.reject(new ApiError(404, { error: { message: "There is nothing at this address." } })),
    render: () => "",
    missing: cannotShow,
  };

  function pageFor(path, params) {
    const slug = segment(path, "/treatments/");
    const id = segment(path, "/hospitals/");
    if (path === "/treatments" || path === "/treatments/") return atoz(params);
    if (slug) return treatment(slug, params);
    if (path === "/hospitals" || path === "/hospitals/") return hospitals;
    if (id) return hospital(id, params);
    return nothing;
  }

  return {
    route(path, params) {
      const where = { initial: lastPath === null, samePath: lastPath === path };
      lastPath = path;
      show(pageFor(path, params), where);
    },
    // Another view is shown: a page still loading is dropped.
    leave(path) {
      if (controller) controller.abort();
      controller = null;
      lastPath = path;
    },
  };
}
