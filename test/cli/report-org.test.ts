import { describe, expect, it } from "vitest";
import nock from "nock";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isolateCliFromGitHub, runCli as run } from "../helpers/cli.js";
import { generatePortfolio, serializeSnapshot } from "../../src/domain/snapshot/generate.js";
import { configFor, githubView, portfolioToOrg } from "../helpers/portfolio-to-org.js";

const API = "https://api.github.com";

// Issue 11: "A report built from the fetched snapshot must equal the report built from the same portfolio written as
// a file", through the CLI a user runs: `report --org` (fetch + report in one go) against `report --snapshot`.
describe("converge report --org", () => {
  isolateCliFromGitHub({ NO_PROGRESS: "1" });

  it("fetches the org and reports exactly what the same portfolio as a file reports", async () => {
    process.env.GITHUB_TOKEN = "ghp_test";
    const dir = mkdtempSync(join(tmpdir(), "converge-report-org-"));
    const file = generatePortfolio({ useCases: 18, seed: "report-org", now: "2026-11-23" });
    const fake = portfolioToOrg(file, "voltaic");
    fake.serve(nock(API));
    const configPath = join(dir, "converge.yml");
    writeFileSync(configPath, JSON.stringify(configFor(file), null, 2)); // YAML is a superset of JSON
    const fromGithub = join(dir, "from-github.json");
    const fetched = await run(["report", "--org", "voltaic", "--config", configPath, "--now", "2026-11-23", "--format", "json", "--out", fromGithub]);
    expect(fetched.stderr).toMatch(/fetched the portfolio of voltaic: \d+ requests, \d+ GraphQL points/);
    expect(fetched.code).toBe(0);
    expect(fake.errors).toEqual([]);

    // The same portfolio as a file, stamped with the fetch's time (`--now` at noon UTC).
    const viewPath = join(dir, "portfolio.json");
    writeFileSync(viewPath, serializeSnapshot({ ...githubView(file, "voltaic"), generatedAt: "2026-11-23T12:00:00Z" }));
    const fromFile = join(dir, "from-file.json");
    const local = await run(["report", "--snapshot", viewPath, "--config", configPath, "--now", "2026-11-23", "--format", "json", "--out", fromFile]);
    expect(local.code, local.stderr).toBe(0);

    const a = JSON.parse(readFileSync(fromGithub, "utf8")) as { useCases: unknown[] };
    const b = JSON.parse(readFileSync(fromFile, "utf8")) as { useCases: unknown[] };
    expect(a.useCases.length).toBeGreaterThan(10);
    expect(a).toEqual(b);
  });
});
