// The event card's conversation: reply, edit, delete, comments about one deliverable; the activity filter.
import { api, t, toast } from "./app.js";
import { reloadCard } from "./card.js";

let slotShown = "";  // the deliverable whose thread is shown ("" = every comment), kept when the card reloads

function panel() { return document.querySelector("[data-comments]"); }

function setContext(form, text) {
  const box = form.querySelector("[data-comment-context]");
  box.querySelector("[data-comment-context-text]").textContent = text;
  box.hidden = !text;
}

function showSlot(slotId) {
  const box = panel();
  if (!box) return;
  slotShown = slotId;
  const select = box.querySelector("[data-comment-filter]");
  if (select) select.value = slotId;
  let visible = 0;
  for (const item of box.querySelectorAll("[data-comment-id]")) {
    item.hidden = Boolean(slotId) && item.dataset.slot !== slotId;
    if (!item.hidden) visible += 1;
  }
  box.querySelector("[data-comment-empty]").hidden = !slotId || visible > 0;
  const form = box.querySelector(".comment-form");
  form.elements.parent_id.value = "";
  form.elements.deliverable_id.value = slotId;
  const name = select?.selectedOptions[0]?.textContent.replace(/\s*\(\d+\)$/, "") || "";
  setContext(form, slotId ? t("about_slot", { name }) : "");
}

function startReply(item) {
  const form = panel().querySelector(".comment-form");
  form.elements.parent_id.value = item.dataset.commentId;
  form.elements.deliverable_id.value = item.dataset.slot;
  setContext(form, t("replying_to", { name: item.dataset.authorName }));
  form.elements.text.focus();
}

function startEdit(item) {
  if (item.querySelector(".comment-edit")) return;
  const shown = item.querySelector("[data-comment-text]");
  const form = document.createElement("form");
  form.className = "comment-edit";
  const area = document.createElement("textarea");
  area.name = "text";
  area.rows = 3;
  area.required = true;
  area.dataset.mentions = "";
  area.setAttribute("aria-label", t("edit_comment"));
  area.value = item.querySelector("[data-comment-source]").content.textContent;
  const save = document.createElement("button");
  save.type = "submit";
  save.className = "btn btn-primary btn-sm";
  save.textContent = t("save");
  const cancel = document.createElement("button");
  cancel.type = "button";
  cancel.className = "btn btn-ghost btn-sm";
  cancel.textContent = t("cancel");
  form.append(area, save, cancel);
  shown.hidden = true;
  shown.after(form);
  area.focus();
  cancel.addEventListener("click", () => { form.remove(); shown.hidden = false; });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      await api("PATCH", `/api/comments/${item.dataset.commentId}`, { text: area.value });
      await reloadCard();
    } catch (err) {
      toast(err.message, true);
    }
  });
}

async function remove(item) {
  if (!confirm(t("confirm_delete_comment"))) return;
  try {
    await api("DELETE", `/api/comments/${item.dataset.commentId}`);
    await reloadCard();
  } catch (err) {
    toast(err.message, true);
  }
}

function filterActivity(button) {
  const box = button.closest("[data-activity]");
  const kind = button.dataset.kind;
  for (const other of box.querySelectorAll('[data-action="activity-filter"]')) {
    other.setAttribute("aria-pressed", String(other === button));
  }
  let visible = 0;
  for (const line of box.querySelectorAll(".activity li[data-kind]")) {
    line.hidden = Boolean(kind) && line.dataset.kind !== kind;
    if (!line.hidden) visible += 1;
  }
  box.querySelector("[data-activity-empty]").hidden = visible > 0;
}

document.addEventListener("click", async (event) => {
  const target = event.target.closest("[data-action]");
  if (!target) return;
  const item = target.closest("[data-comment-id]");
  const action = target.dataset.action;
  if (action === "reply-comment") startReply(item);
  else if (action === "edit-comment") startEdit(item);
  else if (action === "delete-comment") await remove(item);
  else if (action === "comment-context-clear") {
    const replying = panel().querySelector(".comment-form").elements.parent_id.value;
    showSlot(replying ? slotShown : "");  // cancelling a reply keeps the deliverable's thread; else back to all
  }
  else if (action === "activity-filter") filterActivity(target);
  else if (action === "slot-comments") {
    showSlot(target.closest("[data-slot-id]").dataset.slotId);
    const box = panel();
    box.scrollIntoView({ behavior: "smooth", block: "start" });
    box.querySelector(".comment-form textarea").focus({ preventScroll: true });
  }
});

document.addEventListener("change", (event) => {
  if (event.target.matches("[data-comment-filter]")) showSlot(event.target.value);
});

document.addEventListener("card:loaded", (event) => {
  if (!event.detail.reload) slotShown = "";
  else if (slotShown) showSlot(slotShown);
});
