// The walk-in queue in order, with the wait each party was quoted and how
// long it has waited (overdue parties stand out); adding a walk-in shows the
// engine's quote first and stores the quote the host saw.

import { api } from "./api.js";
import { byId, h, onSubmit, reporting } from "./dom.js";
import { openSeat } from "./seat.js";
import { store } from "./store.js";

let shownQuote = null;
let quoteTimer = null;

export function renderWaitlist() {
  // The queue moved: the quote on the form may have too.
  clearTimeout(quoteTimer);
  quoteTimer = setTimeout(showQuote, 200);
  const sinceFetch = Math.floor((Date.now() - store.waitlistFetchedAt) / 60000);
  const entries = store.waitlist.map((entry) => entryItem(entry, entry.waitedMinutes + sinceFetch));
  byId("waitlist").replaceChildren(...entries);
  if (entries.length === 0) byId("waitlist").append(h("li", { class: "empty" }, "Nobody waiting."));
}

function entryItem(entry, waited) {
  const quoted = entry.quotedWaitMinutes;
  const overdue = quoted !== null && quoted !== undefined && waited > quoted;
  const act = (text, action) =>
    h("button", { type: "button", "aria-label": `${text} ${entry.guestName}`, onclick: action }, text);
  return h(
    "li",
    { class: overdue ? "entry overdue" : "entry", "data-guest": entry.guestName },
    h("span", { class: "who" }, `${entry.position}. ${entry.guestName}, ${entry.partySize}`),
    h(
      "span",
      { class: "wait" },
      `waited ${waited} min` + (quoted === null || quoted === undefined ? "" : ` of ${quoted} quoted`),
      overdue ? " (overdue)" : "",
    ),
    h(
      "span",
      { class: "actions" },
      act("Seat", () => openSeat(entry)),
      act("No-show", () => change(() => api("PUT", `/reservations/${entry.id}`, { status: "noShow" }))),
      act("Cancel", () => change(() => api("DELETE", `/reservations/${entry.id}`))),
    ),
  );
}

const change = (action) => reporting(byId("waitlist-error"), action);

async function showQuote() {
  const form = byId("walkin-form");
  const size = Number(form.partySize.value);
  shownQuote = null;
  if (!(size >= 1 && size <= 99)) {
    byId("walkin-quote").textContent = "";
    return;
  }
  let quote;
  try {
    quote = await api("GET", `/waitlist/quote?partySize=${size}`);
  } catch (error) {
    byId("walkin-quote").textContent = error.message;
    return;
  }
  shownQuote = quote.quotedWaitMinutes;
  byId("walkin-quote").textContent =
    shownQuote === null
      ? "No table or combination fits this party."
      : `Quote: ${shownQuote} min (${quote.partiesAhead} ${quote.partiesAhead === 1 ? "party" : "parties"} ahead).`;
}

function addWalkIn(form) {
  const body = {
    guestName: form.guestName.value.trim(),
    partySize: Number(form.partySize.value),
    contactInfo: form.contactInfo.value.trim() || null,
  };
  if (shownQuote !== null) body.quotedWaitMinutes = shownQuote;
  return api("POST", "/reservations", body);
}

// Ready for the next party at once.
function cleared(form) {
  form.guestName.value = "";
  form.contactInfo.value = "";
  form.guestName.focus();
}

export function initWaitlist() {
  const form = byId("walkin-form");
  onSubmit(form, byId("waitlist-error"), addWalkIn, () => cleared(form));
  form.partySize.addEventListener("input", () => {
    clearTimeout(quoteTimer);
    quoteTimer = setTimeout(showQuote, 200);
  });
}

export const refreshQuote = showQuote;
