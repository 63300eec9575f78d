import type { Octokit } from "./octokit.js";
import { CONFIG_PATH, type LoadedConfig } from "../config/load.js";
import { validateConfig } from "../config/validate.js";

/**
 * The organisation-wide config for jobs that have no repository of their own (the weekly report, the sweep): the
 * org's `.github` repository's `.github/converge.yml`, with `_extends` followed, exactly the file repositories
 * inherit from. Lists replace inherited lists (ADR 0004), as in src/config/load.ts.
 */
export async function loadOrgConfig(octokit: Octokit, org: string): Promise<LoadedConfig> {
  try {
    const { config, files } = await octokit.config.get<Record<string, unknown>>({
      owner: org,
      repo: ".github",
      path: CONFIG_PATH,
      defaults: (configs) => configs.reduce<Record<string, unknown>>((merged, next) => mergeReplacingArrays(merged, next), {}),
    });
    if (!files.some((f) => f.config !== null)) return { ...validateConfig({}), source: "defaults" };
    const { _extends: _ignored, ...rest } = config;
    return { ...validateConfig(rest), source: "file" };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { ok: false, problems: [`${org}/.github ${CONFIG_PATH} could not be read: ${message}`], source: "file" };
  }
}

function mergeReplacingArrays(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const prior = out[key];
    out[key] = isPlainObject(prior) && isPlainObject(value) ? mergeReplacingArrays(prior, value) : value;
  }
  return out;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
