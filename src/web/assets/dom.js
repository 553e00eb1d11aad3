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

export function localTime(isoTime) {
  return new Date(isoTime).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
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

// The browser's calendar date, as the API's `date` parameters take it.
export function localDate(date = new Date()) {
  const pad = (n) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}
