// Runner console: live updates of running runs (server-sent events), sorting and status filters. No inline script:
// the Content-Security-Policy allows only this file.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  for (const table of document.querySelectorAll("table.sortable")) {
    table.querySelectorAll("th").forEach((th, column) => th.addEventListener("click", () => sort(table, column, th)));
  }

  const filter = document.querySelector("select[data-filter-status]");
  if (filter) {
    filter.addEventListener("change", () => {
      for (const row of document.querySelectorAll("table.tenants tbody tr")) {
        row.hidden = filter.value !== "" && row.dataset.status !== filter.value;
      }
    });
  }

  const live = document.querySelector("[data-live='run']");
  if (live && window.EventSource) {
    const source = new EventSource(`/runs/${encodeURIComponent(live.dataset.run)}/events`);
    source.addEventListener("run", e => {
      const run = JSON.parse(e.data);
      const counts = live.querySelector(".counts");
      if (counts) counts.textContent = run.counts;
      const status = live.querySelector(".status");
      if (status) { status.textContent = run.status; status.className = `status ${run.status.toLowerCase()}`; }
      if (run.finished) { source.close(); location.reload(); }
    });
  }
});

function sort(table, column, th) {
  const body = table.tBodies[0];
  const ascending = th.dataset.order !== "asc";
  th.dataset.order = ascending ? "asc" : "desc";
  const value = row => {
    const cell = row.cells[column];
    return cell ? (cell.dataset.sort ?? cell.textContent.trim()) : "";
  };
  const rows = Array.from(body.rows);
  rows.sort((a, b) => {
    const x = value(a), y = value(b);
    const nx = Number(x), ny = Number(y);
    const order = !isNaN(nx) && !isNaN(ny) && x !== "" && y !== "" ? nx - ny : x.localeCompare(y);
    return ascending ? order : -order;
  });
  rows.forEach(row => body.appendChild(row));
}
