// The API client. The access token lives only in this module's memory, never
// in storage a script could read back later; the refresh token is kept in
// sessionStorage so that reloading the tab does not sign the host out, and
// it dies with the tab (see the README). Each request that meets a 401
// refreshes once and retries; concurrent ones share that one refresh, since
// the server ends the whole session when a spent refresh token comes back.

const REFRESH_KEY = "qtable.refreshToken";
// Refresh this long before the access token expires.
const EARLY_SECONDS = 60;

let session = null;
let refreshing = null;
let refreshTimer = null;
let onSignedOut = () => {};

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export function whenSignedOut(callback) {
  onSignedOut = callback;
}

export const current = () => session;
export const accessToken = () => session?.accessToken;
export const restaurantPath = (rest) => `/restaurants/${session.restaurantId}${rest}`;

export async function signIn(email, password) {
  adopt(await send("POST", "/auth/login", { email, password }));
}

export async function register(fields) {
  adopt(await send("POST", "/auth/register", fields));
}

// Picks up the tab's session after a reload; false when there is none.
export async function resume() {
  if (!sessionStorage.getItem(REFRESH_KEY)) return false;
  try {
    await refresh();
    return true;
  } catch {
    forget();
    return false;
  }
}

export async function signOut() {
  const refreshToken = sessionStorage.getItem(REFRESH_KEY);
  try {
    if (refreshToken) await send("POST", "/auth/logout", { refresh_token: refreshToken });
  } finally {
    forget();
  }
}

// A request as the signed-in user: `rest` is under /restaurants/{id}.
export async function api(method, rest, body) {
  if (!session) throw new ApiError(401, "signed_out", "Signed out: sign in again.");
  const path = restaurantPath(rest);
  try {
    return await send(method, path, body, session.accessToken);
  } catch (error) {
    if (!(error instanceof ApiError) || error.status !== 401) throw error;
    await refreshOrSignOut();
    return send(method, path, body, session.accessToken);
  }
}

// Only a refused refresh token signs the host out; an unreachable server
// leaves the session for the next try.
export async function refreshOrSignOut() {
  try {
    await refresh();
  } catch (error) {
    if (error.status === 401) {
      forget();
      onSignedOut();
    }
    throw error;
  }
}

function refresh() {
  refreshing ??= (async () => {
    const refreshToken = sessionStorage.getItem(REFRESH_KEY);
    if (!refreshToken) throw new ApiError(401, "signed_out", "signed out");
    adopt(await send("POST", "/auth/refresh", { refresh_token: refreshToken }));
  })().finally(() => {
    refreshing = null;
  });
  return refreshing;
}

function adopt(tokens) {
  session = {
    accessToken: tokens.access_token,
    restaurantId: tokens.restaurant_id,
    userId: tokens.user_id,
    role: tokens.role,
  };
  sessionStorage.setItem(REFRESH_KEY, tokens.refresh_token);
  clearTimeout(refreshTimer);
  const seconds = Math.max(tokens.expires_in - EARLY_SECONDS, 5);
  refreshTimer = setTimeout(() => refreshOrSignOut().catch(() => {}), seconds * 1000);
}

function forget() {
  clearTimeout(refreshTimer);
  session = null;
  sessionStorage.removeItem(REFRESH_KEY);
}

async function send(method, path, body, token) {
  const headers = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (token) headers.Authorization = `Bearer ${token}`;
  let response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, "network", "Cannot reach the server. Check the connection and try again.");
  }
  const data = response.status === 204 ? null : await response.json().catch(() => null);
  if (!response.ok) throw errorFrom(response, data);
  return data;
}

// The CONTRACT's error body: {detail, code}, or for 422 a list of {loc, msg}.
function errorFrom(response, data) {
  const code = data?.code ?? `http_${response.status}`;
  let detail = data?.detail;
  if (Array.isArray(detail)) {
    detail = detail.map((d) => `${d.loc.filter((l) => l !== "body").join(".")}: ${d.msg}`).join("; ");
  }
  const retry = response.headers.get("Retry-After");
  return new ApiError(response.status, code, describe(response.status, code, detail, retry));
}

// What the host reads: a heading for the kind of problem, then the server's words.
const HEADINGS = {
  table_occupied: "Table taken",
  table_out_of_service: "Table out of service",
  over_capacity: "Party too large for that table",
  combination_in_use: "Combination in use",
  illegal_transition: "Not possible now",
  email_taken: "Email already registered",
  duplicate_table_number: "Table number already used",
  last_owner: "The last owner must stay",
  validation_error: "Please check the form",
};

function describe(status, code, detail, retryAfter) {
  let text = (detail || "the server gave no detail").replace(/\.$/, "");
  if (status === 429) return `Too many attempts: try again in ${retryAfter ?? "a few"} seconds.`;
  if (status === 403) return `Not allowed for your role: ${text}.`;
  if (status === 412) return "Someone else changed this meanwhile: look again and retry.";
  if (status >= 500) return `The server could not do this (${text}). Try again shortly.`;
  // The page offers "Seat anyway" itself; the API's hint names a field.
  if (code === "over_capacity") text = text.replace(/; send allowOverCapacity.*$/, "");
  const heading = HEADINGS[code];
  return heading ? `${heading}: ${text}.` : `${text[0].toUpperCase()}${text.slice(1)}.`;
}
