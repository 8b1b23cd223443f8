// The confirmation page behind the four links in the hospital team's e-mail:
// /?action=acknowledge|booked|not_suitable|could_not_reach_patient&token=…
// Opening the link only reads (GET /enquiry-actions/{action}/{token}): mail scanners and link
// previews open links too. Only the Confirm button records it (POST), and a second Confirm, or
// the same link again later, says "Already recorded". Times are shown in UK time.

import { ApiError, getJson, postJson } from "./api.js";
import { clear, el } from "./dom.js";

export const TEAM_LINK_HEADING_ID = "team-link-heading";
const SITE = "Find a specialist";
const OUTCOMES = {
  booked: "Appointment booked",
  not_suitable: "Not suitable",
  could_not_reach_patient: "Could not reach the patient",
};
const UK_TIME = new Intl.DateTimeFormat("en-GB", {
  timeZone: "Europe/London",
  dateStyle: "medium",
  timeStyle: "short",
});

export function ukTime(iso) {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? String(iso) : UK_TIME.format(date);
}

function outcomeWords(outcome) {
  return OUTCOMES[outcome] || String(outcome).replace(/_/g, " ");
}

function actionPath(action, token) {
  return `/enquiry-actions/${encodeURIComponent(action)}/${encodeURIComponent(token)}`;
}

function asApiError(error) {
  return error instanceof ApiError ? error : new ApiError(0, null);
}

// 503 (the store cannot answer now) and no answer at all are worth another try; the rest are not.
function worthRetrying(error) {
  return error.status === 503 || error.status === 0;
}

function recordedFacts(recorded) {
  const acknowledged = recorded.acknowledged_at
    ? `Acknowledged on ${ukTime(recorded.acknowledged_at)} (UK time)`
    : "Not acknowledged yet";
  const outcome = recorded.outcome
    ? `${outcomeWords(recorded.outcome)}, recorded on ${ukTime(recorded.outcome_at)} (UK time)`
    : "No outcome recorded yet";
  return [
    el("h2", { text: "What is recorded" }),
    el(
      "dl",
      { class: "facts", id: "team-link-recorded" },
      el("dt", { text: "Acknowledgement" }),
      el("dd", { id: "team-link-acknowledged", text: acknowledged }),
      el("dt", { text: "Outcome" }),
      el("dd", { id: "team-link-outcome", text: outcome }),
    ),
  ];
}

// "Recorded" (this Confirm changed it) or "Already recorded" (it was, by this link or another).
function resultBox(fresh) {
  return el(
    "div",
    { class: "confirmation", id: "team-link-result", tabindex: "-1" },
    el("p", { class: "team-link-result-title", text: fresh ? "Recorded" : "Already recorded" }),
    el("p", { text: fresh ? "Thank you. Nothing more to do." : "Nothing more to do: this is recorded already." }),
  );
}

// `enter()` shows the container's view.
export function createTeamLink({ container, enter }) {
  let generation = 0;
  let controller = null;

  function heading() {
    return document.getElementById(TEAM_LINK_HEADING_ID);
  }

  function alertBox() {
    return document.getElementById("team-link-error");
  }

  function showError(error, retry) {
    const box = clear(alertBox());
    box.append(el("p", { text: error.message }));
    if (retry && worthRetrying(error)) {
      const button = el("button", { type: "button", class: "button button-secondary", id: "team-link-retry" });
      button.textContent = "Try again";
      button.addEventListener("click", retry);
      box.append(el("p", { class: "team-link-retry" }, button));
    }
    box.hidden = false;
  }

  function hideError() {
    const box = clear(alertBox());
    box.hidden = true;
  }

  // What the link does and what is recorded; `result` is the POST's answer, once confirmed.
  function draw(answer, action, token, result) {
    heading().textContent = answer.title;
    document.title = `${answer.title} — ${SITE}`;
    const body = clear(document.getElementById("team-link-body"));
    const reference = el("strong", { id: "team-link-reference", text: answer.reference });
    body.append(el("p", { class: "team-link-reference" }, "Enquiry reference: ", reference));
    if (result) body.append(resultBox(result.changed));
    else if (answer.done) body.append(resultBox(false));
    body.append(...recordedFacts(answer.recorded));
    if (!result && !answer.done) {
      const replaces = answer.action !== "acknowledge" && answer.recorded.outcome;
      const button = el("button", { type: "button", class: "button button-primary", id: "team-link-confirm" });
      button.textContent = "Confirm";
      button.addEventListener("click", () => record(action, token, button));
      body.append(
        el(
          "div",
          { class: "team-link-actions" },
          el("p", {
            id: "team-link-confirm-hint",
            class: "hint",
            text: replaces
              ? "Nothing is recorded until you press Confirm. This outcome then replaces the one recorded now."
              : "Nothing is recorded until you press Confirm.",
          }),
          button,
        ),
      );
      button.setAttribute("aria-describedby", "team-link-confirm-hint");
    }
  }

  async function record(action, token, button) {
    if (button.disabled) return;
    const mine = generation;
    hideError();
    button.disabled = true;
    button.textContent = "Recording…";
    try {
      const done = await postJson(actionPath(action, token), {});
      if (mine !== generation) return;
      draw(done, action, token, done);
      document.getElementById("team-link-result").focus();
    } catch (error) {
      if (mine !== generation) return;
      button.disabled = false;
      button.textContent = "Confirm";
      showError(asApiError(error), () => record(action, token, button));
      alertBox().focus();
    }
  }

  async function show(action, token) {
    if (controller) controller.abort();
    const mine = ++generation;
    controller = new AbortController();
    const { signal } = controller;
    enter();
    document.title = `Enquiry link — ${SITE}`;
    clear(container).append(
      el("h1", { id: TEAM_LINK_HEADING_ID, tabindex: "-1", text: "Enquiry link" }),
      el("div", { id: "team-link-error", class: "alert", role: "alert", tabindex: "-1", hidden: true }),
      el("div", { id: "team-link-body" }, el("p", { class: "status", role: "status", text: "Checking the link…" })),
    );
    container.setAttribute("aria-busy", "true");
    try {
      const answer = await getJson(actionPath(action, token), null, signal);
      if (mine !== generation) return;
      draw(answer, action, token, null);
    } catch (error) {
      if (error.name === "AbortError" || mine !== generation) return;
      const problem = asApiError(error);
      const title = worthRetrying(problem) ? "Sorry, this link could not be checked" : "This link cannot be used";
      heading().textContent = title;
      document.title = `${title} — ${SITE}`;
      clear(document.getElementById("team-link-body"));
      showError(problem, () => show(action, token));
    } finally {
      if (mine === generation) container.removeAttribute("aria-busy");
    }
    if (mine === generation) heading().focus();
  }

  return {
    show,
    // Another view is shown: a check or a Confirm still under way is dropped.
    leave() {
      if (controller) controller.abort();
      controller = null;
      generation += 1;
      clear(container);
    },
  };
}
