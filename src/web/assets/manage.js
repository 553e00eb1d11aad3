// The manager's screens: tables added and removed (moving them is the
// floor's edit mode), turn times, staff, and the day report with a chart of
// covers by the hour parties sat down.

import { api, current } from "./api.js";
import { byId, h, localDate, localHour, onSubmit, reporting } from "./dom.js";
import { store } from "./store.js";

const SVG = "http://www.w3.org/2000/svg";
const report = (action) => reporting(byId("manage-error"), action);
// Reservations and walk-ins that sat down (so count in covers).
const SAT = new Set(["seated", "finished"]);

export async function loadManage() {
  await Promise.all([loadTurnTimes(), loadStaff(), loadReport()]);
}

// A new table starts in the middle of the floor, to be dragged into place.
function addTable(form) {
  return api("POST", "/tables", {
    tableNumber: form.tableNumber.value.trim(),
    capacity: Number(form.capacity.value),
    shape: form.shape.value,
    position: { x: 0.5, y: 0.5 },
  });
}

export function renderTableList() {
  const rows = [...store.tables.values()].map((table) =>
    h(
      "li",
      {},
      `Table ${table.tableNumber}, ${table.capacity} seats, ${table.shape} `,
      h(
        "button",
        { type: "button", "aria-label": `Remove table ${table.tableNumber}`, onclick: () => report(() => api("DELETE", `/tables/${table.id}`)) },
        "Remove",
      ),
    ),
  );
  byId("table-list").replaceChildren(...rows);
}

async function loadTurnTimes() {
  const times = await report(() => api("GET", "/turn-times"));
  if (!times) return;
  const form = byId("turn-form");
  form.defaultMinutes.value = times.defaultMinutes;
  form.bands.value = (times.byPartySize ?? []).map((b) => `${b.maxPartySize}:${b.minutes}`).join(", ");
}

// Bands are typed as "size:minutes, size:minutes" (up to that party size).
function saveTurnTimes(form) {
  const byPartySize = form.bands.value
    .split(",")
    .map((band) => band.trim())
    .filter(Boolean)
    .map((band) => {
      const [maxPartySize, minutes] = band.split(":").map(Number);
      return { maxPartySize, minutes };
    });
  return api("PUT", "/turn-times", { defaultMinutes: Number(form.defaultMinutes.value), byPartySize });
}

async function loadStaff() {
  const staff = await report(() => api("GET", "/staff"));
  if (!staff) return;
  byId("staff-list").replaceChildren(...staff.map(staffItem));
}

// Anyone but yourself can be switched off (their sessions end at once) and on again.
function staffItem(member) {
  const name = `${member.firstName} ${member.lastName}`;
  const action = member.active ? "Deactivate" : "Reactivate";
  const toggle = async () => {
    if (await report(() => api("PUT", `/staff/${member.id}`, { active: !member.active }))) await loadStaff();
  };
  return h(
    "li",
    {},
    `${name} (${member.email}), ${member.role}${member.active ? "" : ", inactive"} `,
    member.id !== current().userId &&
      h("button", { type: "button", "aria-label": `${action} ${name}`, onclick: toggle }, action),
  );
}

const addStaff = (form) => api("POST", "/staff", Object.fromEntries(new FormData(form)));

async function loadReport() {
  const date = byId("report-date").value;
  if (!date) return;
  const [day, parties] = await Promise.all([
    report(() => api("GET", `/reports/day?date=${date}`)),
    report(() => api("GET", `/reservations?date=${date}`)),
  ]);
  if (!day || !parties) return;
  byId("report-summary").textContent =
    `${day.parties.total} parties, ${day.covers.total} covers (${day.covers.walkIns} walk-in), ` +
    `${day.noShows} no-shows, ${day.cancellations} cancellations.`;
  byId("report-chart").replaceChildren(coversChart(coversByHour(parties)));
}

function coversByHour(parties) {
  const covers = new Array(24).fill(0);
  for (const party of parties) {
    if (SAT.has(party.status) && party.seatedTime) covers[localHour(party.seatedTime)] += party.partySize;
  }
  return covers;
}

function svg(tag, attributes, text) {
  const element = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, String(value));
  if (text !== undefined) element.textContent = text;
  return element;
}

// One bar per hour, scaled to the busiest; the numbers are in its title too.
function coversChart(covers) {
  const most = Math.max(1, ...covers);
  const chart = svg("svg", { viewBox: "0 0 480 170", role: "img", "aria-labelledby": "chart-title" });
  const described = covers.map((n, hour) => `${hour}:00 ${n}`).filter((_, hour) => covers[hour] > 0);
  chart.append(svg("title", { id: "chart-title" }, `Covers by hour: ${described.join(", ") || "none"}`));
  covers.forEach((n, hour) => {
    const height = (n / most) * 130;
    chart.append(svg("rect", { x: hour * 20 + 2, y: 140 - height, width: 16, height, class: "bar" }));
    if (n > 0) chart.append(svg("text", { x: hour * 20 + 10, y: 135 - height, class: "count" }, n));
    if (hour % 3 === 0) chart.append(svg("text", { x: hour * 20 + 10, y: 160, class: "hour" }, `${hour}h`));
  });
  return chart;
}

export function initManage() {
  const place = byId("manage-error");
  onSubmit(byId("add-table-form"), place, addTable, () => {
    byId("add-table-form").tableNumber.value = "";
  });
  onSubmit(byId("turn-form"), place, saveTurnTimes, () => {
    byId("manage-note").textContent = "Turn times saved.";
  });
  onSubmit(byId("staff-form"), place, addStaff, () => {
    byId("staff-form").reset();
    loadStaff();
  });
  byId("report-date").addEventListener("change", loadReport);
}
