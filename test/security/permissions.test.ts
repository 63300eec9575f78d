/**
 * Least privilege, checked both ways: the permissions in app.yml are exactly those the code needs. The REST routes
 * and GraphQL operations are read from the source (every `request("VERB /route")`, `paginate("VERB /route")` and
 * `query|mutation Name` in the GitHub layer, handlers and CLI), each is mapped to the permission GitHub requires for
 * it, and the result must equal app.yml's `default_permissions`: nothing missing (a call would fail with 403 in
 * production) and nothing unused (a permission an attacker who stole a token would get for free).
 * Permissions per route: https://docs.github.com/en/rest/authentication/permissions-required-for-github-apps
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

const ROOT = new URL("../../", import.meta.url).pathname;
type Level = "read" | "write";

/** Permission GitHub requires per route, for an installation token. `null`: the app's own JWT, no permission. */
const ROUTE_PERMISSIONS: Record<string, [string, Level] | null> = {
  "GET /app": null,
  "GET /app/installations": null,
  "GET /installation/repositories": ["metadata", "read"],
  "GET /repos/{owner}/{repo}/installation": null,
  "GET /repos/{owner}/{repo}/contents/{path}": ["contents", "read"],
  "GET /repos/{owner}/{repo}/issues": ["issues", "read"],
  "GET /repos/{owner}/{repo}/issues/{issue_number}": ["issues", "read"],
  "GET /repos/{owner}/{repo}/issues/{issue_number}/comments": ["issues", "read"],
  "GET /repos/{owner}/{repo}/issues/{issue_number}/timeline": ["issues", "read"],
  "PATCH /repos/{owner}/{repo}/issues/{issue_number}": ["issues", "write"],
  "POST /repos/{owner}/{repo}/issues/{issue_number}/comments": ["issues", "write"],
  "PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}": ["issues", "write"],
  "POST /repos/{owner}/{repo}/issues/comments/{comment_id}/reactions": ["issues", "write"],
  "POST /repos/{owner}/{repo}/issues/{issue_number}/labels": ["issues", "write"],
  "DELETE /repos/{owner}/{repo}/issues/{issue_number}/labels/{name}": ["issues", "write"],
  "GET /repos/{owner}/{repo}/pulls/{pull_number}": ["pull_requests", "read"],
  "GET /repos/{owner}/{repo}/commits/{ref}/check-runs": ["checks", "read"],
  "POST /repos/{owner}/{repo}/check-runs": ["checks", "write"],
  "PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}": ["checks", "write"],
  "GET /repos/{owner}/{repo}/deployments": ["deployments", "read"],
  "GET /repos/{owner}/{repo}/deployments/{deployment_id}/statuses": ["deployments", "read"],
  "GET /orgs/{org}/teams/{team_slug}/memberships/{username}": ["members", "read"],
  "GET /repos/{owner}/{repo}": ["metadata", "read"],
  "GET /orgs/{org}/repos": ["metadata", "read"],
  // converge init: the app's own JWT finds its installation; with a person's token (CLI) it lists the org's
  // installations, which the installation token never does.
  "GET /orgs/{org}/installation": null,
  "GET /orgs/{org}/installations": null,
  "GET /repos/{owner}/{repo}/git/ref/{ref}": ["contents", "read"],
  "GET /repos/{owner}/{repo}/git/commits/{commit_sha}": ["contents", "read"],
  "POST /repos/{owner}/{repo}/git/trees": ["contents", "write"],
  "POST /repos/{owner}/{repo}/git/commits": ["contents", "write"],
  "POST /repos/{owner}/{repo}/git/refs": ["contents", "write"],
  "PATCH /repos/{owner}/{repo}/git/refs/{ref}": ["contents", "write"],
  "GET /repos/{owner}/{repo}/pulls": ["pull_requests", "read"],
  "POST /repos/{owner}/{repo}/pulls": ["pull_requests", "write"],
  "PATCH /repos/{owner}/{repo}/pulls/{pull_number}": ["pull_requests", "write"],
  "GET /repos/{owner}/{repo}/labels": ["issues", "read"],
  "POST /repos/{owner}/{repo}/labels": ["issues", "write"],
  "PATCH /repos/{owner}/{repo}/labels/{name}": ["issues", "write"],
  "GET /repos/{owner}/{repo}/issues/comments/{comment_id}": ["issues", "read"],
  "DELETE /repos/{owner}/{repo}/issues/comments/{comment_id}": ["issues", "write"],
  "POST /repos/{owner}/{repo}/issues": ["issues", "write"],
  // User-story sub-issues (issue 11): list and attach; sub-issues need the Issues permission.
  "GET /repos/{owner}/{repo}/issues/{issue_number}/sub_issues": ["issues", "read"],
  "POST /repos/{owner}/{repo}/issues/{issue_number}/sub_issues": ["issues", "write"],
  "GET /repos/{owner}/{repo}/milestones": ["issues", "read"],
};

/** GraphQL operations by name: what they read or write (https://docs.github.com/en/graphql/reference). */
const GRAPHQL_PERMISSIONS: Record<string, Array<[string, Level]>> = {
  // repository.issue(number) { title state labels comments }: issues read.
  InitiativeLookup: [["issues", "read"]],
  // removeLabelsFromLabelable on an issue: issues write.
  RemoveLabels: [["issues", "write"]],
  // The weekly report as a Discussion (src/github/report-post.ts): categories, discussions and their comments.
  ConvergeReportRepository: [["discussions", "read"]],
  ConvergeReportDiscussions: [["discussions", "read"]],
  ConvergeReportDiscussionComments: [["discussions", "read"]],
  ConvergeCreateReport: [["discussions", "write"]],
  ConvergeUpdateReport: [["discussions", "write"]],
  ConvergeLabelReport: [["discussions", "write"]],
  ConvergeAddReportPart: [["discussions", "write"]],
  ConvergeUpdateReportPart: [["discussions", "write"]],
  ConvergeDeleteReportPart: [["discussions", "write"]],
  // The org-wide snapshot (src/github/snapshot): issue search, sub-issues and label timelines are issues read.
  ConvergeSnapshotUseCases: [["issues", "read"]],
  ConvergeSnapshotInitiatives: [["issues", "read"]],
  ConvergeSnapshotDefects: [["issues", "read"]],
  ConvergeSnapshotLabelled: [["issues", "read"]],
  ConvergeSnapshotChangedStories: [["issues", "read"]],
  ConvergeSnapshotUseCaseNodes: [["issues", "read"]],
  ConvergeSnapshotLabelEvents: [["issues", "read"]],
  // Deployments and the default branch's checks and statuses per repository.
  ConvergeSnapshotRepos: [["deployments", "read"], ["checks", "read"], ["statuses", "read"]],
  ConvergeSnapshotBoardIterations: [["organization_projects", "read"]],
  ConvergeSnapshotTeamMembers: [["members", "read"]],
  // The program board (src/github/board): an organization Project (v2); its items' issues are read through it.
  ConvergeBoard: [["organization_projects", "read"], ["issues", "read"]],
  ConvergeBoardContent: [["issues", "read"]],
  ConvergeBoardCreateFields: [["organization_projects", "write"]],
  ConvergeBoardAddItems: [["organization_projects", "write"]],
  ConvergeBoardWriteValues: [["organization_projects", "write"]],
  ConvergeBoardCreateStatus: [["organization_projects", "write"]],
  ConvergeBoardUpdateStatus: [["organization_projects", "write"]],
  // projects_v2_item events: the item, its project's fields and the issue on it.
  ConvergeBoardItem: [["organization_projects", "read"], ["issues", "read"]],
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith(".ts") ? [path] : [];
  });
}

/** Routes and GraphQL operation names the code uses (src/domain is pure and makes no call). */
function usedCalls(): { routes: Map<string, string>; operations: Map<string, string> } {
  const routes = new Map<string, string>();
  const operations = new Map<string, string>();
  for (const file of ["src/github", "src/handlers", "src/cli", "src/config"].flatMap((d) => sourceFiles(join(ROOT, d)))) {
    const text = readFileSync(file, "utf8");
    const where = relative(ROOT, file);
    for (const [, route] of text.matchAll(/(?:request|paginate|iterator)\(\s*["'`]((?:GET|POST|PATCH|PUT|DELETE) \/[^"'`]+)["'`]/g)) routes.set(route!, where);
    for (const [, name] of text.matchAll(/\b(?:query|mutation)\s+([A-Z]\w*)\s*[({]/g)) operations.set(name!, where);
    // Probot's context.config reads the file through the contents API of the repo (and of _extends targets).
    if (/context\.config\b/.test(text)) routes.set("GET /repos/{owner}/{repo}/contents/{path}", where);
  }
  return { routes, operations };
}

function required(): Map<string, Level> {
  const { routes, operations } = usedCalls();
  const needs = new Map<string, Level>([["metadata", "read"]]); // every app has metadata: read
  const add = ([permission, level]: [string, Level]) => {
    if (needs.get(permission) !== "write") needs.set(permission, level);
  };
  for (const route of routes.keys()) {
    const permission = ROUTE_PERMISSIONS[route];
    if (permission) add(permission);
  }
  for (const name of operations.keys()) (GRAPHQL_PERMISSIONS[name] ?? []).forEach(add);
  return needs;
}

const manifest = parse(readFileSync(join(ROOT, "app.yml"), "utf8")) as { default_permissions: Record<string, string> };

describe("app.yml grants least privilege", () => {
  it("finds the calls in the source (the scan itself works)", () => {
    const { routes, operations } = usedCalls();
    expect(routes.size).toBeGreaterThanOrEqual(15);
    expect([...operations.keys()].sort()).toEqual(Object.keys(GRAPHQL_PERMISSIONS).sort());
  });

  it("knows the permission of every route and GraphQL operation the code uses", () => {
    const { routes, operations } = usedCalls();
    const unknownRoutes = [...routes].filter(([route]) => !(route in ROUTE_PERMISSIONS)).map(([route, file]) => `${route} (${file})`);
    const unknownOps = [...operations].filter(([name]) => !(name in GRAPHQL_PERMISSIONS)).map(([name, file]) => `${name} (${file})`);
    expect(unknownRoutes, "add the route's permission to ROUTE_PERMISSIONS").toEqual([]);
    expect(unknownOps, "add the operation's permissions to GRAPHQL_PERMISSIONS").toEqual([]);
  });

  it("grants exactly the permissions the code needs: none missing, none unused, no write where read does", () => {
    const needs = Object.fromEntries([...required()].sort(([a], [b]) => a.localeCompare(b)));
    const granted = Object.fromEntries(Object.entries(manifest.default_permissions).sort(([a], [b]) => a.localeCompare(b)));
    expect(granted).toEqual(needs);
  });

  it("no table entry is stale: every route listed is still used (so the table cannot hide an unused permission)", () => {
    const { routes } = usedCalls();
    expect(Object.keys(ROUTE_PERMISSIONS).filter((route) => !routes.has(route))).toEqual([]);
  });
});
