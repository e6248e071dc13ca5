// Uploads with per-file progress: multipart through XMLHttpRequest (upload progress events), tus for big files.
import { csrfToken, t } from "./app.js";

const TUS_THRESHOLD = 50 * 1024 * 1024;
const TUS_CHUNK = 8 * 1024 * 1024;

function explain(status, body) {
  // the server's answer is in the reader's language, its limit in their units ("500 Mo"): say it as it is
  if (status === 413) return body?.description ? t("failed_because", { reason: body.description }) : t("failed");
  if (status === 415) return `${t("wrong_type")}${body?.description ? ` (${body.description})` : ""}`;
  if (status === 507) return t("quota");
  if (status === 0) return t("network");
  return body?.description || `${t("failed")} (HTTP ${status})`;
}

function panelItem(file, list) {
  const panel = document.getElementById("uploads");
  const target = list || panel?.querySelector("ul");
  if (panel && !list) panel.hidden = false;
  const item = document.createElement("li");
  item.className = "upload-item";
  const name = document.createElement("strong");
  name.textContent = file.name;
  const bar = document.createElement("div");
  bar.className = "bar";
  bar.setAttribute("role", "progressbar");
  bar.setAttribute("aria-label", file.name);
  bar.setAttribute("aria-valuemin", "0");
  bar.setAttribute("aria-valuemax", "100");
  const fill = document.createElement("span");
  bar.append(fill);
  const msg = document.createElement("span");
  msg.className = "msg";
  item.append(name, bar, msg);
  target?.prepend(item);
  return {
    progress(ratio) {
      const pct = Math.round(ratio * 100);
      fill.style.width = `${pct}%`;
      bar.setAttribute("aria-valuenow", String(pct));
      msg.textContent = `${pct} %`;
    },
    done() { item.classList.add("done"); fill.style.width = "100%"; msg.textContent = `✓ ${t("done")}`; },
    failed(text) { item.classList.add("failed"); fill.style.width = "100%"; msg.textContent = text; },
  };
}

function multipart(url, file, fields, onProgress) {
  return new Promise((resolve, reject) => {
    const form = new FormData();
    for (const [key, value] of Object.entries(fields)) form.append(key, value);
    form.append("file", file, file.name);
    const xhr = new XMLHttpRequest();
    xhr.open("POST", url);
    xhr.setRequestHeader("X-CSRF-Token", csrfToken());
    xhr.setRequestHeader("Accept", "application/json");
    xhr.upload.addEventListener("progress", (e) => { if (e.lengthComputable) onProgress(e.loaded / e.total); });
    xhr.addEventListener("load", () => {
      let body = null;
      try { body = JSON.parse(xhr.responseText); } catch { /* not JSON */ }
      if (xhr.status >= 200 && xhr.status < 300) resolve(body);
      else reject(new Error(explain(xhr.status, body)));
    });
    xhr.addEventListener("error", () => reject(new Error(explain(0))));
    xhr.send(form);
  });
}

function b64(text) { return btoa(unescape(encodeURIComponent(String(text)))); }

export async function resumable(file, metadata, onProgress) {
  const headers = { "Tus-Resumable": "1.0.0", "X-CSRF-Token": csrfToken() };
  const meta = Object.entries({ filename: file.name, ...metadata }).map(([k, v]) => `${k} ${b64(v)}`).join(",");
  const created = await fetch("/api/uploads/", {
    method: "POST", credentials: "same-origin",
    headers: { ...headers, "Upload-Length": String(file.size), "Upload-Metadata": meta },
  });
  if (created.status !== 201) throw new Error(explain(created.status, await created.json().catch(() => null)));
  const location = created.headers.get("Location");
  let offset = 0;
  while (offset < file.size) {
    const chunk = file.slice(offset, offset + TUS_CHUNK);
    const sent = await fetch(location, {
      method: "PATCH", credentials: "same-origin",
      headers: { ...headers, "Upload-Offset": String(offset), "Content-Type": "application/offset+octet-stream" },
      body: chunk,
    });
    if (sent.status !== 204) throw new Error(explain(sent.status, await sent.json().catch(() => null)));
    offset = Number(sent.headers.get("Upload-Offset"));
    onProgress(offset / file.size);
  }
}

/** Send files one after the other; each gets its line and progress bar. ``target`` says where they go ({slotId} or
 * {eventId, category}), or is a function giving each file's. Resolves with how many arrived. */
export async function sendFiles(files, where, list) {
  let arrived = 0;
  for (const file of files) {
    const target = typeof where === "function" ? where(file) : where;
    const line = panelItem(file, list);
    try {
      if (file.size > TUS_THRESHOLD) {
        const meta = target.slotId ? { deliverable_id: target.slotId } : { event_id: target.eventId, category: target.category };
        await resumable(file, meta, line.progress);
      } else if (target.slotId) {
        await multipart(`/api/deliverables/${target.slotId}/versions`, file, {}, line.progress);
      } else {
        await multipart(`/api/events/${target.eventId}/photos`, file, { category: target.category }, line.progress);
      }
      line.done();
      arrived += 1;
    } catch (err) {
      line.failed(err.message);
    }
  }
  const panel = document.getElementById("uploads");
  if (!list && panel && arrived === files.length) setTimeout(() => { panel.hidden = true; panel.querySelector("ul").replaceChildren(); }, 4000);
  return arrived;
}
