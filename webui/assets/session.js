// clown web UI: one agent session, /sessions/<id> — its requests with a
// running total, and the main agent with its subagents.
"use strict";

async function loadSession() {
  const id = decodeURIComponent(location.pathname.slice("/sessions/".length));
  const q = new URLSearchParams({ id, period: "all" });
  const s = await api("/api/usage/session?" + q.toString());
  document.title = `Session ${s.session_id.slice(0, 8)} · clown`;
  $("#session-head").replaceChildren(
    el("div", { class: "big mono", "data-fact": "id" }, s.session_id),
    el("dl", {},
      el("dt", {}, "Profile"), el("dd", {}, s.profile || "–"),
      el("dt", {}, "Project"), el("dd", {}, s.project || "–"),
      el("dt", {}, "Time"), el("dd", {}, `${fmt.when(s.first)} – ${fmt.when(s.last)}`),
      el("dt", {}, "Models"), el("dd", {}, s.models.join(", ")),
      el("dt", {}, "Requests"), el("dd", { "data-fact": "requests" }, fmt.int(s.totals.requests)),
      el("dt", {}, "Tokens"), el("dd", { "data-fact": "tokens" }, fmt.int(tokensOf(s.totals.tokens))),
      el("dt", {}, "Cost"), el("dd", { "data-fact": "cost" }, fmt.cost(s.totals.cost))));
  const agent = (a, sub) => el("li", { class: sub ? "sub" : null, "data-agent": a.agent_id || "main" },
    el("strong", {}, sub ? "└ " + (a.agent_type || "subagent") : "main agent"),
    sub ? el("span", { class: "mono" }, " " + a.agent_id) : null,
    el("span", { class: "share", title: fmt.pct(a.share) }, el("span", { style: `width:${(100 * a.share).toFixed(1)}%` })),
    `${fmt.cost(a.cost)} (${fmt.pct(a.share)}) · ${fmt.int(a.requests)} requests · ${fmt.int(tokensOf(a.tokens))} tokens`,
    sub && a.description ? el("div", { class: "muted" }, a.description) : null);
  $("#agent-tree").replaceChildren(agent(s.agents.main, false), ...s.agents.subagents.map((a) => agent(a, true)));
  const head = el("tr", {}, ["Time", "Agent", "Role", "Model", "Input", "Output", "Cache write", "Cache read", "Cost", "Cumulative"]
    .map((h, i) => el("th", { class: i >= 4 ? "num" : null }, h)));
  const rows = s.requests.map((r) => el("tr", {},
    el("td", {}, fmt.when(r.time).slice(11) + r.time.slice(16, 19)), el("td", { class: "mono" }, r.agent_id || "main"),
    el("td", { title: r.query_source || null }, r.role), el("td", { title: r.model }, shortModel(r.model)),
    el("td", { class: "num" }, fmt.int(r.tokens.input_tokens)), el("td", { class: "num" }, fmt.int(r.tokens.output_tokens)),
    el("td", { class: "num" }, fmt.int(r.tokens.cache_creation_input_tokens)),
    el("td", { class: "num" }, fmt.int(r.tokens.cache_read_input_tokens)),
    el("td", { class: "num" }, r.priced ? fmt.usd(r.cost.total_cost) : "unpriced"), el("td", { class: "num" }, fmt.usd(r.cumulative_cost))));
  $("#session-requests").replaceChildren(el("thead", {}, head), el("tbody", {}, rows));
}
