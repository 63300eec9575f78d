import type { Probot } from "probot";
import type { AppDeps } from "./deps.js";
import { isOwnSender } from "../github/identity.js";
import { listInstallationRepos, readOrgStandard, syncOrgTemplates } from "../github/template-sync.js";
import { formPath } from "../domain/templates/drift.js";
import { bundledFormTexts } from "../templates.js";

/**
 * Template drift (issue 15): a push to the default branch of the org's `.github` repository that touches one of
 * Converge's issue forms re-checks every repository the installation can see, and opens or updates one pull request
 * per repository whose copy differs (src/github/template-sync.ts). Any other push costs no request.
 * With hundreds of repositories this outlasts GitHub's 10 s: Probot answers the delivery (202) and the work goes on;
 * a lost run is repaired by the next push or by `converge templates sync`.
 */
export function registerTemplateSync(app: Probot, deps: AppDeps): void {
  app.on("push", async (context) => {
    const { payload } = context;
    if (payload.repository.name.toLowerCase() !== ".github" || payload.deleted) return;
    if (payload.ref !== `refs/heads/${payload.repository.default_branch}`) return;
    const bundled = bundledFormTexts();
    const forms = new Set(Object.keys(bundled).map(formPath));
    const touched = payload.commits.some((c) => [...(c.added ?? []), ...(c.modified ?? []), ...(c.removed ?? [])].some((p) => forms.has(p)));
    if (!touched || isOwnSender(payload.sender, await deps.identity())) return;
    const org = payload.repository.owner?.login;
    if (!org) return;
    const standard = await readOrgStandard(context.octokit, org, bundled);
    const repos = await listInstallationRepos(context.octokit, org);
    const outcomes = await syncOrgTemplates(context.octokit, org, {
      repos,
      standard,
      dryRun: false,
      onRepo: (outcome) => {
        if (outcome.kind === "failed") context.log.warn({ repo: outcome.repo, reason: outcome.message }, "template sync failed for a repository");
        else if (outcome.kind === "opened" || outcome.kind === "updated") context.log.info({ repo: outcome.repo, pull: outcome.pullRequest, forms: outcome.forms }, `template drift: pull request ${outcome.kind}`);
      },
    });
    const count = (kind: string) => outcomes.filter((o) => o.kind === kind).length;
    context.log.info(
      { repos: outcomes.length, opened: count("opened"), updated: count("updated"), failed: count("failed"), inStep: count("in-step"), optedOut: count("opted-out"), declined: count("declined") },
      "template sync done",
    );
  });
}
