// Calendar addresses (profile page, admin bars page): copy one, make a new one, stop sharing it.
import { api, t, toast } from "./app.js";

document.addEventListener("click", async (event) => {
  const button = event.target.closest('[data-action="copy"], [data-action="feed"]');
  if (!button) return;
  if (button.dataset.action === "copy") {
    const field = document.getElementById(button.dataset.target);
    field.select();
    try { await navigator.clipboard.writeText(field.value); } catch { document.execCommand("copy"); }
    toast(t("copied"));
    return;
  }
  if (button.dataset.confirm && !confirm(t(button.dataset.confirm))) return;
  button.disabled = true;
  try {
    await api(button.dataset.method, button.dataset.url);
    sessionStorage.setItem("eventflow-toast", t("saved"));
    location.reload();
  } catch (err) {
    toast(err.message, true);
    button.disabled = false;
  }
});
