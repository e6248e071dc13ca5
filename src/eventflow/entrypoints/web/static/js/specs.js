// Slot specs in the browser: what kind of file each slot expects (read from the card), "send it anyway?" before a
// file that cannot match, and a confirmation before approving a version that differs from its specs.
import { formatText } from "./app.js";

/** The card's slots with what their specs ask: [{id, name, bar, screen, specs, enabled, kinds, size, aspect}]. */
export function slotSpecs(root = document) {
  const data = root.querySelector("[data-slot-specs]");
  return data ? JSON.parse(data.textContent) : [];
}

/** The texts the card gave for this (in its reader's language). */
export function specTexts(root = document) {
  const data = root.querySelector("[data-spec-texts]");
  return data ? JSON.parse(data.textContent) : {};
}


const KIND_OF_EXTENSION = {
  pdf: "pdf", mp4: "video", m4v: "video", mov: "video", webm: "video",
  jpg: "image", jpeg: "image", png: "image", webp: "image", gif: "image", heic: "image", heif: "image",
};

/** pdf, video, image or other, from the file's name (browsers give HEIC photos no type) or its type. */
export function fileKind(file) {
  const extension = file.name.includes(".") ? file.name.split(".").pop().toLowerCase() : "";
  if (KIND_OF_EXTENSION[extension]) return KIND_OF_EXTENSION[extension];
  if (file.type === "application/pdf") return "pdf";
  const family = file.type.split("/")[0];
  return family === "video" || family === "image" ? family : "other";
}

export function kindFits(slot, kind) {
  return !slot.kinds.length || slot.kinds.includes(kind);
}

/** A PDF, video or picture the slot's specs rule out (a photo on a PDF slot). Other files (sources, archives) are
 * the server's to take or refuse, and the version's badge tells how they compare. */
export function cannotMatch(slot, kind) {
  return kind !== "other" && !kindFits(slot, kind);
}

/** The files to send to a slot: one that cannot match its specs only if the person says to send it anyway. */
export function filesForSlot(files, slotId) {
  const slot = slotSpecs().find((s) => String(s.id) === String(slotId));
  if (!slot) return files;
  const texts = specTexts();
  return files.filter((file) => !cannotMatch(slot, fileKind(file))
    || window.confirm(formatText(texts.confirm_one, { file: file.name, slot: slot.name, expected: slot.specs })));
}

function approvalConfirmed(origin) {
  const badge = origin.closest("[data-slot-id]")?.querySelector('[data-spec-current][data-spec-status="differs"]');
  return !badge || window.confirm(badge.dataset.confirm);
}

// Before the card's own handlers (capture): a refused confirmation stops the approval there.
document.addEventListener("click", (event) => {
  const approve = event.target.closest?.('[data-action="set-status"][data-status="approved"]');
  if (approve && !approvalConfirmed(approve)) {
    event.preventDefault();
    event.stopImmediatePropagation();
  }
}, true);
document.addEventListener("change", (event) => {
  const select = event.target;
  if (!select.matches?.('select[data-patch="status"]') || select.value !== "approved" || approvalConfirmed(select)) return;
  event.stopImmediatePropagation();
  select.value = select.querySelector("option[selected]")?.value ?? select.value;
}, true);
