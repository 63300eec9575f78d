import type { ConvergeConfig } from "../config/schema.js";
import type { Octokit } from "../github/octokit.js";
import { loadOrgConfig } from "../github/org-config.js";
import { readConfigFile } from "./config-file.js";
import { CliError } from "./errors.js";

/** The `--org` option and the org-wide config, shared by every command that works on a whole organization. */

const USAGE = 2;
/** A GitHub login: letters, digits and single hyphens, not at either end, at most 39 characters. */
const ORG_LOGIN = /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/;

export function isOrgLogin(text: string): boolean {
  return ORG_LOGIN.test(text);
}

export function parseOrg(text: string | undefined): string {
  if (!text) throw new CliError("missing --org <org>", USAGE);
  if (!isOrgLogin(text)) throw new CliError(`--org must be an organisation login, got "${text}"`, USAGE);
  return text;
}

/** --config wins; otherwise the org-wide config every repository inherits (<org>/.github/.github/converge.yml). */
export async function readOrgConfig(octokit: Octokit, org: string, file: string | undefined): Promise<ConvergeConfig> {
  if (file !== undefined) return readConfigFile(file);
  const loaded = await loadOrgConfig(octokit, org);
  if (!loaded.ok) throw new CliError(`${org}'s configuration is not usable:\n${loaded.problems.map((p) => `  - ${p}`).join("\n")}`, 1);
  return loaded.config;
}
