import { parse as parseYaml } from "yaml";
import { CONFIG_PATH } from "../config/load.js";
import { defaultConfig, type ConvergeConfig } from "../config/schema.js";
import { validateConfig } from "../config/validate.js";
import { auditSince, buildAuditTrail, type AuditEntry } from "../domain/gates/audit.js";
import type { Octokit, RepoRef } from "./octokit.js";
import { fetchTimeline } from "./timeline.js";

/**
 * The audit export's GitHub side: every use case of a repository (open and closed, all pages), each one's full
 * timeline (all pages), turned into gate decisions by the pure audit trail builder.
 */

export type RepoConfig = { ok: true; config: ConvergeConfig; source: "file" | "defaults" } | { ok: false; problems: string[] };

/** The repository's `.github/converge.yml` from its default branch (no `_extends`: pass --config for inherited settings). */
export async function readRepoConfig(octokit: Octokit, repo: RepoRef): Promise<RepoConfig> {
  let text: string;
  try {
    const { data } = await octokit.request("GET /repos/{owner}/{repo}/contents/{path}", { ...repo, path: CONFIG_PATH, mediaType: { format: "raw" } });
    text = String(data);
  } catch (error) {
    if ((error as { status?: number }).status === 404) return { ok: true, config: defaultConfig(), source: "defaults" };
    throw error;
  }
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (error) {
    return { ok: false, problems: [`${CONFIG_PATH} is not valid YAML: ${(error as Error).message}`] };
  }
  const result = validateConfig(raw ?? {});
  return result.ok ? { ok: true, config: result.config, source: "file" } : result;
}

export async function collectAudit(
  octokit: Octokit,
  repo: RepoRef,
  options: { config: ConvergeConfig; appLogin: string; since?: string },
): Promise<AuditEntry[]> {
  const issues = await octokit.paginate("GET /repos/{owner}/{repo}/issues", {
    ...repo,
    labels: options.config.intake.labels.useCase,
    state: "all",
    per_page: 100,
    // Any label change updates updated_at, so issues untouched since --since cannot hold newer decisions.
    ...(options.since ? { since: new Date(options.since).toISOString() } : {}),
  });
  const entries: AuditEntry[] = [];
  for (const issue of issues) {
    if (issue.pull_request) continue;
    const timeline = await fetchTimeline(octokit, { ...repo, issue_number: issue.number });
    const trail = buildAuditTrail({ useCase: issue.number, events: timeline.events, config: options.config.gates, appLogin: options.appLogin });
    entries.push(...auditSince(trail, options.since));
  }
  return entries.sort((a, b) => a.at.localeCompare(b.at) || a.useCase - b.useCase);
}
