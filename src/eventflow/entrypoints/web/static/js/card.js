// The event card: opened over the page (own URL via history.pushState), slot actions, previews, drag & drop uploads.
import { api, formatSize, onAfterSubmit, t, toast } from "./app.js";
import { sendFiles } from "./upload.js";
import { installDrops } from "./dropmap.js";
import { refreshNow } from "./live.js";
import { filesForSlot } from "./specs.js";
import "./comments.js";
import "./mentions.js";
import "./mockup.js";
import "./nights.js";
import "./review.js";
import "./richtext.js";
import "./follow.js";

const overlay = document.getElementById("overlay");
const standalone = overlay?.classList.contains("standalone");
let returnFocus = null;

function cardUrl() {
  const card = overlay?.querySelector("[data-card]");
  return card ? `/events/${card.dataset.eventId}` : null;
}

async function fetchCard(url) {
  const response = await fetch(`${url}?fragment=1`, { credentials: "same-origin" });
  if (response.redirected || !response.ok) { location.href = url; return null; }
  return response.text();
}

export async function openCard(url, push = true) {
  if (!overlay || standalone) { location.href = url; return; }
  const html = await fetchCard(url);
  if (html === null) return;
  overlay.innerHTML = html;
  overlay.hidden = false;
  document.body.classList.add("has-overlay");
  if (push) history.pushState({ card: url }, "", url);
  document.dispatchEvent(new CustomEvent("card:loaded", { detail: { reload: false, html } }));
  overlay.querySelector("h1")?.setAttribute("tabindex", "-1");
  overlay.querySelector("h1")?.focus();
}

function closeCard() {
  if (!overlay || standalone) return;
  overlay.hidden = true;
  overlay.innerHTML = "";
  document.body.classList.remove("has-overlay");
  returnFocus?.focus();
}

/** The open card replaced by fresh HTML (after a change here, or one the live poll saw); open menus stay open. */
function replaceCard(html, live = false) {
  const openMenus = [...overlay.querySelectorAll("details[open]")].map((d) => d.closest("[data-slot-id]")?.dataset.slotId);
  overlay.innerHTML = html;
  for (const id of openMenus) overlay.querySelector(`[data-slot-id="${id}"] details`)?.setAttribute("open", "");
  document.dispatchEvent(new CustomEvent("card:loaded", { detail: { reload: true, html, live } }));
}
document.addEventListener("live:card", (event) => replaceCard(event.detail.html, true));

export async function reloadCard() {
  const url = cardUrl();
  if (!url) { location.reload(); return; }
  const html = await fetchCard(url);
  if (html === null) return;
  replaceCard(html);
}

async function afterChange(origin) {
  if (origin.closest("[data-card]")) await reloadCard();
  else await refreshNow(); // the review queue or the matrix: their live regions follow
}

async function patchSlot(origin, changes) {
  const slot = origin.closest("[data-slot-id]");
  try {
    await api("PATCH", `/api/deliverables/${slot.dataset.slotId}`, changes);
    toast(t("saved"));
    await afterChange(origin);
  } catch (err) {
    toast(err.message, true);
  }
}

/** A desktop browser with a PDF viewer shows the file itself; phones (and browsers without one) get the page image. */
function canShowPdf() {
  return navigator.pdfViewerEnabled !== false && window.matchMedia("(min-width: 900px) and (pointer: fine)").matches;
}

function showPreview(button) {
  const dialog = document.getElementById("preview");
  if (!dialog) { window.open(button.dataset.src, "_blank", "noopener"); return; }
  const body = dialog.querySelector("[data-pv-body]");
  const note = dialog.querySelector("[data-pv-note]");
  dialog.querySelector("h2").textContent = button.dataset.name;
  dialog.querySelector("[data-pv-download]").href = button.dataset.download;
  dialog.querySelector("[data-pv-open]").href = button.dataset.src;
  body.replaceChildren();
  note.hidden = true;
  const kind = button.dataset.kind;
  if (kind === "pdf" && canShowPdf()) {
    const frame = document.createElement("iframe");
    frame.className = "pdf-frame";
    frame.title = button.dataset.name;
    frame.src = button.dataset.src;
    body.append(frame);
  } else if (kind === "video") {
    const video = document.createElement("video");
    video.controls = true;
    video.preload = "metadata";
    video.src = button.dataset.src;
    body.append(video);
  } else if (kind === "image" || button.dataset.preview) {
    const img = document.createElement("img");
    img.src = kind === "image" ? button.dataset.src : button.dataset.preview;
    img.alt = button.dataset.caption ? `${button.dataset.caption} — ${button.dataset.name}` : button.dataset.name;
    body.append(img);
    // What the picture is ("First page of the PDF", "Frame of the video at 1 s"…); a photo shown whole needs none.
    note.querySelector("[data-pv-caption]").textContent = button.dataset.caption || "";
    note.querySelector("[data-pv-more]").hidden = kind !== "pdf";
    note.hidden = kind === "image" || !button.dataset.caption;
  } else {
    const p = document.createElement("p");
    p.className = "muted";
    p.textContent = button.dataset.name;
    body.append(p);
  }
  dialog.addEventListener("close", () => body.replaceChildren(), { once: true });
  dialog.showModal();
}

function uploadTarget(el) {
  const slot = el.closest("[data-slot-id]");
  if (slot) return { slotId: slot.dataset.slotId };
  const card = el.closest("[data-card]");
  const category = card?.querySelector("[data-photo-category]")?.value || "inspiration";
  return { eventId: card?.dataset.eventId, category };
}

async function upload(files, el) {
  const target = uploadTarget(el);
  const chosen = target.slotId ? filesForSlot([...files], target.slotId) : [...files];
  if (!chosen.length) return;
  const arrived = await sendFiles(chosen, target);
  if (arrived) await reloadCard();
}

/** Files the person mapped to slots ([{file, slotId}]). */
async function uploadToSlots(plan) {
  if (!plan.length) return;
  const slotOf = new Map(plan.map(({ file, slotId }) => [file, slotId]));
  const arrived = await sendFiles(plan.map((p) => p.file), (file) => ({ slotId: slotOf.get(file) }));
  if (arrived) await reloadCard();
}

document.addEventListener("click", async (event) => {
  const opener = event.target.closest("a[data-open-card]");
  if (opener && !event.metaKey && !event.ctrlKey && !event.shiftKey && event.button === 0 && overlay && !standalone) {
    event.preventDefault();
    returnFocus = opener;
    await openCard(opener.getAttribute("href"));
    return;
  }
  const target = event.target.closest("[data-action]");
  if (!target) return;
  const action = target.dataset.action;
  if (action === "close-card" && overlay && !standalone) {
    event.preventDefault();
    if (history.state?.card) history.back(); else closeCard();
  } else if (action === "set-status") {
    await patchSlot(target, { status: target.dataset.status });
  } else if (action === "toggle-slot") {
    await patchSlot(target, { enabled: target.dataset.enabled === "true" });
  } else if (action === "preview") {
    showPreview(target);
  } else if (action === "archive-event") {
    if (!confirm(t("confirm_archive"))) return;
    try {
      const result = await api("POST", `/api/events/${target.closest("[data-card]").dataset.eventId}/archive`);
      toast(`${t("freed")}: ${formatSize(result.moved_bytes)}`);
      await reloadCard();
    } catch (err) {
      toast(err.message, true);
    }
  }
});

document.addEventListener("change", async (event) => {
  const el = event.target;
  if (el.matches("select[data-patch]")) {
    const field = el.dataset.patch;
    const value = field === "assignee_id" ? (el.value ? Number(el.value) : null) : el.value;
    await patchSlot(el, { [field]: value });
  } else if (el.matches("input[data-upload]")) {
    await upload(el.files, el);
    el.value = "";
  }
});

installDrops(upload, uploadToSlots);

window.addEventListener("popstate", (event) => {
  if (event.state?.card) openCard(event.state.card, false);
  else closeCard();
});
document.addEventListener("keydown", (event) => {
  if (event.key === "Escape" && overlay && !overlay.hidden && !standalone && !document.querySelector("dialog[open]")) {
    if (history.state?.card) history.back(); else closeCard();
  }
});

onAfterSubmit("reload-card", () => reloadCard());
onAfterSubmit("open-card", async (result, form) => {
  form.closest("dialog")?.close();
  form.reset();
  await openCard(`/events/${result.id}`);
});
