import type { Probot } from "probot";
import type { Octokit } from "./octokit.js";

export interface InstallationRef {
  id: number;
  org: string;
}

/** Every active installation of the app (app JWT: `GET /app/installations`), with the account it belongs to. */
export async function listInstallations(app: Probot): Promise<InstallationRef[]> {
  const octokit = (await app.auth()) as Octokit;
  const installations = await octokit.paginate("GET /app/installations", { per_page: 100 });
  return installations.filter((i) => i.account && "login" in i.account && !i.suspended_at).map((i) => ({ id: i.id, org: (i.account as { login: string }).login }));
}
