// Admin actions that are not plain forms: deactivate / reactivate, password reset, storage jobs, e-mail retries,
// webhook tests and deletions.
import { api, t, toast } from "./app.js";

function size(bytes) {
  return bytes >= 1e9 ? `${(bytes / 1e9).toFixed(1)} Go` : `${(bytes / 1e6).toFixed(1)} Mo`;
}

document.addEventListener("click", async (event) => {
  const button = event.target.closest("[data-action]");
  if (!button) return;
  const row = button.closest("[data-user-id]");
  try {
    if (button.dataset.action === "user-active") {
      const active = button.dataset.active === "true";
      if (!active && !confirm(t("confirm_deactivate"))) return;
      await api("PATCH", `/api/users/${row.dataset.userId}`, { active });
      location.reload();
    } else if (button.dataset.action === "reset-password") {
      const password = prompt(t("new_password"));
      if (!password) return;
      await api("POST", `/api/users/${row.dataset.userId}/password`, { password });
      toast(t("saved"));
    } else if (button.dataset.action === "storage-job") {
      if (!confirm(t(button.dataset.confirm))) return;
      button.disabled = true;
      const result = await api("POST", button.dataset.url);
      toast(`${t("freed")}: ${size(result.freed_bytes || result.moved_bytes || 0)}`);
      setTimeout(() => location.reload(), 1200);
    } else if (button.dataset.action === "webhook-test") {
      button.disabled = true;
      const id = button.closest("[data-webhook-id]").dataset.webhookId;
      const delivery = await api("POST", `/api/webhooks/${id}/test`);
      const ok = delivery.status === "sent";
      sessionStorage.setItem("eventflow-toast", ok ? t("webhook_delivered", { code: delivery.status_code })
        : t("webhook_failed", { error: delivery.error }));
      location.reload();
    } else if (button.dataset.action === "webhook-delete") {
      if (!confirm(t("confirm_delete_webhook"))) return;
      await api("DELETE", `/api/webhooks/${button.closest("[data-webhook-id]").dataset.webhookId}`);
      location.reload();
    } else if (button.dataset.action === "retry-mail") {
      button.disabled = true;
      await api("POST", `/api/outbox/${button.closest("[data-message-id]").dataset.messageId}/retry`);
      toast(t("retried"));
      setTimeout(() => location.reload(), 1200);
    }
  } catch (err) {
    toast(err.message, true);
    button.disabled = false;
  }
});
