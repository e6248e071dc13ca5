// The screens' mock-ups: a click plays the file on its screen (muted, looping, as the screen shows it) or pauses it.
document.addEventListener("click", (event) => {
  const button = event.target.closest?.('[data-action="play-mockup"]');
  const video = button?.closest(".screen")?.querySelector("video");
  if (!video) return;
  if (video.paused) video.play().catch(() => {}); else video.pause();
});
document.addEventListener("play", (event) => mark(event.target, true), true);
document.addEventListener("pause", (event) => mark(event.target, false), true);

function mark(video, playing) {
  video.closest?.(".screen")?.querySelector("[data-action='play-mockup']")?.setAttribute("aria-pressed", String(playing));
}
