// The API, same origin. Every error answer has one shape: {"error": {"code", "message", "field"}}.

export class ApiError extends Error {
  constructor(status, body) {
    const error = (body && body.error) || {};
    const fallback = status
      ? `The service answered ${status}. Please try again.`
      : "We could not reach the service. Nothing was sent; please try again.";
    super(error.message || fallback);
    this.status = status;
    this.code = error.code || "unknown";
    this.field = error.field || null;
  }
}

async function answer(response) {
  let body = null;
  try {
    body = await response.json();
  } catch {
    body = null;
  }
  if (!response.ok) throw new ApiError(response.status, body);
  return body;
}

export async function getJson(path, params, signal, headers = {}) {
  const query = params && params.toString() ? `?${params}` : "";
  const response = await fetch(`${path}${query}`, { headers: { Accept: "application/json", ...headers }, signal });
  return answer(response);
}

// A search (/specialists) or typeahead (/suggest) answer, asked with this tab's random id so the
// answer's query record and the clicks on it share it. The body's `query_id` names the answer.
export function getAnswer(path, params, signal) {
  return getJson(path, params, signal, { "X-Client-Id": clientId() });
}

export async function postJson(path, body, headers = {}) {
  const response = await fetch(path, {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "application/json", ...headers },
    body: JSON.stringify(body),
  });
  return answer(response);
}

export function randomId() {
  if (globalThis.crypto && crypto.randomUUID) return crypto.randomUUID();
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}

// ---- click events (docs/analytics.md) --------------------------------------------------

// The tab's random id: in sessionStorage, so it lasts while the tab is open and never follows the
// patient to a later visit (no cookie, no localStorage). Where storage is refused, one per page load.
const CLIENT_ID_KEY = "find-a-specialist.client-id";
const EVENTS_PATH = "/events";
let pageClientId = null;

function clientId() {
  try {
    let id = sessionStorage.getItem(CLIENT_ID_KEY);
    if (!id) {
      id = randomId();
      sessionStorage.setItem(CLIENT_ID_KEY, id);
    }
    return id;
  } catch {
    pageClientId = pageClientId || randomId();
    return pageClientId;
  }
}

// What the patient did with an answer: POST /events with exactly these fields. sendBeacon sends a
// string as text/plain (no preflight) and outlives the page being left; fetch with keepalive is the
// fallback. Analytics never breaks the page: any failure is dropped silently.
export function sendEvent({ query_id, action, position, object_id }) {
  try {
    const body = JSON.stringify({ query_id, action, position, object_id, client_id: clientId() });
    if (navigator.sendBeacon && navigator.sendBeacon(EVENTS_PATH, body)) return;
    const init = { method: "POST", body, keepalive: true, headers: { "Content-Type": "text/plain" } };
    fetch(EVENTS_PATH, init).catch(() => {});
  } catch {
    // nothing to show: the patient's click already did what they asked
  }
}
