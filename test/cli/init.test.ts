import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import nock from "nock";
import { parse } from "yaml";
import { isolateCliFromGitHub, runCli as run } from "../helpers/cli.js";
import { convergeLabels } from "../../src/domain/adoption/labels.js";
import { defaultConfig } from "../../src/config/schema.js";

const API = "https://api.github.com";
const REPO = "/repos/acme/plant-iot";
const FORMS = ["business-initiative.yml", "use-case.yml", "user-story.yml"];
const FORM_PATHS = FORMS.map((f) => `.github/ISSUE_TEMPLATE/${f}`);
const enc = (path: string) => encodeURIComponent(path);
const form = (name: string) => readFileSync(`templates/${name}`, "utf8");
const LABELS = convergeLabels(defaultConfig());

/** Every permission and event app.yml asks for, as GitHub reports a complete installation. */
function fullInstallation() {
  const app = parse(readFileSync("app.yml", "utf8")) as { default_permissions: Record<string, string>; default_events: string[] };
  return { id: 77, app_slug: "converge", permissions: { ...app.default_permissions }, events: [...app.default_events] };
}

describe("converge init", () => {
  isolateCliFromGitHub({ GITHUB_TOKEN: "ghp_test" });

  it("explains usage errors and missing credentials before any request", async () => {
    expect((await run(["init"])).stderr).toContain("missing --org");
    expect((await run(["init", "--org", "acme", "--repo", "a/b"])).code).toBe(2);
    delete process.env.GITHUB_TOKEN;
    const result = await run(["init", "--org", "acme"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("no GitHub credentials");
  });

  it("opens one pull request with the forms and a starter config, creates every label, and checks the installation", async () => {
    let tree: { base_tree: string; tree: Array<{ path: string; content: string; mode: string; type: string }> } | undefined;
    const created: string[] = [];
    const scope = nock(API, { reqheaders: { authorization: "token ghp_test" } })
      .get(REPO)
      .reply(200, { default_branch: "main", archived: false })
      .get(`${REPO}/contents/${enc(".github/converge.yml")}`)
      .twice()
      .reply(404, { message: "Not Found" });
    for (const path of FORM_PATHS) scope.get(`${REPO}/contents/${enc(path)}`).reply(404, { message: "Not Found" });
    scope
      .get(`${REPO}/pulls`)
      .query({ head: "acme:converge/init", state: "open", per_page: 10 })
      .reply(200, [])
      .get(`${REPO}/git/ref/${enc("heads/converge/init")}`)
      .reply(404, { message: "Not Found" })
      .get(`${REPO}/git/ref/${enc("heads/main")}`)
      .reply(200, { ref: "refs/heads/main", object: { sha: "c0ffee", type: "commit" } })
      .get(`${REPO}/git/commits/c0ffee`)
      .reply(200, { sha: "c0ffee", tree: { sha: "t0" } })
      .post(`${REPO}/git/trees`, (body) => {
        tree = body;
        return true;
      })
      .reply(201, { sha: "t1" })
      .post(`${REPO}/git/commits`, { message: "Adopt Converge: issue forms and .github/converge.yml (converge init)", tree: "t1", parents: ["c0ffee"] })
      .reply(201, { sha: "c1" })
      .post(`${REPO}/git/refs`, { ref: "refs/heads/converge/init", sha: "c1" })
      .reply(201, { ref: "refs/heads/converge/init", object: { sha: "c1" } })
      .post(`${REPO}/pulls`, (body) => body.head === "converge/init" && body.base === "main" && /adds `\.github\/converge\.yml`/.test(body.body))
      .reply(201, { number: 5, html_url: "https://github.com/acme/plant-iot/pull/5", body: "…" })
      .get(`${REPO}/labels`)
      .query({ per_page: 100 })
      .reply(200, [{ name: "bug", color: "d73a4a", description: null }])
      .post(`${REPO}/labels`, (body) => {
        created.push(body.name);
        return /^[0-9a-f]{6}$/.test(body.color) && typeof body.description === "string";
      })
      .times(LABELS.length)
      .reply(201, {})
      .get("/orgs/acme/installations")
      .query({ per_page: 100 })
      .reply(200, { total_count: 1, installations: [fullInstallation()] });

    const result = await run(["init", "--org", "acme", "--repo", "plant-iot"]);

    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(scope.isDone()).toBe(true);
    expect(tree!.base_tree).toBe("t0");
    expect(tree!.tree.map((e) => e.path)).toEqual([...FORM_PATHS, ".github/converge.yml"]);
    expect(tree!.tree.every((e) => e.mode === "100644" && e.type === "blob")).toBe(true);
    expect(tree!.tree[1]!.content).toBe(form("use-case.yml"));
    expect(created).toEqual(LABELS.map((l) => l.name));
    expect(result.stdout).toContain("files: opened pull request https://github.com/acme/plant-iot/pull/5");
    expect(result.stdout).toContain("app permissions: installation 77 has every permission and event app.yml asks for");
  });

  it("changes nothing on a re-run when everything is in place, and reports the permissions still missing (exit 1)", async () => {
    const scope = nock(API)
      .get(REPO)
      .reply(200, { default_branch: "main", archived: false })
      .get(`${REPO}/contents/${enc(".github/converge.yml")}`)
      .twice()
      .reply(200, "intake:\n  defaultCurrency: USD\n", { "content-type": "text/plain; charset=utf-8" });
    for (const f of FORMS) scope.get(`${REPO}/contents/${enc(`.github/ISSUE_TEMPLATE/${f}`)}`).reply(200, form(f), { "content-type": "text/plain; charset=utf-8" });
    scope
      .get(`${REPO}/labels`)
      .query({ per_page: 100 })
      .reply(200, LABELS.map((l) => ({ ...l, color: l.color.toUpperCase() })))
      .get("/orgs/acme/installations")
      .query({ per_page: 100 })
      .reply(200, { total_count: 1, installations: [{ ...fullInstallation(), permissions: { ...fullInstallation().permissions, deployments: undefined, issues: "read" }, events: ["issues"] }] });

    const result = await run(["init", "--org", "acme", "--repo", "plant-iot"]);

    expect(scope.isDone()).toBe(true);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain("files: the issue forms and .github/converge.yml are in place");
    expect(result.stdout).toContain("labels: all in place in 1 repository");
    expect(result.stdout).toContain("permission deployments: needs read, installation has none");
    expect(result.stdout).toContain("permission issues: needs write, installation has read");
    expect(result.stdout).toContain("event push: not subscribed");
  });

  it("finds its open pull request and branch again: nothing to commit, nothing reopened", async () => {
    const scope = nock(API)
      .get(REPO)
      .reply(200, { default_branch: "main", archived: false })
      .get(`${REPO}/contents/${enc(".github/converge.yml")}`)
      .twice()
      .reply(404, {});
    for (const path of FORM_PATHS) scope.get(`${REPO}/contents/${enc(path)}`).reply(404, {});
    scope
      .get(`${REPO}/pulls`)
      .query({ head: "acme:converge/init", state: "open", per_page: 10 })
      .reply(200, [{ number: 5, html_url: "https://github.com/acme/plant-iot/pull/5", body: null }])
      .get(`${REPO}/git/ref/${enc("heads/converge/init")}`)
      .reply(200, { object: { sha: "c1" } });
    for (const f of FORMS) {
      scope
        .get(`${REPO}/contents/${enc(`.github/ISSUE_TEMPLATE/${f}`)}`)
        .query({ ref: "converge/init" })
        .reply(200, form(f), { "content-type": "text/plain; charset=utf-8" });
    }
    scope
      .get(`${REPO}/contents/${enc(".github/converge.yml")}`)
      .query({ ref: "converge/init" })
      .reply(200, "intake: {}\n", { "content-type": "text/plain; charset=utf-8" })
      // The body was edited away: Converge puts its own back, without a new commit.
      .patch(`${REPO}/pulls/5`, (body) => /Converge's adoption pull request/.test(body.body))
      .reply(200, {})
      .get(`${REPO}/labels`)
      .query({ per_page: 100 })
      .reply(200, LABELS)
      .get("/orgs/acme/installations")
      .query({ per_page: 100 })
      .reply(403, { message: "Resource not accessible by personal access token" });

    const result = await run(["init", "--org", "acme", "--repo", "plant-iot", "--json"]);

    expect(scope.isDone()).toBe(true);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.files.status).toBe("updated");
    expect(report.files.pullRequest).toBe("https://github.com/acme/plant-iot/pull/5");
    expect(report.labels).toEqual([{ repository: "acme/plant-iot", create: [], update: [] }]);
    expect(report.installation.checked).toBe(false);
  });

  it("--dry-run for the org-wide defaults reads the org's .github repo and every repository's labels and writes nothing", async () => {
    const GH = "/repos/acme/.github";
    const scope = nock(API)
      .get(GH)
      .reply(200, { default_branch: "main", archived: false })
      .get(`${GH}/contents/${enc(".github/converge.yml")}`)
      .twice()
      .reply(404, {});
    for (const path of FORM_PATHS) scope.get(`${GH}/contents/${enc(path)}`).reply(404, {});
    scope
      .get(`${GH}/pulls`)
      .query(true)
      .reply(200, [])
      .get(`${GH}/git/ref/${enc("heads/converge/init")}`)
      .reply(404, {})
      .get("/orgs/acme/repos")
      .query({ type: "all", per_page: 100 })
      .reply(200, [
        { name: ".github", archived: false },
        { name: "plant-iot", archived: false },
        { name: "old", archived: true },
      ])
      .get(`${GH}/labels`)
      .query(true)
      .reply(200, LABELS)
      .get(`${REPO}/labels`)
      .query(true)
      .reply(200, [{ ...LABELS[0]!, color: "ffffff" }])
      .get("/orgs/acme/installations")
      .query(true)
      .reply(200, { total_count: 0, installations: [] });

    const result = await run(["init", "--org", "acme", "--dry-run"]);

    expect(scope.isDone()).toBe(true);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("converge init acme/.github (dry run: nothing written)");
    expect(result.stdout).toContain("files: would open a pull request (add .github/ISSUE_TEMPLATE/business-initiative.yml");
    expect(result.stdout).toContain("labels in acme/plant-iot: would create initiative, user-story, needs-info, gate/1-intake");
    expect(result.stdout).toContain("; would update use-case");
    expect(result.stdout).not.toContain("acme/old");
    expect(result.stdout).toContain('app permissions: not checked: no installation of app "converge"');
  });

  it("says how to fix a missing org .github repository", async () => {
    const scope = nock(API).get("/repos/acme/.github").reply(404, {});
    const result = await run(["init", "--org", "acme"]);
    expect(scope.isDone()).toBe(true);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain("create the organisation's .github repository");
  });
});
