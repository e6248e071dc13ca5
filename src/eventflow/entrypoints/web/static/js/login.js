// The login form posts to the (throttled) JSON API, then goes where the visitor was heading.
import { sentence } from "./app.js";

const form = document.getElementById("login-form");
const error = form.querySelector(".form-error");

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  error.hidden = true;
  const button = form.querySelector('[type="submit"]');
  button.disabled = true;
  try {
    const response = await fetch("/api/session", {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify({ email: form.email.value.trim(), password: form.password.value }),
    });
    if (response.ok) { location.href = form.dataset.next || "/"; return; }
    const body = await response.json().catch(() => ({}));
    error.textContent = response.status === 401 ? form.dataset.badCredentials : sentence(body.description) || `HTTP ${response.status}`;
    error.hidden = false;
  } catch {
    error.textContent = form.dataset.offline;
    error.hidden = false;
  } finally {
    button.disabled = false;
  }
});
