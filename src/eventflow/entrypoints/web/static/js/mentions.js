// @mention completion in comment boxes: "@" + letters lists matching active people; arrows, Enter/Tab or a click
// insert "@handle ", Escape closes. People come from /api/users, fetched once per page.
import { api, t } from "./app.js";

const MAX_SHOWN = 6;
const TYPING = /(^|[\s(])@([\w.+-]*)$/;
let people = null;
let open = null;  // { area, list, start, matches, index }

async function loadPeople() {
  if (!people) {
    people = api("GET", "/api/users").then(
      (users) => users.filter((u) => u.active).map((u) => ({ name: u.name, handle: u.email.split("@")[0] })),
      () => { people = null; return []; },
    );
  }
  return people;
}

function fold(text) { return text.normalize("NFD").replace(/\p{Diacritic}/gu, "").toLowerCase(); }

function matching(all, typed) {
  const wanted = fold(typed);
  return all.filter((p) => fold(p.handle).startsWith(wanted) || fold(p.name).split(/\s+/).some((w) => w.startsWith(wanted))
    || fold(p.name).startsWith(wanted)).slice(0, MAX_SHOWN);
}

function listFor(area) {
  let list = area.parentElement.querySelector(".mention-list");
  if (!list) {
    list = document.createElement("ul");
    list.className = "mention-list";
    list.id = `${area.id || "comment-edit"}-mentions`;
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", t("mention_people"));
    list.hidden = true;
    area.parentElement.classList.add("mention-wrap");
    area.after(list);
    area.setAttribute("role", "combobox");
    area.setAttribute("aria-autocomplete", "list");
    area.setAttribute("aria-controls", list.id);
    area.setAttribute("aria-expanded", "false");
  }
  return list;
}

function close() {
  if (!open) return;
  open.list.hidden = true;
  open.list.replaceChildren();
  open.area.setAttribute("aria-expanded", "false");
  open.area.removeAttribute("aria-activedescendant");
  open = null;
}

function highlight(index) {
  open.index = index;
  for (const [i, option] of [...open.list.children].entries()) {
    option.setAttribute("aria-selected", String(i === index));
    if (i === index) open.area.setAttribute("aria-activedescendant", option.id);
  }
}

function choose(index) {
  const { area, start, matches } = open;
  const inserted = `@${matches[index].handle} `;
  const caret = area.selectionStart;
  area.value = area.value.slice(0, start) + inserted + area.value.slice(caret);
  area.selectionStart = area.selectionEnd = start + inserted.length;
  close();
  area.focus();
}

function show(area, start, matches) {
  const list = listFor(area);
  list.replaceChildren(...matches.map((person, i) => {
    const option = document.createElement("li");
    option.id = `${list.id}-${i}`;
    option.setAttribute("role", "option");
    const name = document.createElement("span");
    name.textContent = person.name;
    const handle = document.createElement("span");
    handle.className = "muted small";
    handle.textContent = `@${person.handle}`;
    option.append(name, handle);
    option.addEventListener("mousedown", (event) => { event.preventDefault(); choose(i); });
    return option;
  }));
  list.hidden = false;
  area.setAttribute("aria-expanded", "true");
  open = { area, list, start, matches, index: 0 };
  highlight(0);
}

document.addEventListener("input", async (event) => {
  const area = event.target;
  if (!area.matches?.("textarea[data-mentions]")) return;
  const typed = TYPING.exec(area.value.slice(0, area.selectionStart));
  if (!typed) { close(); return; }
  const matches = matching(await loadPeople(), typed[2]);
  if (!matches.length) { close(); return; }
  show(area, area.selectionStart - typed[2].length - 1, matches);
});

document.addEventListener("keydown", (event) => {
  if (!open || event.target !== open.area) return;
  const count = open.matches.length;
  if (event.key === "ArrowDown") highlight((open.index + 1) % count);
  else if (event.key === "ArrowUp") highlight((open.index - 1 + count) % count);
  else if (event.key === "Enter" || event.key === "Tab") choose(open.index);
  else if (event.key === "Escape") { close(); event.stopPropagation(); } else return;
  event.preventDefault();
}, true);

document.addEventListener("focusout", (event) => { if (open && event.target === open.area) close(); });
