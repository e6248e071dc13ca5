// Uploads that are never lost: every file goes through tus (the vendored tus-js-client) from a queue kept in
// IndexedDB. A lost connection is retried with back-off and resumed from the server's offset (tus HEAD); a closed tab
// resumes the next time any page that sends files is opened. Moodboard photos are shrunk in the browser first (long
// side 2560 px, JPEG ~0.85, EXIF orientation applied) unless the person asks for full quality; deliverables, PDFs and
// videos are sent exactly as they are.
import { csrfToken, t } from "./app.js";

const TUS_SCRIPT = "/static/vendor/tus-js-client/tus.min.js?v=4.3.1";
const ENDPOINT = "/api/uploads";
const PHOTO_EDGE = 2560;
const PHOTO_QUALITY = 0.85;
// What a photo may weigh once shrunk: ~3.5 s on a mobile uplink of 1.35 Mbit/s (Chrome's "Fast 4G"), so it is on its
// night in under 5 s with the shrinking and the round trips. Most photos fit at 2560 px and 0.85; a very detailed one
// (a 5 MB 12 MP shot of a crowd or foliage) steps down to 0.7, then to fewer pixels at 0.7.
const PHOTO_BUDGET = 560 * 1000;
const PHOTO_QUALITY_FLOOR = 0.7;
const SHRINKABLE = /^image\/(jpeg|png|webp)$/;
const RETRY_DELAYS = [0, 1000, 2000, 4000, 8000];  // within one attempt; then the queue waits (below) and starts again
const RESTART_DELAYS = [2000, 5000, 10000, 20000, 30000];
const STALL_MS = 20000;  // no answer nor progress for that long: the connection is dead, start it again
const DB_NAME = "eventflow-uploads";
const STORE = "pending";

// Every text this module shows (keys of JS_MESSAGES in pages/render.py, translated there).
const TEXT = {
  failedBecause: "failed_because", network: "network", wrongType: "wrong_type", quota: "quota", failed: "failed", done: "done",
  preparing: "upload_preparing", waiting: "upload_waiting", resumed: "upload_resumed", login: "upload_login",
};

function explain(status, body) {
  // the server's answer is in the reader's language, its limit in their units ("500 Mo"): say it as it is
  if (status === 413) return body?.description ? t(TEXT.failedBecause, { reason: body.description }) : t(TEXT.failed);
  if (status === 415) return body?.description || t(TEXT.wrongType);  // the server says what is wrong and what to send
  if (status === 507) return t(TEXT.quota);
  if (status === 401) return t(TEXT.login);
  if (status === 0) return t(TEXT.network);
  return body?.description || `${t(TEXT.failed)} (HTTP ${status})`;
}

/** Worth trying again: no answer at all (network), or the server busy / restarting. */
function transient(status) {
  return status === 0 || status === 408 || status === 409 || status === 423 || status === 429 || (status >= 500 && status !== 507);
}

// ---- the line shown for each file ------------------------------------------------------------------------------

function panelItem(name, list) {
  const panel = document.getElementById("uploads");
  const target = list || panel?.querySelector("ul");
  if (panel && !list) panel.hidden = false;
  const item = document.createElement("li");
  item.className = "upload-item";
  item.dataset.state = "preparing";
  const title = document.createElement("strong");
  title.textContent = name;
  const bar = document.createElement("div");
  bar.className = "bar";
  bar.setAttribute("role", "progressbar");
  bar.setAttribute("aria-label", name);
  bar.setAttribute("aria-valuemin", "0");
  bar.setAttribute("aria-valuemax", "100");
  const fill = document.createElement("span");
  bar.append(fill);
  const msg = document.createElement("span");
  msg.className = "msg";
  item.append(title, bar, msg);
  target?.prepend(item);
  let pct = 0;
  const state = (name, text) => { item.dataset.state = name; msg.textContent = text; };
  return {
    item,
    preparing() { state("preparing", t(TEXT.preparing)); },
    resumed() { state("resumed", t(TEXT.resumed)); },
    progress(ratio) {
      pct = Math.round(ratio * 100);
      fill.style.width = `${pct}%`;
      bar.setAttribute("aria-valuenow", String(pct));
      state("sending", `${pct} %`);
    },
    waiting() { item.classList.add("waiting"); state("waiting", `${t(TEXT.waiting)} · ${pct} %`); },
    sending() { item.classList.remove("waiting"); state("sending", `${pct} %`); },
    done() { item.classList.remove("waiting"); item.classList.add("done"); fill.style.width = "100%"; state("done", `✓ ${t(TEXT.done)}`); },
    failed(text) { item.classList.remove("waiting"); item.classList.add("failed"); fill.style.width = "100%"; state("failed", text); },
  };
}

// ---- photos shrunk before sending ------------------------------------------------------------------------------

function jpegName(name) { return `${name.replace(/\.[^.]*$/, "") || "photo"}.jpg`; }

function encode(bitmap, width, height, quality) {
  const canvas = typeof OffscreenCanvas === "function" ? new OffscreenCanvas(width, height) : Object.assign(document.createElement("canvas"), { width, height });
  const ctx = canvas.getContext("2d");
  ctx.fillStyle = "#fff";  // a transparent PNG becomes a JPEG on white, not on black
  ctx.fillRect(0, 0, width, height);
  ctx.imageSmoothingQuality = "high";
  ctx.drawImage(bitmap, 0, 0, width, height);
  return canvas.convertToBlob
    ? canvas.convertToBlob({ type: "image/jpeg", quality })
    : new Promise((done) => canvas.toBlob(done, "image/jpeg", quality));
}

/** The photo upright (EXIF orientation applied), long side at most 2560 px, as JPEG 0.85 — lighter when it would not
 * fit PHOTO_BUDGET; the file itself when it cannot be decoded here (HEIC…) or shrinking would not make it lighter. */
export async function shrinkPhoto(file) {
  if (!SHRINKABLE.test(file.type) || typeof createImageBitmap !== "function") return file;
  let bitmap;
  try {
    bitmap = await createImageBitmap(file, { imageOrientation: "from-image" });
  } catch {
    return file;
  }
  try {
    const scale = Math.min(1, PHOTO_EDGE / Math.max(bitmap.width, bitmap.height));
    let width = Math.round(bitmap.width * scale);
    let height = Math.round(bitmap.height * scale);
    let blob = await encode(bitmap, width, height, PHOTO_QUALITY);
    if (blob && blob.size > PHOTO_BUDGET) {
      // 0.7 weighs about 4/5 of 0.85; past that, bytes go with pixels: as many as fit, with a little room
      const atFloor = blob.size * 0.8;
      const fewer = atFloor > PHOTO_BUDGET ? Math.sqrt(PHOTO_BUDGET / atFloor) * 0.95 : 1;
      width = Math.round(width * fewer);
      height = Math.round(height * fewer);
      blob = await encode(bitmap, width, height, PHOTO_QUALITY_FLOOR);
    }
    if (!blob || (scale === 1 && blob.size >= file.size)) return file;
    return new File([blob], jpegName(file.name), { type: "image/jpeg", lastModified: file.lastModified });
  } finally {
    bitmap.close();
  }
}

// ---- the queue kept in IndexedDB ---------------------------------------------------------------------------------

let dbPromise = null;
function db() {
  if (!("indexedDB" in window)) return Promise.resolve(null);
  dbPromise ??= new Promise((resolve) => {
    const open = indexedDB.open(DB_NAME, 1);
    open.onupgradeneeded = () => open.result.createObjectStore(STORE, { keyPath: "id" });
    open.onsuccess = () => resolve(open.result);
    open.onerror = () => resolve(null);  // private mode and the like: uploads still work, only not across a reload
  });
  return dbPromise;
}

async function stored(mode, action) {
  const base = await db();
  if (!base) return null;
  return new Promise((resolve) => {
    const tx = base.transaction(STORE, mode);
    const request = action(tx.objectStore(STORE));
    tx.oncomplete = () => resolve(request?.result ?? null);
    tx.onerror = tx.onabort = () => resolve(null);
  });
}

const keep = (record) => stored("readwrite", (s) => s.put(record));
const forget = (id) => stored("readwrite", (s) => s.delete(id));
const pending = async () => (await stored("readonly", (s) => s.getAll())) || [];

// ---- sending one file with tus ---------------------------------------------------------------------------------

let tusLoading = null;
function loadTus() {
  if (window.tus) return Promise.resolve(window.tus);
  tusLoading ??= new Promise((resolve, reject) => {
    const script = document.createElement("script");
    script.src = TUS_SCRIPT;
    script.onload = () => resolve(window.tus);
    script.onerror = () => { tusLoading = null; script.remove(); reject(new Error("tus-js-client")); };
    document.head.append(script);
  });
  return tusLoading;
}

const waitingLines = new Set();  // lines whose upload waits for the network: they start again as soon as it is back
window.addEventListener("online", () => { for (const wake of [...waitingLines]) wake(); });
window.addEventListener("offline", () => { for (const wake of waitingLines) wake.line.waiting(); });

function statusOf(error) {
  return error?.originalResponse?.getStatus?.() || 0;
}

function bodyOf(error) {
  try { return JSON.parse(error?.originalResponse?.getBody?.() || ""); } catch { return null; }
}

/** Send ``record`` (its blob, name and metadata) until it arrives; resolves with the new asset's id, rejects with a
 * sentence for the person when the server refuses it for good. Waits for the network as long as it takes. */
async function transfer(record, line) {
  let tus;
  for (let attempt = 0; !tus; attempt += 1) {
    try { tus = await loadTus(); } catch { line.waiting(); await new Promise((r) => setTimeout(r, RESTART_DELAYS[Math.min(attempt, RESTART_DELAYS.length - 1)])); }
  }
  return new Promise((resolve, reject) => {
    let restarts = 0;
    let stall = null;
    let timer = null;
    const wake = () => {
      waitingLines.delete(wake);
      clearTimeout(timer);
      upload.start();  // with its url known, tus asks HEAD for the offset and goes on from there
    };
    wake.line = line;
    const watch = () => {
      clearTimeout(stall);
      stall = setTimeout(() => { upload.abort(false).finally(() => retryLater()); }, STALL_MS);
    };
    const retryLater = () => {
      clearTimeout(stall);
      line.waiting();
      waitingLines.add(wake);
      clearTimeout(timer);
      timer = setTimeout(wake, navigator.onLine === false ? 60000 : RESTART_DELAYS[Math.min(restarts, RESTART_DELAYS.length - 1)]);
      restarts += 1;
    };
    const upload = new tus.Upload(record.blob, {
      endpoint: ENDPOINT,
      uploadUrl: record.url || null,
      metadata: { filename: record.name, ...Object.fromEntries(Object.entries(record.meta).map(([k, v]) => [k, String(v)])) },
      retryDelays: RETRY_DELAYS,
      storeFingerprintForResuming: false,  // the queue in IndexedDB remembers the upload's address instead
      onBeforeRequest(req) {
        req.setHeader("X-CSRF-Token", csrfToken());
        watch();  // a request that neither answers nor moves for STALL_MS is given up and started again
      },
      onAfterResponse() { clearTimeout(stall); },
      onUploadUrlAvailable() {
        record.url = upload.url;
        keep(record);
      },
      onProgress(sent, total) {
        if (line.item.dataset.state === "waiting") restarts = 0;
        line.progress(total ? sent / total : 0);
        watch();
      },
      onShouldRetry(error) {
        const retry = transient(statusOf(error));
        if (retry) line.waiting();
        return retry;
      },
      onSuccess(payload) {
        clearTimeout(stall);
        const asset = payload?.lastResponse?.getHeader?.("Upload-Asset-Id");
        resolve(asset ? Number(asset) : null);
      },
      onError(error) {
        clearTimeout(stall);
        const status = statusOf(error);
        if (transient(status)) { retryLater(); return; }
        reject(Object.assign(new Error(explain(status, bodyOf(error))), { status }));
      },
    });
    upload.start();
  });
}

/** One queued file: sent (at most one tab at a time), then forgotten; a refusal is shown and forgotten too. */
async function run(record, line) {
  const work = async () => {
    try {
      const asset = await transfer(record, line);
      await forget(record.id);
      line.done();
      document.dispatchEvent(new CustomEvent("eventflow:uploaded", { detail: { asset, ...record.meta } }));
      return true;
    } catch (err) {
      if (err.status !== 401) await forget(record.id);  // logged out: kept, it goes once the person is back
      line.failed(err.message);
      return false;
    }
  };
  if (!navigator.locks) return work();
  return navigator.locks.request(`eventflow-upload-${record.id}`, { ifAvailable: true }, (lock) => (lock ? work() : false));
}

function metadataFor(target) {
  return target.slotId ? { deliverable_id: target.slotId } : { event_id: target.eventId, category: target.category };
}

/** Send files one after the other; each gets its line and progress bar. ``where`` says where they go ({slotId} or
 * {eventId, category}), or is a function giving each file's. ``fullQuality`` sends photos as taken. Resolves with
 * how many arrived (waiting for the network as long as needed). */
export async function sendFiles(files, where, list, { fullQuality = false } = {}) {
  let arrived = 0;
  for (const file of files) {
    const target = typeof where === "function" ? where(file) : where;
    const line = panelItem(file.name, list);
    line.preparing();
    const photo = !target.slotId && !fullQuality;
    const blob = photo ? await shrinkPhoto(file) : file;
    const record = { id: crypto.randomUUID?.() || `${Date.now()}-${Math.random()}`, blob, name: blob.name || file.name, meta: metadataFor(target), url: null, created: Date.now() };
    await keep(record);
    line.progress(0);
    if (await run(record, line)) arrived += 1;
  }
  const panel = document.getElementById("uploads");
  if (!list && panel && arrived === files.length) setTimeout(() => { panel.hidden = true; panel.querySelector("ul").replaceChildren(); }, 4000);
  return arrived;
}

/** Uploads a closed tab or a reload left unfinished start again; shown in ``list`` (the quick-upload sheet) or the
 * uploads panel. */
export async function resumePending(list) {
  const records = (await pending()).sort((a, b) => a.created - b.created);
  const runs = records.map((record) => {
    const line = panelItem(record.name, list);
    line.resumed();
    return run(record, line).then((sent) => {
      if (line.item.dataset.state === "resumed") line.item.remove();  // another tab of this browser is sending it
      return sent;
    });
  });
  const sent = (await Promise.all(runs)).filter(Boolean).length;
  const panel = document.getElementById("uploads");
  if (!list && panel && sent && !panel.querySelector(".upload-item:not(.done)")) setTimeout(() => { panel.hidden = true; panel.querySelector("ul").replaceChildren(); }, 4000);
  return records.length;
}

if (document.getElementById("uploads")) {  // a logged-in page that sends files: tus ready, and the rest picked up
  loadTus().catch(() => {});
  resumePending();
}
