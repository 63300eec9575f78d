/** `--format json`: the computed figures (the ReportModel) with object keys sorted, so equal models print equally. */
import type { ReportModel } from "./model.js";

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) out[key] = sortKeys((value as Record<string, unknown>)[key]);
    return out;
  }
  return value;
}

export function renderJson(model: ReportModel): string {
  return `${JSON.stringify(sortKeys(model), null, 2)}\n`;
}
