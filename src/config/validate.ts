import type { z } from "zod";
import { configSchema, type ConvergeConfig } from "./schema.js";

export type ConfigResult = { ok: true; config: ConvergeConfig } | { ok: false; problems: string[] };

/** Validate raw (already `_extends`-merged) config; problems name the path of each bad key. */
export function validateConfig(raw: unknown): ConfigResult {
  const result = configSchema.safeParse(raw);
  if (result.success) return { ok: true, config: result.data };
  return { ok: false, problems: result.error.issues.map(describeIssue) };
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const path = issue.path.length > 0 ? issue.path.map(String).join(".") : "(top level)";
  if (issue.code === "unrecognized_keys") {
    return `${path}: unknown key${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => `"${k}"`).join(", ")}`;
  }
  return `${path}: ${issue.message}`;
}
