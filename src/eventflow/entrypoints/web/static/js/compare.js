// Comparing two versions of a slot full screen: pictures (images, PDF pages, previews) side by side, under a slider
// or as an onion skin, page by page and at the same zoom; two videos side by side, played and sought together.
// Everything is a button or a range input, with keys for the rest (1 2 3 modes, + − 0 zoom, Page Up/Down, Space).
import { t } from "./app.js";
import { formatTime, pictureOf, reviewDialog, slotName, versionsOf } from "./anchors.js";

const ZOOMS = [50, 75, 100, 150, 200, 300, 400];
const DRIFT = 0.15;  // seconds two linked videos may drift apart before the second is put back on the first
let state = null;  // { dialog, left, right, mode, zoom, page, pages, videos }

export function openCompare(slotId, leftVersion, rightVersion) {
  const dialog = reviewDialog("compare");
  const versions = versionsOf(slotId);
  const left = versions.find((v) => v.version === Number(leftVersion));
  const right = versions.find((v) => v.version === Number(rightVersion));
  if (!dialog || !left || !right) return;
  const videos = left.kind === "video" && right.kind === "video";
  const pictures = left.kind !== "video" && right.kind !== "video";
  state = { dialog, left, right, mode: "side", zoom: 100, page: 1, pages: Math.max(left.pages, right.pages, 1), pictures, videos };
  wire(dialog);
  dialog.querySelector("[data-compare-title]").textContent = t("compare_title", {
    name: slotName(slotId), left: `v${left.version}`, right: `v${right.version}`,
  });
  dialog.querySelector("[data-compare-modes]").hidden = !pictures;
  dialog.querySelector("[data-compare-zoom]").hidden = !pictures;
  dialog.querySelector("[data-compare-player]").hidden = !videos;
  draw();
  if (!dialog.open) dialog.showModal();
}

function pane(version, withCaption = true) {
  const figure = document.createElement("figure");
  figure.className = "compare-pane";
  if (withCaption) {
    const caption = document.createElement("figcaption");
    caption.textContent = `v${version.version} · ${version.name} · ${version.uploader}`;
    figure.append(caption);
  }
  return figure;
}

function picture(version, className = "") {
  const source = pictureOf(version, state.page);
  if (!source) {
    const none = document.createElement("p");
    none.className = `compare-none ${className}`;
    none.textContent = state.page > 1 ? t("no_page", { version: version.version, num: state.page }) : t("no_picture", { name: version.name });
    return none;
  }
  const img = document.createElement("img");
  img.src = source;
  img.alt = `v${version.version} · ${version.name}`;
  img.className = className;
  img.draggable = false;
  return img;
}

function video(version, muted, controls = false) {
  const player = document.createElement("video");
  player.src = version.src;
  player.controls = controls;
  player.preload = "auto";
  player.muted = muted;
  player.playsInline = true;
  player.setAttribute("aria-label", `v${version.version} · ${version.name}`);
  return player;
}

function draw() {
  const body = state.dialog.querySelector("[data-compare-body]");
  body.replaceChildren();
  body.className = `compare-body mode-${state.mode}`;
  state.players = [];
  if (state.videos) {
    for (const [version, muted] of [[state.left, false], [state.right, true]]) {
      const figure = pane(version);
      const player = video(version, muted);
      figure.append(player);
      body.append(figure);
      state.players.push(player);
    }
    linkPlayers();
  } else if (state.mode === "side" || !state.pictures) {
    for (const version of [state.left, state.right]) {
      const figure = pane(version);
      const scroller = document.createElement("div");
      scroller.className = "pane-scroll";
      scroller.append(version.kind === "video" ? video(version, true, true) : picture(version, "zoomed"));
      figure.append(scroller);
      body.append(figure);
    }
    linkScrolling([...body.querySelectorAll(".pane-scroll")]);
  } else {
    body.append(overlay());
  }
  showControls();
  applyZoom();
}

/** The right version over the left one, cut by the slider or faded by the onion skin. */
function overlay() {
  const figure = pane(state.right, false);
  const labels = document.createElement("figcaption");
  labels.className = "overlay-labels";
  labels.textContent = `v${state.left.version} · ${state.left.name}  ⟷  v${state.right.version} · ${state.right.name}`;
  const scroller = document.createElement("div");
  scroller.className = "pane-scroll";
  const stack = document.createElement("div");
  stack.className = "overlay-stack zoomed";
  const divider = document.createElement("span");
  divider.className = "overlay-divider";
  divider.hidden = state.mode !== "slider";
  stack.append(picture(state.left, "overlay-under"), picture(state.right, "overlay-over"), divider);
  stack.addEventListener("pointerdown", dragDivider);
  scroller.append(stack);
  figure.append(labels, scroller);
  return figure;
}

function dragDivider(event) {
  if (state.mode !== "slider") return;
  const stack = event.currentTarget;
  stack.setPointerCapture(event.pointerId);
  const follow = (e) => {
    const rect = stack.getBoundingClientRect();
    setAmount(Math.round(Math.min(1, Math.max(0, (e.clientX - rect.left) / rect.width)) * 100));
  };
  follow(event);
  stack.addEventListener("pointermove", follow);
  stack.addEventListener("pointerup", () => stack.removeEventListener("pointermove", follow), { once: true });
}

function setAmount(value) {
  const range = state.dialog.querySelector("[data-compare-amount]");
  range.value = String(value);
  applyAmount();
}

function applyAmount() {
  const value = Number(state.dialog.querySelector("[data-compare-amount]").value);
  const over = state.dialog.querySelector(".overlay-over");
  const divider = state.dialog.querySelector(".overlay-divider");
  if (!over) return;
  over.style.clipPath = state.mode === "slider" ? `inset(0 0 0 ${value}%)` : "";
  over.style.opacity = state.mode === "onion" ? String(value / 100) : "";
  if (divider) divider.style.left = `${value}%`;
}

function showControls() {
  const { dialog } = state;
  for (const button of dialog.querySelectorAll("[data-mode]")) {
    button.setAttribute("aria-pressed", String(button.dataset.mode === state.mode));
  }
  const amountBar = dialog.querySelector("[data-compare-amount-bar]");
  amountBar.hidden = state.mode === "side" || !state.pictures;
  amountBar.querySelector("[data-amount-label]").textContent = state.mode === "onion"
    ? t("onion_amount", { version: state.right.version }) : t("slider_amount");
  applyAmount();
  const pager = dialog.querySelector("[data-compare-pager]");
  pager.hidden = !state.pictures || state.pages < 2;
  dialog.querySelector('[data-keys="pictures"]').hidden = !state.pictures;
  dialog.querySelector('[data-keys="pages"]').hidden = pager.hidden;
  dialog.querySelector('[data-keys="videos"]').hidden = !state.videos;
  dialog.querySelector("[data-compare-page-label]").textContent = t("page_of", { num: state.page, total: state.pages });
  pager.querySelector('[data-compare-page="-1"]').disabled = state.page <= 1;
  pager.querySelector('[data-compare-page="1"]').disabled = state.page >= state.pages;
}

/** The width at which ``img`` fits whole in ``box`` (both ways), or 0 before it is loaded. */
function fitWidth(img, box) {
  const style = getComputedStyle(box);
  const width = box.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
  const height = box.clientHeight - parseFloat(style.paddingTop) - parseFloat(style.paddingBottom);
  if (!img.naturalWidth || width <= 0 || height <= 0) return 0;
  return img.naturalWidth * Math.min(width / img.naturalWidth, height / img.naturalHeight);
}

/** Every picture at the same zoom: a share of the size at which it fits its pane. */
function applyZoom() {
  for (const el of state.dialog.querySelectorAll(".zoomed")) {
    const img = el.tagName === "IMG" ? el : el.querySelector("img.overlay-under");
    if (!img) continue;
    const size = () => {
      const fit = fitWidth(img, el.closest(".pane-scroll"));
      if (!fit) return;
      el.style.width = `${Math.round((fit * state.zoom) / 100)}px`;
      el.style.maxWidth = el.style.maxHeight = "none";
    };
    if (img.complete && img.naturalWidth) size(); else img.addEventListener("load", size, { once: true });
  }
  state.dialog.querySelector("[data-zoom-level]").textContent = `${state.zoom} %`;
}

window.addEventListener("resize", () => { if (state?.dialog.open && state.pictures) applyZoom(); });
// On the document, not the dialog: a button that turns disabled under the keyboard (the last page) leaves the focus on
// the page's body, and the keys must still work.
document.addEventListener("keydown", (event) => { if (state?.dialog.open) onKey(event); });

function zoom(how) {
  const at = ZOOMS.indexOf(state.zoom);
  if (how === "fit") state.zoom = 100;
  else state.zoom = ZOOMS[Math.min(ZOOMS.length - 1, Math.max(0, at + (how === "in" ? 1 : -1)))];
  applyZoom();
}

/** Both panes scroll together, so the same part of each version stays in view at any zoom. */
function linkScrolling(scrollers) {
  let leading = null;
  for (const scroller of scrollers) {
    scroller.addEventListener("scroll", () => {
      if (leading && leading !== scroller) return;
      leading = scroller;
      for (const other of scrollers) {
        if (other === scroller) continue;
        const x = scroller.scrollLeft / Math.max(1, scroller.scrollWidth - scroller.clientWidth);
        const y = scroller.scrollTop / Math.max(1, scroller.scrollHeight - scroller.clientHeight);
        other.scrollLeft = x * (other.scrollWidth - other.clientWidth);
        other.scrollTop = y * (other.scrollHeight - other.clientHeight);
      }
      requestAnimationFrame(() => { leading = null; });
    });
  }
}

// -- two videos as one -------------------------------------------------------------------------------------------
function linkPlayers() {
  const [first, second] = state.players;
  const play = state.dialog.querySelector("[data-compare-play]");
  const seek = state.dialog.querySelector("[data-compare-seek]");
  const time = state.dialog.querySelector("[data-compare-time]");
  const length = () => Math.max(first.duration || 0, second.duration || 0);
  const show = () => {
    const total = length();
    seek.value = String(total ? Math.round((first.currentTime / total) * 1000) : 0);
    seek.setAttribute("aria-valuetext", formatTime(first.currentTime));
    time.textContent = `${formatTime(first.currentTime)} / ${formatTime(total)}`;
    play.textContent = first.paused ? `▶ ${t("play_both")}` : `❚❚ ${t("pause_both")}`;
    if (!second.seeking && Math.abs(second.currentTime - first.currentTime) > DRIFT && first.currentTime <= (second.duration || 0)) {
      second.currentTime = first.currentTime;
    }
  };
  for (const event of ["timeupdate", "loadedmetadata", "play", "pause", "seeked"]) first.addEventListener(event, show);
  first.addEventListener("ended", () => second.pause());
  state.toggle = () => {
    if (first.paused) { first.play(); second.play(); } else { first.pause(); second.pause(); }
  };
  state.seekTo = (seconds) => {
    const at = Math.min(Math.max(0, seconds), length());
    first.currentTime = at;
    second.currentTime = Math.min(at, second.duration || at);
  };
  play.onclick = state.toggle;
  seek.oninput = () => state.seekTo((Number(seek.value) / 1000) * length());
  show();
}

// -- wiring --------------------------------------------------------------------------------------------------------
function turnPage(step) {
  const page = Math.min(state.pages, Math.max(1, state.page + step));
  if (page === state.page) return;
  state.page = page;
  draw();
}

function setMode(mode) {
  if (!state.pictures && mode !== "side") return;
  state.mode = mode;
  draw();
}

const PICTURE_KEYS = {
  1: () => setMode("side"), 2: () => setMode("slider"), 3: () => setMode("onion"),
  "+": () => zoom("in"), "=": () => zoom("in"), "-": () => zoom("out"), 0: () => zoom("fit"),
};
const VIDEO_KEYS = {
  " ": () => state.toggle(),
  ArrowRight: () => state.seekTo(state.players[0].currentTime + 1),
  ArrowLeft: () => state.seekTo(state.players[0].currentTime - 1),
};

function onKey(event) {
  const inField = Boolean(event.target.closest("input, textarea, select"));
  let run = null;
  if (event.key === "PageDown") run = () => turnPage(1);
  else if (event.key === "PageUp") run = () => turnPage(-1);
  else if (!inField && state.pictures) run = PICTURE_KEYS[event.key];
  else if (!inField && state.videos && !event.target.closest("button")) run = VIDEO_KEYS[event.key];
  if (!run) return;
  event.preventDefault();
  run();
}

function wire(dialog) {
  if (dialog.dataset.wired) return;
  dialog.dataset.wired = "1";
  dialog.querySelector("[data-compare-amount]").addEventListener("input", applyAmount);
  dialog.addEventListener("click", (event) => {
    const mode = event.target.closest("[data-mode]");
    const level = event.target.closest("[data-zoom]");
    const page = event.target.closest("[data-compare-page]");
    if (mode) setMode(mode.dataset.mode);
    else if (level) zoom(level.dataset.zoom);
    else if (page) turnPage(Number(page.dataset.comparePage));
  });
  dialog.addEventListener("close", () => {
    for (const player of state?.players || []) player.pause();
    dialog.querySelector("[data-compare-body]").replaceChildren();
  });
}
