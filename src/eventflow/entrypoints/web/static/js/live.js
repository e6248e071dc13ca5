// Live pages: what anyone changes shows without a reload.
//
// While the tab is visible, the page polls the change feed every few seconds: GET /api/changes with the ETag of the
// revision it shows, answered 304 (no body) while nothing changed anywhere. When the revision moves, the page
// re-fetches what it shows and swaps only the parts that differ: its [data-live] regions (the calendar's grid and
// late banner, the phone's upcoming list, the review queue, the production matrix) and the event card open over it.
// A change made on this page (any write through app.js's api(), an upload, a comment) polls at once.
//
// A part is not swapped while someone is using it (a field with focus or typed into, an open dialog, a playing
// video, a pointer held down, a drag, or an element marked [data-live-hold]): it is swapped at the next poll once
// they are done.
// After a swap, open menus and the focused control are put back and "live:updated" is dispatched with the regions'
// names; the card is swapped by card.js ("live:card"), which dispatches "card:loaded" as after any change.

const POLL_MS = 3000;
const MAX_WAIT_MS = 60000;
let pageUrl = location.pathname + location.search; // the page under any card opened over it (the card has its own URL)
const shown = document.querySelector('meta[name="eventflow-revision"]')?.content;

let etag = shown ? `"r${shown}"` : null;
let stale = false; // the revision moved and something could not be swapped yet
let failures = 0;
let stopped = false;
let timer = null;
let running = null;
let queued = null;
let dragging = false;
let pressing = false; // a pointer is down: a swap now would take the element from under the click
const seen = new Map(); // region name -> the HTML last put in place
let cardSeen = null; // { url, html } of the card last put in place

function schedule() {
  clearTimeout(timer);
  if (stopped || document.hidden) return;
  const wait = failures ? Math.min(POLL_MS * 2 ** failures, MAX_WAIT_MS) : POLL_MS;
  timer = setTimeout(tick, wait);
}

/** Whether the revision moved since the last poll. */
async function poll() {
  const headers = { Accept: "application/json" };
  if (etag) headers["If-None-Match"] = etag;
  const response = await fetch("/api/changes", { headers, credentials: "same-origin", cache: "no-store" });
  if (response.status === 304) return false;
  if (response.status === 401) { stopped = true; return false; } // logged out: the next click goes to the login form
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  const next = response.headers.get("ETag");
  const moved = etag !== null && next !== etag;
  etag = next;
  return moved;
}

async function run() {
  clearTimeout(timer);
  try {
    if (await poll()) stale = true;
    if (stale) stale = !(await refresh());
    failures = 0;
  } catch {
    failures += 1;
  } finally {
    schedule();
  }
}

function tick() {
  if (running) {
    queued ??= running.then(() => { queued = null; return tick(); });
    return queued;
  }
  running = run().finally(() => { running = null; });
  return running;
}

/** Poll now and swap whatever changed; resolves once done (a change this page just made shows at once). */
export function refreshNow() {
  return tick();
}

/** Swap what changed; false when something had to wait (someone is using it). */
async function refresh() {
  let done = true;
  const regions = [...document.querySelectorAll("[data-live]")].filter((el) => !el.closest("#overlay"));
  if (regions.length) done = (await refreshRegions(regions)) && done;
  const card = document.querySelector("#overlay [data-card]");
  if (card) done = (await refreshCard(card)) && done;
  return done;
}

async function fetchText(url) {
  const options = { credentials: "same-origin", cache: "no-store", headers: { Accept: "text/html" } };
  const response = await fetch(url, options);
  if (response.redirected && new URL(response.url).pathname === "/login") { stopped = true; return null; }
  if (!response.ok) return response.status === 404 ? null : Promise.reject(new Error(`HTTP ${response.status}`));
  return response.text();
}

async function refreshRegions(regions) {
  if (!history.state?.card) pageUrl = location.pathname + location.search; // a page that changed its own URL
  const html = await fetchText(pageUrl);
  if (html === null) return true;
  const fresh = new DOMParser().parseFromString(html, "text/html");
  const updated = [];
  let done = true;
  for (const region of regions) {
    const name = region.dataset.live;
    const next = fresh.querySelector(`[data-live="${CSS.escape(name)}"]`);
    if (!next) continue;
    const text = next.outerHTML;
    if (text === (seen.get(name) ?? region.outerHTML)) continue;
    if (inUse(region)) { done = false; continue; }
    region.replaceWith(carryOver(region, document.importNode(next, true)));
    seen.set(name, text);
    updated.push(name);
  }
  if (updated.length) document.dispatchEvent(new CustomEvent("live:updated", { detail: { regions: updated } }));
  return done;
}

async function refreshCard(card) {
  const url = `/events/${card.dataset.eventId}`;
  const overlay = card.closest("#overlay");
  const busy = () => inUse(overlay) || document.querySelector("dialog[open]");
  if (busy()) return false; // not even fetched: someone is writing a comment, comparing versions…
  const html = await fetchText(`${url}?fragment=1`);
  if (html === null) return true; // gone (deleted): the card stays as it was, its actions will say so
  if (cardSeen?.url === url && cardSeen.html === html) return true;
  if (busy() || !overlay.contains(card)) return false;
  const scroll = [overlay.scrollTop, card.scrollTop];
  document.dispatchEvent(new CustomEvent("live:card", { detail: { html } }));
  [overlay.scrollTop] = scroll;
  const again = overlay.querySelector("[data-card]");
  if (again) again.scrollTop = scroll[1];
  cardSeen = { url, html };
  return true;
}

const TYPING = "textarea, [contenteditable], trix-editor, input:not([type=checkbox], [type=radio], [type=button], "
  + "[type=submit], [type=reset], [type=file], [type=range], [type=color])";

/** Someone is using this part of the page: typing, choosing, watching, dragging or in a dialog. */
function inUse(root) {
  if (dragging || pressing || root.querySelector("[data-live-hold]") || root.closest("[data-live-hold]")) return true;
  const active = document.activeElement;
  if (active && root.contains(active) && active.matches(TYPING)) return true;
  if (root.querySelector("dialog[open]")) return true;
  if ([...root.querySelectorAll("video, audio")].some((media) => !media.paused)) return true;
  const rich = [...root.querySelectorAll("trix-editor[input]")]
    .map((editor) => document.getElementById(editor.getAttribute("input")));
  const fields = [...root.querySelectorAll("form input:not([type=hidden]), form textarea, form select"), ...rich];
  return fields.some((field) => field && edited(field));
}

/** A field of a form changed and not sent yet (filters and menus that act at once are outside forms). */
function edited(field) {
  if (field.type === "checkbox" || field.type === "radio") return field.checked !== field.defaultChecked;
  if (field.type === "file") return field.files.length > 0;
  if (field.tagName === "SELECT") {
    const byDefault = [...field.options].findIndex((option) => option.defaultSelected);
    return field.selectedIndex !== (byDefault === -1 && !field.multiple ? 0 : byDefault);
  }
  return field.value !== field.defaultValue;
}

const KEYS = ["id", "data-event-id", "data-slot-id", "data-date", "data-action", "data-status", "href"];

/** A selector finding ``el`` again in the fresh HTML: its identifying attributes and those of its keyed ancestor. */
function keyOf(el) {
  const own = KEYS.filter((name) => el.hasAttribute(name))
    .map((name) => `[${name}="${CSS.escape(el.getAttribute(name))}"]`).join("");
  const classes = own || !el.classList.length ? "" : `.${[...el.classList].map(CSS.escape).join(".")}`;
  const parent = el.parentElement?.closest("[data-event-id], [data-slot-id], [data-date]");
  const scope = parent ? keyOf(parent) : "";
  const self = `${el.tagName.toLowerCase()}${own}${classes}`;
  return scope ? `${scope} ${self}` : self;
}

/** Open menus, the focused control and scroll positions of ``old`` carried over to ``next``. */
function carryOver(old, next) {
  for (const menu of old.querySelectorAll("details[open]")) next.querySelector(keyOf(menu))?.setAttribute("open", "");
  const active = document.activeElement;
  if (active && active !== document.body && old.contains(active)) {
    const key = keyOf(active);
    requestAnimationFrame(() => document.querySelector(key)?.focus({ preventScroll: true }));
  }
  const scrolled = [old, ...old.querySelectorAll("*")].filter((el) => el.scrollLeft || el.scrollTop);
  if (scrolled.length) {
    const places = scrolled.map((el) => [keyOf(el), el.scrollLeft, el.scrollTop]);
    requestAnimationFrame(() => {
      for (const [key, left, top] of places) {
        const el = next.matches(key) ? next : next.querySelector(key);
        if (el) { el.scrollLeft = left; el.scrollTop = top; }
      }
    });
  }
  return next;
}

document.addEventListener("eventflow:changed", () => tick());
document.addEventListener("card:loaded", (event) => {
  const card = document.querySelector("#overlay [data-card]");
  if (card && event.detail?.html) cardSeen = { url: `/events/${card.dataset.eventId}`, html: event.detail.html };
  // an upload or a comment on this card: the page behind follows at once
  if (event.detail?.reload && !event.detail.live) tick();
});
document.addEventListener("dragstart", () => { dragging = true; });
for (const type of ["dragend", "drop"]) {
  document.addEventListener(type, () => { if (dragging) { dragging = false; if (stale) tick(); } });
}
document.addEventListener("pointerdown", () => { pressing = true; }, true);
for (const type of ["pointerup", "pointercancel"]) document.addEventListener(type, () => { pressing = false; }, true);
window.addEventListener("blur", () => { pressing = false; }); // released outside the window
document.addEventListener("visibilitychange", () => {
  if (document.hidden) clearTimeout(timer); // a hidden tab costs the server nothing
  else tick();
});
window.addEventListener("online", () => { failures = 0; tick(); });
schedule();
