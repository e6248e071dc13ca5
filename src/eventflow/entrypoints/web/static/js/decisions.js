// "Request changes" asks for the reason in a dialog before anything is sent: from the card's buttons and status
// menus, and from the review queue. These listeners run in the capture phase, ahead of the card's own handlers,
// which would otherwise send the status change at once (and get a 422 without a reason).
import { api, showFormError, t, toast } from "./app.js";
import { reviewDialog, slotName } from "./anchors.js";
import { reloadCard } from "./card.js";
import { refreshNow } from "./live.js";

const CHANGES = "changes_requested";
let asking = null;  // { slotId, undo }

function askReason(origin, undo = () => {}) {
  const dialog = reviewDialog("reason");
  const slot = origin.closest("[data-slot-id]");
  if (!dialog || !slot) return;
  wire(dialog);
  asking = { slotId: slot.dataset.slotId, undo };
  const name = slot.dataset.slotName || slotName(slot.dataset.slotId);
  const version = slot.dataset.currentVersion;
  dialog.querySelector("[data-reason-intro]").textContent = version
    ? t("reason_intro", { name, version }) : t("reason_intro_no_file", { name });
  const form = dialog.querySelector("[data-reason-form]");
  form.reset();
  showFormError(form, "");
  dialog.showModal();
  form.elements.reason.focus();
}

async function send(event) {
  event.preventDefault();
  const form = event.currentTarget;
  const button = form.querySelector('[type="submit"]');
  showFormError(form, "");
  button.disabled = true;
  try {
    await api("PATCH", `/api/deliverables/${asking.slotId}`, { status: CHANGES, reason: form.elements.reason.value });
    asking.undo = () => {};
    form.closest("dialog").close();
    toast(t("changes_requested"));
    if (document.querySelector("[data-card]")) await reloadCard(); else await refreshNow();
  } catch (err) {
    showFormError(form, err.message);
  } finally {
    button.disabled = false;
  }
}

function wire(dialog) {
  if (dialog.dataset.wired) return;
  dialog.dataset.wired = "1";
  dialog.querySelector("[data-reason-form]").addEventListener("submit", send);
  dialog.addEventListener("close", () => asking?.undo());
}

document.addEventListener("click", (event) => {
  const button = event.target.closest(`[data-action="set-status"][data-status="${CHANGES}"]`);
  if (!button) return;
  event.stopImmediatePropagation();
  event.preventDefault();
  button.closest("details")?.removeAttribute("open");
  askReason(button);
}, true);

document.addEventListener("change", (event) => {
  const select = event.target.closest?.('select[data-patch="status"]');
  if (!select || select.value !== CHANGES) return;
  event.stopImmediatePropagation();
  const was = [...select.options].find((option) => option.defaultSelected)?.value || "";
  askReason(select, () => { select.value = was; });
}, true);
