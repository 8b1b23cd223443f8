// The enquiry form. The API checks every field (the browser's own validation is off), and a
// 400 names the field: its message is shown beside that field, linked by aria-describedby,
// and the field gets focus. A 202 gives the reference the patient quotes.

import { ApiError, postJson, randomId } from "./api.js";
import { el, clear, setFieldError } from "./dom.js";

const TEXT_FIELDS = [
  { name: "first_name", label: "First name", autocomplete: "given-name" },
  { name: "last_name", label: "Last name", autocomplete: "family-name" },
  {
    name: "email",
    label: "E-mail address",
    autocomplete: "email",
    type: "email",
    hint: "We send a copy of your enquiry here",
  },
  { name: "phone", label: "Phone number (optional)", autocomplete: "tel", type: "tel" },
];

function errorNode(name) {
  return el("p", { id: `enq-${name}-error`, class: "field-error", hidden: true });
}

function textField({ name, label, autocomplete, type = "text", hint }) {
  const hintNode = hint ? el("p", { id: `enq-${name}-hint`, class: "hint", text: hint }) : null;
  return el(
    "div",
    { class: "field" },
    el("label", { for: `enq-${name}`, text: label }),
    hintNode,
    errorNode(name),
    el("input", { id: `enq-${name}`, name, type, autocomplete, "aria-describedby": hintNode ? hintNode.id : null }),
  );
}

function selectField(name, label, choices) {
  return el(
    "div",
    { class: "field" },
    el("label", { for: `enq-${name}`, text: label }),
    errorNode(name),
    el("select", { id: `enq-${name}`, name }, choices.map(([value, text]) => el("option", { value, text }))),
  );
}

function radios(name, legend, choices) {
  return el(
    "fieldset",
    { class: "field", id: `enq-${name}`, tabindex: "-1" },
    el("legend", { text: legend }),
    errorNode(name),
    choices.map(([value, text], i) =>
      el(
        "div",
        { class: "check" },
        el("input", { type: "radio", id: `enq-${name}-${value}`, name, value, checked: i === 0 }),
        el("label", { for: `enq-${name}-${value}`, text }),
      ),
    ),
  );
}

function checkboxField(name, label) {
  return el(
    "div",
    { class: "field check" },
    errorNode(name),
    el("input", { type: "checkbox", id: `enq-${name}`, name }),
    el("label", { for: `enq-${name}`, text: label }),
  );
}

// The version of the privacy notice this form shows: sent with the consent and stored with the
// enquiry (`consent_version`), so what the patient agreed to can be told later.
export const PRIVACY_NOTICE_VERSION = "2026-11";

// The body: what the form holds, plus what the form was opened for (`fixed`: a specialist's
// id, or a general enquiry's hospital and treatment slug). Empty optional fields are left out.
function readBody(form, fixed) {
  const data = new FormData(form);
  const text = (name) => String(data.get(name) || "").trim();
  const body = {
    ...fixed,
    first_name: text("first_name"),
    last_name: text("last_name"),
    email: text("email"),
    preferred_contact: text("preferred_contact") || "email",
    consent: data.get("consent") === "on",
    consent_version: PRIVACY_NOTICE_VERSION,
    marketing_opt_in: data.get("marketing_opt_in") === "on",
    website: text("website"),
  };
  for (const name of ["phone", "hospital_id", "treatment", "specialty", "message"]) {
    if (text(name)) body[name] = text(name);
  }
  return body;
}

function clearErrors(form, summary) {
  form.querySelectorAll(".field-error").forEach((node) => {
    const field = document.getElementById(node.id.replace(/-error$/, ""));
    if (field) setFieldError(field, node, "");
  });
  summary.hidden = true;
  clear(summary);
}

function showError(form, summary, error) {
  const field = error.field && document.getElementById(`enq-${error.field}`);
  const node = error.field && document.getElementById(`enq-${error.field}-error`);
  const problem = field
    ? el("a", {
        href: `#${field.id}`,
        text: error.message,
        onclick: (event) => {
          event.preventDefault();
          field.focus();
        },
      })
    : error.message;
  summary.append(el("h3", { text: "There is a problem" }), el("p", {}, problem));
  summary.hidden = false;
  if (field && node) {
    setFieldError(field, node, error.message);
    field.focus();
  } else {
    summary.focus();
  }
}

function confirmation(reference, email, team) {
  return el(
    "div",
    { class: "confirmation", id: "enquiry-confirmation", tabindex: "-1", role: "status" },
    el("h3", { text: "Enquiry sent" }),
    el("p", {}, "Your reference is ", el("strong", { id: "enquiry-reference", text: reference }), "."),
    el("p", { text: `We have e-mailed a copy to ${email}. ${team} will be in touch.` }),
  );
}

// The form, for a specialist or a general enquiry: `fixed` is sent as it is, `fields` are the
// choices that differ (hospital, treatment), `teamFor(body)` names who answers.
function enquiryForm({ heading, intro, fixed, fields, consent, teamFor }) {
  const summary = el("div", { id: "enquiry-summary", class: "alert", role: "alert", tabindex: "-1", hidden: true });
  const submit = el("button", { type: "submit", class: "button button-primary", text: "Send enquiry" });
  const form = el(
    "form",
    { id: "enquiry-form", class: "enquiry-form", novalidate: true, "aria-labelledby": "enquiry-heading" },
    summary,
    TEXT_FIELDS.map(textField),
    radios("preferred_contact", "How should we contact you?", [["email", "E-mail"], ["phone", "Phone"]]),
    fields,
    el(
      "div",
      { class: "field" },
      el("label", { for: "enq-message", text: "Your message (optional)" }),
      errorNode("message"),
      el("textarea", { id: "enq-message", name: "message", rows: "4", maxlength: "2000" }),
    ),
    checkboxField("consent", `${consent} (privacy notice, version ${PRIVACY_NOTICE_VERSION})`),
    checkboxField("marketing_opt_in", "Send me news and offers (optional)"),
    el(
      "div",
      { class: "honeypot", hidden: true },
      el("label", { for: "enq-website", text: "Leave this empty" }),
      el("input", { id: "enq-website", name: "website", tabindex: "-1", autocomplete: "off" }),
    ),
    submit,
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (submit.disabled) return;
    clearErrors(form, summary);
    const body = readBody(form, fixed);
    submit.disabled = true;
    submit.textContent = "Sending…";
    try {
      const accepted = await postJson("/enquiries", body, { "Idempotency-Key": randomId() });
      const done = confirmation(accepted.enquiry_id, body.email, teamFor(body));
      form.replaceWith(done);
      done.focus();
    } catch (error) {
      showError(form, summary, error instanceof ApiError ? error : new ApiError(0, null));
    } finally {
      submit.disabled = false;
      submit.textContent = "Send enquiry";
    }
  });
  return el(
    "section",
    { class: "enquiry", "aria-labelledby": "enquiry-heading" },
    el("h2", { id: "enquiry-heading", tabindex: "-1", text: heading }),
    intro ? el("p", { class: "enquiry-intro", id: "enquiry-intro", text: intro }) : null,
    form,
  );
}

// `queryId`: the search answer the profile was opened from, sent as the enquiry's `query_id`
// (the enquiry then counts as sent from that search); null when the profile was opened directly.
export function renderEnquiryForm(container, profile, queryId = null) {
  const fixed = { specialist_id: profile.id };
  if (queryId) fixed.query_id = queryId;
  const hospitals = profile.hospitals.map((h) => [h.id, h.name]);
  const treatments = [["", "Not sure yet"], ...profile.treatments.map((t) => [t, t])];
  clear(container).append(
    enquiryForm({
      heading: `Send ${profile.name} an enquiry`,
      fixed,
      fields: [
        hospitals.length ? selectField("hospital_id", "Hospital", hospitals) : null,
        selectField("treatment", "Treatment", treatments),
      ],
      consent: "I agree that the hospital team may use these details to answer my enquiry",
      teamFor: () => "The hospital team",
    }),
  );
}

export const ANY_HOSPITAL = "Any hospital / not sure";

// A general enquiry: no specialist. `hospital` ({id, name}) fixes the hospital; otherwise
// `hospitals` are offered, with "Any hospital / not sure" (the central team) first.
// `treatment` ({slug, label}) is sent as its slug; `treatments` ([{value, label}]) are offered.
function renderGeneralEnquiryForm(container, { heading, intro, hospital, hospitals = [], treatment, treatments }) {
  const fixed = {};
  if (hospital) fixed.hospital_id = hospital.id;
  if (treatment) fixed.treatment = treatment.slug;
  const fields = [];
  if (!hospital) {
    const choices = [["", ANY_HOSPITAL], ...hospitals.map((h) => [h.id, h.name])];
    fields.push(selectField("hospital_id", "Hospital", choices));
  }
  if (!treatment && treatments && treatments.length) {
    fields.push(selectField("treatment", "Treatment", [["", "Not sure yet"], ...treatments.map((t) => [t.value, t.label])]));
  }
  clear(container).append(
    enquiryForm({
      heading,
      intro,
      fixed,
      fields,
      consent: "I agree that the enquiries team may use these details to answer my enquiry",
      teamFor: (body) => (body.hospital_id ? "The hospital team" : "Our central enquiries team"),
    }),
  );
}

// The button that opens a general enquiry form in `container` (once) and takes the patient to
// its heading; `options` are renderGeneralEnquiryForm's.
export function generalEnquiryButton({ id, text }, container, options) {
  const button = el("button", {
    type: "button",
    id,
    class: "button button-primary",
    "aria-controls": container.id,
    "aria-expanded": "false",
    text,
  });
  button.addEventListener("click", () => {
    if (container.hidden) {
      renderGeneralEnquiryForm(container, options);
      container.hidden = false;
      button.setAttribute("aria-expanded", "true");
    }
    const heading = document.getElementById("enquiry-heading");
    heading.scrollIntoView({ block: "start" });
    heading.focus();
  });
  return button;
}
