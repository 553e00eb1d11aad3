// The manager's screens: tables added and removed (moving them is the
// floor's edit mode), turn times, staff, and the day report with a chart of
// covers by the hour parties sat down.

import { api } from "./api.js";
import { byId, h, localDate, reporting } from "./dom.js";
import { store } from "./store.js";

const SVG = "http://www.w3.org/2000/svg";
const report = (action) => reporting(byId("manage-error"), action);
// Reservations and walk-ins that sat down (so count in covers).
const SAT = new Set(["seated", "finished"]);

export async function loadManage() {
  await Promise.all([loadTurnTimes(), loadStaff(), loadReport()]);
}

async function addTable(event) {
  event.preventDefault();
  const form = event.target;
  const body = {
    tableNumber: form.tableNumber.value.trim(),
    capacity: Number(form.capacity.value),
    shape: form.shape.value,
    position: { x: 0.5, y: 0.5 },
  };
  if (await report(() => api("POST", "/tables", body))) form.tableNumber.value = "";
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
async function saveTurnTimes(event) {
  event.preventDefault();
  const form = event.target;
  const byPartySize = form.bands.value
    .split(",")
    .map((band) => band.trim())
    .filter(Boolean)
    .map((band) => {
      const [maxPartySize, minutes] = band.split(":").map(Number);
      return { maxPartySize, minutes };
    });
  const saved = await report(() =>
    api("PUT", "/turn-times", { defaultMinutes: Number(form.defaultMinutes.value), byPartySize }),
  );
  if (saved) byId("manage-error").textContent = "Turn times saved.";
}

async function loadStaff() {
  const staff = await report(() => api("GET", "/staff"));
  if (!staff) return;
  byId("staff-list").replaceChildren(
    ...staff.map((member) =>
      h("li", {}, `${member.firstName} ${member.lastName} (${member.email}), ${member.role}${member.active ? "" : ", inactive"}`),
    ),
  );
}

async function addStaff(event) {
  event.preventDefault();
  const form = event.target;
  const body = Object.fromEntries(new FormData(form));
  if (await report(() => api("POST", "/staff", body))) {
    form.reset();
    await loadStaff();
  }
}

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
    if (SAT.has(party.status) && party.seatedTime) covers[new Date(party.seatedTime).getHours()] += party.partySize;
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
  byId("add-table-form").addEventListener("submit", addTable);
  byId("turn-form").addEventListener("submit", saveTurnTimes);
  byId("staff-form").addEventListener("submit", addStaff);
  byId("report-date").value = localDate();
  byId("report-date").addEventListener("change", loadReport);
}
