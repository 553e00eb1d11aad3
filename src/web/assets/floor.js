// The floor: each table a button placed by its normalised position, sized by
// its capacity, shaped and coloured by its data; an occupied one shows its
// party and how long it has been seated. Choosing a table opens its actions.
// In edit mode (owners and managers) tables are dragged, or moved with the
// arrow keys, and each move is saved as the table's new position.

import { api } from "./api.js";
import { byId, h, minutesSince, reporting } from "./dom.js";
import { partyAt, store } from "./store.js";

const STATUS_NAMES = {
  available: "available",
  occupied: "occupied",
  reserved: "reserved",
  outOfService: "out of service",
};

// Keyboard moves: a step of the floor's width or height per key press.
const STEP = 0.02;
const ARROWS = { ArrowLeft: [-STEP, 0], ArrowRight: [STEP, 0], ArrowUp: [0, -STEP], ArrowDown: [0, STEP] };
let editing = false;
// While a table is dragged the floor is not redrawn under the pointer.
let dragging = false;

export function renderFloor() {
  if (dragging) return;
  const floor = byId("floor");
  floor.classList.toggle("editing", editing);
  const tables = [...store.tables.values()].sort((a, b) =>
    a.tableNumber.localeCompare(b.tableNumber, undefined, { numeric: true }),
  );
  // Redrawing replaces the buttons: keep the keyboard on the table it was on.
  const focused = document.activeElement?.dataset?.table;
  floor.replaceChildren(...tables.map(tableButton));
  if (focused) floor.querySelector(`[data-table="${CSS.escape(focused)}"]`)?.focus();
  if (tables.length === 0) floor.append(h("p", { class: "empty" }, "No tables yet."));
}

function tableButton(table) {
  const party = partyAt(table);
  const seated = party?.seatedTime ? minutesSince(party.seatedTime) : null;
  const occupant = party ? `${party.guestName}, party of ${party.partySize}` : null;
  const label = [
    `Table ${table.tableNumber}`,
    `${table.capacity} seats`,
    STATUS_NAMES[table.status],
    occupant,
    seated === null ? null : `seated ${seated} min`,
  ].filter(Boolean);
  const button = h(
    "button",
    {
      type: "button",
      class: `table shape-${table.shape} status-${table.status}`,
      "aria-label": label.join(", "),
      "data-table": table.tableNumber,
      "data-status": table.status,
      onclick: () => editing || openTable(table.id),
      onpointerdown: (event) => editing && drag(event, table),
      onkeydown: (event) => editing && nudge(event, table),
    },
    h("span", { class: "number" }, table.tableNumber),
    h("span", { class: "seats" }, `${table.capacity} seats`),
    occupant && h("span", { class: "party" }, occupant),
    seated !== null && h("span", { class: "elapsed" }, `${seated} min`),
  );
  // Through the CSSOM, which the page's policy allows (inline style attributes it does not).
  button.style.left = `${table.position.x * 100}%`;
  button.style.top = `${table.position.y * 100}%`;
  button.style.setProperty("--size", `${3.6 + Math.min(table.capacity, 12) * 0.4}rem`);
  return button;
}

const clamp = (value) => Math.min(1, Math.max(0, Math.round(value * 1000) / 1000));

function savePosition(table, x, y) {
  const position = { x: clamp(x), y: clamp(y) };
  return reporting(byId("floor-error"), () => api("PUT", `/tables/${table.id}`, { position }));
}

function drag(event, table) {
  const button = event.currentTarget;
  const area = byId("floor").getBoundingClientRect();
  const at = (e) => [(e.clientX - area.left) / area.width, (e.clientY - area.top) / area.height];
  button.setPointerCapture(event.pointerId);
  dragging = true;
  const move = (e) => {
    const [x, y] = at(e).map(clamp);
    button.style.left = `${x * 100}%`;
    button.style.top = `${y * 100}%`;
  };
  button.addEventListener("pointermove", move);
  button.addEventListener(
    "pointerup",
    async (e) => {
      button.removeEventListener("pointermove", move);
      dragging = false;
      await savePosition(table, ...at(e));
    },
    { once: true },
  );
}

function nudge(event, table) {
  const step = ARROWS[event.key];
  if (!step) return;
  event.preventDefault();
  savePosition(table, table.position.x + step[0], table.position.y + step[1]);
}

export function setEditing(on) {
  editing = on;
  renderFloor();
}

function openTable(id) {
  const table = store.tables.get(id);
  const party = partyAt(table);
  byId("table-title").textContent = `Table ${table.tableNumber}`;
  byId("table-summary").textContent = party
    ? `${party.guestName}, party of ${party.partySize}, seated ${minutesSince(party.seatedTime)} min ago.`
    : `${table.capacity} seats, ${STATUS_NAMES[table.status]}.`;
  byId("table-actions").replaceChildren(...tableActions(table, party));
  byId("table-error").textContent = "";
  byId("table-dialog").showModal();
}

function tableActions(table, party) {
  const act = (text, action) =>
    h("button", { type: "button", onclick: () => run(action) }, text);
  const actions = [];
  if (party) {
    actions.push(act("Finish and clear table", () => api("PUT", `/reservations/${party.id}`, { status: "finished" })));
  } else if (table.status !== "available") {
    actions.push(act("Mark available", () => setStatus(table, "available")));
  }
  if (!party && table.status !== "outOfService") {
    actions.push(act("Mark out of service", () => setStatus(table, "outOfService")));
  }
  return actions;
}

const setStatus = (table, status) => api("PUT", `/tables/${table.id}`, { status });

async function run(action) {
  const done = await reporting(byId("table-error"), async () => (await action()) ?? true);
  if (done) byId("table-dialog").close();
}

export function initFloor() {
  byId("table-close").addEventListener("click", () => byId("table-dialog").close());
}
