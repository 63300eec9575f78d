import type { Context } from "probot";
import { validateConfig, type ConfigResult } from "./validate.js";

/** `.github/converge.yml`; Probot's context.config adds the `.github/` prefix and follows `_extends`. */
export const CONFIG_FILE = "converge.yml";
export const CONFIG_PATH = `.github/${CONFIG_FILE}`;

export type LoadedConfig = ConfigResult & { source: "file" | "defaults" };

/**
 * Load and validate the repository's config from its default branch, with org-wide defaults through `_extends`
 * (e.g. `_extends: .github` reads the org's `.github` repo). Lists in a repo file replace the inherited list instead of
 * being concatenated, so a repo can redefine a pipeline without duplicating gates (ADR 0004).
 * Never throws: a YAML error or a failed read becomes a problem to report.
 */
export async function loadConfig(context: Pick<Context, "config">): Promise<LoadedConfig> {
  let raw: unknown;
  try {
    raw = await context.config<Record<string, unknown>>(CONFIG_FILE, undefined, {
      arrayMerge: (_target: unknown[], source: unknown[]) => source,
    });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { ok: false, problems: [`${CONFIG_PATH} could not be read: ${message}`], source: "file" };
  }
  if (raw === null || raw === undefined) return { ...validateConfig({}), source: "defaults" };
  return { ...validateConfig(raw), source: "file" };
}
