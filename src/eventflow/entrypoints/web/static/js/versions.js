// Each slot's versions panel: shown under its row, kept open when the card is drawn again; open a version full
// screen, make one current, compare two; an anchored remark in the conversation opens its version at its spot.
import { api, t, toast } from "./app.js";
import { reloadCard } from "./card.js";
import { openCompare } from "./compare.js";
import { openViewer } from "./viewer.js";

const open = new Set();  // the slots whose versions are shown

function toggle(button, show) {
  const row = document.getElementById(button.getAttribute("aria-controls"));
  if (!row) return;
  row.hidden = !show;
  button.setAttribute("aria-expanded", String(show));
  if (show) open.add(row.dataset.versionsOf); else open.delete(row.dataset.versionsOf);
}

async function makeCurrent(card) {
  const slotId = card.closest("[data-versions-of]").dataset.versionsOf;
  try {
    await api("PATCH", `/api/deliverables/${slotId}`, { current_version: Number(card.dataset.version) });
    toast(t("made_current", { version: card.dataset.version }));
    await reloadCard();
  } catch (err) {
    toast(err.message, true);
  }
}

document.addEventListener("click", async (event) => {
  const target = event.target.closest("[data-action]");
  if (!target) return;
  const action = target.dataset.action;
  if (action === "toggle-versions") {
    toggle(target, target.getAttribute("aria-expanded") !== "true");
  } else if (action === "view-version") {
    const card = target.closest(".version-card");
    openViewer(card.closest("[data-versions-of]").dataset.versionsOf, card.dataset.version);
  } else if (action === "make-current") {
    await makeCurrent(target.closest(".version-card"));
  } else if (action === "open-anchor") {
    const anchor = JSON.parse(target.closest("[data-anchor]").dataset.anchor);
    const slotId = target.closest("[data-slot]").dataset.slot;
    const commentId = target.closest("[data-comment-id]").dataset.commentId;
    openViewer(slotId, anchor.version, { page: anchor.page, time: anchor.time ?? undefined, commentId });
  }
});

document.addEventListener("submit", (event) => {
  const form = event.target.closest("[data-compare-form]");
  if (!form) return;
  event.preventDefault();
  const { left, right } = form.elements;
  if (left.value === right.value) { toast(t("pick_two_versions"), true); return; }
  const [older, newer] = [Number(left.value), Number(right.value)].sort((a, b) => a - b);
  openCompare(form.closest("[data-versions-of]").dataset.versionsOf, older, newer);
});

document.addEventListener("card:loaded", (event) => {
  if (!event.detail.reload) open.clear();
  for (const slotId of open) {
    const button = document.querySelector(`[aria-controls="versions-${slotId}"]`);
    if (button) toggle(button, true);
  }
});
