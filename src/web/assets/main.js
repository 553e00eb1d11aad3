// The host stand's entry point: sign-in or the floor, the live connection and
// the views that re-render from the store.

import { accessToken, api, current, refreshOrSignOut, restaurantPath, resume, signOut, whenSignedOut } from "./api.js";
import { initBook, loadBook, noteParty, renderBook } from "./book.js";
import { byId, localDate, showOnly, useTimeZone } from "./dom.js";
import { initFloor, renderFloor, setEditing } from "./floor.js";
import { Live } from "./live.js";
import { initManage, loadManage, renderTableList } from "./manage.js";
import { initSeat } from "./seat.js";
import { initSignIn } from "./signin.js";
import { apply, forgetAll, loadAll, rerender, subscribe } from "./store.js";
import { initWaitlist, refreshQuote, renderWaitlist } from "./waitlist.js";

const VIEWS = ["signin-view", "floor-view", "book-view", "manage-view"];
const MANAGERS = new Set(["owner", "manager"]);
const STATUS_TEXT = { connecting: "Connecting…", live: "Live", reconnecting: "Reconnecting…" };
// Elapsed times on the floor and in the queue move on by themselves.
const TICK_MS = 30000;

let live = null;

function showSignIn() {
  live?.stop();
  live = null;
  forgetAll();
  // The next host to sign in may not be a manager.
  if (byId("edit-floor").getAttribute("aria-pressed") === "true") toggleEditing();
  showOnly(VIEWS, ["signin-view"]);
  for (const id of ["views", "live-status", "sign-out"]) byId(id).hidden = true;
  byId("restaurant-name").textContent = "QTable";
  byId("signin-form").email.focus();
}

async function showHostStand() {
  for (const id of ["views", "live-status", "sign-out"]) byId(id).hidden = false;
  const manager = MANAGERS.has(current().role);
  byId("manage-tab").hidden = !manager;
  byId("edit-floor").hidden = !manager;
  choose("floor");
  const restaurant = await api("GET", "").catch(() => null);
  byId("restaurant-name").textContent = restaurant?.name ?? "QTable";
  useTimeZone(restaurant?.timezone);
  byId("book-date").value = byId("report-date").value = localDate();
  live = new Live(restaurantPath("/live"), {
    token: accessToken,
    reauthenticate: refreshOrSignOut,
    onEvent,
    onReload: reload,
    onStatus: (status) => {
      byId("live-status").textContent = STATUS_TEXT[status];
      byId("live-status").dataset.state = status;
    },
  });
  live.start();
}

function onEvent(event) {
  apply(event);
  if (event.type === "reservation_update") noteParty(event.data);
}

async function reload() {
  try {
    await Promise.all([loadAll(), loadBook(), refreshQuote()]);
  } catch (error) {
    byId("waitlist-error").textContent = error.message;
  }
}

function choose(view) {
  showOnly(VIEWS, [`${view}-view`]);
  if (view === "manage") loadManage();
  for (const button of byId("views").querySelectorAll("button")) {
    button.setAttribute("aria-pressed", String(button.dataset.view === view));
  }
}

function render() {
  if (!current()) return;
  renderFloor();
  renderWaitlist();
  renderBook();
  renderTableList();
}

function toggleEditing() {
  const button = byId("edit-floor");
  const on = button.getAttribute("aria-pressed") !== "true";
  button.setAttribute("aria-pressed", String(on));
  byId("floor-hint").hidden = !on;
  setEditing(on);
}

async function start() {
  initSignIn(showHostStand);
  initFloor();
  initSeat();
  initWaitlist();
  initBook();
  initManage();
  byId("edit-floor").addEventListener("click", toggleEditing);
  subscribe(render);
  whenSignedOut(showSignIn);
  byId("views").addEventListener("click", (event) => {
    if (event.target.dataset.view) choose(event.target.dataset.view);
  });
  byId("sign-out").addEventListener("click", () => signOut().finally(showSignIn));
  setInterval(rerender, TICK_MS);
  if (await resume()) await showHostStand();
  else showSignIn();
}

start();
