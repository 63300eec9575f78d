import { readFile } from "node:fs/promises";
import { createProbot } from "probot";
import { createApp } from "./index.js";
import { main as cli } from "./cli/main.js";

/**
 * Converge in GitHub Actions, for organisations that host no server (issue 12). The official
 * `@probot/adapter-github-actions` is stuck on Probot 13, so this is its job against Probot 14:
 * - a `schedule:` or `workflow_dispatch` run posts the weekly report (`converge report --org <owner> --post`);
 * - any other event is handed to the app as the webhook it mirrors, authenticated with the workflow's GITHUB_TOKEN
 *   (Converge then writes as github-actions[bot]; set APP_SLUG when the token is the app's own installation token).
 * The payload is the workflow's event file (GITHUB_EVENT_PATH), the delivery id the run id.
 */

export interface ActionsEnv {
  GITHUB_EVENT_NAME?: string;
  GITHUB_EVENT_PATH?: string;
  GITHUB_RUN_ID?: string;
  GITHUB_TOKEN?: string;
  GITHUB_REPOSITORY_OWNER?: string;
  GITHUB_API_URL?: string;
  APP_SLUG?: string;
  APP_ID?: string;
  [key: string]: string | undefined;
}

const REPORT_EVENTS = new Set(["schedule", "workflow_dispatch"]);

export async function runInActions(env: ActionsEnv = process.env): Promise<number> {
  const name = env.GITHUB_EVENT_NAME;
  const path = env.GITHUB_EVENT_PATH;
  if (!name || !path) {
    process.stderr.write("converge: not running in GitHub Actions (GITHUB_EVENT_NAME and GITHUB_EVENT_PATH are not set)\n");
    return 2;
  }
  if (!env.GITHUB_TOKEN) {
    process.stderr.write("converge: GITHUB_TOKEN is not set: pass `env: GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }}` (or an app installation token) to the step\n");
    return 2;
  }
  if (REPORT_EVENTS.has(name)) {
    const org = env.GITHUB_REPOSITORY_OWNER;
    if (!org) {
      process.stderr.write("converge: GITHUB_REPOSITORY_OWNER is not set\n");
      return 2;
    }
    return cli(["report", "--org", org, "--post"]);
  }
  let payload: unknown;
  try {
    payload = JSON.parse(await readFile(path, "utf8"));
  } catch (error) {
    process.stderr.write(`converge: cannot read the event file ${path}: ${(error as Error).message}\n`);
    return 2;
  }
  const baseUrl = env.GITHUB_API_URL?.replace(/\/+$/, "");
  const probot = createProbot({ env: env as NodeJS.ProcessEnv, overrides: { githubToken: env.GITHUB_TOKEN, ...(baseUrl ? { baseUrl } : {}) } });
  // With a token GET /app is not available: who Converge is comes from APP_SLUG/APP_ID, else the Actions bot.
  const identity = { appId: env.APP_ID ? Number(env.APP_ID) : undefined, slug: env.APP_SLUG || "github-actions" };
  await probot.load(createApp({ identity: async () => identity }));
  try {
    await probot.receive({ id: env.GITHUB_RUN_ID ?? "actions", name, payload } as never);
  } catch (error) {
    process.stderr.write(`converge: handling the ${name} event failed: ${(error as Error).message}\n`);
    return 1;
  }
  return 0;
}

// Run when executed directly (`node --import tsx/esm src/actions.ts`, or lib/actions.js after a build).
if (import.meta.url === `file://${process.argv[1]}`) {
  process.exitCode = await runInActions();
}
