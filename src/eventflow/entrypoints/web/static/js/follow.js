// The night's Follow / Unfollow button on the event card.
import { api, t, toast } from "./app.js";

document.addEventListener("click", async (event) => {
  const button = event.target.closest('[data-action="follow"]');
  if (!button) return;
  const following = button.dataset.following === "true";
  button.disabled = true;
  try {
    const state = await api(following ? "DELETE" : "POST", `/api/events/${button.dataset.eventId}/follow`);
    button.dataset.following = String(state.following);
    button.textContent = state.following ? button.dataset.unfollowLabel : button.dataset.followLabel;
    button.classList.toggle("is-following", state.following);
    toast(t(state.following ? "followed" : "unfollowed"));
  } catch (err) {
    toast(err.message, true);
  } finally {
    button.disabled = false;
  }
});
