// What the host stand knows: the tables, the parties it has seen (seated ones
// for the floor, the day's book), and the waitlist. Live events update it in
// place; views re-render from it when told something changed.

import { api } from "./api.js";

export const store = {
  tables: new Map(),
  parties: new Map(),
  waitlist: [],
  waitlistFetchedAt: Date.now(),
};

const listeners = new Set();
let waitlistTimer = null;

export function subscribe(listener) {
  listeners.add(listener);
}

function changed() {
  for (const listener of listeners) listener();
}

// Signed out: nothing of this restaurant stays in the tab.
export function forgetAll() {
  store.tables.clear();
  store.parties.clear();
  store.waitlist = [];
}

export async function loadAll() {
  const [tables, seated] = await Promise.all([
    api("GET", "/tables"),
    api("GET", "/reservations?status=seated"),
  ]);
  store.tables = new Map(tables.map((t) => [t.id, t]));
  for (const party of seated) store.parties.set(party.id, party);
  await loadWaitlist();
}

async function loadWaitlist() {
  store.waitlist = await api("GET", "/waitlist");
  store.waitlistFetchedAt = Date.now();
  changed();
}

// Table writes and new walk-ins send no `waitlist_update`; read it again,
// once for a burst of events.
function refreshWaitlistSoon() {
  clearTimeout(waitlistTimer);
  waitlistTimer = setTimeout(() => loadWaitlist().catch(() => {}), 150);
}

const HANDLERS = {
  table_update: (table) => {
    store.tables.set(table.id, table);
    refreshWaitlistSoon();
  },
  table_delete: ({ id }) => {
    store.tables.delete(id);
    refreshWaitlistSoon();
  },
  reservation_update: (party) => {
    store.parties.set(party.id, party);
    if (!party.reservationTime) refreshWaitlistSoon();
  },
  // The summaries shown beside each visit follow the guest book.
  guest_profile_update: (profile) => {
    for (const party of store.parties.values()) {
      if (party?.guestProfileId !== profile.id) continue;
      const { visitCount, noShowCount, tags, dietaryRestrictions } = profile;
      party.guest = { visitCount, noShowCount, tags, dietaryRestrictions };
    }
  },
  waitlist_update: ({ waitlist }) => {
    store.waitlist = waitlist;
    store.waitlistFetchedAt = Date.now();
  },
};

export function apply(event) {
  const handler = HANDLERS[event.type];
  if (!handler) return;
  handler(event.data);
  changed();
}

// The party at a table, fetched once when the floor names one we have not seen.
export function partyAt(table) {
  const id = table.currentGuestId;
  if (!id) return null;
  if (!store.parties.has(id)) {
    store.parties.set(id, null);
    api("GET", `/reservations/${id}`)
      .then((party) => {
        store.parties.set(id, party);
        changed();
      })
      .catch(() => store.parties.delete(id));
  }
  return store.parties.get(id);
}

export const rerender = changed;
