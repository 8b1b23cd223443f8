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

export async function getJson(path, params, signal) {
  const query = params && params.toString() ? `?${params}` : "";
  const response = await fetch(`${path}${query}`, { headers: { Accept: "application/json" }, signal });
  return answer(response);
}

export async function postJson(path, body, headers = {}) {
  const response = await fetch(path, {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "application/json", ...headers },
    body: JSON.stringify(body),
  });
  return answer(response);
}

export function newIdempotencyKey() {
  if (globalThis.crypto && crypto.randomUUID) return crypto.randomUUID();
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}
