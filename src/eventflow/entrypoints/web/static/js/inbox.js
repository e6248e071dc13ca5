// "My notifications": mark one or every notification read; opening one marks it read first.
import { api, toast } from "./app.js";

function showUnread(count) {
  for (const badge of document.querySelectorAll("[data-unread]")) {
    badge.dataset.unread = String(count);
    badge.textContent = String(count);
    badge.hidden = count === 0;
  }
  const all = document.querySelector('[data-action="mark-all-read"]');
  if (all) all.disabled = count === 0;
}

function markShown(items) {
  for (const item of items) {
    item.classList.remove("unread");
    item.dataset.read = "true";
    item.querySelector('[data-action="mark-read"]')?.remove();
    item.querySelector(".inbox-text .visually-hidden")?.remove();
  }
}

document.addEventListener("click", async (event) => {
  const target = event.target.closest("[data-action]");
  if (!target) return;
  const action = target.dataset.action;
  const item = target.closest("[data-notification-id]");
  try {
    if (action === "mark-read" && item) {
      const result = await api("POST", "/api/notifications/read", { ids: [Number(item.dataset.notificationId)] });
      markShown([item]);
      showUnread(result.unread);
    } else if (action === "mark-all-read") {
      const result = await api("POST", "/api/notifications/read", { all: true });
      markShown(document.querySelectorAll(".inbox-item.unread"));
      showUnread(result.unread);
    } else if (action === "open-notification" && item && item.dataset.read !== "true") {
      event.preventDefault();
      await api("POST", "/api/notifications/read", { ids: [Number(item.dataset.notificationId)] });
      location.href = target.getAttribute("href");
    }
  } catch (err) {
    toast(err.message, true);
  }
});

// Back from a card, the browser shows the page as it first came: show what has been read since.
addEventListener("pageshow", async (event) => {
  const [navigation] = performance.getEntriesByType("navigation");
  if (!event.persisted && navigation?.type !== "back_forward") return;
  try {
    const lines = await api("GET", "/api/notifications");
    const read = new Set(lines.filter((line) => line.read).map((line) => String(line.id)));
    markShown([...document.querySelectorAll(".inbox-item.unread")].filter((item) => read.has(item.dataset.notificationId)));
    showUnread(lines.filter((line) => !line.read).length);
  } catch (err) {
    toast(err.message, true);
  }
});
