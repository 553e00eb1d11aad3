// Building the page from data without innerHTML, so no guest name or note can
// ever become markup.

export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith("on")) element.addEventListener(name.slice(2), value);
    else if (name === "class") element.className = value;
    else element.setAttribute(name, value === true ? "" : String(value));
  }
  element.append(...children.flat().filter((c) => c !== null && c !== undefined && c !== false));
  return element;
}

export const byId = (id) => document.getElementById(id);

export function minutesSince(isoTime, now = Date.now()) {
  return Math.max(0, Math.floor((now - Date.parse(isoTime)) / 60000));
}


// Runs `action`, showing its error (or clearing the last one) in `place`.
// The error's code stays on `place` for a caller that offers a way out.
export async function reporting(place, action) {
  place.textContent = "";
  delete place.dataset.code;
  try {
    return await action();
  } catch (error) {
    place.textContent = error.message;
    if (error.code) place.dataset.code = error.code;
    return undefined;
  }
}

// Submitting `form` runs `action(form)`, its error shown in `place`; after
// a success, `then(result)`.
export function onSubmit(form, place, action, then = () => {}) {
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const result = await reporting(place, () => action(form));
    if (result) then(result);
  });
}

export function showOnly(ids, visible) {
  for (const id of ids) byId(id).hidden = !visible.includes(id);
}

// Dates and hours are the restaurant's, as the API's `date` parameters
// and the day report read them (the browser's zone until it is known).
let zone;

// A zone this browser does not know leaves its own in place.
export function useTimeZone(timeZone) {
  try {
    new Intl.DateTimeFormat("en", { timeZone });
    zone = timeZone;
  } catch {
    zone = undefined;
  }
}

const inZone = (options) => new Intl.DateTimeFormat("en", { timeZone: zone, ...options });

export function localDate(date = new Date()) {
  const parts = inZone({ year: "numeric", month: "2-digit", day: "2-digit" }).formatToParts(date);
  const part = (type) => parts.find((p) => p.type === type).value;
  return `${part("year")}-${part("month")}-${part("day")}`;
}

export const localHour = (isoTime) => Number(inZone({ hour: "numeric", hourCycle: "h23" }).format(new Date(isoTime)));

export const localTime = (isoTime) =>
  inZone({ hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(new Date(isoTime));
