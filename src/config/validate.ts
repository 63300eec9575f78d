import type { z } from "zod";
import { configSchema, type ConvergeConfig } from "./schema.js";

export type ConfigResult = { ok: true; config: ConvergeConfig } | { ok: false; problems: string[] };

/** Validate raw (already `_extends`-merged) config; problems name the path of each bad key. */
export function validateConfig(raw: unknown): ConfigResult {
  const result = configSchema.safeParse(raw);
  if (result.success) return { ok: true, config: result.data };
  return { ok: false, problems: result.error.issues.map(describeIssue) };
}

/**
 * `gates.pipeline.0.label`; a key that is not a plain word is quoted (`report.rates[""]`, `report.rates["US D"]`),
 * so an empty or odd key stays visible in the message instead of reading as a stray dot.
 */
function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return "(top level)";
  return path
    .map((key, i) => {
      const name = String(key);
      if (typeof key === "number" || /^[A-Za-z0-9_$-]+$/.test(name)) return i === 0 ? name : `.${name}`;
      return `[${JSON.stringify(name)}]`;
    })
    .join("");
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const path = formatPath(issue.path);
  if (issue.code === "unrecognized_keys") {
    return `${path}: unknown key${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => `"${k}"`).join(", ")}`;
  }
  // zod says only "Invalid key in record"; the key's own problem (e.g. "expected a currency code") is the useful part.
  if (issue.code === "invalid_key") {
    const why = issue.issues.map((inner) => inner.message).join("; ");
    return `${path}: invalid key${why ? `: ${why}` : ""}`;
  }
  return `${path}: ${issue.message}`;
}
