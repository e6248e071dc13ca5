// Shared helpers for every page: API calls with the CSRF header, messages, toasts, generic API forms, user menu.
const messages = JSON.parse(document.getElementById("i18n")?.textContent || "{}");

/** ``text`` with its %(name)s filled in from ``values``. */
export function formatText(text, values = {}) {
  return String(text ?? "").replace(/%\((\w+)\)s/g, (_, name) => values[name] ?? "");
}

export function t(key, values = {}) {
  return formatText(messages[key] || key, values);
}

export function csrfToken() {
  const meta = document.querySelector('meta[name="csrf-token"]')?.content;
  if (meta) return meta;
  const match = document.cookie.match(/(?:^|; )(?:__Host-)?eventflow_csrf=([^;]+)/);
  return match ? decodeURIComponent(match[1]) : "";
}

/** A number of bytes in the page's language and units, as the server writes them ("4,3 Mo", "4.3 MB"). */
export function formatSize(bytes) {
  const units = [["gigabyte", 1024 ** 3, 1], ["megabyte", 1024 ** 2, 1], ["kilobyte", 1024, 0]];
  const [unit, scale, digits] = units.find(([, scale]) => bytes >= scale) || ["byte", 1, 0];
  return new Intl.NumberFormat(document.documentElement.lang || undefined, {
    style: "unit", unit, unitDisplay: unit === "byte" ? "long" : "short", maximumFractionDigits: digits,
  }).format(bytes / scale);
}

/** An API's message as a sentence people read: it starts with a capital ("le nom dépasse…" → "Le nom dépasse…"). */
export function sentence(text) {
  return text ? text[0].toUpperCase() + text.slice(1) : text;
}

export class ApiError extends Error {
  constructor(status, body) {
    // 401 on a page: the session ended (expired, logged out elsewhere); the API's words are for scripts
    super(status === 401 ? t("logged_out") : sentence(body?.description || body?.title || t("error")));
    this.status = status;
    this.body = body;
  }
}

export async function api(method, url, body) {
  const headers = { "X-CSRF-Token": csrfToken(), Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  let response;
  try {
    response = await fetch(url, {
      method, headers, credentials: "same-origin", body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new Error(t("network"));  // the browser's own words ("Failed to fetch") are not in the reader's language
  }
  const text = await response.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { data = null; }  // a proxy's HTML error page
  if (!response.ok) throw new ApiError(response.status, data);
  if (method !== "GET") document.dispatchEvent(new CustomEvent("eventflow:changed")); // live.js shows it at once
  return data;
}

let toastTimer;
export function toast(text, isError = false) {
  const box = document.getElementById("toast");
  if (!box) return;
  box.textContent = text;
  box.classList.toggle("error", isError);
  box.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { box.hidden = true; }, isError ? 6000 : 2500);
}

/** Turn a form into the JSON body its API expects (data-int numbers or lists, data-list, data-json, data-null). */
export function formBody(form) {
  const body = {};
  for (const el of form.elements) {
    if (!el.name || el.disabled) continue;
    if (el.type === "checkbox" && el.hasAttribute("data-int")) {
      body[el.name] = body[el.name] || [];
      if (el.checked) body[el.name].push(Number(el.value));
    } else if (el.type === "checkbox" && el.hasAttribute("data-list")) {
      body[el.name] = body[el.name] || [];
      if (el.checked) body[el.name].push(el.value);
    } else if (el.type === "checkbox") {
      body[el.name] = el.checked;
    } else if (el.type === "radio") {
      if (el.checked) body[el.name] = el.value;
    } else if (el.hasAttribute("data-int")) {
      body[el.name] = el.value ? Number(el.value) : null;
    } else if (el.hasAttribute("data-json")) {
      try { body[el.name] = el.value.trim() ? JSON.parse(el.value) : {}; }
      catch { throw new Error(t("bad_json", { field: el.labels?.[0]?.textContent?.trim() || el.name })); }
    } else if (el.hasAttribute("data-null") && !el.value.trim()) {
      body[el.name] = null;
    } else {
      body[el.name] = el.value;
    }
  }
  return body;
}

export function showFormError(form, message) {
  const box = form.querySelector(".form-error");
  // the server's words start in lower case (they also end up inside other sentences): here they stand alone
  const sentence = message ? message.charAt(0).toLocaleUpperCase() + message.slice(1) : "";
  if (box) { box.textContent = sentence; box.hidden = !message; } else if (message) toast(sentence, true);
}

// A form's error is about what it held when it was sent: it goes as soon as the person changes something.
for (const type of ["input", "change"]) {
  document.addEventListener(type, (event) => {
    const form = event.target.closest?.("form");
    const box = form?.querySelector(".form-error");
    if (box && !box.hidden) showFormError(form, "");
  });
}

/** Today in the browser, as a date input writes it (YYYY-MM-DD). */
function today() {
  const now = new Date();
  return `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, "0")}-${String(now.getDate()).padStart(2, "0")}`;
}

/** A night put on a past day (a typo in the year?) by a form's ``data-confirm-past`` date: whether the person means it. */
function pastDateAccepted(form) {
  const input = form.querySelector("input[data-confirm-past]");
  const date = input?.value;
  return !date || date === input.defaultValue || date >= today() || window.confirm(t("confirm_past_night"));
}

const afterSubmit = new Map([
  ["reload", () => location.reload()],
  ["toast", () => toast(t("saved"))],
  ["reload-saved", () => { sessionStorage.setItem("eventflow-toast", t("saved")); location.reload(); }],
]);
export function onAfterSubmit(name, handler) { afterSubmit.set(name, handler); }

document.addEventListener("submit", async (event) => {
  const form = event.target.closest("form[data-api]");
  if (!form) return;
  event.preventDefault();
  if (!pastDateAccepted(form)) return;
  const [method, url] = form.dataset.api.split(" ");
  const button = form.querySelector('[type="submit"]');
  showFormError(form, "");
  let body;
  try { body = formBody(form); } catch (err) { showFormError(form, err.message); return; }
  if (button) button.disabled = true;
  try {
    const result = await api(method, url, body);
    const then = afterSubmit.get(form.dataset.then);
    if (then) await then(result, form);
  } catch (err) {
    showFormError(form, err.message || t("error"));
  } finally {
    if (button) button.disabled = false;
  }
});

document.addEventListener("click", async (event) => {
  const target = event.target.closest("[data-action]");
  if (!target) return;
  const action = target.dataset.action;
  if (action === "language") {
    try { await api("PATCH", "/api/me", { language: target.dataset.language }); location.reload(); }
    catch (err) { toast(err.message, true); }
  } else if (action === "logout") {
    try { await api("DELETE", "/api/session"); } finally { location.href = "/login"; }
  } else if (action === "close-dialog") {
    target.closest("dialog")?.close();
  } else if (action === "close-uploads") {
    document.getElementById("uploads").hidden = true;
  }
});

// Close open menus on Escape or a click elsewhere.
document.addEventListener("click", (event) => {
  for (const open of document.querySelectorAll("details.usermenu[open], details.dropdown[open]")) {
    if (!open.contains(event.target)) open.removeAttribute("open");
  }
});
document.addEventListener("keydown", (event) => {
  if (event.key !== "Escape") return;
  for (const open of document.querySelectorAll("details[open]")) open.removeAttribute("open");
});

// Filters apply as soon as they change.
document.addEventListener("change", (event) => {
  const form = event.target.closest("form[data-autosubmit]");
  if (form && event.target.name === "late") form.requestSubmit();
});

// A file dropped where nothing takes it is ignored, never opened in place of the app.
for (const type of ["dragover", "drop"]) {
  window.addEventListener(type, (event) => {
    if (event.dataTransfer?.types.includes("Files")) event.preventDefault();
  });
}

const pendingToast = sessionStorage.getItem("eventflow-toast");
if (pendingToast) { sessionStorage.removeItem("eventflow-toast"); toast(pendingToast); }

for (const fill of document.querySelectorAll("[data-width]")) fill.style.width = `${fill.dataset.width}%`;

if ("serviceWorker" in navigator && location.protocol !== "file:") {
  navigator.serviceWorker.register("/sw.js").catch(() => {});
}
