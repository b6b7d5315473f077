// reformsim dashboard: reads the levers, asks the server to simulate, draws the
// table and the SVG charts. No libraries; one request in flight at a time, the
// latest lever positions sent when it returns.
"use strict";

const BASE_COLOUR = "#b8bec6";
const REFORM_COLOUR = "#1f4e79";
const INK = "#111";
const BAR_KEYS = ["cost_per_case_cny", "trips_per_case", "at_most_one_trip_pct", "wait_minutes", "lead_time_days", "on_time_pct"];
const SHARES = ["online_share", "data_sharing_share", "headcount_target_share"];
const SWITCHES = ["one_window", "integrated_service", "standardisation", "due_date_priority"];

const state = {
  meta: null,          // /api/scenarios
  scenario: null,      // the chosen entry of meta.scenarios
  inFlight: false,
  pending: false,
  changeAt: null,      // performance.now() of the oldest change not yet shown
  debounce: null,
  version: 0,
};

const $ = (id) => document.getElementById(id);

function esc(text) {
  return String(text).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
}

function fmt(x, decimals) {
  if (x === null || x === undefined || !Number.isFinite(x)) return "—";
  return x.toLocaleString("en-US", { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
}

function spec(key) {
  return state.meta.indicators.find((s) => s.key === key);
}

// ---- levers -------------------------------------------------------------

function readLevers() {
  const levers = {};
  for (const id of SWITCHES) levers[id] = $(id).checked;
  for (const id of SHARES) levers[id] = Number($(id).value) / 100;
  levers.merger = $("merger").value;
  levers.headcount_method = $("headcount_mode").value;
  levers.contract_staff = Number($("contract_staff").value);
  const station = $("contract_station").value;
  levers.contract_station = station === "" ? null : Number(station);
  return levers;
}

function showLevers(levers) {
  for (const id of SWITCHES) $(id).checked = Boolean(levers[id]);
  for (const id of SHARES) $(id).value = Math.round((levers[id] ?? (id === "headcount_target_share" ? 1 : 0)) * 100);
  $("merger").value = levers.merger || "off";
  $("headcount_mode").value = levers.headcount_method || "cut";
  $("contract_staff").value = levers.contract_staff || 0;
  $("contract_station").value = levers.contract_station === null || levers.contract_station === undefined ? "" : String(levers.contract_station);
  showValues();
}

function showValues() {
  $("online_share-value").textContent = `${$("online_share").value}%`;
  $("data_sharing_share-value").textContent = `${$("data_sharing_share").value}%`;
  $("headcount_target_share-value").textContent = `${$("headcount_target_share").value}%`;
  $("contract_staff-value").textContent = $("contract_staff").value;
}

// Why a lever is greyed out, by its `data-offer`.
const UNAVAILABLE = {
  one_window: "its window steps are already served in one general hall",
  data_sharing: "no service checks a document another department could share",
  integrated_service: "no service has a revised, parallel process to switch to",
  merger: "the five-department merger names departments this scenario does not have",
};

const BASELINE = { one_window: false, online_share: 0, data_sharing_share: 0, integrated_service: false, standardisation: false, merger: "off", headcount_target_share: 1, headcount_method: "cut", contract_staff: 0, contract_station: null, due_date_priority: false };

function chooseScenario(id) {
  const s = state.meta.scenarios.find((x) => x.id === id);
  if (!s) return;
  state.scenario = s;
  $("scenario-description").textContent = s.description;
  const offers = { one_window: s.offers.one_window, data_sharing: s.offers.data_sharing, integrated_service: s.offers.integrated_service, merger: s.merger !== null };
  for (const label of document.querySelectorAll("[data-offer]")) {
    const offered = offers[label.dataset.offer];
    label.classList.toggle("unavailable", !offered);
    label.title = offered ? "" : `Not available in this scenario: ${UNAVAILABLE[label.dataset.offer]}.`;
    for (const input of label.querySelectorAll("input, select")) input.disabled = !offered;
  }
  const replace = document.querySelector('#headcount_mode option[value="attrition_contract"]');
  replace.disabled = !s.offers.contract_replacement;
  replace.title = s.offers.contract_replacement ? "" : "Not available in this scenario: it prices no contract staff.";
  const stations = $("contract_station");
  stations.replaceChildren(new Option("where the work is (spread by workload)", ""), ...s.stations.map((text, i) => new Option(text, String(i))));
  $("contract_staff").disabled = s.stations.length === 0;
  $("preset").hidden = s.preset === null;
  $("preset-note").textContent = s.preset_left_out.length > 0 ? `Its reforms not shown by a lever: ${s.preset_left_out.join(", ")}.` : "";
  showLevers(BASELINE);
  changed();
}

function changed() {
  if (state.changeAt === null) state.changeAt = performance.now();
  clearTimeout(state.debounce);
  send();
}

function sliding() {
  showValues();
  if (state.changeAt === null) state.changeAt = performance.now();
  clearTimeout(state.debounce);
  state.debounce = setTimeout(send, 60);
}

// ---- server -------------------------------------------------------------

async function send() {
  if (state.inFlight) {
    state.pending = true;
    return;
  }
  state.inFlight = true;
  state.pending = false;
  const startedAt = state.changeAt ?? performance.now();
  state.changeAt = null;
  document.body.classList.add("busy");
  $("status").textContent = "Simulating…";
  try {
    const response = await fetch("/api/simulate", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ scenario: state.scenario.id, levers: readLevers() }),
    });
    const body = await response.json().catch(() => ({ error: `the server answered ${response.status}` }));
    if (!response.ok) throw new Error(body.error || `the server answered ${response.status}`);
    if (!state.pending) {
      render(body);
      $("error").hidden = true;
      requestAnimationFrame(() => {
        const ms = performance.now() - startedAt;
        state.version += 1;
        document.body.dataset.renderedAt = String(performance.now());
        document.body.dataset.latencyMs = ms.toFixed(0);
        document.body.dataset.version = String(state.version);
        const ran = `${body.horizon_days} days simulated in ${body.reform.seconds.toFixed(2)} s`;
        const when = state.userChanged ? `Updated ${(ms / 1000).toFixed(2)} s after the change` : `Loaded in ${(ms / 1000).toFixed(2)} s`;
        $("status").textContent = `${when} · ${ran}`;
      });
    }
  } catch (e) {
    $("error").textContent = `Could not simulate: ${e.message}`;
    $("error").hidden = false;
    $("status").textContent = "Error";
  } finally {
    state.inFlight = false;
    document.body.classList.remove("busy");
    if (state.pending) {
      if (state.changeAt === null) state.changeAt = startedAt;
      send();
    }
  }
}

// ---- drawing ------------------------------------------------------------

function render(body) {
  const specs = state.meta.indicators;
  $("changes").replaceChildren(...body.changes.map((line) => {
    const li = document.createElement("li");
    li.textContent = line;
    return li;
  }));
  $("bars").innerHTML = BAR_KEYS.map((key) => {
    const i = specs.findIndex((s) => s.key === key);
    return barPanel(specs[i], body.baseline.values[i], body.reform.values[i]);
  }).join("");
  $("backlog").innerHTML = backlogChart(body);
  // More applicants giving up: indicators that flatter it are not marked better.
  const gaveUp = specs.findIndex((s) => s.key === "abandoned_pct");
  const moreGaveUp = body.reform.values[gaveUp] - body.baseline.values[gaveUp];
  const caveat = Number.isFinite(moreGaveUp) && moreGaveUp > state.meta.abandonment_caveat_points;
  const rows = specs.map((s, i) => {
    const b = body.baseline.values[i];
    const r = body.reform.values[i];
    let [text, verdict] = change(s, b, r);
    let note = "";
    if (caveat && s.flattered_by_abandonment && verdict === "good") {
      verdict = "caveat";
      note = ` title="Not better: ${fmt(moreGaveUp, 1)} points more applicants gave up, and this figure leaves them out or counts them as cheap"`;
      text += " †";
    }
    return `<tr><td>${esc(s.label)}</td><td>${fmt(b, s.decimals)}</td><td>${fmt(r, s.decimals)}</td><td class="${verdict}"${note}>${text}</td></tr>`;
  });
  $("caveat").hidden = !caveat;
  $("caveat").textContent = caveat ? `† Not marked better: ${fmt(moreGaveUp, 1)} percentage points more applicants gave up waiting, and these figures count completed cases only (or count an applicant who gave up as cheap).` : "";
  document.querySelector("#indicators tbody").innerHTML = rows.join("");
  const measured = body.horizon_days - body.warmup_days;
  $("method").textContent = `${body.horizon_days} simulated days (the first ${body.warmup_days} fill the queues and are not counted; indicators over ${measured} days), one replication, seed ${body.seed}: baseline and reform face the same applicants, so differences come from the levers. Levers act from the first day; their one-off costs are shown apart and left out of the running cost.`;
  $("scenario-text").textContent = body.scenario_text;
}

function change(s, b, r) {
  if (!Number.isFinite(b) || !Number.isFinite(r)) return ["—", ""];
  const diff = r - b;
  if (Math.abs(diff) < 0.5 * Math.pow(10, -s.decimals)) return ["no change", ""];
  const arrow = diff > 0 ? "▲" : "▼";
  const sign = diff > 0 ? "+" : "−";
  const share = b !== 0 ? Math.abs(diff / b) * 100 : NaN;
  const pct = !Number.isFinite(share) ? "" : share < 1 ? " (<1%)" : ` (${sign}${fmt(share, share < 10 ? 1 : 0)}%)`;
  let verdict = "";
  if (s.better === "lower") verdict = diff < 0 ? "good" : "bad";
  if (s.better === "higher") verdict = diff > 0 ? "good" : "bad";
  return [`${arrow} ${sign}${fmt(Math.abs(diff), s.decimals)}${pct}`, verdict];
}

function barPanel(s, b, r) {
  const W = 170, H = 120, top = 22, bottom = 20, h = H - top - bottom;
  const max = Math.max(Number.isFinite(b) ? b : 0, Number.isFinite(r) ? r : 0) || 1;
  const y = (v) => top + h - (Number.isFinite(v) ? v : 0) / (max * 1.12) * h;
  const bar = (x, v, fill, label) => {
    const yv = y(v);
    return `<rect x="${x}" y="${yv.toFixed(1)}" width="56" height="${(top + h - yv).toFixed(1)}" fill="${fill}" stroke="${INK}" stroke-width="1"/>` +
      `<text x="${x + 28}" y="${(yv - 5).toFixed(1)}" text-anchor="middle" font-size="15" font-weight="700" fill="${INK}">${fmt(v, s.decimals)}</text>` +
      `<text x="${x + 28}" y="${H - 5}" text-anchor="middle" font-size="12" fill="#444">${label}</text>`;
  };
  const title = s.label;
  return `<figure><figcaption>${esc(title)}</figcaption><svg viewBox="0 0 ${W} ${H}" role="img" aria-label="${esc(title)}: baseline ${fmt(b, s.decimals)}, reform ${fmt(r, s.decimals)}">` +
    bar(20, b, BASE_COLOUR, "Baseline") + bar(94, r, REFORM_COLOUR, "Reform") +
    `<line x1="8" x2="${W - 8}" y1="${top + h}" y2="${top + h}" stroke="${INK}" stroke-width="1.5"/></svg></figure>`;
}

function niceStep(raw) {
  const power = Math.pow(10, Math.floor(Math.log10(raw)));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * power >= raw) return m * power;
  return 10 * power;
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

function backlogChart(body) {
  const W = 1000, H = 240, left = 62, right = 14, top = 26, bottom = 30;
  const base = body.baseline.daily.map((d) => d.in_progress);
  const reform = body.reform.daily.map((d) => d.in_progress);
  const n = Math.max(base.length, reform.length);
  if (n < 2) return "";
  const max = Math.max(1, ...base, ...reform);
  const step = niceStep(max / 4);
  const yMax = Math.ceil(max / step) * step;
  const x = (i) => left + (i / (n - 1)) * (W - left - right);
  const y = (v) => top + (1 - v / yMax) * (H - top - bottom);
  let svg = `<svg viewBox="0 0 ${W} ${H}" role="img" aria-label="Cases in progress each day, baseline and reform">`;
  const warm = Math.min(body.warmup_days, n - 1);
  if (warm > 0) {
    svg += `<rect x="${left}" y="${top}" width="${(x(warm) - left).toFixed(1)}" height="${H - top - bottom}" fill="#eceef1"/>`;
    svg += `<text x="${(left + x(warm)) / 2}" y="${top + 14}" text-anchor="middle" font-size="12" fill="#555">warm-up</text>`;
  }
  for (let v = 0; v <= yMax + 1e-9; v += step) {
    svg += `<line x1="${left}" x2="${W - right}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="#d5d8dc" stroke-width="1"/>`;
    svg += `<text x="${left - 6}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end" font-size="12" fill="#333">${fmt(v, 0)}</text>`;
  }
  const dates = body.baseline.daily.map((d) => d.date);
  dates.forEach((date, i) => {
    if (date.endsWith("-01") || i === 0) {
      const month = MONTHS[Number(date.slice(5, 7)) - 1];
      svg += `<line x1="${x(i).toFixed(1)}" x2="${x(i).toFixed(1)}" y1="${H - bottom}" y2="${H - bottom + 5}" stroke="${INK}"/>`;
      svg += `<text x="${x(i).toFixed(1)}" y="${H - 8}" text-anchor="${i === 0 ? "start" : "middle"}" font-size="12" fill="#333">${i === 0 ? esc(date) : month}</text>`;
    }
  });
  const path = (values) => values.map((v, i) => `${i === 0 ? "M" : "L"}${x(i).toFixed(1)},${y(v).toFixed(1)}`).join("");
  svg += `<path d="${path(base)}" fill="none" stroke="#7b8591" stroke-width="2.5" stroke-dasharray="7 4"/>`;
  svg += `<path d="${path(reform)}" fill="none" stroke="${REFORM_COLOUR}" stroke-width="2.8"/>`;
  svg += `<line x1="${left}" x2="${W - right}" y1="${H - bottom}" y2="${H - bottom}" stroke="${INK}" stroke-width="1.5"/>`;
  svg += `<text x="${left}" y="14" font-size="12" fill="#333">cases</text>`;
  const lx = W - right - 250;
  svg += `<line x1="${lx}" x2="${lx + 28}" y1="10" y2="10" stroke="#7b8591" stroke-width="2.5" stroke-dasharray="7 4"/><text x="${lx + 34}" y="14" font-size="13">Baseline</text>`;
  svg += `<line x1="${lx + 120}" x2="${lx + 148}" y1="10" y2="10" stroke="${REFORM_COLOUR}" stroke-width="2.8"/><text x="${lx + 154}" y="14" font-size="13">Reform</text>`;
  return svg + "</svg>";
}

// ---- start --------------------------------------------------------------

async function start() {
  try {
    const response = await fetch("/api/scenarios");
    if (!response.ok) throw new Error(`the server answered ${response.status}`);
    state.meta = await response.json();
  } catch (e) {
    $("error").textContent = `Could not load the scenarios: ${e.message}`;
    $("error").hidden = false;
    return;
  }
  $("contract_staff").max = String(Math.min(state.meta.max_contract_staff, 200));
  const select = $("scenario");
  select.replaceChildren(...state.meta.scenarios.map((s) => {
    const option = new Option(s.title, s.id);
    option.title = `${s.description} (scenarios/${s.id})`;
    return option;
  }));
  select.value = state.meta.default;
  select.addEventListener("change", () => { state.userChanged = false; chooseScenario(select.value); });
  const byUser = (f) => (...args) => { state.userChanged = true; f(...args); };
  for (const id of SHARES.concat(["contract_staff"])) {
    $(id).addEventListener("input", byUser(sliding));
    $(id).addEventListener("change", byUser(() => { showValues(); changed(); }));
  }
  for (const id of SWITCHES.concat(["merger", "contract_station", "headcount_mode"])) $(id).addEventListener("change", byUser(changed));
  $("reset").addEventListener("click", byUser(() => { showLevers(BASELINE); changed(); }));
  $("preset").addEventListener("click", byUser(() => {
    if (state.scenario && state.scenario.preset) { showLevers(state.scenario.preset); changed(); }
  }));
  chooseScenario(select.value);
}

start();
