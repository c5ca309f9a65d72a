// Headless Chromium test of the web UI: seeds usage, starts the daemon with
// the built clown, loads /usage, checks every card and every panel (budgets,
// 5-hour blocks, ROI, insights, daily/weekly/monthly charts with their
// cumulative line, cache efficiency) equals the API's numbers (formatted like
// the CLI), opens a session page with its subagent, clicks "Import Claude
// data", switches themes, and saves light, dark and 375 px screenshots as
// artifacts.
//
// usage: node browser_test.cjs <clown binary> <node_modules dir> <artifacts dir>
"use strict";
const fs = require("fs");
const os = require("os");
const path = require("path");
const http = require("http");
const { execFileSync } = require("child_process");

const [clownBin, nodeModules, artifacts, fakeAgent] = process.argv.slice(2);
const { chromium } = require(path.join(nodeModules, "playwright-core"));

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "clown-browser-"));
const home = path.join(tmp, "home");
const user = path.join(tmp, "user");
fs.mkdirSync(home, { recursive: true });
fs.mkdirSync(user, { recursive: true });
fs.mkdirSync(artifacts, { recursive: true });
const env = Object.assign({}, process.env, { CLOWN_HOME: home, HOME: user, NO_COLOR: "1" });
delete env.CLAUDE_CONFIG_DIR;
delete env.XDG_CONFIG_HOME;

const failures = [];
function check(cond, what) {
  if (!cond) failures.push(what);
  console.log((cond ? "ok   " : "FAIL ") + what);
}

// ---- the CLI's number formats (common/format.cpp) ----
const thousands = (n) => (n < 0 ? "-" : "") + String(Math.abs(Math.round(n))).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
function usd(v) {
  const cents = Math.round(Math.abs(v) * 100);
  return (v < 0 && cents > 0 ? "-$" : "$") + thousands(Math.floor(cents / 100)) + "." + String(cents % 100).padStart(2, "0");
}
function duration(s) {
  if (s < 60) return s.toFixed(1) + "s";
  const t = Math.round(s), h = Math.floor(t / 3600), m = Math.floor(t / 60) % 60, x = t % 60;
  const p = (v) => String(v).padStart(2, "0");
  return h > 0 ? `${h}h ${p(m)}m ${p(x)}s` : `${m}m ${p(x)}s`;
}
// The page's text for a cost object (app.js fmt.cost): the priced part, marked when some requests had no price.
function costText(c) {
  if (c.cost_complete !== false) return usd(c.total_cost);
  return c.total_cost === 0 ? "unpriced" : usd(c.total_cost) + " + unpriced";
}
const tokensOf = (t) => t.input_tokens + t.output_tokens + t.cache_creation_input_tokens + t.cache_read_input_tokens;

// ---- seed data ----
function line(session, id, model, ts, i, o, cw, cr, cwd, agentId) {
  return JSON.stringify({ type: "assistant", sessionId: session, timestamp: ts, requestId: "req_" + id, cwd, isSidechain: !!agentId,
    agentId, message: { id: "msg_" + id, model, usage: { input_tokens: i, output_tokens: o, cache_creation_input_tokens: cw,
      cache_read_input_tokens: cr, cache_creation: { ephemeral_5m_input_tokens: cw, ephemeral_1h_input_tokens: 0 } } } }) + "\n";
}
function writeSession(dir, project, session, lines) {
  const p = path.join(dir, "projects", project);
  fs.mkdirSync(p, { recursive: true });
  fs.writeFileSync(path.join(p, session + ".jsonl"), lines.join(""));
}
const day = 86400000;
const iso = (ms) => new Date(ms).toISOString();
const now = Date.now();
// Already imported before the page loads: several days, three models, two sessions.
const seedDir = path.join(tmp, "seed-claude");
writeSession(seedDir, "-work-api", "aaaaaaaa-1111", [
  line("aaaaaaaa-1111", "s1", "claude-sonnet-4-5", iso(now - 3 * day), 1200, 3400, 25000, 180000, "/work/api"),
  line("aaaaaaaa-1111", "s2", "claude-sonnet-4-5", iso(now - 2 * day), 800, 2100, 12000, 240000, "/work/api"),
  line("aaaaaaaa-1111", "s3", "claude-haiku-4-5", iso(now - 2 * day + 3600000), 5000, 900, 0, 30000, "/work/api"),
]);
writeSession(seedDir, "-work-web", "bbbbbbbb-2222", [
  line("bbbbbbbb-2222", "w1", "claude-opus-4-1", iso(now - day), 300, 1800, 9000, 60000, "/work/web"),
  line("bbbbbbbb-2222", "w2", "claude-sonnet-4-5", iso(now - 3600000), 150, 700, 4000, 90000, "/work/web"),
  // A model no price knows: totals that include it show the priced part "+ unpriced", never a bare total.
  line("bbbbbbbb-2222", "w3", "acme-local-1", iso(now - 3000000), 500, 500, 0, 0, "/work/web"),
]);
// A session with a subagent (Claude Code's layout: <session>/subagents/agent-<id>.jsonl and .meta.json), six days ago
// (so the daily chart has days without usage), with the dated and undated ids of one model.
const subSession = "dddddddd-4444";
writeSession(seedDir, "-work-api", subSession, [
  line(subSession, "d1", "claude-haiku-4-5", iso(now - 6 * day), 400, 300, 1000, 8000, "/work/api"),
  line(subSession, "d2", "claude-haiku-4-5-20251001", iso(now - 6 * day + 60000), 300, 200, 0, 9000, "/work/api"),
]);
const subDir = path.join(seedDir, "projects", "-work-api", subSession, "subagents");
fs.mkdirSync(subDir, { recursive: true });
fs.writeFileSync(path.join(subDir, "agent-a1b2c3.jsonl"),
  line(subSession, "d3", "claude-haiku-4-5", iso(now - 6 * day + 30000), 700, 900, 2000, 4000, "/work/api", "a1b2c3"));
fs.writeFileSync(path.join(subDir, "agent-a1b2c3.meta.json"), JSON.stringify({ agentType: "Explore", description: "Find the flaky test" }));
execFileSync(clownBin, ["usage", "import-claude", "--claude-dir", seedDir], { env, stdio: "pipe" });
// A profile whose session made no request (hidden from the profile table until asked for), and budgets.
execFileSync(clownBin, ["profiles", "create", "idle", "--provider", "self", "--agent-bin", fakeAgent], { env, stdio: "pipe" });
execFileSync(clownBin, ["run", "idle"], { env: Object.assign({}, env, { FAKE_AGENT_SESSION: "eeeeeeee-5555" }), stdio: "pipe" });
fs.writeFileSync(path.join(home, "config.toml"), "[budgets]\ndaily = 0.5\nmonthly = 40\n[budgets.profiles.idle]\nweekly = 5\n");
// Plan quota snapshots, as Claude Code's statusLine hands them to `clown statusline`: the
// 5-hour window at 24 % then 31 %, the weekly one at 50.4 % (the plan limits panel).
const fiveHourReset = Math.floor(now / 3600000) * 3600 + 2 * 3600, weekReset = fiveHourReset + 3 * 86400;
for (const pct of [24, 31])
  execFileSync(clownBin, ["statusline"], { env: Object.assign({}, env, { CLOWN_PROFILE: "work-claude" }), stdio: "pipe",
    input: JSON.stringify({ session_id: "sl-1", model: { id: "claude-sonnet-4-5" }, rate_limits: {
      five_hour: { used_percentage: pct, resets_at: fiveHourReset }, seven_day: { used_percentage: 50.4, resets_at: weekReset } } }) });
// What the Import button will find in the default ~/.claude.
writeSession(path.join(user, ".claude"), "-work-cli", "cccccccc-3333", [
  line("cccccccc-3333", "c1", "claude-sonnet-4-5", iso(now - 7200000), 2000, 5000, 10000, 50000, "/work/cli"),
]);

// A run in progress (this node process stands in for its launcher) for the "running now" strip.
const liveTranscript = path.join(tmp, "live", "live-1.jsonl");
fs.mkdirSync(path.dirname(liveTranscript), { recursive: true });
fs.writeFileSync(liveTranscript, line("live-1", "l1", "claude-sonnet-4-5", iso(now - 20000), 100, 200, 300, 400, "/work/live"));
const runDir = path.join(home, "telemetry", "runs", "run-live");
fs.mkdirSync(runDir, { recursive: true });
fs.writeFileSync(path.join(runDir, "run.json"), JSON.stringify({ run_id: "run-live", profile: "work-claude", agent_id: "claude",
  provider_id: "anthropic", model: "claude-sonnet-4-5", cwd: "/work/live", config_dir: "", started_ms: now - 65000,
  started_at: iso(now - 65000), launcher_pid: process.pid }));
fs.writeFileSync(path.join(runDir, "hooks.jsonl"), JSON.stringify({ event: "session-start", session_id: "live-1",
  transcript_path: liveTranscript, cwd: "/work/live", source: "startup", received_ms: now - 64000 }) + "\n");
// A live launcher holds an flock on its run.json (runs/run_record.hpp); without it the run is
// abandoned and the next import records it. flock(1) holds it for this test.
const runFile = path.join(runDir, "run.json");
const lockPid = Number(execFileSync("sh", ["-c", 'setsid flock -x "$1" sleep 3600 </dev/null >/dev/null 2>&1 & echo $!', "sh", runFile]).toString());
process.on("exit", () => { try { process.kill(-lockPid); } catch (e) { /* already gone */ } });
for (const deadline = Date.now() + 10000; ; ) {
  if (require("child_process").spawnSync("flock", ["-n", runFile, "true"]).status !== 0) break;  // held
  if (Date.now() > deadline) throw new Error("flock(1) did not take the run's lock");
}

// ---- daemon ----
const started = execFileSync(clownBin, ["daemon", "start", "--port", "0"], { env, stdio: "pipe" }).toString();
const daemon = JSON.parse(fs.readFileSync(path.join(home, "daemon.json"), "utf8"));
const base = `http://127.0.0.1:${daemon.port}`;
// The dashboard needs a login: the one-time link `clown daemon start` prints (docs/security.md#login).
const loginUrl = (started.match(/Log in once with (http:\/\/\S+)/) || [])[1];
function getJson(p) {
  return new Promise((resolve, reject) => {
    http.get(base + p, { headers: { "X-Clown-Token": daemon.token } }, (res) => {
      let body = "";
      res.on("data", (c) => (body += c));
      res.on("end", () => resolve(JSON.parse(body)));
    }).on("error", reject);
  });
}
function expectedCards(d) {
  const t = d.total_tokens;
  const denom = t.input_tokens + t.cache_creation_input_tokens + t.cache_read_input_tokens;
  return {
    total_tokens: thousands(tokensOf(t)),
    total_cost: costText(d.total_cost),
    sessions: thousands(d.total_sessions),
    runtime: duration(d.total_runtime_secs),
    requests: thousands(d.total_requests),
    cache_hit_rate: ((denom > 0 ? t.cache_read_input_tokens / denom : 0) * 100).toFixed(1) + "%",
    cache_saved: usd(d.cache.savings_usd),
  };
}
async function cardsOnPage(page) {
  return page.$$eval("[data-card]", (cards) =>
    Object.fromEntries(cards.map((c) => [c.dataset.card, c.querySelector(".value").textContent])));
}

// ---- the analytics panels, each against its API answer ----
const near = (a, b) => Math.abs(a - b) < 1e-9;
function chartData(page, id) {
  return page.evaluate((cid) => {
    const c = Chart.getChart(cid);
    return c ? { labels: c.data.labels, datasets: c.data.datasets.map((d) => ({ label: d.label, type: d.type || "bar", data: d.data })) } : null;
  }, id);
}
function addDays(isoDay, n) {
  const d = new Date(isoDay + "T00:00:00Z");
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

async function checkBudgetsAndCards(page, summary) {
  const saved = await page.$eval('[data-card="cache_saved"] .value', (e) => e.textContent);
  check(saved === usd(summary.cache.savings_usd), `cache saved card "${saved}" == API ${summary.cache.savings_usd}`);
  const gauges = await page.$$eval("#budgets .gauge", (gs) => gs.map((g) => [g.dataset.level, g.querySelector(".text").textContent]));
  const want = summary.budgets.map((b) => [b.level, `${usd(b.spent_usd)} of ${usd(b.limit_usd)} · ${b.percent.toFixed(0)}% · ${b.level}`]);
  check(summary.budgets.length === 3 && JSON.stringify(gauges) === JSON.stringify(want), `budget gauges ${JSON.stringify(gauges)}`);
}

async function checkBlocks(page) {
  const api = (await getJson("/api/usage/blocks?period=all&recent=1")).data;
  const blocks = api.blocks.filter((b) => !b.gap);
  const chart = await chartData(page, "chart-blocks");
  check(chart && chart.labels.length === blocks.length && chart.datasets[0].data.every((v, i) => near(v, blocks[i].cost.total_cost)),
    `blocks chart has the API's ${blocks.length} blocks`);
  const active = blocks.find((b) => b.active);
  check(!!active, "the seed has an active block");
  const burn = await page.$eval('#blocks-active [data-fact="burn"]', (e) => e.textContent);
  const projected = await page.$eval('#blocks-active [data-fact="projected"]', (e) => e.textContent);
  // The page asked a moment earlier: the rate may differ in its last digit, the projection in cents.
  check(burn.endsWith("/h") && burn.includes(" tokens/min · $"), `burn rate shown: "${burn}"`);
  const wantProjected = `${thousands(active.burn_rate.projected_tokens)} tokens`;
  check(projected.startsWith(wantProjected.slice(0, 2)), `projection shown: "${projected}" (API ${wantProjected})`);
}

async function checkLimits(page) {
  const api = (await getJson("/api/usage/limits?period=all")).data;
  check(api.windows.length === 2, `limits API has the 5-hour and the weekly window (${api.windows.length})`);
  const facts = await page.$$eval('#limits [data-fact="limit"]', (ds) => ds.map((d) => [d.dataset.window, d.textContent]));
  const when = (iso) => iso.replace("T", " ").slice(0, 16);
  const want = api.windows.map((w) => [w.window, `${w.last_percent.toFixed(0)}% (peak ${w.peak_percent.toFixed(0)}%) · resets ${when(w.resets_at)}`]);
  check(JSON.stringify(facts) === JSON.stringify(want) && want[0][1].startsWith("31% (peak 31%) · resets ") &&
    want[1][1].startsWith("50% (peak 50%) · resets "), `plan limits ${JSON.stringify(facts)}`);
  const chart = await chartData(page, "chart-limits");
  const five = chart && chart.datasets.find((d) => d.label === "work-claude · 5-hour");
  check(!!five && JSON.stringify(five.data.filter((v) => v !== null)) === "[24,31]" && chart.datasets.length === 2,
    `plan limits chart: 5-hour ${five ? JSON.stringify(five.data) : "missing"}`);
}

async function checkRoiAndInsights(page) {
  const roi = (await getJson("/api/usage/roi?period=all")).data;
  const projected = await page.$eval('#roi [data-fact="projected"]', (e) => e.textContent);
  check(projected === usd(roi.overall.projected_monthly) + "/month", `ROI projection "${projected}"`);
  const cheapest = await page.$eval('#roi [data-fact="cheapest"]', (e) => e.textContent);
  const name = roi.overall.cheapest === "api" ? "paying per token (API)" : roi.overall.cheapest;
  check(cheapest === `Cheapest: ${name}, ${usd(roi.overall.cheapest_margin)}/month less than the next option`, `ROI cheapest "${cheapest}"`);
  const insights = (await getJson("/api/usage/insights?period=all")).data;
  const items = await page.$$eval("#insights li", (lis) => lis.map((l) => l.textContent));
  const want = insights.insights.map((i) => i.message);
  if (!insights.enough_history) want.unshift(`Not enough history: ${insights.history_days} active days, ${insights.min_history_days} needed.`);
  check(JSON.stringify(items) === JSON.stringify(want), `insights list ${JSON.stringify(items)}`);
}

// Bars per model series sum to each period's cost; the cumulative line ends at the total; no period is missing.
async function checkCalendar(page, granularity, key) {
  const api = (await getJson(`/api/usage/${granularity}?period=all&breakdown=1`)).data;
  const chart = await chartData(page, "chart-daily-cost");
  const rows = new Map(api[granularity].map((r) => [r[key], r]));
  const bars = chart.datasets.filter((d) => d.type === "bar");
  let sumOk = true;
  chart.labels.forEach((label, i) => {
    const total = bars.reduce((a, d) => a + d.data[i], 0);
    if (!near(total, rows.has(label) ? rows.get(label).cost.total_cost : 0)) sumOk = false;
  });
  check(sumOk, `${granularity}: stacked bars equal each row's cost`);
  check(api[granularity].every((r) => chart.labels.includes(r[key])), `${granularity}: every API row on the axis`);
  const line = chart.datasets.find((d) => d.label === "cumulative");
  check(line && near(line.data[line.data.length - 1], api.totals.cost.total_cost), `${granularity}: cumulative ends at ${api.totals.cost.total_cost}`);
  const labels = bars.map((d) => d.label);
  check(labels.includes("claude-haiku-4-5") && !labels.includes("claude-haiku-4-5-20251001"),
    `${granularity}: dated and undated haiku are one series (${labels.join(", ")})`);
  return { chart, api };
}

async function checkPanels(page) {
  const summary = (await getJson("/api/usage?period=all")).data;
  await checkBudgetsAndCards(page, summary);
  await checkBlocks(page);
  await checkLimits(page);
  await checkRoiAndInsights(page);
  const { chart } = await checkCalendar(page, "daily", "date");
  let contiguous = true;
  for (let i = 1; i < chart.labels.length; i++) if (chart.labels[i] !== addDays(chart.labels[i - 1], 1)) contiguous = false;
  const daily = (await getJson("/api/usage/daily?period=all")).data.daily;
  check(contiguous && chart.labels.length > daily.length, `daily axis has every day (${chart.labels.length} days, ${daily.length} with usage)`);
  const cache = await chartData(page, "chart-cache");
  const byDate = new Map(daily.map((d) => [d.date, d]));
  check(cache.labels.every((l, i) => byDate.has(l) ? near(cache.datasets[0].data[i], byDate.get(l).cache.savings_usd) &&
    near(cache.datasets[1].data[i], byDate.get(l).cache.hit_rate) : cache.datasets[0].data[i] === null), "cache chart equals the API per day");
  for (const [g, key] of [["weekly", "week"], ["monthly", "month"]]) {
    const before = await page.evaluate(() => Chart.getChart("chart-daily-cost").id);
    await page.click(`[data-granularity="${g}"]`);
    await page.waitForFunction((id) => Chart.getChart("chart-daily-cost") && Chart.getChart("chart-daily-cost").id !== id, before);
    await checkCalendar(page, g, key);
  }
  await page.click('[data-granularity="daily"]');
  const idleBefore = await page.$$eval("#profile-table tbody tr", (r) => r.length);
  await page.check("#show-idle");
  const idleAfter = await page.$$eval("#profile-table tbody tr td:first-child", (tds) => tds.map((t) => t.textContent));
  check(idleBefore === 1 && idleAfter.includes("idle"), `runs without requests hidden until asked (${idleBefore} -> ${idleAfter.join(",")})`);
  await page.uncheck("#show-idle");
}

async function checkSessionPage(page) {
  const api = (await getJson("/api/usage/session?id=dddddddd-4444")).data;
  await page.goto(base + "/sessions/dddddddd-4444");
  await page.waitForSelector("body[data-loaded]");
  const rows = await page.$$eval("#session-requests tbody tr", (r) => r.map((tr) => Array.from(tr.children).map((td) => td.textContent)));
  check(rows.length === api.requests.length && rows.length === 3, `session page lists ${rows.length} requests`);
  check(rows.every((r, i) => r[9] === usd(api.requests[i].cumulative_cost) && r[1] === (api.requests[i].agent_id || "main")),
    "session rows: agents and cumulative cost as the API says");
  const cost = await page.$eval('#session-head [data-fact="cost"]', (e) => e.textContent);
  check(cost === usd(api.totals.cost.total_cost), `session cost "${cost}"`);
  const agents = await page.$$eval("#agent-tree li", (lis) => lis.map((l) => l.dataset.agent + ": " + l.textContent));
  check(agents.length === 2 && agents[1].startsWith("a1b2c3: └ Explore a1b2c3") && agents[1].includes("Find the flaky test"),
    `agent tree ${JSON.stringify(agents)}`);
  check(await page.$eval(".filters", (e) => e.hidden), "no period filter on a session page");
  await page.screenshot({ path: path.join(artifacts, "session-light.png"), fullPage: true });
  await page.goto(base + "/sessions?period=all");
  await page.waitForSelector("body[data-loaded]");
  await page.click('#all-sessions a[href="/sessions/dddddddd-4444"]');
  await page.waitForSelector("#agent-tree li");
  check(new URL(page.url()).pathname === "/sessions/dddddddd-4444", "a session id in the list opens its page");
}

// Session tables keep their Cost column visible in 1280-1400 px windows.
async function checkLayout(page) {
  for (const width of [1280, 1400]) {
    await page.setViewportSize({ width, height: 900 });
    const fit = await page.$eval("#session-table", (t) => t.scrollWidth <= t.parentElement.clientWidth + 1);
    check(fit, `sessions table fits at ${width} px`);
  }
}

async function checkThemeToggle(page) {
  await page.click("#theme-btn");  // auto -> dark
  check(await page.evaluate(() => document.documentElement.dataset.theme) === "dark", "theme button: dark");
  await page.click("#theme-btn");  // dark -> light, even though the system is dark
  const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  check(bg === "rgb(246, 247, 249)", `light theme chosen over the dark system (${bg})`);
  await page.reload();
  await page.waitForSelector("body[data-loaded]");
  check(await page.$eval("#theme-btn", (b) => b.textContent) === "Theme: light", "theme choice kept across reloads");
  await page.click("#theme-btn");  // light -> auto
  await page.waitForFunction(() => !document.documentElement.dataset.theme);
}

(async () => {
  const profileDir = fs.mkdtempSync(path.join(tmp, "chromium-profile-"));
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: "/usr/bin/chromium",
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
           "--disable-sync", "--no-first-run"],
    viewport: { width: 1280, height: 900 },
    colorScheme: "light",
  });
  try {
    const page = context.pages()[0] || (await context.newPage());
    const consoleErrors = [];
    const offsite = [];
    page.on("console", (m) => { if (m.type() === "error") consoleErrors.push(m.text()); });
    page.on("pageerror", (e) => consoleErrors.push(String(e)));
    page.on("request", (r) => { if (!r.url().startsWith(base) && !r.url().startsWith("data:")) offsite.push(r.url()); });

    check(typeof loginUrl === "string" && loginUrl.startsWith(base + "/login?token="), `login link printed: "${started}"`);
    const anonymous = await new Promise((resolve, reject) =>
      http.get(base + "/usage?period=all", (res) => { res.resume(); resolve(res.statusCode); }).on("error", reject));
    check(anonymous === 401, `the page without a login is refused (${anonymous})`);
    await page.goto(loginUrl);
    await page.waitForURL(base + "/usage", { timeout: 15000 });
    const cookies = await context.cookies(base);
    check(cookies.length === 1 && cookies[0].httpOnly && cookies[0].sameSite === "Strict",
          `one HttpOnly SameSite=Strict session cookie (${JSON.stringify(cookies.map((c) => [c.name, c.httpOnly, c.sameSite]))})`);
    await page.goto(base + "/usage?period=all");
    await page.waitForSelector("body[data-loaded]", { timeout: 15000 });
    const api = (await getJson("/api/usage?period=all")).data;
    check(api.total_requests === 9, `seeded 9 requests (API says ${api.total_requests})`);
    const want = expectedCards(api);
    const got = await cardsOnPage(page);
    for (const k of Object.keys(want)) check(got[k] === want[k], `card ${k}: page "${got[k]}" == API "${want[k]}"`);
    check(await page.$eval("#empty", (e) => e.hidden), "no empty state with data");
    check(api.total_cost.cost_complete === false && got.total_cost === usd(api.total_cost.total_cost) + " + unpriced",
      `cost card with unpriced usage: "${got.total_cost}"`);
    const sessionsRows = await page.$$eval("#session-table tbody tr", (rows) => rows.length);
    check(sessionsRows === 3, `sessions table has 3 rows (got ${sessionsRows})`);
    const profileRows = await page.$$eval("#profile-table tbody tr", (rows) => rows.length);
    check(profileRows === 1, `profile table has 1 row (got ${profileRows})`);
    const heatCells = await page.$$eval("#heatmap .cell[style]", (c) => c.length);
    check(heatCells >= 3, `heatmap shows activity (${heatCells} cells)`);
    const charts = await page.$$eval("canvas", (cs) => cs.filter((c) => c.width > 0 && c.height > 0).length);
    check(charts === 6, `six charts drawn (got ${charts})`);
    await checkPanels(page);
    check((await page.$eval('meta[name="clown-token"]', (m) => m.content)) === daemon.token, "page carries the CSRF token");
    await page.waitForSelector("#running:not([hidden])", { timeout: 10000 });
    const strip = await page.$eval("#running", (e) => e.textContent);
    check(/^Running now:work-claude · claude-sonnet-4-5 · 1m \d\ds · 1,000 tokens · \$\d+\.\d\d$/.test(strip), `running-now strip: "${strip}"`);

    // Sorting the sessions table by cost puts the most expensive first.
    await page.click("#session-table th:nth-child(9)");
    const sortedCosts = await page.$$eval("#session-table tbody tr td:nth-child(9)", (tds) => tds.map((t) => t.textContent));
    const sessionsApi = (await getJson("/api/usage/sessions?period=all")).data.sessions;
    const desc = sessionsApi.slice().sort((a, b) => b.cost.total_cost - a.cost.total_cost).map((s) => costText(s.cost));
    check(sortedCosts.filter((c) => c.endsWith(" + unpriced")).length === 1, "the session with unpriced usage is marked");
    check(JSON.stringify(sortedCosts) === JSON.stringify(desc), `sorted by cost: ${sortedCosts.join(" ")}`);

    const profileOptions = await page.$$eval("#f-profile option", (os) => os.map((o) => o.value));
    check(JSON.stringify(profileOptions) === JSON.stringify(["", "claude-native", "idle"]), `profile filter lists ${profileOptions.join(",")}`);

    // Model filter updates every panel.
    await page.selectOption("#f-model", "claude-haiku-4-5");
    await page.waitForFunction(() => Number(document.body.dataset.loaded) >= 2);
    const haiku = (await getJson("/api/usage?period=all&model=claude-haiku-4-5")).data;
    const gotHaiku = await cardsOnPage(page);
    check(haiku.total_requests === 4 && gotHaiku.requests === "4" && gotHaiku.total_tokens === expectedCards(haiku).total_tokens,
          `model filter: requests ${gotHaiku.requests}, tokens ${gotHaiku.total_tokens}`);
    check(haiku.total_cost.cost_complete === true && gotHaiku.total_cost === usd(haiku.total_cost.total_cost),
          `a period of priced usage only shows a bare cost ("${gotHaiku.total_cost}")`);
    check(new URL(page.url()).searchParams.get("model") === "claude-haiku-4-5", "filter kept in the URL");
    await page.selectOption("#f-model", "");
    await page.waitForFunction(() => Number(document.body.dataset.loaded) >= 3);
    await page.screenshot({ path: path.join(artifacts, "usage-light.png"), fullPage: true });

    // Import button: POST with the page's token, summary shown, cards refreshed.
    await page.click("#import-btn");
    await page.waitForSelector("body[data-imported='1']", { timeout: 15000 });
    await page.waitForFunction(() => Number(document.body.dataset.loaded) >= 4);
    const noticeText = await page.$eval("#notice", (n) => n.textContent);
    check(/^Imported 1 new request from 1 of 1 files/.test(noticeText), `import summary shown: "${noticeText}"`);
    const after = (await getJson("/api/usage?period=all")).data;
    check(after.total_requests === 10, `API has 10 requests after import (got ${after.total_requests})`);
    const gotAfter = await cardsOnPage(page);
    const wantAfter = expectedCards(after);
    for (const k of Object.keys(wantAfter)) check(gotAfter[k] === wantAfter[k], `after import, card ${k}: "${gotAfter[k]}" == "${wantAfter[k]}"`);

    await page.emulateMedia({ colorScheme: "dark" });
    await page.waitForFunction(() => Number(document.body.dataset.loaded) >= 5);
    const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    check(bg === "rgb(17, 20, 24)", `dark theme follows the system (${bg})`);
    await page.screenshot({ path: path.join(artifacts, "usage-dark.png"), fullPage: true });
    await checkThemeToggle(page);
    await checkLayout(page);

    await page.setViewportSize({ width: 375, height: 800 });
    await page.emulateMedia({ colorScheme: "light" });
    await page.reload();
    await page.waitForSelector("body[data-loaded]");
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    check(overflow <= 0, `no horizontal scrolling at 375 px (overflow ${overflow}px)`);
    await page.screenshot({ path: path.join(artifacts, "usage-375.png"), fullPage: true });

    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(base + "/sessions?period=all");
    await page.waitForSelector("body[data-loaded]");
    const allRows = await page.$$eval("#all-sessions tbody tr", (rows) => rows.length);
    check(allRows === 4, `sessions page lists 4 sessions (got ${allRows})`);
    await page.screenshot({ path: path.join(artifacts, "sessions-light.png"), fullPage: true });
    await checkSessionPage(page);
    await page.goto(base + "/profiles?period=all");
    await page.waitForSelector("body[data-loaded]");
    await page.screenshot({ path: path.join(artifacts, "profiles-light.png"), fullPage: true });

    // Empty state in a period without usage.
    await page.goto(base + "/usage?period=custom&since=2001-01-01&until=2001-01-02");
    await page.waitForSelector("body[data-loaded]");
    const emptyText = await page.$eval("#empty", (e) => (e.hidden ? "" : e.textContent));
    check(emptyText.startsWith("No usage in this period"), `empty state: "${emptyText}"`);
    const visibleCharts = await page.$$eval("canvas", (cs) => cs.filter((c) => c.offsetParent !== null).length);
    check(visibleCharts === 0, `empty state shows no chart (${visibleCharts} visible)`);

    check(consoleErrors.length === 0, `no console errors (${consoleErrors.join(" | ")})`);
    check(offsite.length === 0, `nothing requested from the network (${offsite.join(" ")})`);
  } finally {
    await context.close();
    try { execFileSync(clownBin, ["daemon", "stop"], { env, stdio: "pipe" }); } catch (e) { /* reported below */ }
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  if (failures.length) {
    console.error(`${failures.length} check(s) failed`);
    process.exit(1);
  }
  console.log(`all checks passed; screenshots in ${artifacts}`);
})().catch((e) => {
  console.error(e);
  try { execFileSync(clownBin, ["daemon", "stop"], { env, stdio: "pipe" }); } catch (x) { /* ignore */ }
  process.exit(1);
});
