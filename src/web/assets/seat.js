// Seating a party: the engine's suggestions first (tables and combinations
// free for the party's whole turn), then every other free table. The choices
// are those of the moment the dialog opened: if another host takes a table
// meanwhile, the server's 409 says so here.

import { api } from "./api.js";
import { byId, h, reporting } from "./dom.js";
import { store } from "./store.js";

const tableNumbers = (ids) =>
  ids.map((id) => store.tables.get(id)?.tableNumber ?? "?").join(" + ");

export async function openSeat(party) {
  byId("seat-title").textContent = `Seat ${party.guestName}, party of ${party.partySize}`;
  byId("seat-choices").replaceChildren(h("p", {}, "Looking for tables…"));
  byId("seat-error").textContent = "";
  byId("seat-dialog").showModal();
  const suggestions =
    (await reporting(byId("seat-error"), () =>
      api("GET", `/seating-suggestions?partySize=${party.partySize}`),
    )) ?? [];
  byId("seat-choices").replaceChildren(...choices(party, suggestions));
}

function choices(party, suggestions) {
  const suggested = new Set(suggestions.filter((s) => !s.combinationId).flatMap((s) => s.tableIds));
  const others = [...store.tables.values()].filter(
    (t) => t.status === "available" && !t.currentGuestId && !suggested.has(t.id),
  );
  return [
    h("h3", {}, "Suggested"),
    list(suggestions.map((s) => suggestionButton(party, s)), "No table or combination is free for this party now."),
    h("h3", {}, "Other free tables"),
    list(others.map((t) => choice(party, `Table ${t.tableNumber} (${t.capacity} seats)`, { assignedTableId: t.id })), "None."),
  ];
}

function suggestionButton(party, suggestion) {
  const what = suggestion.combinationId
    ? `Tables ${tableNumbers(suggestion.tableIds)} together (${suggestion.capacity} seats)`
    : `Table ${tableNumbers(suggestion.tableIds)} (${suggestion.capacity} seats)`;
  const place = suggestion.combinationId
    ? { assignedCombinationId: suggestion.combinationId }
    : { assignedTableId: suggestion.tableIds[0] };
  return choice(party, what, place, suggestion.reasons.join("; "));
}

function choice(party, text, place, why) {
  return h(
    "li",
    {},
    h("button", { type: "button", onclick: () => seat(party, place) }, text),
    why && h("span", { class: "why" }, ` ${why}`),
  );
}

function list(items, empty) {
  return items.length ? h("ul", { class: "choices" }, items) : h("p", {}, empty);
}

async function seat(party, place) {
  const error = byId("seat-error");
  const seated = await reporting(error, () => api("PUT", `/reservations/${party.id}`, { status: "seated", ...place }));
  if (seated) {
    byId("seat-dialog").close();
  } else if (error.dataset.code === "over_capacity") {
    // The host may know better (a chair pulled up): say so and seat anyway.
    const anyway = { ...place, allowOverCapacity: true };
    error.append(" ", h("button", { type: "button", onclick: () => seat(party, anyway) }, "Seat anyway"));
  }
}

export function initSeat() {
  byId("seat-close").addEventListener("click", () => byId("seat-dialog").close());
}
