import { readFileSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import nock from "nock";
import { runCli as run } from "../helpers/cli.js";
import { FakeOrg } from "../helpers/fake-repos.js";

const bundled = (name: string) => readFileSync(`templates/${name}`, "utf8");
const USE_CASE = ".github/ISSUE_TEMPLATE/use-case.yml";
const STORY = ".github/ISSUE_TEMPLATE/user-story.yml";
const OLD_STORY = bundled("user-story.yml").replace(/^name: .*$/m, "name: Story (old)");

function org(): FakeOrg {
  const fake = new FakeOrg("acme");
  fake.addRepo(".github", {});
  fake.addRepo("plant-iot", { [USE_CASE]: bundled("use-case.yml"), [STORY]: OLD_STORY });
  fake.addRepo("mes-core", { [STORY]: OLD_STORY });
  fake.addRepo("legacy-scada", { [STORY]: OLD_STORY, ".github/converge.yml": "templates:\n  sync: false\n" });
  fake.addRepo("docs-site", {});
  fake.install();
  return fake;
}

describe("converge templates sync", () => {
  const saved = { ...process.env };
  beforeEach(() => {
    nock.cleanAll();
    nock.disableNetConnect();
    for (const key of ["GITHUB_TOKEN", "GH_TOKEN", "APP_ID", "PRIVATE_KEY", "INSTALLATION_ID", "GITHUB_API_URL"]) delete process.env[key];
    process.env.GITHUB_TOKEN = "ghp_test";
  });
  afterEach(() => {
    nock.cleanAll();
    nock.enableNetConnect();
    process.env = { ...saved };
  });

  it("explains usage errors and missing credentials before any request (exit 2)", async () => {
    const github = org();
    expect(await run(["templates", "sync"])).toMatchObject({ code: 2, stderr: expect.stringContaining("missing --org") });
    expect((await run(["templates", "sync", "--org", "acme/x"])).code).toBe(2);
    delete process.env.GITHUB_TOKEN;
    expect(await run(["templates", "sync", "--org", "acme"])).toMatchObject({ code: 2, stderr: expect.stringContaining("no GitHub credentials") });
    expect(github.calls).toEqual([]);
  });

  it("--dry-run prints which repositories differ and what would be proposed, and writes nothing", async () => {
    const github = org();
    const result = await run(["templates", "sync", "--org", "acme", "--dry-run"]);
    expect(result.code).toBe(0);
    expect(github.writes).toEqual([]);
    expect(result.stdout.split("\n")).toEqual([
      "converge templates sync acme (dry run: nothing written)",
      "standard: business-initiative.yml (bundled with Converge), use-case.yml (bundled with Converge), user-story.yml (bundled with Converge)",
      ".github: skipped, holds the org standard",
      "legacy-scada: opted out (templates in .github/converge.yml), differs in user-story.yml",
      "mes-core: would open a pull request (user-story.yml)",
      "plant-iot: would open a pull request (user-story.yml)",
      "5 repositories: 2 would have a pull request, 1 in step, 1 opted out, 1 skipped, 0 failed",
      "",
    ]);
  });

  it("opens one pull request per drifted repository; a re-run finds them and changes nothing", async () => {
    const github = org();
    const first = await run(["templates", "sync", "--org", "acme"]);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain("plant-iot: opened pull request https://github.com/acme/plant-iot/pull/");
    expect(github.files("mes-core", "converge/templates")[STORY]).toBe(bundled("user-story.yml"));
    const writes = github.writes.length;

    const again = await run(["templates", "sync", "--org", "acme", "--json"]);
    expect(again.code).toBe(0);
    expect(github.writes.slice(writes)).toEqual([]);
    const report = JSON.parse(again.stdout) as { repositories: Array<{ repo: string; kind: string }> };
    expect(report.repositories.filter((r) => r.kind === "pending").map((r) => r.repo)).toEqual(["mes-core", "plant-iot"]);
    expect(github.repos.get("plant-iot")!.pulls).toHaveLength(1);
  });

  it("colours status words only where colour is wanted: FORCE_COLOR yes, NO_COLOR and pipes never; no progress lines off a terminal", async () => {
    org();
    process.env.FORCE_COLOR = "1";
    const coloured = await run(["templates", "sync", "--org", "acme", "--dry-run"]);
    expect(coloured.stdout).toContain("\u001b[33mwould\u001b[39m open a pull request");
    process.env.NO_COLOR = "1";
    const plain = await run(["templates", "sync", "--org", "acme", "--dry-run"]);
    expect(plain.stdout).not.toContain("\u001b[");
    expect(plain.stdout).toContain("plant-iot: would open a pull request (user-story.yml)");
    expect(plain.stderr).toBe(""); // stderr is not a terminal here: no progress bar
  });

  it("a repository GitHub refuses is reported, the others are still synced, and the exit code says so (1)", async () => {
    const github = org();
    github.refuse.set("POST /repos/acme/mes-core/git/trees", 403);
    const result = await run(["templates", "sync", "--org", "acme"]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/mes-core: failed: GitHub answered 403/);
    expect(result.stdout).toContain("plant-iot: opened pull request");
    expect(result.stdout).toContain("1 failed");
  });
});
