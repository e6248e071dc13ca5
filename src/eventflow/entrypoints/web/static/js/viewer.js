// The version viewer: one version full screen (an image, a PDF page by page, a video) with its remarks as numbered
// markers, and a composer that anchors a new remark to the version, a page, a moment or a spot of the picture.
import { api, showFormError, t, toast } from "./app.js";
import { reloadCard } from "./card.js";
import { anchorText, drawMarkers, formatTime, pictureOf, remarksOn, reviewDialog, slotName, versionsOf } from "./anchors.js";

const NUDGE = 0.01;
let state = null;  // { dialog, slotId, versions, index, page, anchor, tool, video, box, draft }

function current() { return state.versions[state.index]; }

export function openViewer(slotId, version, focus = {}) {
  const dialog = reviewDialog("viewer");
  const versions = versionsOf(slotId);
  const index = versions.findIndex((v) => v.version === Number(version));
  if (!dialog || index < 0) return;
  state = { dialog, slotId, versions, index, page: focus.page || 1, anchor: null, tool: null, video: null, box: null };
  wire(dialog);
  show(focus);
  if (!dialog.open) dialog.showModal();
}

/** The card was drawn again (a remark sent, a version made current): read its versions and remarks again. */
document.addEventListener("card:loaded", () => {
  if (!state?.dialog.open) return;
  const version = current().version;
  state.versions = versionsOf(state.slotId);
  state.index = Math.max(0, state.versions.findIndex((v) => v.version === version));
  showRemarks();
});

function show(focus = {}) {
  const version = current();
  const { dialog } = state;
  dialog.querySelector("[data-viewer-title]").textContent = `${slotName(state.slotId)} — v${version.version} · ${version.name}`;
  dialog.querySelector("[data-viewer-meta]").textContent = [version.uploader, version.when, version.current ? t("current") : ""]
    .filter(Boolean).join(" · ");
  dialog.querySelector("[data-viewer-download]").href = version.download;
  for (const step of dialog.querySelectorAll("[data-viewer-step]")) {
    const target = state.index + Number(step.dataset.viewerStep);
    step.disabled = target < 0 || target >= state.versions.length;
    const label = step.disabled ? "" : `v${state.versions[target].version}`;
    step.textContent = step.dataset.viewerStep === "-1" ? `‹ ${label}`.trim() : `${label} ›`.trim();
  }
  setAnchor(null);
  drawStage();
  showRemarks();
  if (focus.time !== undefined && state.video) seek(focus.time);
  if (focus.commentId) highlight(focus.commentId);
}

function drawStage() {
  const version = current();
  const stage = state.dialog.querySelector("[data-viewer-stage]");
  stage.replaceChildren();
  state.video = null;
  const box = document.createElement("div");
  box.className = "stage-box";
  box.tabIndex = 0;
  box.setAttribute("aria-label", t("picture_of", { version: version.version }));
  let media;
  if (version.kind === "video") {
    media = document.createElement("video");
    media.controls = true;
    media.preload = "metadata";
    media.src = version.src;
    media.addEventListener("timeupdate", showTools);
    media.addEventListener("loadedmetadata", () => { fitVideo(media, stage); showTools(); });
    state.video = media;
  } else {
    const source = pictureOf(version, state.page);
    if (!source) {
      const none = document.createElement("p");
      none.className = "stage-none";
      none.textContent = t("no_picture", { name: version.name });
      stage.append(none);
      state.box = null;
      showTools();
      return;
    }
    media = document.createElement("img");
    media.src = source;
    media.alt = `v${version.version} · ${version.name}`;
  }
  media.className = "stage-media";
  const marks = document.createElement("div");
  marks.className = "stage-marks";
  const capture = document.createElement("div");
  capture.className = "stage-capture";
  capture.hidden = true;
  box.append(media, marks, capture);
  stage.append(box);
  state.box = box;
  capture.addEventListener("pointerdown", startDrawing);
  box.addEventListener("keydown", keyOnPicture);
  const pager = state.dialog.querySelector("[data-viewer-pager]");
  pager.hidden = version.kind !== "pdf" || onePage(version);
  if (!pager.hidden) {
    const total = version.pages || state.page;
    state.dialog.querySelector("[data-viewer-page-label]").textContent = t("page_of", { num: state.page, total });
    pager.querySelector('[data-viewer-page="-1"]').disabled = state.page <= 1;
    pager.querySelector('[data-viewer-page="1"]').disabled = Boolean(version.pages) && state.page >= version.pages;
  }
  showTools();
}

/** A video as large as the stage allows (a 320 px loop too), its markers' box following it exactly. */
function fitVideo(video, stage) {
  const style = getComputedStyle(stage);
  const width = stage.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
  const height = stage.clientHeight - parseFloat(style.paddingTop) - parseFloat(style.paddingBottom);
  if (!video.videoWidth || width <= 0 || height <= 0) return;
  const scale = Math.min(width / video.videoWidth, height / video.videoHeight);
  video.style.width = `${Math.floor(video.videoWidth * scale)}px`;
  video.style.height = `${Math.floor(video.videoHeight * scale)}px`;
}

window.addEventListener("resize", () => {
  if (state?.dialog.open && state.video) fitVideo(state.video, state.dialog.querySelector("[data-viewer-stage]"));
});

function showRemarks() {
  const version = current();
  const remarks = remarksOn(state.slotId, version.version);
  const list = state.dialog.querySelector("[data-viewer-remarks]");
  list.replaceChildren();
  for (const remark of remarks) {
    const item = document.createElement("li");
    item.dataset.commentId = remark.id;
    const chip = document.createElement("button");
    chip.type = "button";
    chip.className = "anchor-chip";
    chip.textContent = anchorText(remark.anchor, remark.marker);
    chip.addEventListener("click", () => goTo(remark));
    const who = document.createElement("strong");
    who.textContent = remark.author;
    const text = document.createElement("div");
    text.className = "rich small";
    text.innerHTML = remark.html;  // sanitised by the server, as shown in the card
    item.append(chip, " ", who, text);
    list.append(item);
  }
  state.dialog.querySelector("[data-viewer-no-remark]").hidden = remarks.length > 0;
  const layer = state.box?.querySelector(".stage-marks");
  if (layer) drawMarkers(layer, remarks, (remark) => highlight(remark.id));
}

function goTo(remark) {
  const { anchor } = remark;
  if (anchor.page && anchor.page !== state.page) {
    state.page = anchor.page;
    drawStage();
    showRemarks();
  }
  if (anchor.time !== null && anchor.time !== undefined) seek(anchor.time);
  highlight(remark.id);
}

function seek(seconds) {
  const video = state.video;
  if (!video) return;
  const go = () => { video.currentTime = Number(seconds); video.pause(); };
  if (video.readyState >= 1) go(); else video.addEventListener("loadedmetadata", go, { once: true });
}

function highlight(commentId) {
  for (const el of state.dialog.querySelectorAll(".is-picked")) el.classList.remove("is-picked");
  const item = state.dialog.querySelector(`[data-viewer-remarks] [data-comment-id="${commentId}"]`);
  const marker = state.dialog.querySelector(`.marker[data-comment-id="${commentId}"]`);
  for (const el of [item, marker]) el?.classList.add("is-picked");
  item?.scrollIntoView({ block: "nearest" });
}

// -- the composer's anchor ---------------------------------------------------------------------------------------
/** A one-page PDF (a poster): its page is the whole version, shown as its preview, so remarks are pinned on it like
 * on a picture, and it needs no pager. */
function onePage(version) {
  return version.kind === "pdf" && version.pages === 1;
}

function showTools() {
  if (!state) return;
  const version = current();
  const tools = state.dialog.querySelector(".anchor-tools");
  const region = tools.querySelector('[data-tool="region"]');
  const time = tools.querySelector('[data-tool="time"]');
  const page = tools.querySelector('[data-tool="page"]');
  region.hidden = !state.box || (version.kind === "pdf" && !onePage(version));
  region.setAttribute("aria-pressed", String(state.tool === "region"));
  time.hidden = version.kind !== "video";
  time.querySelector("[data-tool-label]").textContent = t("anchor_time", { time: formatTime(state.video?.currentTime || 0) });
  page.hidden = version.kind !== "pdf" || onePage(version);
  page.querySelector("[data-tool-label]").textContent = t("anchor_page", { num: state.page });
  state.box?.querySelector(".stage-capture")?.toggleAttribute("hidden", state.tool !== "region");
  state.dialog.querySelector("[data-region-help]").hidden = state.tool !== "region";
}

function setAnchor(spot) {
  state.anchor = { version: current().version, ...(spot || {}) };
  state.dialog.querySelector("[data-anchor-text]").textContent = anchorText(state.anchor);
  state.dialog.querySelector("[data-anchor-reset]").hidden = !spot;
  if (!spot?.region) drawDraft(null);
}

function useTool(name) {
  if (name === "time") {
    const video = state.video;
    setAnchor({ time: Math.round((video?.currentTime || 0) * 10) / 10 });
    state.tool = null;
  } else if (name === "page") {
    setAnchor({ page: state.page });
    state.tool = null;
  } else {
    state.tool = state.tool === "region" ? null : "region";
    if (state.tool) state.video?.pause();
    if (state.tool) state.box?.focus();
  }
  showTools();
}

function fractionAt(event) {
  const rect = state.box.getBoundingClientRect();
  const clamp = (v) => Math.min(1, Math.max(0, v));
  return [clamp((event.clientX - rect.left) / rect.width), clamp((event.clientY - rect.top) / rect.height)];
}

function round(v) { return Math.round(v * 10000) / 10000; }

function chooseRegion(region) {
  const [x, y, w, h] = region.map(round);
  setAnchor({ region: [x, y, Math.min(w, 1 - x), Math.min(h, 1 - y)] });
  drawDraft(state.anchor.region);
}

function startDrawing(event) {
  event.preventDefault();
  const capture = event.currentTarget;
  capture.setPointerCapture(event.pointerId);
  const [x0, y0] = fractionAt(event);
  const box = (e) => {
    const [x1, y1] = fractionAt(e);
    return [Math.min(x0, x1), Math.min(y0, y1), Math.abs(x1 - x0), Math.abs(y1 - y0)];
  };
  const move = (e) => drawDraft(box(e));
  const end = (e) => {
    capture.removeEventListener("pointermove", move);
    const [x, y, w, h] = box(e);
    chooseRegion(w < 0.01 && h < 0.01 ? [x0, y0, 0, 0] : [x, y, w, h]);
    state.dialog.querySelector("#viewer-text").focus();
  };
  capture.addEventListener("pointermove", move);
  capture.addEventListener("pointerup", end, { once: true });
}

function keyOnPicture(event) {
  if (state.tool !== "region") return;
  const region = state.anchor.region;
  if (event.key === "Enter" || event.key === " ") {
    event.preventDefault();
    chooseRegion(region || [0.5, 0.5, 0, 0]);
    return;
  }
  const moves = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
  if (!region || !moves[event.key]) return;
  event.preventDefault();
  const step = event.shiftKey ? NUDGE * 5 : NUDGE;
  const [dx, dy] = moves[event.key];
  const [x, y, w, h] = region;
  chooseRegion([Math.min(1 - w, Math.max(0, x + dx * step)), Math.min(1 - h, Math.max(0, y + dy * step)), w, h]);
}

function drawDraft(region) {
  const layer = state.box?.querySelector(".stage-marks");
  if (!layer) return;
  layer.querySelector(".marker-draft")?.remove();
  if (!region) return;
  const [x, y, w, h] = region;
  const draft = document.createElement("span");
  draft.className = `marker marker-draft ${w || h ? "marker-box" : "marker-pin"}`;
  draft.style.left = `${x * 100}%`;
  draft.style.top = `${y * 100}%`;
  if (w || h) {
    draft.style.width = `${w * 100}%`;
    draft.style.height = `${h * 100}%`;
  }
  layer.append(draft);
}

async function send(event) {
  event.preventDefault();
  const form = event.currentTarget;
  const text = form.elements.text;
  showFormError(form, "");
  const card = document.querySelector("[data-card]");
  const button = form.querySelector('[type="submit"]');
  button.disabled = true;
  try {
    await api("POST", `/api/events/${card.dataset.eventId}/comments`, {
      text: text.value, deliverable_id: Number(state.slotId), anchor: state.anchor,
    });
    text.value = "";
    state.tool = null;
    setAnchor(null);
    showTools();
    toast(t("remark_sent"));
    await reloadCard();
  } catch (err) {
    showFormError(form, err.message);
  } finally {
    button.disabled = false;
  }
}

function wire(dialog) {
  if (dialog.dataset.wired) return;
  dialog.dataset.wired = "1";
  dialog.querySelector("[data-viewer-composer]").addEventListener("submit", send);
  dialog.addEventListener("click", (event) => {
    const step = event.target.closest("[data-viewer-step]");
    const page = event.target.closest("[data-viewer-page]");
    const tool = event.target.closest("[data-tool]");
    if (step) {
      state.index += Number(step.dataset.viewerStep);
      state.page = 1;
      show();
    } else if (page) {
      state.page = Math.max(1, state.page + Number(page.dataset.viewerPage));
      drawStage();
      showRemarks();
    } else if (tool) {
      useTool(tool.dataset.tool);
    } else if (event.target.closest("[data-anchor-reset]")) {
      state.tool = null;
      setAnchor(null);
      showTools();
    }
  });
  dialog.addEventListener("close", () => {
    state?.video?.pause();
    dialog.querySelector("[data-viewer-stage]").replaceChildren();
  });
}
