// The dashboard: plain DOM and fetch against this server's REST API, no library, no build step.
// Every number shown comes from the API's responses; the page computes nothing.
"use strict";

const $ = (s) => document.querySelector(s);
const SVG = "http://www.w3.org/2000/svg"; // an XML namespace name, never fetched
let current = null;
let history = []; // [tick, queue1 total, queue2] as refreshed here

$("#token").value = sessionStorage.getItem("psim-token") || "";
$("#token").addEventListener("change", () => {
  sessionStorage.setItem("psim-token", $("#token").value);
  refreshList();
});

function authHeaders() {
  const token = $("#token").value;
  return token ? { Authorization: "Bearer " + token } : {};
}

// `as`: undefined for JSON, "text", or "response" (the Response itself, once it is known OK).
async function api(method, path, body, type, as) {
  const headers = authHeaders();
  if (body !== undefined) headers["Content-Type"] = type;
  const response = await fetch(path, { method, headers, body });
  if (as && response.ok) return as === "text" ? response.text() : response; // "response": the caller reads it
  const text = await response.text();
  let data = null;
  try { data = JSON.parse(text); } catch (_) { /* not JSON: shown as text below */ }
  if (!response.ok) {
    throw (data && data.error) || { message: text || response.statusText };
  }
  return data;
}

function showError(error) {
  const box = $("#error");
  if (!error) { box.hidden = true; box.textContent = ""; return; }
  const lines = [error.message || String(error)];
  for (const p of error.problems || []) lines.push("  - " + p.message); // each message names its path
  box.textContent = lines.join("\n");
  box.hidden = false;
}

async function guarded(action) {
  try { showError(null); await action(); } catch (e) { showError(e); }
}

async function refreshList() {
  await guarded(async () => {
    const list = (await api("GET", "/simulations")).simulations;
    const ul = $("#sims");
    ul.replaceChildren();
    for (const id of list) {
      const li = document.createElement("li");
      const code = document.createElement("code");
      code.textContent = id;
      const open = document.createElement("button");
      open.textContent = "open";
      open.addEventListener("click", () => select(id));
      li.append(code, open);
      ul.append(li);
    }
  });
}

async function select(id) {
  stopWatching();
  current = id;
  history = [];
  $("#sim-id").textContent = id;
  $("#sim").hidden = false;
  await refresh();
}

function svgEl(name, attrs, text) {
  const el = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  if (text !== undefined) el.textContent = text;
  return el;
}

function drawBalances(agents) {
  const svg = $("#balances");
  svg.replaceChildren();
  const max = Math.max(1, ...agents.map((a) => Math.abs(a.balance)));
  const shown = agents.slice(0, 12);
  const row = 190 / Math.max(shown.length, 1);
  shown.forEach((a, i) => {
    const w = (Math.abs(a.balance) / max) * 480;
    const y = 5 + i * row;
    svg.append(svgEl("text", { x: 140, y: y + row * 0.7, "text-anchor": "end" }, a.id));
    svg.append(svgEl("rect", { x: 150, y, width: w.toFixed(1), height: (row * 0.75).toFixed(1),
      fill: a.balance < 0 ? "#e15759" : "#4e79a7", "data-agent": a.id, "data-balance": a.balance }));
    svg.append(svgEl("text", { x: 156 + w, y: y + row * 0.7 }, (a.balance / 100).toFixed(2)));
  });
}

function drawQueues() {
  const svg = $("#queues");
  svg.replaceChildren();
  if (history.length === 0) return;
  const t0 = history[0][0], t1 = Math.max(history[history.length - 1][0], t0 + 1);
  const top = Math.max(1, ...history.map((h) => Math.max(h[1], h[2])));
  const x = (t) => 50 + ((t - t0) / (t1 - t0)) * 600;
  const y = (v) => 180 - (v / top) * 165;
  svg.append(svgEl("path", { d: `M50 15V180H650`, stroke: "#555", fill: "none" }));
  svg.append(svgEl("text", { x: 44, y: 19, "text-anchor": "end" }, String(top)));
  svg.append(svgEl("text", { x: 650, y: 195, "text-anchor": "end" }, "tick " + t1));
  [[1, "#4e79a7", "Queue 1"], [2, "#f28e2b", "Queue 2"]].forEach(([k, colour, label], i) => {
    const d = history.map((h, j) => (j ? "L" : "M") + x(h[0]).toFixed(1) + " " + y(h[k]).toFixed(1)).join("");
    svg.append(svgEl("path", { d, stroke: colour, fill: "none", "stroke-width": 1.6, "data-series": label }));
    svg.append(svgEl("text", { x: 665, y: 30 + 16 * i, style: "fill:" + colour }, label));
  });
}

async function refresh() {
  await guarded(async () => {
    const [state, stats] = await Promise.all([
      api("GET", `/simulations/${current}/state`),
      api("GET", `/simulations/${current}/stats`),
    ]);
    const counters = [
      ["tick", state.tick], ["day", state.day],
      ["arrivals", stats.arrivals], ["settlements", stats.settlements],
      ["settled value", (stats.settled_value / 100).toFixed(2)],
      ["Queue 1", stats.queue1_size], ["Queue 2", stats.queue2_size],
      ["LSM share", (stats.lsm_share * 100).toFixed(2) + "%"],
    ];
    const body = $("#counters tbody");
    body.replaceChildren();
    for (const [k, v] of counters) {
      const tr = document.createElement("tr");
      tr.dataset.counter = k;
      const a = document.createElement("td"); a.textContent = k;
      const b = document.createElement("td"); b.textContent = String(v);
      tr.append(a, b);
      body.append(tr);
    }
    const agents = $("#event-agent");
    if (agents.options.length !== state.agents.length) {
      agents.replaceChildren(...state.agents.map((a) => new Option(a.id, a.id)));
    }
    $("#pending").textContent = `${state.pending_actions} scheduled action(s) pending`;
    drawBalances(state.agents);
    history.push([state.tick, stats.queue1_size, stats.queue2_size]);
    drawQueues();
  });
}

for (const button of document.querySelectorAll("button[data-ticks]")) {
  button.addEventListener("click", () => guarded(async () => {
    await api("POST", `/simulations/${current}/tick?n=${button.dataset.ticks}`);
    await refresh();
  }));
}

$("#event-type").addEventListener("change", () => {
  const outage = $("#event-type").value === "outage";
  $("#event-outage").hidden = !outage;
  $("#event-liquidity").hidden = outage;
});

// The schedule is the core's: the API checks the action and answers with its problems.
$("#schedule").addEventListener("click", () => guarded(async () => {
  const num = (s) => ($(s).value === "" ? undefined : Number($(s).value));
  const action = $("#event-type").value === "outage"
    ? { type: "outage", agent: $("#event-agent").value, from_tick: num("#event-from"), to_tick: num("#event-to") }
    : { type: "liquidity", agent: $("#event-agent").value, tick: num("#event-from"), amount: num("#event-amount") };
  await api("POST", `/simulations/${current}/schedule`, JSON.stringify([action]), "application/json");
  await refresh();
}));

$("#file").addEventListener("change", async () => {
  const file = $("#file").files[0];
  if (file) $("#scenario").value = await file.text();
});

// Created here: the time-series recorder starts before the first tick, so the report draws
// every path (without it the report says no time series was recorded).
async function create(text, type) {
  const created = await api("POST", "/simulations", text, type);
  await api("POST", `/simulations/${created.simulation_id}/timeseries?every=1`);
  await refreshList();
  await select(created.simulation_id);
}

$("#create").addEventListener("click", () => guarded(async () => {
  const text = $("#scenario").value;
  await create(text, text.trim().startsWith("{") ? "application/json" : "application/yaml");
}));

async function refreshShipped() {
  await guarded(async () => {
    const names = (await api("GET", "/scenarios")).scenarios;
    $("#shipped").replaceChildren(...names.map((n) => new Option(n, n)));
  });
}

$("#create-shipped").addEventListener("click", () => guarded(async () => {
  const name = $("#shipped").value;
  if (!name) return;
  const text = await api("GET", `/scenarios/${encodeURIComponent(name)}`, undefined, undefined, "text");
  await create(text, "application/yaml");
}));

// The report is fetched with the token (a plain link could not send it), then saved.
$("#report").addEventListener("click", () => guarded(async () => {
  const response = await api("GET", `/simulations/${current}/report`, undefined, undefined, "response");
  const name = /filename="([^"]+)"/.exec(response.headers.get("Content-Disposition") || "");
  const link = document.createElement("a");
  link.href = URL.createObjectURL(await response.blob());
  link.download = name ? name[1] : "payment-sim-report.html";
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 60_000);
}));

// Watching a run: the ticks go in slices, and after each the page shows the API's state and
// statistics, so balances, queues and counters move while it runs. Near the horizon the
// slices shrink to single ticks (the API refuses a slice beyond it and runs nothing).
let watching = null; // {stop: bool} while a run is going

function stopWatching() {
  if (watching) watching.stop = true;
}

$("#stop").addEventListener("click", stopWatching);

$("#run").addEventListener("click", () => guarded(async () => {
  if (watching) return;
  const total = Math.max(1, Math.floor(Number($("#run-ticks").value) || 1));
  const run = (watching = { stop: false });
  $("#run").disabled = true;
  $("#stop").disabled = false;
  let slice = Math.max(1, Math.ceil(total / 25));
  let done = 0;
  try {
    while (done < total && !run.stop) {
      const n = Math.min(slice, total - done);
      try {
        await api("POST", `/simulations/${current}/run?ticks=${n}`);
      } catch (e) {
        if (e.code === "beyond_horizon" && n > 1) { slice = 1; continue; }
        throw e;
      }
      done += n;
      $("#running").textContent = `${done} of ${total} ticks run`;
      await refresh();
    }
  } finally {
    watching = null;
    $("#run").disabled = false;
    $("#stop").disabled = true;
  }
}));

refreshList();
refreshShipped();
