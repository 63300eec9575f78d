import { ProbotOctokit } from "probot";
import type { AppIdentity } from "./identity.js";
import type { CliEnv } from "./gates-client.js";

/**
 * Who posts when the report is posted from a terminal or a CI job (`converge report --post`). Converge finds its
 * weekly report again by the author of the issue (the app), so the CLI must know which app its credentials act as:
 * - APP_SLUG (+ APP_ID) from the environment: an installation token of that app (e.g. actions/create-github-app-token);
 * - APP_ID + PRIVATE_KEY: `GET /app` with the app's JWT;
 * - GITHUB_TOKEN inside GitHub Actions: the token acts as github-actions[bot].
 * A personal token posts as a person, whose issues Converge never trusts as its own: refused with what to use instead.
 */
export class UnknownPosterError extends Error {
  constructor() {
    super(
      "--post needs to know which app posts the report (Converge finds last week's report by its author): use the app's credentials (APP_ID + PRIVATE_KEY), " +
        "or set APP_SLUG (and APP_ID) to the app whose installation token GITHUB_TOKEN is; a personal token is not supported for --post",
    );
    this.name = "UnknownPosterError";
  }
}

export interface CliIdentityEnv extends CliEnv {
  APP_SLUG?: string;
  GITHUB_ACTIONS?: string;
}

export async function resolveCliIdentity(env: CliIdentityEnv): Promise<AppIdentity> {
  const appId = env.APP_ID ? Number(env.APP_ID) : undefined;
  if (env.APP_SLUG) return { appId, slug: env.APP_SLUG };
  const token = env.GITHUB_TOKEN || env.GH_TOKEN;
  if (!token && appId !== undefined && env.PRIVATE_KEY) {
    const baseUrl = env.GITHUB_API_URL?.replace(/\/+$/, "") || undefined;
    const privateKey = env.PRIVATE_KEY.includes("\\n") ? env.PRIVATE_KEY.replace(/\\n/g, "\n") : env.PRIVATE_KEY;
    const app = new ProbotOctokit({ ...(baseUrl ? { baseUrl } : {}), auth: { appId, privateKey }, throttle: { enabled: false }, retry: { enabled: false } });
    const { data } = await app.request("GET /app");
    return { appId: data?.id ?? appId, slug: data?.slug ?? undefined };
  }
  // GitHub Actions' GITHUB_TOKEN writes as github-actions[bot]; its app id is matched through the bot login.
  if (token && env.GITHUB_ACTIONS === "true") return { appId: undefined, slug: "github-actions" };
  throw new UnknownPosterError();
}
