import { describe, expect, it } from "vitest";
import nock from "nock";
import { isolateCliFromGitHub, runCli as run } from "../helpers/cli.js";

const API = "https://api.github.com";
const REPO_PATH = "/repos/acme/plant-iot";

const ev = (event: string, name: string, login: string, at: string) => ({ event, label: { name }, actor: { login, type: "User" }, created_at: at });

describe("converge audit", () => {
  isolateCliFromGitHub();

  it("fails clearly without credentials, before any request", async () => {
    const result = await run(["audit", "--repo", "acme/plant-iot"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("no GitHub credentials: set GITHUB_TOKEN");
  });

  it("exports every decision of every use case as CSV, paging through issues and timelines", async () => {
    process.env.GITHUB_TOKEN = "ghp_test";
    const scope = nock(API, { reqheaders: { authorization: "token ghp_test" } })
      .get(`${REPO_PATH}/contents/.github%2Fconverge.yml`)
      .reply(404, { message: "Not Found" })
      .get(`${REPO_PATH}/issues`)
      .query({ labels: "use-case", state: "all", per_page: 100, since: "2026-11-01T00:00:00.000Z" })
      .reply(200, [{ number: 31 }, { number: 40, pull_request: {} }], {
        link: `<${API}${REPO_PATH}/issues?labels=use-case&state=all&per_page=100&since=2026-11-01T00%3A00%3A00.000Z&page=2>; rel="next"`,
      })
      .get(`${REPO_PATH}/issues`)
      .query({ labels: "use-case", state: "all", per_page: 100, since: "2026-11-01T00:00:00.000Z", page: 2 })
      .reply(200, [{ number: 32 }])
      .get(`${REPO_PATH}/issues/31/timeline`)
      .query({ per_page: 100 })
      .reply(200, [ev("labeled", "gate/1-intake", "olga", "2026-10-30T09:00:00Z"), ev("labeled", "gate/2-feasibility", "ada", "2026-11-02T09:00:00Z")], {
        link: `<${API}${REPO_PATH}/issues/31/timeline?per_page=100&page=2>; rel="next"`,
      })
      .get(`${REPO_PATH}/issues/31/timeline`)
      .query({ per_page: 100, page: 2 })
      .reply(200, [ev("labeled", "gate/3-architecture", "mallory", "2026-11-03T09:00:00Z"), ev("unlabeled", "gate/3-architecture", "converge[bot]", "2026-11-03T09:00:04Z")])
      .get(`${REPO_PATH}/issues/32/timeline`)
      .query({ per_page: 100 })
      .reply(200, [{ event: "commented", user: { login: "ada" }, body: "/gate pass intake", created_at: "2026-11-05T08:00:00Z" }, ev("labeled", "gate/1-intake", "converge[bot]", "2026-11-05T08:00:03Z")]);

    const result = await run(["audit", "--repo", "acme/plant-iot", "--since", "2026-11-01", "--format", "csv"]);

    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(scope.isDone()).toBe(true);
    expect(result.stdout).toBe(
      [
        "use_case,gate,label,action,actor,time,via,outcome,reverted_at",
        "31,feasibility,gate/2-feasibility,pass,ada,2026-11-02T09:00:00Z,label,accepted,",
        "31,architecture,gate/3-architecture,pass,mallory,2026-11-03T09:00:00Z,label,reverted,2026-11-03T09:00:04Z",
        "32,intake,gate/1-intake,pass,ada,2026-11-05T08:00:03Z,command,accepted,",
        "",
      ].join("\r\n"),
    );
  });

  it("exports JSON and uses a local config when given", async () => {
    process.env.GITHUB_TOKEN = "ghp_test";
    const { writeFileSync, mkdtempSync } = await import("node:fs");
    const { join } = await import("node:path");
    const { tmpdir } = await import("node:os");
    const dir = mkdtempSync(join(tmpdir(), "audit-"));
    const file = join(dir, "converge.yml");
    writeFileSync(file, "intake:\n  labels:\n    useCase: uc\n");
    const scope = nock(API)
      .get(`${REPO_PATH}/issues`)
      .query({ labels: "uc", state: "all", per_page: 100 })
      .reply(200, [{ number: 5 }])
      .get(`${REPO_PATH}/issues/5/timeline`)
      .query({ per_page: 100 })
      .reply(200, [ev("labeled", "gate/1-intake", "olga", "2026-11-01T09:00:00Z")]);

    const result = await run(["audit", "--repo", "acme/plant-iot", "--format", "json", "--config", file]);

    expect(result.code).toBe(0);
    expect(scope.isDone()).toBe(true);
    const json = JSON.parse(result.stdout);
    expect(json.repository).toBe("acme/plant-iot");
    expect(json.decisions).toEqual([
      { useCase: 5, gate: "intake", label: "gate/1-intake", action: "pass", actor: "olga", at: "2026-11-01T09:00:00Z", via: "label", outcome: "accepted" },
    ]);
  });

  it("authenticates as the app: looks up the installation, then reads with an installation token", async () => {
    const { generateKeyPairSync } = await import("node:crypto");
    const { privateKey } = generateKeyPairSync("rsa", {
      modulusLength: 2048,
      privateKeyEncoding: { type: "pkcs1", format: "pem" },
      publicKeyEncoding: { type: "spki", format: "pem" },
    });
    process.env.APP_ID = "1001";
    process.env.PRIVATE_KEY = privateKey.replace(/\n/g, "\\n"); // as an env file would hold it
    const scope = nock(API)
      .get(`${REPO_PATH}/installation`)
      .matchHeader("authorization", /^bearer /i)
      .reply(200, { id: 4242 })
      .post("/app/installations/4242/access_tokens")
      .reply(201, { token: "ghs_inst", expires_at: "2099-01-01T00:00:00Z" })
      .get(`${REPO_PATH}/contents/.github%2Fconverge.yml`)
      .matchHeader("authorization", "token ghs_inst")
      .reply(404, { message: "Not Found" })
      .get(`${REPO_PATH}/issues`)
      .query(true)
      .reply(200, []);
    const result = await run(["audit", "--repo", "acme/plant-iot", "--format", "json"]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(scope.isDone()).toBe(true);
    expect(JSON.parse(result.stdout).decisions).toEqual([]);
  });

  it("explains a rejected token and a missing repository", async () => {
    process.env.GITHUB_TOKEN = "bad";
    nock(API).get(`${REPO_PATH}/contents/.github%2Fconverge.yml`).reply(401, { message: "Bad credentials" });
    const denied = await run(["audit", "--repo", "acme/plant-iot"]);
    expect(denied.code).toBe(3);
    expect(denied.stderr).toContain("GitHub rejected the credentials (401)");

    nock(API)
      .get(`${REPO_PATH}/contents/.github%2Fconverge.yml`)
      .reply(404, { message: "Not Found" })
      .get(`${REPO_PATH}/issues`)
      .query(true)
      .reply(404, { message: "Not Found" });
    const missing = await run(["audit", "--repo", "acme/plant-iot"]);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toContain("repository acme/plant-iot not found");
  });

  it("rejects a bad --since and --format", async () => {
    process.env.GITHUB_TOKEN = "t";
    expect((await run(["audit", "--repo", "acme/x", "--since", "last week"])).stderr).toContain("--since must be a date");
    expect((await run(["audit", "--repo", "acme/x", "--format", "xml"])).stderr).toContain("--format must be csv or json");
  });
});
