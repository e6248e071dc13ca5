// Admin actions that are not plain forms: a user's role, deactivate / reactivate, password reset (a dialog), a bar's
// screens (rows of kind, label and specs), storage jobs, e-mail retries, webhook tests and deletions.
import { api, formatSize, t, toast } from "./app.js";

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
      openPasswordDialog(row);
    } else if (button.dataset.action === "close-password") {
      button.closest("dialog").close();
    } else if (button.dataset.action === "screen-add") {
      addScreenRow(button.closest("[data-screens]"));
    } else if (button.dataset.action === "screen-remove") {
      const editor = button.closest("[data-screens]");
      button.closest("[data-screen-row]").remove();
      showNoScreen(editor);
    } else if (button.dataset.action === "storage-job") {
      if (!confirm(t(button.dataset.confirm))) return;
      button.disabled = true;
      const result = await api("POST", button.dataset.url);
      toast(`${t("freed")}: ${formatSize(result.freed_bytes || result.moved_bytes || 0)}`);
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

/** A message next to a field (``[data-error-for=name]`` in its label), or cleared with an empty one. */
function fieldError(scope, name, message) {
  const box = scope.querySelector(`[data-error-for="${name}"]`);
  if (!box) return false;
  box.textContent = message || "";
  box.hidden = !message;
  const input = box.closest("label")?.querySelector("input, select");
  if (input) input.setAttribute("aria-invalid", message ? "true" : "false");
  return true;
}

function clearErrors(form) {
  for (const box of form.querySelectorAll("[data-error-for]")) fieldError(box.closest("label"), box.dataset.errorFor, "");
  const general = form.querySelector(".form-error");
  if (general) { general.textContent = ""; general.hidden = true; }
}

function generalError(form, message) {
  const general = form.querySelector(".form-error");
  if (general) { general.textContent = message; general.hidden = false; } else toast(message, true);
}

// -- a user's role: chosen in the table, saved at once (put back if the server refuses)
document.addEventListener("change", async (event) => {
  const select = event.target.closest('[data-action-change="user-role"]');
  if (!select) return;
  const row = select.closest("[data-user-id]");
  select.disabled = true;
  try {
    await api("PATCH", `/api/users/${row.dataset.userId}`, { role: select.value });
    toast(t("saved"));
  } catch (err) {
    select.value = select.value === "admin" ? "member" : "admin";
    toast(err.message, true);
  } finally {
    select.disabled = false;
  }
});

// -- password reset: a dialog with the rule the server applies ----------------------------------------------------
const passwordDialog = document.getElementById("password-dialog");

function openPasswordDialog(row) {
  const form = passwordDialog.querySelector("form");
  form.reset();
  clearErrors(form);
  form.dataset.userId = row.dataset.userId;
  form.dataset.userName = row.dataset.userName;
  passwordDialog.querySelector("[data-password-intro]").textContent = t("password_for", { name: row.dataset.userName });
  passwordDialog.showModal();
  form.elements.password.focus();
}

passwordDialog?.querySelector("form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = event.target;
  const input = form.elements.password;
  const min = Number(input.getAttribute("minlength"));
  clearErrors(form);
  if (input.value.length < min) {
    fieldError(form, "password", t("password_too_short", { min }));
    input.focus();
    return;
  }
  const submit = form.querySelector('[type="submit"]');
  submit.disabled = true;
  try {
    await api("POST", `/api/users/${form.dataset.userId}/password`, { password: input.value });
    passwordDialog.close();
    toast(t("password_saved", { name: form.dataset.userName }));
  } catch (err) {
    if (!(err.body?.field && fieldError(form, err.body.field, err.message))) generalError(form, err.message);
  } finally {
    submit.disabled = false;
  }
});

// -- a bar's screens: one row each (kind, label, specs) ---------------------------------------------------------------
function showNoScreen(editor) {
  editor.querySelector("[data-no-screen]").hidden = editor.querySelector("[data-screen-row]") !== null;
}

function addScreenRow(editor) {
  const row = document.getElementById("screen-row-template").content.firstElementChild.cloneNode(true);
  editor.querySelector("[data-screen-rows]").append(row);
  showNoScreen(editor);
  row.querySelector("select").focus();
}

document.addEventListener("change", (event) => {
  const select = event.target.closest("[data-screen-kind]");
  if (!select) return;
  const other = select.closest("label").querySelector("[data-screen-other]");
  other.hidden = select.value !== "__other";
  if (!other.hidden) other.focus();
});

/** The screens of a bar form as the API's ``hardware``, or null after showing what is wrong next to each field. */
function screensOf(form) {
  const screens = [];
  const labels = new Set();
  let valid = true;
  for (const row of form.querySelectorAll("[data-screen-row]")) {
    const select = row.querySelector("[data-screen-kind]");
    const other = row.querySelector("[data-screen-other]").value.trim();
    const kind = select.value === "__other" ? other : select.value;
    const label = row.querySelector('[name="label"]').value.trim();
    const specs = row.querySelector('[name="specs"]').value.trim();
    if (!kind) {
      fieldError(row, "kind", t(select.value === "__other" ? "screen_other_required" : "screen_kind_required"));
      valid = false;
    }
    const shown = (label || kind).toLowerCase();
    if (shown && labels.has(shown)) {
      fieldError(row, "label", t("screen_label_taken"));
      valid = false;
    }
    labels.add(shown);
    screens.push({ kind, label, specs });
  }
  return valid ? { screens } : null;
}

document.addEventListener("submit", async (event) => {
  const form = event.target.closest("form[data-bar-form]");
  if (!form) return;
  event.preventDefault();
  clearErrors(form);
  const name = form.elements.name.value.trim();
  if (!name) fieldError(form, "name", t("bar_name_required"));
  const hardware = screensOf(form);
  if (!name || !hardware) {
    form.querySelector('[aria-invalid="true"]')?.focus();
    return;
  }
  const [method, url] = form.dataset.barForm.split(" ");
  const submit = form.querySelector('[type="submit"]');
  submit.disabled = true;
  try {
    await api(method, url, { name, location: form.elements.location.value, hardware });
    sessionStorage.setItem("eventflow-toast", t("saved"));
    location.reload();
  } catch (err) {
    if (!(err.body?.field === "name" && fieldError(form, "name", err.message))) generalError(form, err.message);
  } finally {
    submit.disabled = false;
  }
});
