// Drop anywhere, land right. Files dropped on a slot's row or the moodboard go there; files dropped anywhere else on
// the card are matched to slots by name, kind and size (a video's or picture's size is read here, before sending) in
// a dialog where each choice can be changed. Outside any target the pointer says a drop is refused (app.js keeps
// the browser from opening the file in place of the app).
import { formatText } from "./app.js";
import { cannotMatch, fileKind, kindFits, slotSpecs, specTexts } from "./specs.js";

const MEASURE_TIMEOUT_MS = 4000;

function targetOf(node) {
  const el = node instanceof Element ? node : node?.parentElement;
  return el?.closest("[data-drop]") || el?.closest("[data-card]") || null;
}

function carriesFiles(event) {
  return event.dataTransfer?.types.includes("Files");
}

/**
 * Listen for dropped files: ``toZone(files, zone)`` for a row or the moodboard, ``toSlots(plan)`` with
 * ``[{file, slotId}]`` once the person has checked where the files dropped on the card go.
 */
export function installDrops(toZone, toSlots) {
  let lit = null;
  const light = (zone) => {
    if (zone === lit) return;
    lit?.classList.remove("drag-over");
    if (zone?.matches("[data-card]")) zone.dataset.dropHint = specTexts(zone).drop_hint || "";
    zone?.classList.add("drag-over");
    lit = zone;
  };
  window.addEventListener("dragover", (event) => {
    if (!carriesFiles(event)) return;
    event.preventDefault();
    const zone = targetOf(event.target);
    event.dataTransfer.dropEffect = zone ? "copy" : "none";
    light(zone);
  });
  window.addEventListener("dragleave", (event) => {
    if (!event.relatedTarget) light(null); // left the window
  });
  window.addEventListener("drop", async (event) => {
    if (!carriesFiles(event)) return;
    event.preventDefault();
    light(null);
    const zone = targetOf(event.target);
    const files = [...event.dataTransfer.files];
    if (!zone || !files.length) return;
    if (zone.matches("[data-card]")) await toSlots(await proposeMapping(files, zone));
    else await toZone(files, zone);
  });
}

/** The file's kind and, for a video or a picture the browser can read, its size in pixels. */
async function measure(file) {
  const kind = fileKind(file);
  const url = URL.createObjectURL(file);
  try {
    if (kind === "video") return { kind, ...(await videoSize(url)) };
    if (kind === "image") return { kind, ...(await pictureSize(file)) };
  } catch {
    // a format this browser cannot read (HEIC in Chrome): matched by name and kind only
  } finally {
    URL.revokeObjectURL(url);
  }
  return { kind };
}

function videoSize(url) {
  return new Promise((resolve, reject) => {
    const video = document.createElement("video");
    const timer = setTimeout(() => reject(new Error("timeout")), MEASURE_TIMEOUT_MS);
    video.preload = "metadata";
    video.muted = true;
    video.addEventListener("loadedmetadata", () => {
      clearTimeout(timer);
      resolve({ width: video.videoWidth, height: video.videoHeight });
    }, { once: true });
    video.addEventListener("error", () => { clearTimeout(timer); reject(new Error("unreadable")); }, { once: true });
    video.src = url;
  });
}

async function pictureSize(file) {
  const bitmap = await createImageBitmap(file);
  const size = { width: bitmap.width, height: bitmap.height };
  bitmap.close();
  return size;
}

function words(text) {
  return new Set(text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
    .split(/[^a-z0-9]+/).filter((w) => w.length > 1 || /\d/.test(w)));
}

/** How well a file fits a slot: its name's words, then its size; below zero it cannot match the slot's kind. */
function score(file, facts, slot) {
  if (!kindFits(slot, facts.kind)) return -1;
  const named = words(file.name.replace(/\.[^.]*$/, ""));
  const shared = (text, weight) => [...words(text)].filter((w) => named.has(w)).length * weight;
  let points = shared(slot.name, 4) + shared(`${slot.bar} ${slot.screen}`, 2) + shared(slot.specs, 1);
  if (facts.width && slot.size) {
    points += facts.width === slot.size[0] && facts.height === slot.size[1] ? 8 : -2;
  } else if (facts.width && slot.aspect) {
    points += Math.abs(facts.width / facts.height - slot.aspect[0] / slot.aspect[1]) < 0.02 ? 3 : -1;
  }
  return points;
}

/** Each file's best slot, a slot going to one file at most; no guess for a file nothing points to. */
function assign(files, facts, slots) {
  const pairs = [];
  files.forEach((file, i) => slots.forEach((slot) => pairs.push({ i, slot, points: score(file, facts[i], slot) })));
  pairs.sort((a, b) => b.points - a.points);
  const chosen = new Map();
  const taken = new Set();
  for (const { i, slot, points } of pairs) {
    if (points > 0 && !chosen.has(i) && !taken.has(slot.id)) {
      chosen.set(i, slot.id);
      taken.add(slot.id);
    }
  }
  return chosen;
}

function label(slot) {
  const where = [slot.bar, slot.screen && slot.screen !== slot.name ? slot.screen : ""].filter(Boolean).join(" · ");
  return `${slot.name}${where ? ` — ${where}` : ""}${slot.specs ? ` (${slot.specs})` : ""}`;
}

function factsText(facts, texts) {
  const kind = texts.kinds?.[facts.kind] || facts.kind;
  return facts.width ? `${kind} · ${facts.width}×${facts.height}` : kind;
}

function row(dialog, file, facts, slots, chosen, texts) {
  const item = dialog.querySelector("[data-dropmap-row]").content.firstElementChild.cloneNode(true);
  item.querySelector("[data-file-name]").textContent = file.name;
  item.querySelector("[data-file-facts]").textContent = factsText(facts, texts);
  const select = item.querySelector("[data-file-slot]");
  select.append(new Option(texts.no_slot, ""), ...slots.map((slot) => new Option(label(slot), slot.id)));
  select.value = chosen ?? "";
  const warn = item.querySelector("[data-file-warn]");
  const check = () => {
    const slot = slots.find((s) => String(s.id) === select.value);
    warn.hidden = !slot || !cannotMatch(slot, facts.kind);
    if (slot) warn.textContent = formatText(texts.warn, { slot: slot.name, expected: slot.specs });
  };
  select.addEventListener("change", check);
  check();
  return { item, file, facts, select, slots };
}

/** Ask where each file goes (proposed by name, kind and size); resolves with ``[{file, slotId}]``, empty if cancelled. */
export async function proposeMapping(files, card) {
  const dialog = card.querySelector("#dropmap");
  if (!dialog) return [];
  const texts = specTexts(card);
  const slots = slotSpecs(card).filter((slot) => slot.enabled);
  const facts = await Promise.all(files.map(measure));
  const chosen = assign(files, facts, slots);
  const rows = files.map((file, i) => row(dialog, file, facts[i], slots, chosen.get(i), texts));
  dialog.querySelector("[data-dropmap-list]").replaceChildren(...rows.map((r) => r.item));
  const form = dialog.querySelector("[data-dropmap-form]");
  return new Promise((resolve) => {
    const sent = (event) => {
      event.preventDefault();
      const plan = rows.filter((r) => r.select.value).map((r) => ({ ...r, slot: slots.find((s) => String(s.id) === r.select.value) }));
      const unfit = plan.filter((p) => cannotMatch(p.slot, p.facts.kind));
      if (unfit.length && !window.confirm(texts.confirm_many)) return;
      form.removeEventListener("submit", sent);
      dialog.close();
      resolve(plan.map((p) => ({ file: p.file, slotId: p.slot.id })));
    };
    form.addEventListener("submit", sent);
    dialog.addEventListener("close", () => { form.removeEventListener("submit", sent); resolve([]); }, { once: true });
    dialog.showModal();
    rows[0]?.select.focus();
  });
}
