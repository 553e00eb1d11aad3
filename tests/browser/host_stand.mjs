// The host stand in real Chromium (Debian's, driven by playwright-core)
// against a running QTable: sign-in, the floor, two hosts following each
// other live, a dropped socket catching up with `since`, the 409 of a double
// seating, and a screenshot of the floor. Any console error fails the run.
// Started by tests/api/browser.rs, which passes the server and the tools:
//   QTABLE_URL, PLAYWRIGHT_CORE (the package's folder), CHROMIUM, SCREENSHOT.

import assert from "node:assert/strict";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const base = process.env.QTABLE_URL;
const { chromium } = await import(pathToFileURL(join(process.env.PLAYWRIGHT_CORE, "index.mjs")).href);

// The floor every host sees: number, seats, shape, position.
const TABLES = [
  ["T1", 2, "round", 0.15, 0.2],
  ["T2", 2, "square", 0.4, 0.2],
  ["T3", 4, "rectangle", 0.7, 0.2],
  ["T4", 4, "oval", 0.15, 0.7],
  ["T5", 6, "rectangle", 0.45, 0.7],
  ["T6", 8, "round", 0.8, 0.7],
];
const WALK_INS = [["Ada Lovelace", 2], ["Ben Okri", 2], ["Cy Twombly", 4]];
const PASSWORD = "host-stand-password";

async function call(method, path, token, body) {
  const response = await fetch(base + path, {
    method,
    headers: { "content-type": "application/json", ...(token && { authorization: `Bearer ${token}` }) },
    body: body && JSON.stringify(body),
  });
  const data = await response.json().catch(() => null);
  assert.ok(response.ok, `${method} ${path}: ${response.status} ${JSON.stringify(data)}`);
  return data;
}

// A restaurant with its floor and queue, made through the API.
async function restaurant() {
  const email = `host-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.com`;
  const owner = await call("POST", "/auth/register", null, {
    restaurant_name: "Chez Browser", email, password: PASSWORD, first_name: "Hana", last_name: "Host",
  });
  const at = (rest) => `/restaurants/${owner.restaurant_id}${rest}`;
  const tables = {};
  for (const [tableNumber, capacity, shape, x, y] of TABLES) {
    const table = await call("POST", at("/tables"), owner.access_token, { tableNumber, capacity, shape, position: { x, y } });
    tables[tableNumber] = table.id;
  }
  const parties = {};
  for (const [guestName, partySize] of WALK_INS) {
    parties[guestName] = (await call("POST", at("/reservations"), owner.access_token, { guestName, partySize })).id;
  }
  return { email, token: owner.access_token, at, tables, parties };
}

const consoleErrors = [];
// Chromium logs every 4xx response as a console error: the one the test
// provokes is expected (its status and a resolve function while awaited).
let expected = null;

function expectLogged(status) {
  return new Promise((resolve, reject) => {
    expected = { status: String(status), resolve };
    setTimeout(() => reject(new Error(`Chromium did not log the ${status}`)), 5000);
  });
}

async function hostPage(browser, name) {
  const context = await browser.newContext({ viewport: { width: 1024, height: 768 } });
  const page = await context.newPage();
  page.on("console", (message) => {
    if (message.type() !== "error") return;
    if (expected && message.text().includes(`status of ${expected.status}`)) {
      expected.resolve();
      expected = null;
      return;
    }
    consoleErrors.push(`${name}: ${message.text()}`);
  });
  page.on("pageerror", (error) => consoleErrors.push(`${name}: ${error.message}`));
  return page;
}

async function signIn(page, world) {
  await page.goto(`${base}/app`);
  const form = page.locator("#signin-form");
  await form.getByLabel("Email").fill(world.email);
  await form.getByLabel("Password").fill(PASSWORD);
  await form.getByRole("button", { name: "Sign in" }).click();
  await page.locator('#live-status[data-state="live"]').waitFor({ timeout: 5000 });
}

const table = (page, number) => page.locator(`#floor [data-table="${number}"]`);
const occupied = (page, number) => page.locator(`#floor [data-table="${number}"][data-status="occupied"]`);

// Lets the test drop a page's live socket and keep it down until restored.
async function droppableLive(page) {
  const live = { blocked: false, sockets: [], urls: [] };
  await page.routeWebSocket(/\/live\?/, (socket) => {
    live.urls.push(socket.url());
    if (live.blocked) {
      socket.close({ code: 4000, reason: "test: network down" });
      return;
    }
    socket.connectToServer();
    live.sockets.push(socket);
  });
  live.drop = async () => {
    live.blocked = true;
    for (const socket of live.sockets.splice(0)) await socket.close({ code: 4000, reason: "test: dropped" });
  };
  return live;
}

async function step(name, body) {
  const started = Date.now();
  await body();
  console.log(`ok: ${name} (${Date.now() - started} ms)`);
}

const world = await restaurant();
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM,
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
try {
  const hostA = await hostPage(browser, "host A");
  const hostB = await hostPage(browser, "host B");
  const liveB = await droppableLive(hostB);

  await step("sign in", async () => {
    await signIn(hostA, world);
    await signIn(hostB, world);
    assert.equal(await hostA.evaluate(() => localStorage.length), 0, "nothing in localStorage");
  });

  await step("a new restaurant registers from the page", async () => {
    const page = await hostPage(browser, "newcomer");
    await page.goto(`${base}/app`);
    const form = page.locator("#register-form");
    await form.getByLabel("Restaurant name").fill("Le Nouveau");
    await form.getByLabel("Your first name").fill("Nina");
    await form.getByLabel("Email").fill(`new-${world.email}`);
    await form.getByLabel(/^Password/).fill(PASSWORD);
    await form.getByRole("button", { name: "Register" }).click();
    await page.locator('#live-status[data-state="live"]').waitFor({ timeout: 5000 });
    await page.locator("#restaurant-name").getByText("Le Nouveau").waitFor({ timeout: 2000 });
    await page.locator("#floor").getByText("No tables yet.").waitFor({ timeout: 2000 });
    await page.context().close();
  });

  await step("the floor shows every table", async () => {
    for (const [number, capacity] of TABLES) {
      await table(hostA, number).waitFor({ timeout: 2000 });
      assert.match(await table(hostA, number).getAttribute("aria-label"), new RegExp(`Table ${number}, ${capacity} seats`));
    }
    assert.equal(await hostA.locator("#floor .table").count(), TABLES.length);
    await hostA.locator('#waitlist [data-guest="Cy Twombly"]').waitFor({ timeout: 2000 });
  });

  await step("host B is about to seat Ben at T1", async () => {
    await hostB.getByRole("button", { name: "Seat Ben Okri" }).click();
    await hostB.locator("#seat-dialog").getByRole("button", { name: "Table T1 (2 seats)" }).first().waitFor();
  });

  await step("host A seats Ada at T1 and host B sees it within a second", async () => {
    await hostA.getByRole("button", { name: "Seat Ada Lovelace" }).click();
    const seat = hostA.locator("#seat-dialog").getByRole("button", { name: "Table T1 (2 seats)" }).first();
    const seated = hostA.waitForResponse((r) => r.request().method() === "PUT" && r.url().includes("/reservations/"));
    await seat.click();
    assert.equal((await seated).status(), 200);
    await occupied(hostB, "T1").waitFor({ timeout: 1000 });
    await occupied(hostA, "T1").waitFor({ timeout: 1000 });
    assert.match(await table(hostB, "T1").getAttribute("aria-label"), /Ada Lovelace, party of 2/);
  });

  await step("the double seating reads as a taken table", async () => {
    const logged = expectLogged(409);
    await hostB.locator("#seat-dialog").getByRole("button", { name: "Table T1 (2 seats)" }).first().click();
    await hostB.locator("#seat-error").getByText(/^Table taken: table T1 is occupied by another party/).waitFor({ timeout: 2000 });
    await hostB.locator("#seat-dialog").getByRole("button", { name: "Close" }).click();
    await logged;
  });

  await step("a dropped connection shows it, and catches up after", async () => {
    await liveB.drop();
    await hostB.locator('#live-status[data-state="reconnecting"]').waitFor({ timeout: 2000 });
    await call("PUT", world.at(`/reservations/${world.parties["Cy Twombly"]}`), world.token,
      { status: "seated", assignedTableId: world.tables.T3 });
    await occupied(hostA, "T3").waitFor({ timeout: 1000 });
    assert.equal(await table(hostB, "T3").getAttribute("data-status"), "available", "B is offline");
    liveB.blocked = false;
    await occupied(hostB, "T3").waitFor({ timeout: 10000 });
    await hostB.locator('#live-status[data-state="live"]').waitFor({ timeout: 1000 });
    const since = new URL(liveB.urls.at(-1)).searchParams.get("since");
    assert.ok(Number(since) > 0, `reconnected with since (${liveB.urls.at(-1).replace(/token=[^&]+/, "token=…")})`);
  });

  await step("a screenshot of the floor", async () => {
    // Once the quote on the form has followed the queue (Ben alone).
    await hostA.locator("#walkin-quote").getByText("(1 party ahead)").waitFor({ timeout: 2000 });
    await hostA.screenshot({ path: process.env.SCREENSHOT });
  });

  await step("a walk-in is added with its quote shown first, and both hosts see it", async () => {
    const form = hostA.locator("#walkin-form");
    await form.getByLabel("Guest name").fill("Dee Dee");
    await form.getByLabel("Party size").fill("3");
    await hostA.locator("#walkin-quote").getByText(/^Quote: \d+ min \(1 party ahead\)\.$/).waitFor({ timeout: 2000 });
    await form.getByRole("button", { name: "Add walk-in" }).click();
    await hostB.locator('#waitlist [data-guest="Dee Dee"]').waitFor({ timeout: 1000 });
    assert.match(await hostA.locator('#waitlist [data-guest="Dee Dee"]').innerText(), /2\. Dee Dee, 3[\s\S]*quoted/);
  });

  await step("a no-show and a cancellation leave the queue", async () => {
    await hostA.getByRole("button", { name: "No-show Dee Dee" }).click();
    await hostA.getByRole("button", { name: "Cancel Ben Okri" }).click();
    await hostB.locator("#waitlist .empty").waitFor({ timeout: 1000 });
  });

  await step("finishing a party clears its table for everyone", async () => {
    await table(hostA, "T1").click();
    await hostA.getByRole("button", { name: "Finish and clear table" }).click();
    await hostB.locator('#floor [data-table="T1"][data-status="available"]').waitFor({ timeout: 1000 });
  });

  await step("today's book shows the guest's summary, and arrival works from it", async () => {
    const booked = await call("POST", world.at("/reservations"), world.token, {
      guestName: "Grace Hopper", partySize: 4, reservationTime: new Date().toISOString(), contactInfo: "grace@example.com",
    });
    await call("PUT", world.at(`/guest-profiles/${booked.guestProfileId}`), world.token, { dietaryRestrictions: ["peanuts"] });
    await hostB.getByRole("button", { name: "Today's book" }).click();
    await hostB.locator("#book").getByText(/0 visits · 0 no-shows · allergies: peanuts/).waitFor({ timeout: 2000 });
    await hostB.getByRole("button", { name: "Arrived Grace Hopper" }).click();
    await hostB.locator("#book .status-arrived").waitFor({ timeout: 1000 });
  });

  await step("a manager moves a table with the keyboard in edit mode", async () => {
    await hostA.getByRole("button", { name: "Edit floor" }).click();
    await table(hostA, "T6").focus();
    await hostA.keyboard.press("ArrowLeft");
    await hostB.waitForFunction(() => parseFloat(document.querySelector('#floor [data-table="T6"]').style.left) < 79, null, { timeout: 2000 });
  });

  await step("a manager adds a table, sets turn times and reads the day report", async () => {
    await hostA.getByRole("button", { name: "Manage" }).click();
    const tables = hostA.locator("#add-table-form");
    await tables.getByLabel("Table number").fill("T7");
    await tables.getByLabel("Seats").fill("2");
    await tables.getByLabel("Shape").selectOption("square");
    await tables.getByRole("button", { name: "Add table" }).click();
    await table(hostB, "T7").waitFor({ state: "attached", timeout: 1000 });
    const turns = hostA.locator("#turn-form");
    await turns.getByLabel("Default minutes").fill("100");
    await turns.getByLabel(/By party size/).fill("2:60, 4:80");
    await turns.getByRole("button", { name: "Save turn times" }).click();
    await hostA.locator("#manage-note").getByText("Turn times saved.").waitFor({ timeout: 2000 });
    const staff = hostA.locator("#staff-form");
    await staff.getByLabel("First name").fill("Sam");
    await staff.getByLabel("Last name").fill("Server");
    await staff.getByLabel("Email").fill(`sam-${world.email}`);
    await staff.getByLabel("Password").fill(PASSWORD);
    await staff.getByRole("button", { name: "Add staff member" }).click();
    await hostA.getByRole("button", { name: "Deactivate Sam Server" }).click();
    await hostA.getByRole("button", { name: "Reactivate Sam Server" }).waitFor({ timeout: 2000 });
    const saved = await call("GET", world.at("/turn-times"), world.token);
    assert.deepEqual(saved.byPartySize, [{ maxPartySize: 2, minutes: 60 }, { maxPartySize: 4, minutes: 80 }]);
    await hostA.locator("#report-chart svg title").getByText(/^Covers by hour: \d+:00 \d+/).waitFor({ state: "attached", timeout: 2000 });
  });

  await step("a refused access token is refreshed once and the request retried", async () => {
    const unauthorized = { detail: "token expired", code: "unauthorized" };
    await hostB.route(/\/waitlist$/, (route) => route.fulfill({ status: 401, json: unauthorized }), { times: 1 });
    const logged = expectLogged(401);
    const refreshed = hostB.waitForResponse((r) => r.url().endsWith("/auth/refresh"));
    await call("POST", world.at("/reservations"), world.token, { guestName: "Fay Weldon", partySize: 2 });
    assert.equal((await refreshed).status(), 200);
    await hostB.getByRole("button", { name: "Floor" }).click();
    await hostB.locator('#waitlist [data-guest="Fay Weldon"]').waitFor({ timeout: 2000 });
    await logged;
  });

  await step("a party too large for a table is refused, then seated anyway on purpose", async () => {
    await call("POST", world.at("/reservations"), world.token, { guestName: "Gus Grissom", partySize: 5 });
    await hostB.getByRole("button", { name: "Seat Gus Grissom" }).click();
    const logged = expectLogged(409);
    await hostB.locator("#seat-dialog").getByRole("button", { name: "Table T2 (2 seats)" }).click();
    await hostB.locator("#seat-error").getByText(/^Party too large for that table: a party of 5 exceeds table T2's capacity of 2\./).waitFor({ timeout: 2000 });
    await logged;
    await hostB.locator("#seat-error").getByRole("button", { name: "Seat anyway" }).click();
    await occupied(hostA, "T2").waitFor({ state: "attached", timeout: 1000 });
  });

  await step("a party only a combination fits is seated at both its tables", async () => {
    await call("POST", world.at("/table-combinations"), world.token, { name: "T4+T5", tableIds: [world.tables.T4, world.tables.T5] });
    await call("POST", world.at("/reservations"), world.token, { guestName: "Hal Party", partySize: 9 });
    await hostB.getByRole("button", { name: "Seat Hal Party" }).click();
    await hostB.locator("#seat-dialog").getByRole("button", { name: "Tables T4 + T5 together (10 seats)" }).click();
    await occupied(hostB, "T4").waitFor({ timeout: 1000 });
    await occupied(hostB, "T5").waitFor({ timeout: 1000 });
  });

  await step("a manager removes a table", async () => {
    await hostA.getByRole("button", { name: "Remove table T7" }).click();
    await table(hostB, "T7").waitFor({ state: "detached", timeout: 1000 });
  });

  await step("sign out", async () => {
    await hostA.getByRole("button", { name: "Sign out" }).click();
    await hostA.locator("#signin-view").waitFor({ state: "visible", timeout: 2000 });
    assert.equal(await hostA.evaluate(() => sessionStorage.length), 0, "the refresh token is gone");
  });

  assert.deepEqual(consoleErrors, [], "no console errors");
  console.log("host stand: all browser checks passed");
} finally {
  await browser.close();
}
