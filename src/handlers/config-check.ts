import type { Probot } from "probot";
import { parse as parseYaml } from "yaml";
import type { AppDeps } from "./deps.js";
import { isOwnSender } from "../github/identity.js";
import { CONFIG_PATH } from "../config/load.js";
import { validateConfig } from "../config/validate.js";

export const CONFIG_CHECK_NAME = "Converge config";

/**
 * When a push changes .github/converge.yml (on any branch, so a pull request shows it too), validate the file at that
 * commit and report a check run on it: the config's author sees the problems where they work, and the app keeps
 * running on the last valid config of the default branch meanwhile.
 */
export function registerConfigCheck(app: Probot, deps: AppDeps): void {
  app.on("push", async (context) => {
    const { payload } = context;
    if (payload.deleted || isOwnSender(payload.sender, await deps.identity())) return;
    const touched = payload.commits.some((c) => [...(c.added ?? []), ...(c.modified ?? [])].includes(CONFIG_PATH));
    if (!touched) return;
    const repo = context.repo();
    let text: string;
    try {
      const { data } = await context.octokit.request("GET /repos/{owner}/{repo}/contents/{path}", {
        ...repo,
        path: CONFIG_PATH,
        ref: payload.after,
        mediaType: { format: "raw" },
      });
      text = String(data);
    } catch (error) {
      context.log.warn({ err: error }, "could not read the pushed config");
      return;
    }
    const problems = checkConfigText(text);
    await context.octokit.request("POST /repos/{owner}/{repo}/check-runs", {
      ...repo,
      name: CONFIG_CHECK_NAME,
      head_sha: payload.after,
      status: "completed",
      conclusion: problems.length === 0 ? "success" : "failure",
      completed_at: deps.now().toISOString(),
      output:
        problems.length === 0
          ? { title: "Config is valid", summary: `${CONFIG_PATH} matches Converge's config schema.` }
          : {
              title: `${problems.length} problem${problems.length === 1 ? "" : "s"} in ${CONFIG_PATH}`,
              summary: `While the default branch has an invalid config, Converge pauses intake in this repository and says so on each use case it skips.\n\n${problems.map((p) => `- ${p}`).join("\n")}`,
            },
    });
  });
}

/** Problems in a config file's text (YAML syntax, then schema); empty when valid. */
export function checkConfigText(text: string): string[] {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (error) {
    return [`not valid YAML: ${(error as Error).message.split("\n")[0]}`];
  }
  const result = validateConfig(raw ?? {});
  return result.ok ? [] : result.problems;
}
