// A night's own actions: drag its chip to another day (moves it with its due dates), duplicate it, cancel or
// restore it, delete it (admins); the calendar behind the card follows what the card says.
import { api, t, toast } from "./app.js";
import { reloadCard } from "./card.js";

const DRAG_TYPE = "application/x-eventflow-night";
const GRID_CHIPS = ".month-grid .ev[data-event-id], .week-grid .ev[data-event-id]";

function showsCancelled() {
  return new URLSearchParams(location.search).get("cancelled") === "1";
}

function cardOf(el) {
  return el.closest("[data-card]");
}

/** The calendar's grid chips of a night follow its date and whether it is cancelled. */
function reflect(id, date, cancelled) {
  for (const chip of document.querySelectorAll(GRID_CHIPS)) {
    if (chip.dataset.eventId !== String(id)) continue;
    const box = chip.closest(".week-event") || chip;
    chip.classList.toggle("ev-cancelled", cancelled);
    box.hidden = cancelled && !showsCancelled();
    if (date && chip.dataset.date !== date) placeOn(chip, date);
  }
}

/** Put a chip in the cell of ``date``; gone when that day is not on screen. */
function placeOn(chip, date) {
  const box = chip.closest(".week-event") || chip;
  const cell = document.querySelector(`.month-grid .day[data-date="${date}"] .day-events, .week-grid .week-day[data-date="${date}"]`);
  chip.dataset.date = date;
  if (!cell) { box.remove(); return; }
  cell.querySelector(".empty-day")?.remove();
  cell.append(box);
}

async function moveNight(chip, date) {
  const id = chip.dataset.eventId;
  const from = chip.dataset.date;
  if (!date || date === from) return;
  placeOn(chip, date);
  try {
    await api("PATCH", `/api/events/${id}`, { date });
    toast(t("moved_to", { name: chip.dataset.name, date: new Date(`${date}T12:00`).toLocaleDateString(document.documentElement.lang, { weekday: "long", day: "numeric", month: "long" }) }));
  } catch (err) {
    placeOn(chip, from);
    toast(err.message, true);
  }
}

// -- drag and drop in the month and week grids -------------------------------------------------------------------
document.addEventListener("dragstart", (event) => {
  const chip = event.target.closest?.(GRID_CHIPS);
  if (!chip) return;
  event.dataTransfer.setData(DRAG_TYPE, chip.dataset.eventId);
  event.dataTransfer.setData("text/uri-list", chip.href);
  event.dataTransfer.effectAllowed = "move";
  chip.classList.add("dragging");
});
document.addEventListener("dragend", (event) => {
  event.target.closest?.(".ev")?.classList.remove("dragging");
  for (const cell of document.querySelectorAll(".drop-target")) cell.classList.remove("drop-target");
});

function dropCell(event) {
  if (!event.dataTransfer?.types.includes(DRAG_TYPE)) return null;
  return event.target.closest?.(".month-grid .day[data-date], .week-grid .week-day[data-date]") || null;
}

document.addEventListener("dragover", (event) => {
  const cell = dropCell(event);
  if (!cell) return;
  event.preventDefault();
  event.dataTransfer.dropEffect = "move";
  for (const other of document.querySelectorAll(".drop-target")) if (other !== cell) other.classList.remove("drop-target");
  cell.classList.add("drop-target");
});
document.addEventListener("drop", async (event) => {
  const cell = dropCell(event);
  if (!cell) return;
  event.preventDefault();
  cell.classList.remove("drop-target");
  const id = event.dataTransfer.getData(DRAG_TYPE);
  const chip = [...document.querySelectorAll(GRID_CHIPS)].find((el) => el.dataset.eventId === id);
  if (chip) await moveNight(chip, cell.dataset.date);
});

// -- the card's actions -----------------------------------------------------------------------------------------
document.addEventListener("click", async (event) => {
  const target = event.target.closest("[data-action]");
  if (!target) return;
  const action = target.dataset.action;
  const card = cardOf(target);
  if (!card) return;
  if (action === "duplicate-night") {
    target.closest("details")?.removeAttribute("open");
    const dialog = card.querySelector("#duplicate-night");
    dialog.querySelector(".form-error").hidden = true;
    dialog.showModal();
    dialog.querySelector('input[name="date"]').focus();
  } else if (action === "cancel-night") {
    const cancelled = target.dataset.cancelled === "true";
    try {
      await api("PATCH", `/api/events/${card.dataset.eventId}`, { cancelled });
      toast(t(cancelled ? "night_cancelled" : "night_restored"));
      await reloadCard();
    } catch (err) {
      toast(err.message, true);
    }
  } else if (action === "delete-night") {
    target.closest("details")?.removeAttribute("open");
    const dialog = card.querySelector("#delete-night");
    dialog.querySelector(".form-error").hidden = true;
    dialog.showModal();
  } else if (action === "confirm-delete-night") {
    const dialog = target.closest("dialog");
    const id = card.dataset.eventId;
    try {
      await api("DELETE", `/api/events/${id}`);
    } catch (err) {
      const box = dialog.querySelector(".form-error");
      box.textContent = err.message;
      box.hidden = false;
      return;
    }
    dialog.close();
    for (const chip of document.querySelectorAll(`.ev[data-event-id="${id}"]`)) (chip.closest(".week-event, li") || chip).remove();
    sessionStorage.setItem("eventflow-toast", t("night_deleted"));
    const close = card.querySelector('[data-action="close-card"]');
    if (card.closest(".standalone") || !close) { location.href = `/calendar?date=${card.dataset.date}`; return; }
    close.click();
    toast(t("night_deleted"));
    sessionStorage.removeItem("eventflow-toast");
  }
});

// A card opened or reloaded (its date changed in the Edit form, cancelled, restored): the calendar follows.
document.addEventListener("card:loaded", () => {
  const card = document.querySelector("#overlay [data-card]");
  if (card) reflect(card.dataset.eventId, card.dataset.date, card.dataset.cancelled === "true");
});

// The "Show cancelled" switch applies at once, like "Only late".
document.addEventListener("change", (event) => {
  const form = event.target.closest("form[data-autosubmit]");
  if (form && event.target.name === "cancelled") form.requestSubmit();
});
