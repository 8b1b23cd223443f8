// Fees, dates and the GMC register as the page words them. Pure functions, no DOM (the unit
// tests run them in Node). Dates are UK time whatever the browser's zone: a slot at 23:30 UTC
// in summer is the next morning's date in London, where the patient goes.

const ZONE = "Europe/London";
const DAY_MS = 24 * 60 * 60 * 1000;
// Fees older than this may have changed (the data-quality report's threshold too).
const STALE_FEES_DAYS = 365;

export const CONSULTATION_LABELS = { in_person: "In person", video: "Video", phone: "Phone" };
const REGISTRATION_LABELS = { registered: "Registered", licence_suspended: "Licence suspended", erased: "Erased" };

// 25000 -> "£250", 25050 -> "£250.50", 100000 -> "£1,000".
export function pounds(pence) {
  const decimals = pence % 100 === 0 ? 0 : 2;
  const amount = (pence / 100).toLocaleString("en-GB", {
    minimumFractionDigits: decimals,
    maximumFractionDigits: decimals,
  });
  return `£${amount}`;
}

function parts(iso, options) {
  const found = {};
  for (const part of new Intl.DateTimeFormat("en-GB", { timeZone: ZONE, ...options }).formatToParts(new Date(iso))) {
    found[part.type] = part.value;
  }
  return found;
}

// "Tue 8 Dec": a slot's day.
export function slotDay(iso) {
  const p = parts(iso, { weekday: "short", day: "numeric", month: "short" });
  return `${p.weekday} ${p.day} ${p.month}`;
}

// "Tue 8 Dec, 09:30": a slot's day and time.
export function slotDayTime(iso) {
  const p = parts(iso, { hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
  return `${slotDay(iso)}, ${p.hour}:${p.minute}`;
}

// "3 Mar 2026": when something was updated or checked.
export function longDate(iso) {
  const p = parts(iso, { day: "numeric", month: "short", year: "numeric" });
  return `${p.day} ${p.month} ${p.year}`;
}

// "Up to £200": a maximum-fee choice, from its value in pence as the URL holds it.
export function maxFeeLabel(value) {
  return /^\d{1,7}$/.test(value) ? `Up to ${pounds(Number(value))}` : value;
}

export function feesMayBeStale(updatedAt, now = Date.now()) {
  return new Date(now) - new Date(updatedAt) > STALE_FEES_DAYS * DAY_MS;
}

// "GMC 1234567 · Registered · on the specialist register for Psychiatry · checked 1 Dec 2026";
// null when there is no GMC number (therapists and psychologists are not on the register).
export function registrationText(gmcNumber, registration) {
  if (!gmcNumber) return null;
  const shown = [`GMC ${gmcNumber}`];
  if (!registration) return [...shown, "registration not checked"].join(" · ");
  shown.push(REGISTRATION_LABELS[registration.status] || registration.status);
  if (registration.specialist_register.length) {
    shown.push(`on the specialist register for ${registration.specialist_register.join(", ")}`);
  }
  shown.push(`checked ${longDate(registration.verified_at)}`);
  return shown.join(" · ");
}
