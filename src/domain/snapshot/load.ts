import type { z } from "zod";
import { quickValidate } from "./quick-validate.js";
import { portfolioSnapshotSchema, SNAPSHOT_SCHEMA_VERSION, type PortfolioSnapshot } from "./schema.js";

export type SnapshotResult = { ok: true; snapshot: PortfolioSnapshot } | { ok: false; problems: string[] };

/** Most problems a caller will see at once; a wholly wrong document would otherwise list thousands. */
export const MAX_PROBLEMS = 50;

/**
 * Validate an already JSON-parsed snapshot. Never throws: every problem names the JSON path of the bad field,
 * e.g. `useCases[3].deadline: expected a date like 2027-03-31`.
 */
export function parseSnapshot(json: unknown): SnapshotResult {
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    return { ok: false, problems: [`(top level): expected a JSON object, got ${describeValue(json)}`] };
  }
  const version = (json as Record<string, unknown>).schemaVersion;
  if (version !== undefined && version !== SNAPSHOT_SCHEMA_VERSION) {
    return {
      ok: false,
      problems: [`schemaVersion: this Converge reads snapshot version ${SNAPSHOT_SCHEMA_VERSION}, got ${describeValue(version)}`],
    };
  }
  // Fast path: a document that is valid as it stands is returned as is (no copy). Anything else goes through zod,
  // which is the authority and names each problem. A throw (a getter, a proxy: never JSON.parse output) also goes to
  // zod, whose guard below turns it into a problem; the quick check's visiting order is then not observable.
  let quick: boolean;
  try {
    quick = quickValidate(json);
  } catch {
    quick = false;
  }
  if (quick) return { ok: true, snapshot: json as PortfolioSnapshot };
  let result: ReturnType<typeof portfolioSnapshotSchema.safeParse>;
  try {
    result = portfolioSnapshotSchema.safeParse(json);
  } catch (error) {
    // safeParse does not throw on bad data; this guards against pathological inputs (e.g. getters that throw).
    return { ok: false, problems: [`(top level): cannot read snapshot: ${(error as Error).message}`] };
  }
  if (result.success) return { ok: true, snapshot: result.data };
  const problems = result.error.issues.map(describeIssue);
  if (problems.length > MAX_PROBLEMS) {
    const more = problems.length - MAX_PROBLEMS;
    return { ok: false, problems: [...problems.slice(0, MAX_PROBLEMS), `… and ${more} more problem${more === 1 ? "" : "s"}`] };
  }
  return { ok: false, problems };
}

/** Parse snapshot text (a file's content): JSON syntax errors become a problem, not an exception. */
export function parseSnapshotText(text: string): SnapshotResult {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { ok: false, problems: [`(top level): not valid JSON: ${(error as Error).message}`] };
  }
  return parseSnapshot(json);
}

/** `["useCases", 3, "deadline"]` → `useCases[3].deadline`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else {
      const name = String(key);
      out += /^[A-Za-z_$][\w$]*$/.test(name) ? `${out === "" ? "" : "."}${name}` : `[${JSON.stringify(name)}]`;
    }
  }
  return out === "" ? "(top level)" : out;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const path = formatPath(issue.path);
  if (issue.code === "unrecognized_keys") {
    return `${path}: unknown key${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => `"${k}"`).join(", ")}`;
  }
  if (issue.code === "invalid_type" && /received undefined/.test(issue.message)) return `${path}: required`;
  return `${path}: ${issue.message}`;
}

function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "string") return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  return typeof value === "object" ? "an object" : String(value);
}
