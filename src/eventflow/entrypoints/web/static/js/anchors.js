// What the review scripts read from the card and share: a slot's versions (its versions panel), the remarks anchored
// to one of them (the comments list), how an anchor reads ("page 3", "at 0:12"), numbered markers on a picture, and
// the review dialogs copied once into the page from their <template>s.
import { t } from "./app.js";

/** "0:07", "1:02", "1:00:05" (whole seconds, as a player shows them). */
export function formatTime(seconds) {
  const whole = Math.floor(Number(seconds) + 1e-6);
  const hours = Math.floor(whole / 3600);
  const minutes = Math.floor((whole % 3600) / 60);
  const secs = String(whole % 60).padStart(2, "0");
  return hours ? `${hours}:${String(minutes).padStart(2, "0")}:${secs}` : `${minutes}:${secs}`;
}

/** How an anchor reads: "page 3", "at 0:12", "pin 2", or the whole version. */
export function anchorText(anchor, marker = 0) {
  if (anchor.page) return t("anchor_page", { num: anchor.page });
  if (anchor.time !== null && anchor.time !== undefined) return t("anchor_time", { time: formatTime(anchor.time) });
  if (anchor.region) return marker ? t("anchor_marker", { num: marker }) : t("anchor_spot");
  return t("anchor_whole", { version: anchor.version });
}

/** The review dialog made from ``<template id="tpl-NAME">`` (copied into the page on first use). */
export function reviewDialog(name) {
  let dialog = document.querySelector(`body > dialog[data-${name}]`);
  if (!dialog) {
    const template = document.getElementById(`tpl-${name}`);
    if (!template) return null;
    dialog = template.content.firstElementChild.cloneNode(true);
    document.body.append(dialog);
  }
  return dialog;
}

function versionOf(item) {
  const data = item.dataset;
  return {
    version: Number(data.version),
    assetId: data.assetId,
    kind: data.kind,
    src: data.src,
    download: data.download,
    preview: data.preview || "",
    pages: Number(data.pages) || 0,
    duration: Number(data.duration) || 0,
    name: data.name,
    uploader: data.uploader,
    when: data.when,
    current: item.classList.contains("is-current"),
  };
}

/** A slot's versions, oldest first, as its versions panel lists them. */
export function versionsOf(slotId) {
  const items = document.querySelectorAll(`[data-versions-of="${slotId}"] .version-card`);
  return [...items].map(versionOf).sort((a, b) => a.version - b.version);
}

export function slotName(slotId) {
  return document.querySelector(`[data-versions-of="${slotId}"]`)?.dataset.slotName
    || document.querySelector(`[data-slot-id="${slotId}"] .slot-name`)?.textContent.trim() || "";
}

/** The remarks anchored to one version of a slot, in the thread's order, from the card's comments. */
export function remarksOn(slotId, version) {
  const items = document.querySelectorAll(`[data-comments] .comment[data-slot="${slotId}"][data-anchor]`);
  return [...items]
    .map((item) => ({
      id: item.dataset.commentId,
      anchor: JSON.parse(item.dataset.anchor),
      marker: Number(item.dataset.marker) || 0,
      author: item.dataset.authorName,
      html: item.querySelector("[data-comment-text]")?.innerHTML || "",
    }))
    .filter((remark) => remark.anchor.version === version);
}

/** Numbered markers (a round pin, or a box) over a picture, for the remarks with a region; ``pick`` gets a remark. */
export function drawMarkers(layer, remarks, pick) {
  layer.replaceChildren();
  for (const remark of remarks) {
    const region = remark.anchor.region;
    if (!region) continue;
    const [x, y, w, h] = region;
    const marker = document.createElement("button");
    marker.type = "button";
    marker.className = w || h ? "marker marker-box" : "marker marker-pin";
    marker.dataset.commentId = remark.id;
    marker.style.left = `${x * 100}%`;
    marker.style.top = `${y * 100}%`;
    if (w || h) {
      marker.style.width = `${w * 100}%`;
      marker.style.height = `${h * 100}%`;
    }
    const number = document.createElement("span");
    number.className = "marker-num";
    number.textContent = String(remark.marker);
    marker.append(number);
    marker.setAttribute("aria-label", `${t("anchor_marker", { num: remark.marker })} — ${remark.author}`);
    marker.addEventListener("click", (event) => { event.stopPropagation(); pick(remark); });
    layer.append(marker);
  }
}

/** A picture of a version for the screen: a PDF page rendered by the server, an image itself, else its preview. */
export function pictureOf(version, page = 1) {
  if (version.kind === "pdf") return version.pages && page > version.pages ? "" : `/api/assets/${version.assetId}/pages/${page}`;
  if (page > 1) return "";
  if (version.kind === "image") return version.src;
  return version.kind === "video" ? "" : version.preview;
}
