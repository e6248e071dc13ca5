// The profile's personal API tokens: revoke one (after a confirmation); it stops working at once.
import { api, t, toast } from "./app.js";

document.addEventListener("click", async (event) => {
  const button = event.target.closest('[data-action="revoke-token"]');
  if (!button || !confirm(t("confirm_revoke_token"))) return;
  button.disabled = true;
  try {
    await api("DELETE", `/api/me/tokens/${button.dataset.tokenId}`);
    sessionStorage.setItem("eventflow-toast", t("token_revoked"));
    location.reload();
  } catch (err) {
    toast(err.message, true);
    button.disabled = false;
  }
});
