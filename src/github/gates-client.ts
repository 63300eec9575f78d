import { ProbotOctokit } from "probot";
import type { Octokit, RepoRef } from "./octokit.js";

/**
 * An Octokit for command-line use (the audit export): a token (`GITHUB_TOKEN`, e.g. in GitHub Actions or a personal
 * token), or the app's own credentials (`APP_ID` + `PRIVATE_KEY`, installation from `INSTALLATION_ID` or looked up for
 * the repository). `GITHUB_API_URL` points at GitHub Enterprise Server.
 */
export class MissingCredentialsError extends Error {
  constructor() {
    super(
      "no GitHub credentials: set GITHUB_TOKEN (a token that can read the repository's issues), or APP_ID and PRIVATE_KEY (Converge's app credentials; INSTALLATION_ID optional)",
    );
    this.name = "MissingCredentialsError";
  }
}

export interface CliEnv {
  GITHUB_TOKEN?: string;
  GH_TOKEN?: string;
  APP_ID?: string;
  PRIVATE_KEY?: string;
  INSTALLATION_ID?: string;
  GITHUB_API_URL?: string;
}

/** Where to look up the app's installation: a repository, or a whole organization (`{ org }`). */
export type InstallationTarget = RepoRef | { org: string };

export async function createCliOctokit(env: CliEnv, target: InstallationTarget): Promise<Octokit> {
  const baseUrl = env.GITHUB_API_URL?.replace(/\/+$/, "") || undefined;
  const common = { ...(baseUrl ? { baseUrl } : {}), throttle: { enabled: false }, retry: { enabled: false } };
  const token = env.GITHUB_TOKEN || env.GH_TOKEN;
  if (token) return new ProbotOctokit({ ...common, auth: { token } }) as Octokit;
  if (!env.APP_ID || !env.PRIVATE_KEY) throw new MissingCredentialsError();
  // PRIVATE_KEY may come from an env file with literal "\n" sequences.
  const privateKey = env.PRIVATE_KEY.includes("\\n") ? env.PRIVATE_KEY.replace(/\\n/g, "\n") : env.PRIVATE_KEY;
  const appId = Number(env.APP_ID);
  let installationId = env.INSTALLATION_ID ? Number(env.INSTALLATION_ID) : undefined;
  if (installationId === undefined) {
    const app = new ProbotOctokit({ ...common, auth: { appId, privateKey } }) as Octokit;
    const { data } =
      "org" in target
        ? await app.request("GET /orgs/{org}/installation", { org: target.org })
        : await app.request("GET /repos/{owner}/{repo}/installation", { owner: target.owner, repo: target.repo });
    installationId = data.id;
  }
  return new ProbotOctokit({ ...common, auth: { appId, privateKey, installationId } }) as Octokit;
}
