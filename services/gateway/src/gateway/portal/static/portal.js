// The portal's behaviour in the browser: the phone's menu, asking before a form that ends
// something, a form sent once, picking a slot on a venue's calendar,
// proposals that arrive live on an organisation's dashboard, and the messages bell's unread
// count, asked for while the page is open. Every page works without it.
"use strict";

function pickSlots() {
  const field = document.getElementById("starts_at");
  if (!field) return;
  const pick = (cell) => {
    document.querySelectorAll("td.picked").forEach((c) => c.classList.remove("picked"));
    cell.classList.add("picked");
    field.value = cell.dataset.start.slice(0, 16);
    document.getElementById("book").scrollIntoView({ behavior: "smooth", block: "nearest" });
  };
  document.querySelectorAll("td.free[data-start]").forEach((cell) => {
    cell.addEventListener("click", () => pick(cell));
    cell.addEventListener("keydown", (e) => { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); pick(cell); } });
  });
}

function liveProposals() {
  const box = document.getElementById("proposals");
  if (!box || !window.EventSource) return;
  const events = new EventSource(box.dataset.live);
  events.addEventListener("open", () => { document.getElementById("live").hidden = false; });
  const reload = async (event) => {
    const answer = await fetch(box.dataset.part, { credentials: "same-origin" });
    if (answer.ok) {
      box.innerHTML = await answer.text();
      if (event.type === "match.proposed") document.getElementById("new-proposal").hidden = false;
    }
  };
  ["match.proposed", "match.accepted", "match.confirmed", "match.declined", "match.failed", "match.expired", "match.withdrawn"]
    .forEach((type) => events.addEventListener(type, reload));
}

function bell() {
  const link = document.getElementById("bell");
  if (!link) return;
  const count = link.querySelector(".count");
  const ask = async () => {
    try {
      const answer = await fetch(link.dataset.unread, { credentials: "same-origin", redirect: "error" });
      if (!answer.ok) return;
      const { unread } = await answer.json();
      count.textContent = unread;
      count.hidden = unread === 0;
      link.dataset.count = unread;
    } catch {
      // offline, or signed out meanwhile: the count stays as it was
    }
  };
  ask();
  if (window.EventSource && link.dataset.live) {
    // a new message is announced at once; the count is asked for when one is
    const live = new EventSource(link.dataset.live);
    live.addEventListener("message", ask);
    live.addEventListener("open", () => { link.dataset.listening = "1"; });
  }
  window.setInterval(() => { if (document.visibilityState === "visible") ask(); }, 60000);
  document.addEventListener("visibilitychange", () => { if (document.visibilityState === "visible") ask(); });
}

function menu() {
  const toggle = document.querySelector(".menu-toggle");
  const nav = document.getElementById("menu");
  if (!toggle || !nav) return;
  toggle.addEventListener("click", (event) => {
    event.preventDefault();
    const open = nav.classList.toggle("open");
    toggle.setAttribute("aria-expanded", String(open));
  });
}

// a form that undoes or ends something asks first; a form sent is not sent twice by a second click
function confirmAndOnce() {
  document.querySelectorAll("form[data-confirm]").forEach((form) => form.addEventListener("submit", (event) => {
    if (!window.confirm(form.dataset.confirm)) event.preventDefault();
  }));
  document.querySelectorAll("form[method=post]").forEach((form) => form.addEventListener("submit", (event) => {
    if (event.defaultPrevented) return;
    if (form.dataset.sent) { event.preventDefault(); return; }
    form.dataset.sent = "1";
    window.setTimeout(() => { delete form.dataset.sent; }, 5000);
  }));
}

// a table's rows sorted by the column whose heading is pressed, again for the other way round
function sortableTables() {
  document.querySelectorAll("table.sortable").forEach((table) => {
    table.querySelectorAll("thead th").forEach((th, column) => {
      const button = th.querySelector("button");
      if (!button) return;
      button.addEventListener("click", () => {
        const up = th.getAttribute("aria-sort") !== "ascending";
        table.querySelectorAll("thead th").forEach((other) => other.setAttribute("aria-sort", "none"));
        th.setAttribute("aria-sort", up ? "ascending" : "descending");
        const value = (row) => {
          const cell = row.children[column];
          const sort = cell.dataset.sort ?? cell.textContent.trim();
          return sort !== "" && !Number.isNaN(Number(sort)) ? Number(sort) : sort;
        };
        const body = table.tBodies[0];
        const rows = [...body.rows].sort((a, b) => {
          const [x, y] = [value(a), value(b)];
          const order = typeof x === "number" && typeof y === "number" ? x - y : String(x).localeCompare(String(y), "zh");
          return up ? order : -order;
        });
        rows.forEach((row) => body.appendChild(row));
      });
    });
  });
}

function printButtons() {
  document.querySelectorAll("[data-print]").forEach((button) => button.addEventListener("click", () => window.print()));
}

document.addEventListener("DOMContentLoaded", () => {
  menu(); confirmAndOnce(); sortableTables(); pickSlots(); liveProposals(); bell(); printButtons();
});
