// clown web UI: the usage page's analytics panels (budgets, plan limits, 5-hour blocks,
// plan ROI, insights, the daily/weekly/monthly charts with a cumulative cost
// line, cache efficiency). Uses app.js's helpers; app.js calls these.
"use strict";

// ---- budgets ----
function budgetGauges(panel, container, budgets) {
  panel.hidden = !budgets || budgets.length === 0;
  if (panel.hidden) return;
  container.replaceChildren(...budgets.map((b) => el("div", { class: "gauge", "data-level": b.level },
    el("div", {}, el("strong", {}, b.profile || "overall"), " · " + b.window),
    el("div", { class: "track" }, el("div", { class: "fill", style: `width:${Math.min(100, b.percent).toFixed(1)}%` })),
    el("div", { class: "text" }, `${fmt.usd(b.spent_usd)} of ${fmt.usd(b.limit_usd)} · ${b.percent.toFixed(0)}% · ${b.level}`))));
}

// ---- plan limits: 5-hour and weekly quota use over time, and when each window resets ----
const WINDOW_NAME = { five_hour: "5-hour", seven_day: "weekly" };
async function limitsPanel() {
  const data = await api("/api/usage/limits?" + filterQuery());
  const panel = $("#limits-panel");
  panel.hidden = !data.windows || data.windows.length === 0;
  if (panel.hidden) return;
  // One line per profile and window kind, across its reset periods.
  const series = new Map();
  for (const w of data.windows) {
    const key = `${w.profile} · ${WINDOW_NAME[w.window] || w.window}`;
    const s = series.get(key) || { label: key, points: [], last: w };
    s.points.push(...w.points.map((p) => ({ x: p.seen_at, y: p.used_percent })));
    if (w.resets_at > s.last.resets_at) s.last = w;
    series.set(key, s);
  }
  const all = Array.from(series.values());
  // One axis entry per snapshot (two may share a minute), in time order.
  const entries = all.flatMap((s, i) => s.points.map((p) => ({ x: p.x, y: p.y, i }))).sort((a, b) => (a.x < b.x ? -1 : a.x > b.x ? 1 : 0));
  drawChart("chart-limits", { type: "line",
    data: { labels: entries.map((e) => fmt.when(e.x).slice(5)),
      datasets: all.map((s, i) => ({ label: s.label, borderColor: PALETTE[i % PALETTE.length], spanGaps: true,
        backgroundColor: PALETTE[i % PALETTE.length], data: entries.map((e) => (e.i === i ? e.y : null)) })) },
    options: { plugins: { legend: { position: "bottom", labels: { boxWidth: 12 } } },
      scales: { x: { grid: { display: false } }, y: { beginAtZero: true, max: 100, ticks: { callback: (v) => v + "%" } } } } });
  $("#limits").replaceChildren(el("dl", {}, ...all.flatMap((s) => [el("dt", {}, s.label),
    el("dd", { "data-fact": "limit", "data-window": s.last.window, "data-profile": s.last.profile },
      `${s.last.last_percent.toFixed(0)}% (peak ${s.last.peak_percent.toFixed(0)}%) · ` +
      (s.last.current ? "resets " : "reset ") + fmt.when(s.last.resets_at))])));
}

// ---- model series: dated and undated ids of one model are one series ----
function mergeSeries(models) {
  const bySeries = new Map();
  for (const m of models) {
    const s = bySeries.get(m.series) || { series: m.series, cost: 0, tokens: 0 };
    s.cost += m.cost.total_cost;
    s.tokens += tokensOf(m.tokens);
    bySeries.set(m.series, s);
  }
  return Array.from(bySeries.values()).sort((a, b) => b.cost - a.cost || (a.series < b.series ? -1 : 1));
}

// ---- calendar charts: every day/week/month of the range on the axis, so days without usage are gaps ----
let granularity = "daily";
function setGranularity(g) {
  granularity = g;
  for (const b of document.querySelectorAll("[data-granularity]")) b.setAttribute("aria-pressed", String(b.dataset.granularity === g));
  $("#calendar-title").textContent = { daily: "Daily", weekly: "Weekly", monthly: "Monthly" }[g] + " cost by model";
}
const KEY = { daily: "date", weekly: "week", monthly: "month" };
function addDays(iso, n) {
  const d = new Date(iso + "T00:00:00Z");
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}
function nextKey(key) {
  if (granularity === "daily") return addDays(key, 1);
  if (granularity === "weekly") return addDays(key, 7);
  const [y, m] = key.split("-").map(Number);
  return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, "0")}`;
}
// Labels from the first to the last row; daily charts also cover the period's own first and last day.
function axisLabels(data, rows) {
  if (!rows.length) return [];
  let first = rows[0][KEY[granularity]], last = rows[rows.length - 1][KEY[granularity]];
  if (granularity === "daily" && data.since) first = data.since.slice(0, 10) < first ? data.since.slice(0, 10) : first;
  if (granularity === "daily" && data.until) {
    const end = data.until.slice(11, 19) === "00:00:00" ? addDays(data.until.slice(0, 10), -1) : data.until.slice(0, 10);
    const today = new Date().toISOString().slice(0, 10);
    last = [end, today].sort()[0] > last ? [end, today].sort()[0] : last;
  }
  const labels = [];
  for (let k = first; k <= last && labels.length < 5000; k = nextKey(k)) labels.push(k);
  return labels;
}

async function calendarCharts(hasData) {
  if (!hasData) return;
  const data = await api(`/api/usage/${granularity}?` + filterQuery({ breakdown: 1 }));
  const rows = data[granularity];
  const labels = axisLabels(data, rows);
  const byKey = new Map(rows.map((r) => [r[KEY[granularity]], r]));
  const top = mergeSeries(rows.flatMap((r) => r.breakdown)).slice(0, 6).map((s) => s.series);
  const value = (row, pick) => {
    const out = new Map(top.map((s) => [s, 0]));
    let other = 0;
    for (const b of row ? row.breakdown : []) {
      if (out.has(b.series)) out.set(b.series, out.get(b.series) + pick(b));
      else other += pick(b);
    }
    return { out, other };
  };
  const datasets = (pick) => {
    const per = labels.map((k) => value(byKey.get(k), pick));
    const sets = top.map((s, i) => ({ label: s, backgroundColor: PALETTE[i % PALETTE.length], borderWidth: 0,
      stack: "models", data: per.map((p) => p.out.get(s)) }));
    if (per.some((p) => p.other > 0))
      sets.push({ label: "other", backgroundColor: PALETTE[7], borderWidth: 0, stack: "models", data: per.map((p) => p.other) });
    return sets;
  };
  const cost = datasets((b) => b.cost.total_cost);
  let running = 0;
  const cumulative = labels.map((k) => (running += byKey.has(k) ? byKey.get(k).cost.total_cost : 0));
  cost.push({ type: "line", label: "cumulative", data: cumulative, yAxisID: "y2", borderColor: themeColors().fg,
    backgroundColor: themeColors().fg, pointRadius: 0, borderWidth: 2, tension: 0 });
  const costOptions = stackedBarOptions(fmt.usd);
  costOptions.scales.y2 = { position: "right", beginAtZero: true, grid: { display: false }, ticks: { callback: fmt.usd } };
  drawChart("chart-daily-cost", { type: "bar", data: { labels, datasets: cost }, options: costOptions });
  drawChart("chart-daily-tokens", { type: "bar", data: { labels, datasets: datasets((b) => tokensOf(b.tokens)) },
    options: stackedBarOptions(shortTokens) });
  cacheChart(labels, byKey);
}

function cacheChart(labels, byKey) {
  const row = (k) => byKey.get(k);
  const options = { interaction: { mode: "index", intersect: false },
    scales: { x: { grid: { display: false } },
              y: { beginAtZero: true, ticks: { callback: fmt.usd } },
              y2: { position: "right", min: 0, max: 1, grid: { display: false }, ticks: { callback: (v) => fmt.pct(v) } } },
    plugins: { legend: { position: "bottom", labels: { boxWidth: 12 } } } };
  drawChart("chart-cache", { type: "bar", data: { labels, datasets: [
    { label: "saved", data: labels.map((k) => row(k) ? row(k).cache.savings_usd : null), backgroundColor: PALETTE[1], borderWidth: 0 },
    { type: "line", label: "hit rate", yAxisID: "y2", data: labels.map((k) => row(k) ? row(k).cache.hit_rate : null),
      borderColor: PALETTE[0], backgroundColor: PALETTE[0], pointRadius: 2, spanGaps: false }] }, options });
}

// ---- 5-hour blocks of the last 3 days ----
function hm(secs) {
  const m = Math.round(secs / 60);
  return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, "0")}m`;
}
async function blocksPanel() {
  const data = await api("/api/usage/blocks?" + filterQuery({ recent: 1 }));
  const blocks = data.blocks.filter((b) => !b.gap);
  drawChart("chart-blocks", { type: "bar",
    data: { labels: blocks.map((b) => fmt.when(b.start).slice(5)),
      datasets: [{ label: "cost", data: blocks.map((b) => b.cost.total_cost), borderWidth: 0,
        backgroundColor: blocks.map((b) => b.active ? PALETTE[2] : PALETTE[0]) }] },
    options: { plugins: { legend: { display: false },
      tooltip: { callbacks: { label: (ctx) => `${fmt.usd(ctx.parsed.y)} · ${fmt.int(tokensOf(blocks[ctx.dataIndex].tokens))} tokens` } } },
      scales: { x: { grid: { display: false } }, y: { beginAtZero: true, ticks: { callback: fmt.usd } } } } });
  const active = blocks.find((b) => b.active);
  const box = $("#blocks-active");
  if (!active || !active.burn_rate) {
    box.replaceChildren(el("span", { class: "muted" }, blocks.length ? "No active block." : "No blocks in the last 3 days."));
    return;
  }
  const r = active.burn_rate;
  box.replaceChildren(el("div", {}, el("strong", {}, "Active block "), `${fmt.when(active.start)} – ${fmt.when(active.end)}`),
    el("dl", {},
      el("dt", {}, "Burn rate"), el("dd", { "data-fact": "burn" }, `${fmt.int(r.tokens_per_minute)} tokens/min · ${fmt.usd(r.cost_per_hour)}/h`),
      el("dt", {}, "So far"), el("dd", { "data-fact": "so-far" }, `${fmt.int(tokensOf(active.tokens))} tokens · ${fmt.cost(active.cost)}`),
      el("dt", {}, "Projected"), el("dd", { "data-fact": "projected" }, `${fmt.int(r.projected_tokens)} tokens · ${fmt.usd(r.projected_cost)}`),
      el("dt", {}, "Time left"), el("dd", { "data-fact": "left" }, hm(r.remaining_secs))));
}

// ---- plan ROI ----
async function roiCard() {
  const data = await api("/api/usage/roi?" + filterQuery());
  const o = data.overall;
  const cheapest = o.cheapest === "api" ? "paying per token (API)" : o.cheapest;
  $("#roi").replaceChildren(
    el("div", { class: "big", "data-fact": "projected" }, fmt.usd(o.projected_monthly) + "/month"),
    el("div", { class: "muted" }, `API-equivalent, projected from ${fmt.usd(o.cost)} over ${data.basis_days.toFixed(1)} days`),
    el("dl", {}, ...o.plans.flatMap((p) => [el("dt", {}, `${p.name} ${fmt.usd(p.monthly_usd)}`),
      el("dd", {}, p.difference <= 0 ? `saves ${fmt.usd(-p.difference)}` : `costs ${fmt.usd(p.difference)} more`,
        p.fits ? "" : " (too small)")])),
    el("p", { "data-fact": "cheapest" }, "Cheapest: ", el("strong", {}, cheapest), `, ${fmt.usd(o.cheapest_margin)}/month less than the next option`));
}

// ---- insights ----
async function insightsList() {
  const data = await api("/api/usage/insights?" + filterQuery());
  const items = data.insights.map((i) => el("li", { "data-kind": i.kind }, i.message));
  if (!data.enough_history)
    items.unshift(el("li", { class: "muted", "data-kind": "history" },
      `Not enough history: ${data.history_days} active days, ${data.min_history_days} needed.`));
  else if (!items.length) items.push(el("li", { class: "muted", "data-kind": "none" }, "Nothing unusual."));
  $("#insights").replaceChildren(...items);
}

// ---- activity: what only the agents' metrics say (active time, lines of code) ----
function secs(s) {
  return s < 60 ? `${s.toFixed(1)}s` : hm(s);
}
async function activityPanel() {
  const data = await api("/api/usage/activity?" + filterQuery());
  $("#activity-panel").hidden = data.by_profile.length === 0;
  const head = el("tr", {}, ...["Profile", "Sessions", "Active (you)", "Active (agent)", "Lines +", "Lines −", "Commits", "PRs"]
    .map((h) => el("th", {}, h)));
  const rows = data.by_profile.map((r) => el("tr", { "data-profile": r.profile },
    el("td", {}, r.profile), el("td", { class: "num" }, fmt.int(r.sessions)),
    el("td", { class: "num", "data-fact": "active-user" }, secs(r.active_time_s.user)),
    el("td", { class: "num", "data-fact": "active-cli" }, secs(r.active_time_s.cli)),
    el("td", { class: "num", "data-fact": "lines-added" }, fmt.int(r.lines_of_code.added)),
    el("td", { class: "num", "data-fact": "lines-removed" }, fmt.int(r.lines_of_code.removed)),
    el("td", { class: "num" }, fmt.int(r.commits)), el("td", { class: "num" }, fmt.int(r.pull_requests))));
  $("#activity").replaceChildren(el("thead", {}, head), el("tbody", {}, ...rows));
}
