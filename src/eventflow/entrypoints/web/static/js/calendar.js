// Calendar: click a day to create an event there; the phone's quick upload (event -> category -> camera).
import { api, t, toast } from "./app.js";
import { sendFiles } from "./upload.js";

const newEvent = document.getElementById("new-event");

function openNewEvent(date) {
  if (!newEvent) return;
  newEvent.querySelector('input[name="date"]').value = date;
  newEvent.querySelector(".form-error").hidden = true;
  newEvent.showModal();
  newEvent.querySelector('input[name="name"]').focus();
}

document.addEventListener("click", (event) => {
  const button = event.target.closest('[data-action="new-event"]');
  if (button) { openNewEvent(button.dataset.date); return; }
  const day = event.target.closest(".day[data-date]");
  if (day && !event.target.closest("a, button")) openNewEvent(day.dataset.date);
  if (event.target.closest('[data-action="quick-upload"]')) document.getElementById("quick-upload")?.showModal();
  const save = event.target.closest('[data-action="save-my-bars"]');
  if (save) saveMyBars(save.closest("form"));
});

async function saveMyBars(form) {
  const ids = [...form.querySelectorAll('input[name="bar"]:checked')].map((box) => Number(box.value));
  try {
    await api("PATCH", "/api/me", { my_bar_ids: ids });
    toast(t("saved"));
    form.requestSubmit();
  } catch (err) {
    toast(err.message, true);
  }
}

const quick = document.getElementById("quick-form");
quick?.addEventListener("change", async (event) => {
  const input = event.target.closest("[data-quick-file]");
  if (!input || !input.files.length) return;
  const form = new FormData(quick);
  const eventId = form.get("event_id");
  if (!eventId) { toast(t("pick_event"), true); return; }
  const files = [...input.files];
  input.value = "";
  const fullQuality = form.get("full_quality") === "1";
  const arrived = await sendFiles(files, { eventId, category: form.get("category") }, quick.querySelector(".quick-status"), { fullQuality });
  if (arrived) toast(`✓ ${t("done")}`);
});
