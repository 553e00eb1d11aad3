// The day's book: reservations by time with what the guest book knows of
// each guest (visits, no-shows, allergies and tags); arrival, seating,
// no-show and cancellation from the list; another day by the date picker.

import { api } from "./api.js";
import { byId, h, localDate, localTime, reporting } from "./dom.js";
import { openSeat } from "./seat.js";
import { store } from "./store.js";

const OPEN = new Set(["confirmed", "runningLate", "arrived", "partiallyArrived"]);
let day = [];

export async function loadBook() {
  const date = byId("book-date").value || localDate();
  const parties = await reporting(byId("book-error"), () => api("GET", `/reservations?date=${date}`));
  if (!parties) return;
  day = parties.filter((p) => p.reservationTime).map((p) => p.id);
  for (const party of parties) store.parties.set(party.id, party);
  renderBook();
}

export function renderBook() {
  const parties = day.map((id) => store.parties.get(id)).filter(Boolean);
  byId("book").replaceChildren(...parties.map(bookItem));
  if (parties.length === 0) byId("book").append(h("li", { class: "empty" }, "No reservations this day."));
}

function guestSummary(guest) {
  if (!guest) return "new guest";
  const parts = [`${guest.visitCount} visits`, `${guest.noShowCount} no-shows`];
  if (guest.dietaryRestrictions.length) parts.push(`allergies: ${guest.dietaryRestrictions.join(", ")}`);
  if (guest.tags.length) parts.push(guest.tags.join(", "));
  return parts.join(" · ");
}

function bookItem(party) {
  const act = (text, action) =>
    h("button", { type: "button", "aria-label": `${text} ${party.guestName}`, onclick: action }, text);
  const update = (status) => () =>
    reporting(byId("book-error"), () => api("PUT", `/reservations/${party.id}`, { status }));
  const open = OPEN.has(party.status);
  return h(
    "li",
    { class: `booking status-${party.status}` },
    h("span", { class: "time" }, localTime(party.reservationTime)),
    h("span", { class: "who" }, `${party.guestName}, ${party.partySize}`),
    h("span", { class: "state" }, party.status),
    h("span", { class: "guest" }, guestSummary(party.guest)),
    open &&
      h(
        "span",
        { class: "actions" },
        party.status !== "arrived" && act("Arrived", update("arrived")),
        act("Seat", () => openSeat(party)),
        act("No-show", update("noShow")),
        act("Cancel", () => reporting(byId("book-error"), () => api("DELETE", `/reservations/${party.id}`))),
      ),
  );
}

// A reservation made elsewhere for the day shown joins the list (the store
// has it already).
export function noteParty(party) {
  const date = byId("book-date").value;
  if (!party.reservationTime || localDate(new Date(party.reservationTime)) !== date || day.includes(party.id)) return;
  day.push(party.id);
  const time = (id) => store.parties.get(id)?.reservationTime ?? "";
  day.sort((a, b) => time(a).localeCompare(time(b)));
  renderBook();
}

export function initBook() {
  byId("book-date").addEventListener("change", loadBook);
}
