import { describe, expect, it } from "vitest";
import nock from "nock";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isolateCliFromGitHub, runCli as run } from "../helpers/cli.js";
import { parseSnapshotText } from "../../src/domain/snapshot/load.js";
import { FakeOrg } from "../helpers/fake-org.js";
import { useCaseBody } from "../helpers/portfolio-to-org.js";
import type { UseCase } from "../../src/domain/snapshot/schema.js";

const API = "https://api.github.com";

function org(): FakeOrg {
  const fake = new FakeOrg("acme");
  fake.add({
    repo: "acme/office",
    number: 1,
    title: "Scrap -15%",
    labels: ["initiative"],
    body: "### Initiative owner\n\n@olga\n\n### Value stream\n\nPlan to Produce\n\n### Planned yearly benefit\n\n1.2M EUR\n\n### Target date\n\n2027-06-30",
  });
  const u = { title: "Vision QA", acceptanceCriteria: ["Finds 95% of defects", "Runs at line speed"], valueStream: "plan-to-produce", plants: ["dresden"], initiatives: ["acme/office#1"], deadline: "2027-03-31", squad: "vision", productOwner: "mara" } as unknown as UseCase;
  const issue = fake.add({ repo: "acme/plant-iot", number: 31, title: "Vision QA", labels: ["use-case"], body: useCaseBody(u), createdAt: "2026-10-01T09:00:00Z" });
  const story = fake.add({ repo: "acme/plant-iot", number: 32, title: "Finds 95% of defects", labels: ["user-story"], createdAt: "2026-10-10T09:00:00Z", state: "CLOSED", stateReason: "COMPLETED", closedAt: "2026-10-20T09:00:00Z" });
  fake.addSubIssue(issue, story);
  fake.repos.set("acme/plant-iot", { deployments: [{ environment: "production", createdAt: "2026-11-02T10:00:00Z", state: "success" }], checkRuns: [{ name: "coverage", title: "Coverage 81.5%", summary: null, completedAt: "2026-11-20T10:00:00Z" }] });
  return fake;
}

describe("converge snapshot", () => {
  isolateCliFromGitHub();

  it("asks for --org and for credentials before any request", async () => {
    expect((await run(["snapshot"])).stderr).toContain("missing --org");
    const result = await run(["snapshot", "--org", "acme"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("no GitHub credentials: set GITHUB_TOKEN");
  });

  it("writes a valid snapshot and prints requests, floor and points used", async () => {
    delete process.env.NO_PROGRESS;
    process.env.GITHUB_TOKEN = "ghp_test";
    const dir = mkdtempSync(join(tmpdir(), "converge-snapshot-"));
    const out = join(dir, "snapshot.json");
    const fake = org();
    const scope = nock(API)
      .get("/repos/acme/.github/contents/.github%2Fconverge.yml")
      .reply(404, { message: "Not Found" });
    fake.serve(nock(API));

    const result = await run(["snapshot", "--org", "acme", "--out", out]);

    expect(result.code).toBe(0);
    expect(scope.isDone()).toBe(true);
    expect(fake.errors).toEqual([]);
    const parsed = parseSnapshotText(readFileSync(out, "utf8"));
    if (!parsed.ok) throw new Error(parsed.problems.join("\n"));
    expect(parsed.snapshot.useCases.map((u) => [u.id, u.stories.map((s) => s.closedAt)])).toEqual([["acme/plant-iot#31", ["2026-10-20T09:00:00Z"]]]);
    expect(parsed.snapshot.kpiInputs.coverage).toEqual([{ repo: "acme/plant-iot", at: "2026-11-20T10:00:00Z", percent: 81.5, source: "coverage" }]);
    const points = fake.calls.reduce((s, c) => s + c.cost, 0);
    expect(result.stderr).toContain(`1 use cases, 1 initiatives, 1 stories; ${fake.calls.length} GitHub requests (floor 4, ${(fake.calls.length / 4).toFixed(2)} × floor), ${points} GraphQL points used`);
    // Not a terminal: plain progress lines, no carriage returns.
    expect(result.stderr).toContain("converge: use cases [########################] 1/1\n");
    expect(result.stderr).not.toContain("\r");
  });

  it("explains a 401 from GitHub", async () => {
    process.env.GITHUB_TOKEN = "ghp_bad";
    nock(API).get("/repos/acme/.github/contents/.github%2Fconverge.yml").reply(404, {}).post("/graphql").reply(401, { message: "Bad credentials" });
    const result = await run(["snapshot", "--org", "acme", "--out", join(tmpdir(), "never.json")]);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain("GitHub rejected the credentials (401)");
  });
});
