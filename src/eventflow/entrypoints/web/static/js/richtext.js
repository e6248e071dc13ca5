// The brief's and notes' editor: Trix (vendored, static/vendor/trix), loaded the first time a card has a rich field.
// Each <div data-rich-editor="INPUT_ID"> becomes a <trix-editor> writing its HTML into that hidden input, which the
// card's form sends; the server sanitises what it stores (the editor is no security boundary). No attachments: a
// pasted or dropped file is refused, and a pasted picture is left out.
const TRIX = "/static/vendor/trix/trix.umd.min.js";
const TRIX_CSS = "/static/vendor/trix/trix.css";
let loading = null;

function loadTrix(texts) {
  if (!loading) {
    const link = document.createElement("link");
    link.rel = "stylesheet";
    link.href = TRIX_CSS;
    document.head.prepend(link);  // before app.css, whose "Rich text" rules adjust it
    // The UMD build sets globalThis.Trix; its toolbars are made from Trix.config.lang, so the texts go in first.
    loading = import(TRIX).then(() => { Object.assign(window.Trix.config.lang, texts); });
  }
  return loading;
}

async function installEditors(root = document) {
  const fields = [...root.querySelectorAll("[data-rich-editor]:not([data-rich-ready])")];
  if (!fields.length) return;
  const texts = JSON.parse(fields[0].closest("[data-rich-texts]")?.dataset.richTexts || "{}");
  await loadTrix(texts);
  for (const field of fields) {
    if (field.dataset.richReady || !field.isConnected) continue;
    field.dataset.richReady = "1";
    const editor = document.createElement("trix-editor");
    editor.setAttribute("input", field.dataset.richEditor);
    editor.className = "rich-editor rich";
    if (field.dataset.labelledby) editor.setAttribute("aria-labelledby", field.dataset.labelledby);
    if (field.dataset.placeholder) editor.setAttribute("placeholder", field.dataset.placeholder);
    field.append(editor);
  }
}

document.addEventListener("trix-file-accept", (event) => event.preventDefault());
document.addEventListener("trix-attachment-add", (event) => event.attachment.remove());
document.addEventListener("card:loaded", () => installEditors());
installEditors();
