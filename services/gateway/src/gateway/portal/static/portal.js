// The portal's behaviour in the browser: charts, picking a slot on a venue's calendar,
// proposals that arrive live on an organisation's dashboard, and the messages bell's unread
// count, asked for while the page is open. Every page works without it.
"use strict";

function drawCharts() {
  const source = document.getElementById("chart-data");
  if (!source || !window.echarts) return;
  const data = JSON.parse(source.textContent);
  const zh = data.lang === "zh";
  const months = Object.keys(data.by_month);
  const monthly = window.echarts.init(document.getElementById("chart-month"));
  const series = (name, key, from) => ({ name, type: key === "claims" ? "line" : "bar", data: from.map((m) => (data.by_month[m] || {})[key] || 0) });
  monthly.setOption({
    tooltip: { trigger: "axis" },
    legend: { top: 0 },
    grid: { left: 40, right: 10, top: 36, bottom: 30 },
    xAxis: { type: "category", data: months },
    yAxis: { type: "value" },
    series: [
      series(zh ? "发布需求" : "Needs posted", "posted", months),
      series(zh ? "认领完成" : "Claims done", "claims", months),
      series(zh ? "需求完成" : "Needs fulfilled", "fulfilled", months),
    ],
  });
  const categories = Object.keys(data.by_category).sort((a, b) => (data.by_category[b].posted || 0) - (data.by_category[a].posted || 0)).slice(0, 12);
  const byCategory = window.echarts.init(document.getElementById("chart-category"));
  const count = (key) => categories.map((c) => data.by_category[c][key] || 0);
  byCategory.setOption({
    tooltip: { trigger: "axis" },
    legend: { top: 0 },
    grid: { left: 110, right: 10, top: 36, bottom: 30 },
    xAxis: { type: "value" },
    yAxis: { type: "category", data: categories.map((c) => data.labels[c] || c), inverse: true },
    series: [
      { name: zh ? "需求" : "Needs", type: "bar", data: count("posted") },
      { name: zh ? "场地" : "Venues", type: "bar", data: count("venue") },
      { name: zh ? "服务" : "Services", type: "bar", data: count("service") },
    ],
  });
  window.addEventListener("resize", () => { monthly.resize(); byCategory.resize(); });
}

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

function printButtons() {
  document.querySelectorAll("[data-print]").forEach((button) => button.addEventListener("click", () => window.print()));
}

document.addEventListener("DOMContentLoaded", () => { drawCharts(); pickSlots(); liveProposals(); bell(); printButtons(); });
