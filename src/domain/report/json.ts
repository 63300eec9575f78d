/** `--format json`: the computed figures (the ReportModel) with object keys sorted, so equal models print equally. */
import type { ReportModel } from "./model.js";

/**
 * Each object is serialized with its keys sorted, one object at a time: the whole-model sorted copy this used to make
 * first doubled the model in memory while a large report was written.
 */
function sortedKeys(this: unknown, _key: string, value: unknown): unknown {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) out[key] = (value as Record<string, unknown>)[key];
  return out;
}

export function renderJson(model: ReportModel): string {
  return `${JSON.stringify(model, sortedKeys, 2)}\n`;
}
