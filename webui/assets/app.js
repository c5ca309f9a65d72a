// clown web UI: /usage, /sessions, /sessions/<id> and /profiles. This file
// holds what every page shares and the pages' loaders; panels.js the usage
// page's analytics panels, session.js the session page. Data comes from the
// daemon's JSON API; numbers are formatted like the CLI (common/format.cpp).
// Text from transcripts (models, paths, descriptions) is only ever inserted
// as text nodes.
"use strict";

const TOKEN = document.querySelector('meta[name="clown-token"]').content;
const PAGE = document.body.dataset.page;
const PALETTE = ["#5b4bdb", "#2fb3a5", "#f08a24", "#e0457b", "#3f8ce0", "#9bbb2c", "#a06cd5", "#8a94a6"];

// ---- formatting (same rules as the CLI) ----
const fmt = {
  int(n) {
    const v = Math.round(Number(n) || 0);
    return (v < 0 ? "-" : "") + String(Math.abs(v)).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  },
  usd(v) {
    v = Number(v) || 0;
    const cents = Math.round(Math.abs(v) * 100);
    const whole = Math.floor(cents / 100);
    return (v < 0 && cents > 0 ? "-$" : "$") + fmt.int(whole) + "." + String(cents % 100).padStart(2, "0");
  },
  // A cost object: the priced part, marked when some requests had no price
  // (as reports/display.cpp cost_label): never $0.00 for unknown.
  cost(c) {
    if (!c) return fmt.usd(0);
    if (c.cost_complete !== false) return fmt.usd(c.total_cost);
    return c.total_cost === 0 ? "unpriced" : fmt.usd(c.total_cost) + " + unpriced";
  },
  duration(s) {
    s = Number(s) || 0;
    if (s < 60) return s.toFixed(1) + "s";
    const t = Math.round(s), h = Math.floor(t / 3600), m = Math.floor(t / 60) % 60, sec = t % 60;
    const p2 = (x) => String(x).padStart(2, "0");
    return h > 0 ? `${h}h ${p2(m)}m ${p2(sec)}s` : `${m}m ${p2(sec)}s`;
  },
  pct(x) { return (x * 100).toFixed(1) + "%"; },
  when(iso) { return iso ? String(iso).replace("T", " ").slice(0, 16) : "–"; },
};
// "claude-sonnet-4-5-20250929" -> "sonnet-4-5", as reports/display.cpp does.
const shortModel = (m) => String(m).replace(/^claude-/, "").replace(/-\d{8}$/, "");
const tokensOf = (t) => t ? t.input_tokens + t.output_tokens + t.cache_creation_input_tokens + t.cache_read_input_tokens : 0;
const cacheHitRate = (t) => {
  const denom = t.input_tokens + t.cache_creation_input_tokens + t.cache_read_input_tokens;
  return denom > 0 ? t.cache_read_input_tokens / denom : 0;
};

// ---- DOM helpers ----
function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "class") node.className = v;
    else if (k === "style") node.style.cssText = v;
    else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat()) if (c !== null && c !== undefined) node.append(c instanceof Node ? c : String(c));
  return node;
}
const $ = (sel) => document.querySelector(sel);

// ---- API ----
async function api(path, options) {
  const res = await fetch(path, Object.assign({ headers: { Accept: "application/json" } }, options || {}));
  let body = null;
  try { body = await res.json(); } catch (e) { body = null; }
  if (!body || !body.success) {
    const msg = body && body.error ? body.error.message : `HTTP ${res.status}`;
    throw new Error(msg);
  }
  return body.data;
}

// ---- filters (kept in the URL so reloads and page links keep them) ----
const filters = (() => {
  const q = new URLSearchParams(location.search);
  return {
    period: q.get("period") || (q.get("since") || q.get("until") ? "custom" : "month"),
    since: q.get("since") || "",
    until: q.get("until") || "",
    profile: q.get("profile") || "",
    agent: q.get("agent") || "",
    model: q.get("model") || "",
  };
})();
function filterQuery(extra) {
  const q = new URLSearchParams();
  if (filters.period === "custom") {
    q.set("period", "all");
    if (filters.since) q.set("since", filters.since);
    if (filters.until) q.set("until", filters.until);
  } else {
    q.set("period", filters.period);
  }
  if (filters.profile) q.set("profile", filters.profile);
  if (filters.agent) q.set("agent", filters.agent);
  if (filters.model) q.set("model", filters.model);
  for (const [k, v] of Object.entries(extra || {})) q.set(k, v);
  return q.toString();
}
function pageQuery() {
  const q = new URLSearchParams();
  if (filters.period !== "month") q.set("period", filters.period);
  if (filters.period === "custom") {
    if (filters.since) q.set("since", filters.since);
    if (filters.until) q.set("until", filters.until);
  }
  if (filters.profile) q.set("profile", filters.profile);
  if (filters.agent) q.set("agent", filters.agent);
  if (filters.model) q.set("model", filters.model);
  const s = q.toString();
  return s ? "?" + s : "";
}
function syncFilterControls() {
  $("#f-period").value = filters.period;
  $("#f-custom").hidden = filters.period !== "custom";
  $("#f-since").value = filters.since;
  $("#f-until").value = filters.until;
  for (const a of document.querySelectorAll("nav a, a[data-keep-filters]"))
    a.href = a.getAttribute("href").split("?")[0] + pageQuery();
}
function setOptions(select, values, current, allLabel) {
  const list = Array.from(new Set(values.filter(Boolean))).sort();
  if (current && !list.includes(current)) list.push(current);
  select.replaceChildren(el("option", { value: "" }, allLabel), ...list.map((v) => el("option", { value: v }, v)));
  select.value = current;
}
function onFilterChange() {
  filters.period = $("#f-period").value;
  filters.since = $("#f-since").value;
  filters.until = $("#f-until").value;
  filters.profile = $("#f-profile").value;
  filters.agent = $("#f-agent").value;
  filters.model = $("#f-model").value;
  if (filters.period !== "custom") { filters.since = ""; filters.until = ""; }
  history.replaceState(null, "", location.pathname + pageQuery());
  syncFilterControls();
  if (filters.period === "custom" && !filters.since && !filters.until) return;  // wait for a date
  refresh();
}

// ---- notices ----
function notice(text, isError) {
  const n = $("#notice");
  n.hidden = false;
  n.className = "notice" + (isError ? " error" : "");
  n.replaceChildren(text);
}

// ---- charts ----
const charts = {};
function themeColors() {
  const css = getComputedStyle(document.documentElement);
  return { fg: css.getPropertyValue("--muted").trim(), grid: css.getPropertyValue("--border").trim() };
}
function drawChart(id, config) {
  if (typeof Chart === "undefined") return;
  const c = themeColors();
  Chart.defaults.color = c.fg;
  Chart.defaults.borderColor = c.grid;
  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  if (charts[id]) charts[id].destroy();
  config.options = Object.assign({ responsive: true, maintainAspectRatio: false, animation: false }, config.options || {});
  charts[id] = new Chart(document.getElementById(id), config);
}
function stackedBarOptions(tickFormat) {
  return {
    interaction: { mode: "index", intersect: false },
    scales: { x: { stacked: true, grid: { display: false } },
              y: { stacked: true, beginAtZero: true, ticks: { callback: tickFormat } } },
    plugins: { legend: { position: "bottom", labels: { boxWidth: 12 } },
               tooltip: { callbacks: { label: (ctx) => `${ctx.dataset.label}: ${tickFormat(ctx.parsed.y)}` } } },
  };
}
const shortTokens = (v) => v >= 1e9 ? (v / 1e9).toFixed(1) + "B" : v >= 1e6 ? (v / 1e6).toFixed(1) + "M"
  : v >= 1e3 ? (v / 1e3).toFixed(1) + "k" : fmt.int(v);

function showRange(d) {
  $("#f-range").textContent = d.since || d.until
    ? `${fmt.when(d.since)} → ${fmt.when(d.until)} (${d.timezone})` : `all time (${d.timezone})`;
}

// ---- usage page ----
function setCard(name, text) {
  document.querySelector(`[data-card="${name}"] .value`).textContent = text;
}
function breakdownTable(table, rows) {
  const max = Math.max(...rows.map((r) => r[1]), 0);
  table.replaceChildren(...rows.map(([label, value, text]) =>
    el("tr", {}, el("td", {}, label), el("td", { class: "barcell" },
      el("div", { class: "bar", style: `width:${max > 0 ? Math.max(1, (100 * value) / max) : 0}%` })),
      el("td", { class: "num" }, text))));
}

function sortableTable(table, columns, rows, initial) {
  let key = initial ? initial.key : null, dir = initial ? initial.dir : -1;
  function render() {
    const sorted = rows.slice();
    if (key) {
      const col = columns.find((c) => c.key === key);
      sorted.sort((a, b) => {
        const x = col.sort(a), y = col.sort(b);
        return (x < y ? -1 : x > y ? 1 : 0) * dir;
      });
    }
    const head = el("tr", {}, columns.map((c) => el("th", {
      class: c.num ? "num" : null, scope: "col",
      "aria-sort": c.key === key ? (dir > 0 ? "ascending" : "descending") : null,
      onclick: () => { if (key === c.key) dir = -dir; else { key = c.key; dir = c.num ? -1 : 1; } render(); },
    }, c.label)));
    const body = sorted.length ? sorted.map((r) => el("tr", {}, columns.map((c) =>
      el("td", { class: [c.num ? "num" : "", c.mono ? "mono" : "", c.clip ? "clip" : ""].join(" ").trim() || null, title: c.title ? c.title(r) : null },
        c.text(r)))))
      : [el("tr", {}, el("td", { colspan: columns.length, class: "muted" }, "No sessions in this period."))];
    table.replaceChildren(el("thead", {}, head), el("tbody", {}, body));
  }
  render();
}

const projectName = (p) => p ? String(p).replace(/\/+$/, "").split("/").pop() || p : "";
const sessionLink = (r) => el("a", { href: "/sessions/" + encodeURIComponent(r.session_id) }, r.session_id.slice(0, 8));
// Long text (projects, model lists) is clipped with its full value as a
// tooltip, so the table fits 1280 px windows with the Cost column visible.
const SESSION_COLUMNS = [
  { key: "last", label: "Last activity", text: (r) => fmt.when(r.last), sort: (r) => r.last },
  { key: "session", label: "Session", mono: true, text: sessionLink, title: (r) => r.session_id, sort: (r) => r.session_id },
  { key: "profile", label: "Profile", clip: true, text: (r) => r.profile || "–", title: (r) => r.profile, sort: (r) => r.profile },
  { key: "project", label: "Project", clip: true, text: (r) => projectName(r.project) || "–", title: (r) => r.project, sort: (r) => r.project },
  { key: "models", label: "Models", clip: true, text: (r) => Array.from(new Set(r.models.map(shortModel))).join(", "), title: (r) => r.models.join(", "), sort: (r) => r.models.join(",") },
  { key: "requests", label: "Requests", num: true, text: (r) => fmt.int(r.requests), sort: (r) => r.requests },
  { key: "tokens", label: "Tokens", num: true, text: (r) => fmt.int(tokensOf(r.tokens)), sort: (r) => tokensOf(r.tokens) },
  { key: "subagents", label: "Subagents", num: true, text: (r) => fmt.usd(r.subagent_cost || 0), sort: (r) => r.subagent_cost || 0 },
  { key: "cost", label: "Cost", num: true, text: (r) => fmt.cost(r.cost), sort: (r) => r.cost.total_cost },
];

// Profiles whose runs made no request are hidden unless "Show runs without requests" is ticked.
function profileRows(byProfile, showIdle) {
  return Object.entries(byProfile).map(([name, p]) => Object.assign({ name }, p))
    .filter((p) => showIdle || p.requests > 0)
    .sort((a, b) => b.cost.total_cost - a.cost.total_cost);
}
function profileUsageTable(table, rows, label = "Profile") {
  const head = el("tr", {}, [label, "Tokens", "Cost", "Sessions", "Runtime", "Last used"].map((h, i) =>
    el("th", { class: i > 0 && i < 5 ? "num" : null }, h)));
  const body = rows.length ? rows.map((p) => el("tr", {},
    el("td", {}, p.name || el("span", { class: "muted" }, "(no profile: agent's own history)")),
    el("td", { class: "num" }, fmt.int(tokensOf(p.tokens))), el("td", { class: "num" }, fmt.cost(p.cost)),
    el("td", { class: "num" }, fmt.int(p.sessions)), el("td", { class: "num" }, fmt.duration(p.runtime_secs)),
    el("td", {}, fmt.when(p.last_used))))
    : [el("tr", {}, el("td", { colspan: 6, class: "muted" }, `No ${label.toLowerCase()} usage in this period.`))];
  table.replaceChildren(el("thead", {}, head), el("tbody", {}, body));
}

function heatmap(container, hourly) {
  const grid = Array.from({ length: 7 }, () => new Array(24).fill(0));
  for (const h of hourly) {
    const iso = String(h.hour);
    const day = new Date(Date.UTC(+iso.slice(0, 4), +iso.slice(5, 7) - 1, +iso.slice(8, 10))).getUTCDay();
    grid[(day + 6) % 7][+iso.slice(11, 13)] += tokensOf(h.tokens);
  }
  const max = Math.max(...grid.flat(), 0);
  const days = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
  const cells = [el("div", {})];
  for (let hr = 0; hr < 24; hr++) cells.push(el("div", { class: "hl" }, hr % 6 === 0 ? String(hr) : ""));
  grid.forEach((row, d) => {
    cells.push(el("div", {}, days[d]));
    row.forEach((v, hr) => {
      const a = max > 0 && v > 0 ? (0.15 + 0.85 * v / max).toFixed(3) : 0;
      cells.push(el("div", { class: "cell", title: `${days[d]} ${String(hr).padStart(2, "0")}:00 · ${fmt.int(v)} tokens`,
        style: a ? `background: rgba(var(--heat), ${a})` : null }));
    });
  });
  container.replaceChildren(...cells);
}

async function loadUsage() {
  const [summary, models, hourly, sessions] = await Promise.all([
    api("/api/usage?" + filterQuery()),
    api("/api/usage/models?" + filterQuery()),
    api("/api/usage/hourly?" + filterQuery()),
    api("/api/usage/sessions?" + filterQuery({ limit: 50 })),
  ]);
  const t = summary.total_tokens, c = summary.total_cost;
  setCard("total_tokens", fmt.int(tokensOf(t)));
  setCard("total_cost", fmt.cost(c));
  setCard("sessions", fmt.int(summary.total_sessions));
  setCard("runtime", fmt.duration(summary.total_runtime_secs));
  setCard("requests", fmt.int(summary.total_requests));
  setCard("cache_hit_rate", fmt.pct(summary.cache.hit_rate));
  setCard("cache_saved", fmt.usd(summary.cache.savings_usd));
  showRange(summary);
  budgetGauges($("#budgets-panel"), $("#budgets"), summary.budgets);

  // Without usage there is nothing to chart: no empty axes.
  const empty = $("#empty");
  empty.hidden = summary.total_requests > 0;
  for (const panel of document.querySelectorAll(".needs-data")) panel.hidden = !empty.hidden;
  if (!empty.hidden) {
    empty.replaceChildren(filters.period === "all" && !filters.profile && !filters.agent && !filters.model
      ? el("span", {}, "No usage yet — run ", el("code", {}, "clown run <profile>"), " or ",
          el("a", { href: "#", onclick: (e) => { e.preventDefault(); importData(); } }, "import your agents' history"), ".")
      : el("span", {}, "No usage in this period — pick a longer period, run ", el("code", {}, "clown run <profile>"),
          ", or ", el("a", { href: "#", onclick: (e) => { e.preventDefault(); importData(); } }, "import your agents' history"), "."));
  }
  if (summary.unpriced_models && summary.unpriced_models.length)
    notice("Unpriced models (not in the cost, marked + unpriced): " + summary.unpriced_models.join(", ") +
      " — run `clown registry sync` to refresh prices.", true);

  breakdownTable($("#token-breakdown"), [
    ["Input", t.input_tokens, fmt.int(t.input_tokens)], ["Output", t.output_tokens, fmt.int(t.output_tokens)],
    ["Cache write", t.cache_creation_input_tokens, fmt.int(t.cache_creation_input_tokens)],
    ["Cache read", t.cache_read_input_tokens, fmt.int(t.cache_read_input_tokens)]]);
  const webSearch = Math.max(0, c.total_cost - c.input_cost - c.output_cost - c.cache_creation_cost - c.cache_read_cost);
  const costRows = [["Input", c.input_cost, fmt.usd(c.input_cost)], ["Output", c.output_cost, fmt.usd(c.output_cost)],
    ["Cache write", c.cache_creation_cost, fmt.usd(c.cache_creation_cost)], ["Cache read", c.cache_read_cost, fmt.usd(c.cache_read_cost)]];
  if (webSearch >= 0.005) costRows.push(["Web search", webSearch, fmt.usd(webSearch)]);
  breakdownTable($("#cost-breakdown"), costRows);

  const series = mergeSeries(models.models);
  if (summary.total_requests > 0)
    drawChart("chart-models", { type: "doughnut",
      data: { labels: series.map((m) => m.series),
        datasets: [{ data: series.map((m) => m.cost), backgroundColor: series.map((_, i) => PALETTE[i % PALETTE.length]), borderWidth: 0 }] },
      options: { plugins: { legend: { position: "bottom", labels: { boxWidth: 12 } },
        tooltip: { callbacks: { label: (ctx) => `${ctx.label}: ${fmt.usd(ctx.parsed)}` } } } } });
  heatmap($("#heatmap"), hourly.hourly);
  lastByProfile = summary.aggregates.by_profile;
  profileUsageTable($("#profile-table"), profileRows(lastByProfile, $("#show-idle").checked));
  profileUsageTable($("#agent-table"), profileRows(summary.aggregates.by_agent || {}, true), "Agent");
  sortableTable($("#session-table"), SESSION_COLUMNS, sessions.sessions, { key: "last", dir: -1 });
  await Promise.all([calendarCharts(summary.total_requests > 0), blocksPanel(), roiCard(), insightsList(), activityPanel(), limitsPanel()]);
  return summary;
}
let lastByProfile = {};

// ---- sessions page ----
let sessionOffset = 0;
const SESSION_PAGE = 100;
async function loadSessions() {
  const data = await api("/api/usage/sessions?" + filterQuery({ limit: SESSION_PAGE, offset: sessionOffset }));
  showRange(data);
  sortableTable($("#all-sessions"), SESSION_COLUMNS, data.sessions, { key: "last", dir: -1 });
  const end = Math.min(data.total, sessionOffset + data.sessions.length);
  $("#page-info").textContent = data.total ? `${fmt.int(sessionOffset + 1)}–${fmt.int(end)} of ${fmt.int(data.total)}` : "No sessions in this period";
  $("#prev").disabled = sessionOffset === 0;
  $("#next").disabled = end >= data.total;
}

// ---- profiles page ----
async function loadProfiles() {
  const [list, usage] = await Promise.all([api("/api/profiles"), api("/api/usage?" + filterQuery())]);
  const head = el("tr", {}, ["Profile", "Agent", "Provider", "Model", "API key", "Isolated"].map((h) => el("th", {}, h)));
  const rows = list.profiles.length ? list.profiles.map((p) => el("tr", {},
    el("td", {}, p.alias), el("td", {}, p.agent || "–"), el("td", {}, p.provider || "–"), el("td", {}, p.model || "(agent default)"),
    el("td", {}, p.api_key || "–"), el("td", {}, p.isolate ? "yes" : "no")))
    : [el("tr", {}, el("td", { colspan: 6, class: "muted" }, "No profiles yet — create one with: clown profiles create claude work-claude --provider anthropic"))];
  for (const b of list.broken || []) rows.push(el("tr", {}, el("td", { colspan: 6, class: "muted" }, "Unreadable: " + b)));
  $("#profiles-list").replaceChildren(el("thead", {}, head), el("tbody", {}, rows));
  showRange(usage);
  profileUsageTable($("#profiles-usage"), profileRows(usage.aggregates.by_profile, true));
  return list;
}

// ---- filter option lists ----
async function loadFilterOptions() {
  const [profiles, used, models, summary] = await Promise.all([
    api("/api/profiles").catch(() => ({ profiles: [] })),
    api("/api/usage/profiles?period=all").catch(() => ({ profiles: [] })),
    api("/api/usage/models?period=all").catch(() => ({ models: [] })),
    api("/api/usage?period=all").catch(() => ({ aggregates: { by_agent: {} } })),
  ]);
  // Configured profiles plus any profile the history mentions (e.g. claude-native).
  setOptions($("#f-profile"), profiles.profiles.map((p) => p.alias).concat(used.profiles.map((p) => p.profile)),
    filters.profile, "All profiles");
  setOptions($("#f-model"), models.models.map((m) => m.model), filters.model, "All models");
  setOptions($("#f-agent"), Object.keys((summary.aggregates || {}).by_agent || {}), filters.agent, "All agents");
}

// ---- import ----
// The agents whose logs the daemon finds: one button, or a choice with "All agents".
let importLabel = "Import data";
async function loadImportAgents() {
  try {
    const { agents } = await api("/api/usage/import-agents");
    const sel = $("#import-agent");
    const options = agents.length > 1 ? [el("option", { value: "" }, "All agents")] : [];
    for (const a of agents) options.push(el("option", { value: a.id }, a.name));
    sel.replaceChildren(...options);
    sel.hidden = agents.length < 2;
    importLabel = agents.length === 1 ? `Import ${agents[0].name} data` : "Import data";
    $("#import-btn").textContent = importLabel;
  } catch (e) {
    // The button still imports every agent found.
  }
}
function importSummary(s) {
  const parts = [`Imported ${fmt.int(s.new_requests)} new request${s.new_requests === 1 ? '' : 's'} from ${fmt.int(s.files_read)} of ${fmt.int(s.files_seen)} files`,
    `${fmt.int(s.duplicates)} duplicates`, `${fmt.int(s.skipped_lines)} unreadable lines skipped`];
  if (s.history_requests) parts.push(`${fmt.int(s.history_requests)} history rows from stats-cache.json`);
  return parts.join(" · ") + ` (${Number(s.seconds).toFixed(1)} s).` + (s.warnings && s.warnings.length ? " " + s.warnings.join(" ") : "");
}
async function importData() {
  const btn = $("#import-btn");
  const agent = $("#import-agent").value;
  btn.disabled = true;
  btn.textContent = "Importing…";
  try {
    const { imports } = await api("/api/usage/import", {
      method: "POST", headers: { "Content-Type": "application/json", "X-Clown-Token": TOKEN },
      body: JSON.stringify(agent ? { agent } : {}) });
    const summary = imports.length === 0 ? "No agent logs found." : imports.length === 1 ? importSummary(imports[0])
      : imports.map((s) => `${s.agent}: ${importSummary(s)}`).join(" ");
    notice(summary);
    document.body.dataset.imported = "1";
    await Promise.all([loadFilterOptions(), refresh()]);
    notice(summary);  // the refresh may have shown the unpriced-models notice over it
  } catch (e) {
    notice("Import failed: " + e.message, true);
  } finally {
    btn.disabled = false;
    btn.textContent = importLabel;
  }
}

// ---- running now ----
async function pollRunning() {
  if (document.hidden) return;
  let runs = [];
  try { runs = await api("/api/runs/active"); } catch (e) { return; }
  const strip = $("#running");
  strip.hidden = runs.length === 0;
  strip.replaceChildren(el("span", { class: "muted" }, "Running now:"), ...runs.map((r) => el("span", { class: "run" }, el("span", { class: "dot" }),
    el("strong", {}, r.profile || "run"), ` · ${r.model || r.agent || ""} · ${fmt.duration(r.duration_secs)} · `,
    `${fmt.int(tokensOf(r.tokens))} tokens · ${fmt.cost(r.cost)}`)));
}

// ---- theme: the system's, or the one the Theme button chose (kept in localStorage) ----
const THEMES = ["auto", "dark", "light"];
function applyTheme(theme) {
  if (theme === "auto") delete document.documentElement.dataset.theme;
  else document.documentElement.dataset.theme = theme;
  $("#theme-btn").textContent = "Theme: " + theme;
}
function cycleTheme() {
  const now = document.documentElement.dataset.theme || "auto";
  const next = THEMES[(THEMES.indexOf(now) + 1) % THEMES.length];
  try { localStorage.setItem("clown-theme", next); } catch (e) { /* private mode: not kept */ }
  applyTheme(next);
  refresh();  // charts take their colours from the theme
}

// ---- main ----
let refreshing = null;
async function refresh() {
  const run = (async () => {
    try {
      if (PAGE === "usage") await loadUsage();
      else if (PAGE === "sessions") await loadSessions();
      else if (PAGE === "session") await loadSession();
      else if (PAGE === "profiles") await loadProfiles();
      document.body.dataset.loaded = String(Number(document.body.dataset.loaded || 0) + 1);
    } catch (e) {
      notice("Could not load data: " + e.message, true);
      document.body.dataset.error = e.message;
    }
  })();
  refreshing = run;
  return run;
}

function init() {
  let theme = "auto";
  try { theme = localStorage.getItem("clown-theme") || "auto"; } catch (e) { /* no storage */ }
  applyTheme(THEMES.includes(theme) ? theme : "auto");
  $("#theme-btn").addEventListener("click", cycleTheme);
  for (const a of document.querySelectorAll("nav a"))
    a.classList.toggle("active", a.dataset.nav === PAGE || (PAGE === "session" && a.dataset.nav === "sessions"));
  const section = document.querySelector(`[data-show="${PAGE}"]`);
  if (section) section.hidden = false;
  for (const hide of document.querySelectorAll(`[data-hide-on="${PAGE}"]`)) hide.hidden = true;
  if (PAGE === "usage") {
    for (const b of document.querySelectorAll("[data-granularity]"))
      b.addEventListener("click", () => { setGranularity(b.dataset.granularity); calendarCharts(true); });
    $("#show-idle").addEventListener("change",
      () => profileUsageTable($("#profile-table"), profileRows(lastByProfile, $("#show-idle").checked)));
  }
  syncFilterControls();
  for (const id of ["#f-period", "#f-since", "#f-until", "#f-profile", "#f-agent", "#f-model"]) $(id).addEventListener("change", onFilterChange);
  $("#import-btn").addEventListener("click", importData);
  loadImportAgents();
  if (PAGE === "sessions") {
    $("#prev").addEventListener("click", () => { sessionOffset = Math.max(0, sessionOffset - SESSION_PAGE); refresh(); });
    $("#next").addEventListener("click", () => { sessionOffset += SESSION_PAGE; refresh(); });
  }
  const dark = window.matchMedia("(prefers-color-scheme: dark)");
  if (dark.addEventListener) dark.addEventListener("change", () => { if (!document.documentElement.dataset.theme) refresh(); });
  loadFilterOptions();
  refresh();
  pollRunning();
  setInterval(pollRunning, 5000);
  document.addEventListener("visibilitychange", pollRunning);
}
// After panels.js and session.js have run (scripts at the end of <body> run in order).
document.addEventListener("DOMContentLoaded", init);
