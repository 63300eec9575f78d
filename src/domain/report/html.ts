/**
 * `--format html`: one self-contained dashboard page. No network is needed to view it: Chart.js's UMD bundle is
 * inlined (its text is passed in, so this renderer stays pure), CSS is inline, system fonts only, and a
 * Content-Security-Policy forbids every fetch. All data is HTML-escaped in the markup; the chart data travels as JSON
 * in a non-executed <script type="application/json"> with `<`, `>`, `&` escaped, so no value can close the script.
 */
import { AT_RISK_STATUSES, type ReportModel, type UseCaseRef, type UseCaseRow } from "./model.js";
import { safeJson } from "./summary.js";
import { safeUrl } from "./markdown.js";
import { CALIBRATION_COLUMNS, calibrationRows, STATUS_LABEL, dayNumber, days, groupDigits, kpiSpread, methodNote, kpiTarget, kpiValue, money, percent, trendText } from "./format.js";

export interface HtmlOptions {
  /** Text of Chart.js's UMD bundle (chart.umd.min.js), inlined into the page. */
  chartJs: string;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[ch]!);
}

const h = escapeHtml;

function link(ref: UseCaseRef, kind: "UC" | "initiative" = "UC"): string {
  const url = safeUrl(ref.url);
  const text = `${h(ref.title || "(untitled)")}${kind === "UC" ? ` <span class="muted">UC ${ref.number}</span>` : ""}`;
  return url ? `<a href="${h(url)}" rel="noreferrer">${text}</a>` : text;
}

function table(header: string[], rows: string[][], cls = ""): string {
  if (rows.length === 0) return `<p class="muted">None.</p>`;
  return `<div class="scroll"><table${cls ? ` class="${cls}"` : ""}><thead><tr>${header.map((c) => `<th>${c}</th>`).join("")}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join("")}</tr>`)
    .join("")}</tbody></table></div>`;
}

function status(u: UseCaseRow): string {
  return `<span class="pill ${u.status}">${h(STATUS_LABEL[u.status])}</span>`;
}

function left(u: UseCaseRow): string {
  return u.estimated ? `~${groupDigits(u.remainingStories)} <span class="muted">(est.)</span>` : groupDigits(u.remainingStories);
}

/** Figures the inline script turns into charts (only numbers and already-plain strings). */
function chartData(model: ReportModel) {
  const now = dayNumber(model.meta.now);
  const open = model.useCases
    .filter((u) => u.status !== "deployed" && u.p85 !== null)
    .sort((a, b) => Number(AT_RISK_STATUSES.has(b.status)) - Number(AT_RISK_STATUSES.has(a.status)) || a.deadline.localeCompare(b.deadline))
    .slice(0, 40);
  return {
    now: model.meta.now,
    nowDay: now,
    currency: model.meta.currency,
    target: model.headline.missTarget,
    timeline: open.map((u) => ({
      label: `UC ${u.number} ${u.title.slice(0, 40)}`,
      p85: dayNumber(u.p85!) - now,
      deadline: dayNumber(u.deadline) - now,
      risk: AT_RISK_STATUSES.has(u.status),
    })),
    valueStreams: model.benefits.byValueStream.map((v) => ({ name: v.valueStream, planned: v.planned, forecast: v.forecast, realized: v.realized })),
    trend: model.trend.map((t) => ({ week: t.week, share: t.atRiskShare })),
    gates: model.headline.useCasesByGate.map((g) => ({ gate: g.gate === "" ? "not started" : g.gate, count: g.count })),
    reliability: (model.calibration?.reliability ?? [])
      .filter((b) => b.forecasts > 0 && b.observed !== null && b.meanForecast !== null)
      .map((b) => ({ label: `${Math.round(b.from * 100)}–${Math.round(b.to * 100)}%`, observed: b.observed!, mean: b.meanForecast!, n: b.forecasts })),
  };
}

const CSS = `
:root{--fg:#1f2328;--muted:#59636e;--line:#d1d9e0;--bg:#f6f8fa;--card:#fff;--ok:#1a7f37;--warn:#9a6700;--bad:#cf222e}
*{box-sizing:border-box}body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;color:var(--fg);background:var(--bg)}
header{padding:20px 28px;background:#0d1117;color:#f0f6fc}header h1{margin:0 0 4px;font-size:22px}header p{margin:0;color:#9198a1}
main{padding:20px 28px;max-width:1400px;margin:auto}section{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:16px 20px;margin:0 0 18px}
h2{font-size:17px;margin:0 0 12px}.tiles{display:grid;grid-template-columns:repeat(auto-fit,minmax(200px,1fr));gap:12px}
.tile{border:1px solid var(--line);border-radius:8px;padding:12px;background:var(--card)}.tile .v{font-size:24px;font-weight:600}.tile .l{color:var(--muted)}
.good{color:var(--ok)}.bad{color:var(--bad)}.muted{color:var(--muted)}.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(420px,1fr));gap:18px}
.chart{position:relative;height:300px}.chart.tall{height:460px}.charts>.wide{grid-column:1/-1}.scroll{overflow:auto;max-height:560px}
table{border-collapse:collapse;width:100%}th,td{border-bottom:1px solid var(--line);padding:6px 8px;text-align:left;vertical-align:top}th{background:var(--bg);position:sticky;top:0}
.pill{border-radius:10px;padding:1px 8px;font-size:12px;white-space:nowrap;background:#eee}.pill.at_risk{background:#fff1c2}.pill.off_track,.pill.overdue{background:#ffd8d3}.pill.on_track,.pill.deployed{background:#d2f4dc}
a{color:#0969da;text-decoration:none}a:hover{text-decoration:underline}summary{cursor:pointer;font-weight:600}
`;

/** Runs in the page: builds the Chart.js charts from the JSON block. Written here, never derived from data. */
const APP = `
(function(){
  "use strict";
  var d = JSON.parse(document.getElementById("converge-data").textContent);
  Chart.defaults.animation = false;
  Chart.defaults.font.family = 'system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif';
  var palette = ["#0969da","#1a7f37","#9a6700","#8250df","#cf222e","#bf3989","#0550ae","#57606a","#116329"];
  function day(n){ return new Date((d.nowDay + n) * 86400000).toISOString().slice(0,10); }
  function cur(v){ return Math.round(v).toLocaleString("en-US") + " " + d.currency; }
  window.convergeCharts = [];
  function add(id, cfg){ var el = document.getElementById(id); if (el) window.convergeCharts.push(new Chart(el, cfg)); }
  if (d.timeline.length) add("chart-timeline", {
    type: "bar",
    data: { labels: d.timeline.map(function(t){ return t.label; }), datasets: [
      { label: "Today → P85 date", data: d.timeline.map(function(t){ return [0, Math.max(t.p85, 1)]; }),
        backgroundColor: d.timeline.map(function(t){ return t.risk ? "rgba(207,34,46,.65)" : "rgba(9,105,218,.55)"; }) },
      { type: "line", label: "Deadline", data: d.timeline.map(function(t){ return t.deadline; }), showLine: false,
        pointStyle: "rectRot", pointRadius: 7, backgroundColor: "#1f2328", borderColor: "#1f2328" } ] },
    options: { indexAxis: "y", maintainAspectRatio: false,
      scales: { x: { ticks: { callback: function(v){ return day(v); } }, title: { display: true, text: "date" } }, y: { ticks: { autoSkip: false } } },
      plugins: { tooltip: { callbacks: { label: function(c){ var v = c.raw; return c.dataset.label + ": " + (Array.isArray(v) ? day(v[1]) : day(v)); } } } } }
  });
  if (d.valueStreams.length) add("chart-benefit", {
    type: "doughnut",
    data: { labels: d.valueStreams.map(function(v){ return v.name; }), datasets: [{ label: "Planned per year", data: d.valueStreams.map(function(v){ return v.planned; }), backgroundColor: palette }] },
    options: { maintainAspectRatio: false, plugins: { tooltip: { callbacks: { label: function(c){ return c.label + ": " + cur(c.raw); } } } } }
  });
  if (d.valueStreams.length) add("chart-benefit-bars", {
    type: "bar",
    data: { labels: d.valueStreams.map(function(v){ return v.name; }), datasets: [
      { label: "Planned", data: d.valueStreams.map(function(v){ return v.planned; }), backgroundColor: "#0969da" },
      { label: "Forecast", data: d.valueStreams.map(function(v){ return v.forecast; }), backgroundColor: "#9a6700" },
      { label: "Realized", data: d.valueStreams.map(function(v){ return v.realized; }), backgroundColor: "#1a7f37" } ] },
    options: { maintainAspectRatio: false, scales: { y: { ticks: { callback: function(v){ return cur(v); } } } } }
  });
  if (d.trend.length) add("chart-trend", {
    type: "line",
    data: { labels: d.trend.map(function(t){ return t.week; }), datasets: [
      { label: "% of in-flight use cases at risk", data: d.trend.map(function(t){ return Math.round(t.share * 1000) / 10; }), borderColor: "#cf222e", backgroundColor: "#cf222e" },
      { label: "Target", data: d.trend.map(function(){ return Math.round(d.target * 1000) / 10; }), borderColor: "#1a7f37", borderDash: [6,4], pointRadius: 0 } ] },
    options: { maintainAspectRatio: false, scales: { y: { beginAtZero: true, ticks: { callback: function(v){ return v + "%"; } } } } }
  });
  if (d.reliability.length) add("chart-reliability", {
    type: "bar",
    data: { labels: d.reliability.map(function(b){ return b.label; }), datasets: [
      { label: "Share on time", data: d.reliability.map(function(b){ return Math.round(b.observed * 1000) / 10; }), backgroundColor: "#0969da" },
      { type: "line", label: "Mean forecast P(on time)", data: d.reliability.map(function(b){ return Math.round(b.mean * 1000) / 10; }), borderColor: "#1a7f37", backgroundColor: "#1a7f37" } ] },
    options: { maintainAspectRatio: false, scales: { y: { min: 0, max: 100, ticks: { callback: function(v){ return v + "%"; } } } },
      plugins: { tooltip: { callbacks: { afterLabel: function(c){ return d.reliability[c.dataIndex].n + " forecasts"; } } } } }
  });
  if (d.gates.length) add("chart-gates", {
    type: "bar",
    data: { labels: d.gates.map(function(g){ return g.gate; }), datasets: [{ label: "Use cases by last gate passed", data: d.gates.map(function(g){ return g.count; }), backgroundColor: "#8250df" }] },
    options: { maintainAspectRatio: false, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } }
  });
})();
`;

/** Keeps inlined script text from closing its <script> element early. */
function inlineScript(text: string): string {
  return text.replace(/<\/(script)/gi, "<\\/$1").replace(/<!--/g, "<\\!--");
}

export function renderHtml(model: ReportModel, options: HtmlOptions): string {
  const m = model.meta;
  const hd = model.headline;
  const cur = m.currency;
  const missClass = hd.expectedMissShare !== null && hd.expectedMissShare < hd.missTarget ? "good" : "bad";
  const tiles = [
    [`<span class="${missClass}">${percent(hd.expectedMissShare)}</span>`, `forecast to miss their deadline (target &lt; ${percent(hd.missTarget, 0)})`],
    [`${groupDigits(hd.inFlight)} / ${groupDigits(hd.total)}`, `use cases in flight · ${groupDigits(hd.deployed)} deployed`],
    [percent(hd.realizedMissRate), "realized miss rate of deployed use cases"],
    [h(money(hd.benefit.planned, cur)), "planned benefit per year"],
    [h(money(hd.benefit.forecast, cur)), "forecast benefit, next 12 months"],
    [h(money(hd.benefit.realized, cur)), "realized benefit to date"],
    [`<span class="bad">${h(money(hd.benefit.atRisk, cur))}</span>`, "benefit at risk"],
  ]
    .map(([v, l]) => `<div class="tile"><div class="v">${v}</div><div class="l">${l}</div></div>`)
    .join("");

  const atRisk = model.useCases.filter((u) => AT_RISK_STATUSES.has(u.status));
  const atRiskTable = table(
    ["Use case", "Owner", "Deadline", "P(on time)", "P85 date", "Left", "Status", "Why"],
    atRisk.map((u) => [link(u), h(u.owner ?? "—"), u.deadline, percent(u.pOnTime, 0), u.p85 ?? "—", left(u), status(u), h([...u.why, ...(u.lowConfidence ? ["low confidence"] : [])].join("; "))]),
  );
  const c = model.changes;
  const changes =
    c.since === null
      ? `<p class="muted">First report: nothing to compare with.</p>`
      : `<p class="muted">Compared with ${h(c.since)}.</p>` +
        [
          ["New use cases", c.newUseCases.map((u) => link(u))],
          ["Slipped", c.slipped.map((u) => `${link(u)}: P85 ${h(u.from)} → ${h(u.to)} (${h(u.reason)})`)],
          ["Gates passed", c.gatesPassed.map((u) => `${link(u)}: ${h(u.gates.join(", "))}`)],
          ["Deployed", c.deployed.map((u) => `${link(u)} on ${h(u.at)}`)],
        ]
          .map(([title, items]) => `<h3>${title as string} (${(items as string[]).length})</h3>${(items as string[]).length ? `<ul>${(items as string[]).map((i) => `<li>${i}</li>`).join("")}</ul>` : `<p class="muted">None.</p>`}`)
          .join("");
  const vs = table(
    ["Value stream", "Initiatives", "Planned", "Forecast", "Realized", "At risk"],
    model.benefits.byValueStream.map((v) => [h(v.valueStream), groupDigits(v.initiatives), h(money(v.planned, cur)), h(money(v.forecast, cur)), h(money(v.realized, cur)), h(money(v.atRisk, cur))]),
  );
  const ini = table(
    ["Initiative", "Owner", "Value stream", "Planned", "Forecast", "Realized", "At risk"],
    model.benefits.byInitiative.map((i) => [link(i, "initiative"), h(i.owner), h(i.valueStream), h(money(i.planned, cur)), h(money(i.forecast, cur)), h(money(i.realized, cur)), i.atRisk ? "yes" : "no"]),
  );
  const kpis = table(
    ["KPI", "Now", "Spread", "Target", "Trend", "n", "Definition"],
    model.kpis.map((k) => [h(k.name), h(kpiValue(k)), h(kpiSpread(k) || "—"), h(kpiTarget(k) || "—"), h(trendText(k)), groupDigits(k.sample), h(k.note ? `${k.definition} (${k.note})` : k.definition)]),
  );
  const stuck = table(
    ["Use case", "Owner", "Waiting for", "Waiting", "Threshold"],
    model.stuck.map((s) => [link(s), h(s.owner ?? "—"), h(s.waitingFor), days(s.days), days(s.thresholdDays)]),
  );
  const carryOver =
    model.carryOver === undefined
      ? ""
      : `<section><h2>Sprint carry-over (${groupDigits(model.carryOver.length)})</h2>${
          model.carryOver.length === 0
            ? "<p>No open story moved to a later sprint or sits in an ended one.</p>"
            : `<p>Suggestions only: re-plan, split or close these stories.</p>${table(
                ["Use case", "Story", "Squad", "From sprint", "To sprint"],
                model.carryOver.map((c) => [link(c), h(c.story), h(c.squad), h(c.from), c.to === null ? "still in the ended sprint" : h(c.to)]),
              )}`
        }</section>`;
  const cal = model.calibration;
  const calibration = cal === null ? "No backtest result available for this report." : h(cal.line);
  const coverage = table([...CALIBRATION_COLUMNS], calibrationRows(cal));
  const reliabilityChart = (cal?.reliability ?? []).some((b) => b.forecasts > 0)
    ? `<h3>Forecast P(on time) vs share on time</h3><div class="chart"><canvas id="chart-reliability" aria-label="Reliability of P(on time)"></canvas></div>`
    : "";
  const all = table(
    ["Use case", "Owner", "Squads", "Last gate", "Deadline", "Status", "P(on time)", "P85 / deployed", "Left"],
    model.useCases.map((u) => [link(u), h(u.owner ?? "—"), h(u.squads.join(", ")), h(u.gate ?? "—"), u.deadline, status(u), percent(u.pOnTime, 0), h(u.p85 ?? u.deployedAt ?? "—"), u.status === "deployed" ? "0" : left(u)]),
  );
  const notes = m.notes.length ? `<section><h2>Notes</h2><ul>${m.notes.map((n) => `<li>${h(n)}</li>`).join("")}</ul></section>` : "";
  const title = `Converge weekly report: ${m.program}, ${m.isoWeek}`;

  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:">
<title>${h(title)}</title>
<style>${CSS}</style>
</head>
<body>
<header><h1>${h(title)}</h1><p>As of ${h(m.now)} (snapshot of ${h(m.snapshotGeneratedAt)}) · ${h(methodNote(m))} · amounts in ${h(cur)}</p></header>
<main>
<section><h2>Headline</h2><div class="tiles">${tiles}</div></section>
<section><h2>Charts</h2><div class="charts">
<div class="wide"><h3>Deadline (◆) vs P85 date</h3><div class="chart tall"><canvas id="chart-timeline" aria-label="Deadline vs P85 date"></canvas></div></div>
<div><h3>% of in-flight use cases at risk</h3><div class="chart"><canvas id="chart-trend" aria-label="At-risk trend"></canvas></div>
<h3>Use cases by last gate passed</h3><div class="chart"><canvas id="chart-gates" aria-label="Use cases by gate"></canvas></div></div>
<div><h3>Planned benefit by value stream</h3><div class="chart"><canvas id="chart-benefit" aria-label="Benefit by value stream"></canvas></div></div>
<div><h3>Benefit planned / forecast / realized</h3><div class="chart"><canvas id="chart-benefit-bars" aria-label="Benefit by value stream, planned, forecast and realized"></canvas></div></div>
</div></section>
<section><h2>KPIs</h2>${kpis}</section>
<section><h2>Use cases at risk (${groupDigits(atRisk.length)})</h2>${atRiskTable}<p class="muted">Left: remaining stories; ~ (est.) = estimated from acceptance criteria.</p></section>
<section><h2>Changes since last week</h2>${changes}</section>
<section><h2>Benefits by value stream</h2><p class="muted">Planned: yearly benefit once live. Forecast: planned × P(all enabling use cases on time), from the forecast go-live over the next 12 months. Realized: recorded to date.</p>${vs}<details><summary>By initiative (${groupDigits(model.benefits.byInitiative.length)})</summary>${ini}</details></section>
<section><h2>Stuck in a gate (${groupDigits(model.stuck.length)})</h2>${stuck}</section>
${carryOver}
<section><h2>Forecast calibration</h2><p>${calibration}</p>${cal?.coverage ? `<p class="muted">The forecasts of the last ${cal.weeks} weeks, replayed with only what was known then, against what happened: how often each date held (well calibrated: Pq holds q of the time).</p>${coverage}` : ""}${reliabilityChart}</section>
<section><details><summary>All use cases (${groupDigits(model.useCases.length)})</summary>${all}</details></section>
${notes}
</main>
<script type="application/json" id="converge-data">${safeJson(chartData(model))}</script>
<script>${inlineScript(options.chartJs)}</script>
<script>${APP}</script>
</body>
</html>
`;
}
