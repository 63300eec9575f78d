/**
 * The report's summary: the few figures next week's report needs to say what changed (new use cases, slipped P85
 * dates, gates passed, deployments, KPI trends, the % at-risk trend line). It travels hidden inside the Markdown
 * report as one or more HTML comments:
 *
 *     <!-- converge:summary 1/1 {"v":1,...} -->
 *
 * The JSON is escaped so that data can never end the comment: `<`, `>` and `&` only occur inside JSON strings and are
 * written as \u003c, \u003e, \u0026, so neither `-->` nor `--!>` can appear. A long summary is cut into numbered
 * chunks (one per line) that may sit in different parts of a multi-part report; `extractSummary` joins them.
 * A summary longer than one chunk (large portfolios) is deflated and base64-encoded first (payload prefix `z:`), which
 * shrinks it about tenfold; base64 has no `<`, `>` or `-` either. Small summaries stay readable JSON.
 * Markers are only recognised at the start of a line: user text in the report never starts a line.
 * Callers must only feed text authored by Converge itself (a marker in anyone else's comment is not trusted).
 */
import { deflateRawSync, inflateRawSync } from "node:zlib";
import { z } from "zod";

export const SUMMARY_VERSION = 1 as const;

export const STATUS_CODES = {
  on_track: "o",
  at_risk: "a",
  off_track: "x",
  overdue: "l",
  deployed: "d",
  no_forecast: "n",
} as const;
export type StatusCode = (typeof STATUS_CODES)[keyof typeof STATUS_CODES];
const statusCode = z.enum(["o", "a", "x", "l", "d", "n"]);

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const week = z.string().regex(/^\d{4}-W\d{2}$/);

/**
 * One use case: [id, index of last gate passed in `gates` (-1: none), status, P85 date, remaining stories,
 * stories/week of its squads, P(on time), scope (stories known), estimated (1) or counted (0), bit mask of the gates
 * not passed yet (bit i = gates[i]), indices of its squads in `squads`]. Tuples keep a 2,000-use-case summary small.
 */
export const summaryUseCaseSchema = z.tuple([
  z.string().min(1),
  z.number().int().min(-1),
  statusCode,
  day.nullable(),
  z.number().min(0),
  z.number().min(0).nullable(),
  z.number().min(0).max(1).nullable(),
  z.number().int().min(0),
  z.union([z.literal(0), z.literal(1)]),
  z.number().int().min(0),
  z.array(z.number().int().min(0)),
]);

export const reportSummarySchema = z
  .object({
    v: z.literal(SUMMARY_VERSION),
    week,
    now: day,
    gates: z.array(z.string()).max(52),
    /** [squad id, mean stories closed per week]. */
    squads: z.array(z.tuple([z.string(), z.number().min(0)])),
    uc: z.array(summaryUseCaseSchema),
    kpi: z.record(z.string(), z.number().nullable()),
    atRiskShare: z.number().min(0).max(1).nullable(),
    /** [week, share of in-flight use cases at risk], oldest first, this report's week last. */
    trend: z.array(z.tuple([week, z.number().min(0).max(1)])),
  })
  .strict();

export type ReportSummary = z.infer<typeof reportSummarySchema>;
export type SummaryUseCase = z.infer<typeof summaryUseCaseSchema>;

const STATUS_NAMES = Object.fromEntries(Object.entries(STATUS_CODES).map(([name, code]) => [code, name])) as Record<StatusCode, keyof typeof STATUS_CODES>;

/** Bit mask of `names` within `gates` (bit i set when gates[i] is listed). */
export function gateMask(gates: readonly string[], names: readonly string[]): number {
  return gates.reduce((mask, g, i) => (names.includes(g) ? mask + 2 ** i : mask), 0);
}

export function gatesOfMask(gates: readonly string[], mask: number): string[] {
  return gates.filter((_, i) => Math.floor(mask / 2 ** i) % 2 === 1);
}

/**
 * Last week's figures in the forecast module's `ForecastSummary` shape, so `forecastPortfolio` can explain why a
 * forecast moved (scope, throughput, gates). Only in-flight use cases are included.
 */
export function toForecastSummary(summary: ReportSummary) {
  const squadIds = summary.squads.map(([id]) => id);
  const useCases: Record<string, { pOnTime: number; p85Date: string | null; status: string; scopeStories: number; remainingStories: number; estimated: boolean; gatesRemaining: string[]; squads: string[] }> = {};
  for (const [id, , status, p85, remaining, , pOnTime, scope, estimated, mask, squads] of summary.uc) {
    if (status === STATUS_CODES.deployed || pOnTime === null) continue;
    useCases[id] = {
      pOnTime,
      p85Date: p85,
      status: STATUS_NAMES[status],
      scopeStories: scope,
      remainingStories: remaining,
      estimated: estimated === 1,
      gatesRemaining: gatesOfMask(summary.gates, mask),
      squads: squads.map((i) => squadIds[i]).filter((x): x is string => x !== undefined),
    };
  }
  return {
    version: 1 as const,
    asOf: `${summary.now}T00:00:00.000Z`,
    squads: Object.fromEntries(summary.squads.map(([id, meanThroughput]) => [id, { meanThroughput }])),
    useCases,
  };
}

/** How many weeks of the at-risk trend the summary carries forward. */
export const TREND_WEEKS = 26;

const MARKER = "converge:summary";
/** Characters of payload per chunk: fits comfortably in one 60,000-character body next to other content. */
export const SUMMARY_CHUNK_CHARS = 40_000;

/** JSON with `<`, `>`, `&` (and line separators) escaped: safe inside an HTML comment and a `<script>` block. */
export function safeJson(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** The hidden block(s) carrying the summary, one line each. */
export function encodeSummary(summary: ReportSummary, chunkChars = SUMMARY_CHUNK_CHARS): string[] {
  const json = safeJson(summary);
  const payload = json.length <= chunkChars ? json : `z:${deflateRawSync(json, { level: 9 }).toString("base64")}`;
  const chunks: string[] = [];
  for (let i = 0; i < payload.length; i += chunkChars) chunks.push(payload.slice(i, i + chunkChars));
  return chunks.map((chunk, i) => `<!-- ${MARKER} ${i + 1}/${chunks.length} ${chunk} -->`);
}

export type SummaryResult = { ok: true; summary: ReportSummary } | { ok: false; problem: string };

/**
 * Read the summary back from a report (one body, or all parts of a multi-part report in any order).
 * Returns `{ ok: false }` with the reason when there is none or it is damaged; never throws.
 */
export function extractSummary(markdown: string | readonly string[]): SummaryResult {
  const text = typeof markdown === "string" ? markdown : markdown.join("\n");
  const pattern = new RegExp(`^<!-- ${MARKER} (\\d+)/(\\d+) (.*) -->$`, "gm");
  const chunks = new Map<number, string>();
  let total: number | null = null;
  for (const match of text.matchAll(pattern)) {
    const index = Number(match[1]);
    const count = Number(match[2]);
    if (total !== null && count !== total) return { ok: false, problem: "summary chunks from different reports" };
    total = count;
    chunks.set(index, match[3] ?? "");
  }
  if (total === null) return { ok: false, problem: "no converge:summary block found" };
  const parts: string[] = [];
  for (let i = 1; i <= total; i++) {
    const chunk = chunks.get(i);
    if (chunk === undefined) return { ok: false, problem: `summary chunk ${i} of ${total} is missing` };
    parts.push(chunk);
  }
  const payload = parts.join("");
  if (!payload.startsWith("z:")) return parseSummary(payload);
  let json: string;
  try {
    json = inflateRawSync(Buffer.from(payload.slice(2), "base64"), { maxOutputLength: MAX_SUMMARY_BYTES }).toString("utf8");
  } catch (error) {
    return { ok: false, problem: `compressed summary is damaged: ${(error as Error).message}` };
  }
  return parseSummary(json);
}

/** Largest decompressed summary accepted (a 100,000-use-case summary is about 8 MB). */
const MAX_SUMMARY_BYTES = 64 * 1024 * 1024;

/** Validate a summary given as JSON text or as an already parsed value (e.g. a snapshot's `previousReport`). */
export function parseSummary(input: unknown): SummaryResult {
  let value = input;
  if (typeof input === "string") {
    try {
      value = JSON.parse(input);
    } catch (error) {
      return { ok: false, problem: `summary is not valid JSON: ${(error as Error).message}` };
    }
  }
  const result = reportSummarySchema.safeParse(value);
  if (!result.success) {
    const first = result.error.issues[0];
    return { ok: false, problem: `summary does not match version ${SUMMARY_VERSION}: ${first?.path.join(".") ?? ""} ${first?.message ?? ""}`.trim() };
  }
  return { ok: true, summary: result.data };
}
