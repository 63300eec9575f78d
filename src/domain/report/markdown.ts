/**
 * The weekly report as GitHub Markdown. Every user-supplied string goes through escapeInline (or mermaidText inside
 * diagrams); URLs are only emitted when they are plain http(s) URLs. Each body stays within BODY_LIMIT characters:
 * long tables are folded into collapsed <details> sections, and what still does not fit moves to follow-up parts.
 */
import { escapeCode, escapeInline, quietLogin } from "../markdown/escape.js";
import { AT_RISK_STATUSES, type ReportModel, type UseCaseRef, type UseCaseRow } from "./model.js";
import { encodeSummary } from "./summary.js";
import { benefitPie, ganttChart, reliabilityChart, riskTrendChart } from "./mermaid.js";
import {
  CALIBRATION_COLUMNS,
  calibrationRows,
  STATUS_LABEL,
  STATUS_MARK,
  days,
  groupDigits,
  methodNote,
  kpiSpread,
  kpiTarget,
  kpiValue,
  money,
  percent,
  trendText,
} from "./format.js";

/** GitHub rejects bodies over 65,536 characters; Converge keeps a margin. */
export const BODY_LIMIT = 60_000;
/** Rows of a table shown unfolded before the rest folds into <details>. */
export const INLINE_ROWS = 25;
/** Characters of one table chunk (one <details> block), so that a chunk always fits in a part. */
const CHUNK_CHARS = 14_000;
/**
 * Rows of the long reference lists (all use cases, initiatives) kept in the Markdown; the rest are counted and left to
 * the JSON and HTML outputs. Everything that needs attention (at risk, stuck, changes) is always listed in full.
 */
export const MAX_LIST_ROWS = 300;
/**
 * Rows of the lists that need attention (at risk, stuck, each kind of change). Beyond this a weekly comment stops
 * being readable anyway (10,000 use cases would need dozens of parts); the rest are counted and left to HTML/JSON.
 */
export const MAX_ATTENTION_ROWS = 500;
/** Room kept in every part for its heading and the "continued" footer. */
const PART_RESERVE = 400;

export interface MarkdownReport {
  /** One or more bodies, each at most `limit` characters; post them in order. */
  parts: string[];
}

export interface MarkdownOptions {
  limit?: number;
}

const esc = (text: string, max?: number) => escapeInline(text, max);

/** Only plain http(s) URLs are linked; characters that could end the link target are percent-encoded. */
export function safeUrl(url: string): string | null {
  if (!/^https?:\/\/[^\s]+$/i.test(url)) return null;
  return url.replace(/[()<>|"'`\\[\]]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")}`);
}

function link(ref: UseCaseRef, maxTitle = 80, kind: "UC" | "initiative" = "UC"): string {
  const text = `${esc(ref.title, maxTitle) || "(untitled)"}${kind === "UC" ? ` (UC ${ref.number})` : ""}`;
  const url = safeUrl(ref.url);
  return url ? `[${text}](${url})` : text;
}

/**
 * A reference without a link: GitHub adds a "mentioned in" event to every issue a comment links to, so the long
 * reference lists (all use cases, initiatives), posted weekly, name issues as code spans, which GitHub does not link.
 */
function plainRef(ref: UseCaseRef, maxTitle = 60): string {
  return `${esc(ref.title, maxTitle) || "(untitled)"} ${escapeCode(ref.id).replace(/\|/g, "\\|")}`;
}

function owner(login: string | null): string {
  return login ? quietLogin(login) : "—";
}

function table(header: string[], rows: string[][]): string {
  const head = `| ${header.join(" | ")} |`;
  const rule = `|${header.map(() => "---").join("|")}|`;
  return [head, rule, ...rows.map((r) => `| ${r.join(" | ")} |`)].join("\n");
}

function details(summary: string, body: string): string {
  return `<details>\n<summary>${summary}</summary>\n\n${body}\n\n</details>`;
}

/**
 * A table as blocks: the first `inline` rows shown, the rest folded into <details> chunks small enough to move
 * between parts. Returns the blocks in order.
 */
function tableBlocks(header: string[], rows: string[][], label: string, inline = INLINE_ROWS): string[] {
  const blocks: string[] = [];
  if (rows.length === 0) return blocks;
  const shown = rows.slice(0, inline);
  if (shown.length > 0) blocks.push(table(header, shown));
  const rest = rows.slice(inline);
  let start = inline;
  while (rest.length > 0) {
    const chunk: string[][] = [];
    let size = 0;
    while (rest.length > 0) {
      const row = rest[0]!;
      const rowSize = row.join(" | ").length + 6;
      if (chunk.length > 0 && size + rowSize > CHUNK_CHARS) break;
      chunk.push(rest.shift()!);
      size += rowSize;
    }
    const from = start + 1;
    const to = start + chunk.length;
    start = to;
    blocks.push(details(`${label}: rows ${groupDigits(from)}–${groupDigits(to)} of ${groupDigits(rows.length)}`, table(header, chunk)));
  }
  return blocks;
}

function mermaid(text: string): string {
  return "```mermaid\n" + text + "\n```";
}

/** The headline table alone (the demo prints it). */
export function renderHeadline(model: ReportModel): string {
  const h = model.headline;
  const cur = model.meta.currency;
  const miss =
    h.expectedMissShare === null
      ? "n/a (nothing in flight)"
      : `**${percent(h.expectedMissShare)}** of ${groupDigits(h.inFlight)} in flight (target < ${percent(h.missTarget, 0)}) ${
          h.expectedMissShare < h.missTarget ? "✅" : "❌"
        }`;
  const realized =
    h.realizedMissRate === null
      ? "n/a (none deployed yet)"
      : `${percent(h.realizedMissRate)} (${groupDigits(h.realizedMissed)} of ${groupDigits(h.deployed)} deployed after their deadline)`;
  const statuses = (["on_track", "at_risk", "off_track", "overdue", "no_forecast"] as const)
    .filter((s) => h.statusCounts[s] > 0 || s !== "no_forecast")
    .map((s) => `${STATUS_MARK[s]} ${groupDigits(h.statusCounts[s])} ${STATUS_LABEL[s]}`)
    .join(" · ");
  const gates = h.useCasesByGate.map((g) => `${g.gate === "" ? "not started" : esc(g.gate, 40)} ${groupDigits(g.count)}`).join(" · ");
  const kpis = model.kpis
    .filter((k) => !k.id.includes("."))
    .map((k) => `${esc(k.name, 60)} ${kpiValue(k)} ${trendText(k)}`)
    .join(" · ");
  const rows: string[][] = [
    ["Use cases", `${groupDigits(h.total)} total · ${groupDigits(h.inFlight)} in flight · ${groupDigits(h.deployed)} deployed`],
    ["By last gate passed", gates || "—"],
    ["Forecast to miss deadline", miss],
    ["In-flight status", statuses],
    ["Realized miss rate", realized],
    [`Benefit (${esc(cur, 3)})`, `planned ${money(h.benefit.planned, cur)} a year · forecast ${money(h.benefit.forecast, cur)} in the next 12 months · realized ${money(h.benefit.realized, cur)} to date`],
    ["Benefit at risk", money(h.benefit.atRisk, cur)],
    ["KPI trends", kpis || "—"],
  ];
  return table(["Headline", `${esc(model.meta.isoWeek, 10)}`], rows);
}

function whyText(u: UseCaseRow): string {
  const reasons = [...u.why];
  if (u.lowConfidence) reasons.push("low confidence: short squad history, org-wide throughput used");
  return esc(reasons.join("; "), 240) || "—";
}

function remainingText(u: UseCaseRow): string {
  return `${u.estimated ? "~" : ""}${groupDigits(u.remainingStories)}${u.estimated ? " (est.)" : ""}`;
}

function atRiskBlocks(model: ReportModel): string[] {
  const rows = model.useCases.filter((u) => AT_RISK_STATUSES.has(u.status));
  const blocks = [`## Use cases at risk (${groupDigits(rows.length)})`];
  if (rows.length === 0) {
    blocks.push("_No in-flight use case is at risk, off track or overdue._");
    return blocks;
  }
  const header = ["Use case", "Owner", "Deadline", "P(on time)", "P85 date", "Left", "Status", "Why"];
  const body = rows.map((u) => [
    link(u),
    owner(u.owner),
    u.deadline,
    percent(u.pOnTime, 0),
    u.p85 ?? "—",
    remainingText(u),
    `${STATUS_MARK[u.status]} ${STATUS_LABEL[u.status]}`,
    whyText(u),
  ]);
  blocks.push(...tableBlocks(header, body.slice(0, MAX_ATTENTION_ROWS), "More use cases at risk"));
  if (body.length > MAX_ATTENTION_ROWS) blocks.push(omitted(body.length, "use cases at risk", "most urgent first", MAX_ATTENTION_ROWS));
  blocks.push("_Left_: remaining stories; `~ (est.)` marks work estimated from acceptance criteria because the use case is not (fully) split into stories yet.");
  return blocks;
}

function changesBlocks(model: ReportModel): string[] {
  const c = model.changes;
  const blocks = ["## Changes since last week"];
  if (c.since === null) {
    blocks.push("_First report: no previous summary to compare with._");
    return blocks;
  }
  const items: string[] = [];
  const list = (title: string, all: string[]) => {
    const entries = all.slice(0, MAX_ATTENTION_ROWS);
    if (all.length > MAX_ATTENTION_ROWS) entries.push(`… and ${groupDigits(all.length - MAX_ATTENTION_ROWS)} more (see the HTML or JSON output)`);
    if (entries.length === 0) {
      items.push(`**${title}**: none`);
      return;
    }
    const lines = entries.map((e) => `- ${e}`);
    if (lines.length <= INLINE_ROWS) items.push(`**${title}** (${groupDigits(all.length)})\n\n${lines.join("\n")}`);
    else {
      items.push(`**${title}** (${groupDigits(all.length)})\n\n${lines.slice(0, INLINE_ROWS).join("\n")}`);
      for (let i = INLINE_ROWS; i < lines.length; i += 200) {
        const chunk = lines.slice(i, i + 200);
        items.push(details(`${title}: ${groupDigits(i + 1)}–${groupDigits(i + chunk.length)} of ${groupDigits(lines.length)}`, chunk.join("\n")));
      }
    }
  };
  blocks.push(`Compared with the report of ${esc(c.since, 10)}.`);
  list("New use cases", c.newUseCases.map((u) => link(u)));
  list("Slipped", c.slipped.map((u) => `${link(u)}: P85 ${u.from} → ${u.to} (${esc(u.reason, 160)})`));
  list("Gates passed", c.gatesPassed.map((u) => `${link(u)}: ${u.gates.map((g) => esc(g, 40)).join(", ")}`));
  list("Deployed", c.deployed.map((u) => `${link(u)} on ${u.at}`));
  blocks.push(...items);
  return blocks;
}

function chartBlocks(model: ReportModel): string[] {
  const blocks = ["## Charts"];
  const gantt = ganttChart(model);
  if (gantt) {
    const note = gantt.shown < gantt.total ? ` (the ${gantt.shown} most urgent of ${groupDigits(gantt.total)})` : "";
    blocks.push(`**Deadline vs P85 date**${note}: red bars end at the P85 date of use cases at risk; ◆ marks the deadline.\n\n${mermaid(gantt.text)}`);
  }
  const pie = benefitPie(model);
  if (pie) blocks.push(`**Planned benefit by value stream**\n\n${mermaid(pie)}`);
  const trend = riskTrendChart(model);
  if (!gantt && !pie && !trend) blocks.push("_Nothing to chart yet: no use case in flight and no planned benefit._");
  if (trend) blocks.push(`**% of in-flight use cases at risk, week by week** (second line: the ${percent(model.headline.missTarget, 0)} target)\n\n${mermaid(trend)}`);
  return blocks;
}

function benefitBlocks(model: ReportModel): string[] {
  const cur = model.meta.currency;
  const blocks = [
    `## Benefits (${esc(cur, 3)})`,
    "_Planned_: yearly benefit once live. _Forecast_: planned × P(all enabling use cases deploy on time), counted from the forecast go-live (P50) over the next 12 months. _Realized_: recorded by initiative owners to date. _At risk_: planned benefit of initiatives with an enabling use case at risk, off track or overdue.",
  ];
  const vs = model.benefits.byValueStream.map((v) => [
    esc(v.valueStream, 60),
    groupDigits(v.initiatives),
    money(v.planned, cur),
    money(v.forecast, cur),
    money(v.realized, cur),
    money(v.atRisk, cur),
  ]);
  blocks.push("### By value stream");
  blocks.push(...tableBlocks(["Value stream", "Initiatives", "Planned", "Forecast", "Realized", "At risk"], vs, "More value streams"));
  if (vs.length === 0) blocks.push("_No initiatives in the snapshot._");
  const ini = model.benefits.byInitiative.map((i) => [
    plainRef(i),
    owner(i.owner),
    esc(i.valueStream, 40),
    money(i.planned, cur),
    money(i.forecast, cur),
    money(i.realized, cur),
    i.atRisk ? "🟠 yes" : "no",
  ]);
  if (ini.length > 0) blocks.push("### By initiative");
  blocks.push(...tableBlocks(["Initiative", "Owner", "Value stream", "Planned", "Forecast", "Realized", "At risk"], ini.slice(0, MAX_LIST_ROWS), "More initiatives"));
  if (ini.length > MAX_LIST_ROWS) blocks.push(omitted(ini.length, "initiatives", "largest planned benefit first"));
  return blocks;
}

function omitted(total: number, what: string, order: string, shown = MAX_LIST_ROWS): string {
  return `_The first ${groupDigits(shown)} of ${groupDigits(total)} ${what} are listed (${order}); all of them are in the HTML dashboard and the JSON output (\`--format html|json\`)._`;
}

function kpiBlocks(model: ReportModel): string[] {
  const blocks = ["## KPIs"];
  if (model.kpis.length === 0) return [...blocks, "_No KPI inputs in the snapshot._"];
  const rows = model.kpis.map((k) => [
    esc(k.name, 60),
    kpiValue(k),
    kpiSpread(k) || "—",
    kpiTarget(k) || "—",
    trendText(k),
    groupDigits(k.sample),
    esc(k.note ? `${k.definition} (${k.note})` : k.definition, 240),
  ]);
  blocks.push(table(["KPI", "Now", "Spread", "Target", "Trend", "n", "Definition"], rows));
  return blocks;
}

function stuckBlocks(model: ReportModel): string[] {
  const blocks = [`## Stuck in a gate (${groupDigits(model.stuck.length)})`];
  if (model.stuck.length === 0) return [...blocks, "_Nothing waits longer than its gate's threshold._"];
  const rows = model.stuck.map((s) => [link(s), owner(s.owner), esc(s.waitingFor, 40), days(s.days), days(s.thresholdDays)]);
  blocks.push(...tableBlocks(["Use case", "Owner", "Waiting for", "Waiting", "Threshold"], rows.slice(0, MAX_ATTENTION_ROWS), "More stuck use cases"));
  if (rows.length > MAX_ATTENTION_ROWS) blocks.push(omitted(rows.length, "stuck use cases", "longest wait first", MAX_ATTENTION_ROWS));
  return blocks;
}

function carryOverBlocks(model: ReportModel): string[] {
  if (model.carryOver === undefined) return [];
  const blocks = [`## Sprint carry-over (${groupDigits(model.carryOver.length)})`];
  if (model.carryOver.length === 0) return [...blocks, "_No open story moved to a later sprint or sits in an ended one._"];
  blocks.push("_Suggestions only: re-plan, split or close these stories; Converge never moves them._");
  const rows = model.carryOver.map((c) => [plainRef(c), escapeCode(c.story).replace(/\|/g, "\\|"), esc(c.squad, 40), esc(c.from, 40), c.to === null ? "_still in the ended sprint_" : esc(c.to, 40)]);
  blocks.push(...tableBlocks(["Use case", "Story", "Squad", "From sprint", "To sprint"], rows.slice(0, MAX_ATTENTION_ROWS), "More carried-over stories"));
  if (rows.length > MAX_ATTENTION_ROWS) blocks.push(omitted(rows.length, "carried-over stories", "latest sprint first", MAX_ATTENTION_ROWS));
  return blocks;
}

function calibrationBlocks(model: ReportModel): string[] {
  const c = model.calibration;
  if (c === null) return ["**Forecast calibration**: no backtest result available for this report."];
  const blocks = ["## Forecast calibration", esc(c.line, 600)];
  const scored = (c.coverage ?? []).filter((q) => q.resolved > 0);
  if (scored.length > 0) {
    const every = c.everyWeeks !== undefined && c.everyWeeks > 1 ? `, one every ${c.everyWeeks} weeks` : "";
    blocks.push(`_The forecasts of the last ${c.weeks} weeks${every}, replayed with only what was known then, against what happened: how often each date held. A well-calibrated Pq date holds q of the time._`);
    blocks.push(
      table([...CALIBRATION_COLUMNS], calibrationRows(c)),
    );
  }
  const chart = reliabilityChart(model);
  if (chart) blocks.push(`**Reliability of P(on time)**: bars, the share of forecasts in each probability band that were on time; line, their mean forecast (calibrated when they meet).\n\n${mermaid(chart)}`);
  return blocks;
}

function allUseCaseBlocks(model: ReportModel): string[] {
  const rows = model.useCases.map((u) => [
    plainRef(u),
    owner(u.owner),
    esc(u.squads.join(", "), 60),
    u.gate === null ? "—" : esc(u.gate, 30),
    u.deadline,
    `${STATUS_MARK[u.status]} ${STATUS_LABEL[u.status]}`,
    percent(u.pOnTime, 0),
    u.p85 ?? u.deployedAt ?? "—",
    u.status === "deployed" ? "0" : remainingText(u),
  ]);
  return [
    `## All use cases (${groupDigits(rows.length)})`,
    ...tableBlocks(["Use case", "Owner", "Squads", "Last gate", "Deadline", "Status", "P(on time)", "P85 / deployed", "Left"], rows.slice(0, MAX_LIST_ROWS), "Use cases", 0),
    ...(rows.length > MAX_LIST_ROWS ? [omitted(rows.length, "use cases", "most urgent first")] : []),
  ];
}

function notesBlock(model: ReportModel): string | null {
  if (model.meta.notes.length === 0) return null;
  return `**Notes**\n\n${model.meta.notes.map((n) => `- ${esc(n, 300)}`).join("\n")}`;
}

/** Pack blocks into parts of at most `limit` characters. */
function pack(blocks: string[], title: string, limit: number): string[] {
  const parts: string[][] = [[]];
  let size = 0;
  for (const block of blocks) {
    const add = block.length + 2;
    if (add > limit - PART_RESERVE) throw new Error(`report block of ${block.length} characters cannot fit in a ${limit}-character body`);
    if (size + add > limit - PART_RESERVE && parts[parts.length - 1]!.length > 0) {
      parts.push([]);
      size = 0;
    }
    parts[parts.length - 1]!.push(block);
    size += add;
  }
  const n = parts.length;
  return parts.map((blocksOfPart, i) => {
    const head = i === 0 ? title : `# ${title.replace(/^# /, "")} (part ${i + 1} of ${n})`;
    const foot = i < n - 1 ? `\n\n_Continued in part ${i + 2} of ${n}._` : "";
    return `${[head, ...blocksOfPart].join("\n\n")}${foot}\n`;
  });
}

export function renderMarkdown(model: ReportModel, options: MarkdownOptions = {}): MarkdownReport {
  const limit = options.limit ?? BODY_LIMIT;
  const m = model.meta;
  const title = `# Converge weekly report: ${esc(m.program, 100)}, ${esc(m.isoWeek, 10)}`;
  const blocks: string[] = [
    `_As of ${esc(m.now, 10)} (snapshot of ${esc(m.snapshotGeneratedAt, 25)}) · ${methodNote(m)} · amounts in ${esc(m.currency, 3)}_`,
    renderHeadline(model),
    ...atRiskBlocks(model),
    ...changesBlocks(model),
    ...chartBlocks(model),
    ...benefitBlocks(model),
    ...kpiBlocks(model),
    ...calibrationBlocks(model),
    ...stuckBlocks(model),
    ...carryOverBlocks(model),
    ...allUseCaseBlocks(model),
  ];
  const notes = notesBlock(model);
  if (notes) blocks.push(notes);
  blocks.push(...encodeSummary(model.summary));
  return { parts: pack(blocks, title, limit) };
}
