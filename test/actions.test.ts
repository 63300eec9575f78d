import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import nock from "nock";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { runInActions } from "../src/actions.js";
import { API, examplePayload, mockConfig, teardownNock } from "./helpers/probot.js";

/**
 * The GitHub Actions adapter (issue 12) with real event files, as a workflow run writes them to GITHUB_EVENT_PATH:
 * a webhook event goes through Probot 14's receive() authenticated with the workflow token; a `schedule:` run posts
 * the weekly report through the CLI path.
 */

const dir = mkdtempSync(join(tmpdir(), "converge-actions-"));
function eventFile(name: string, payload: unknown): string {
  const path = join(dir, `${name}.json`);
  writeFileSync(path, JSON.stringify(payload));
  return path;
}

const saved = { ...process.env };
let stderr = "";
beforeEach(() => {
  nock.disableNetConnect();
  nock.cleanAll();
  stderr = "";
  vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  });
});
afterEach(() => {
  vi.restoreAllMocks();
  process.env = { ...saved };
  teardownNock();
});

describe("converge in GitHub Actions", () => {
  it("hands an issues.opened event file to the app, authenticated with GITHUB_TOKEN", async () => {
    const payload = examplePayload("issues", "opened");
    delete payload.installation; // Actions event files carry no installation
    payload.issue.labels = [];
    const scope = nock(API, { reqheaders: { authorization: "token ghs_actions" } });
    mockConfig(scope, payload.repository.owner.login, payload.repository.name, "intake:\n  labels:\n    useCase: use-case\n");
    const code = await runInActions({ GITHUB_EVENT_NAME: "issues", GITHUB_EVENT_PATH: eventFile("issues", payload), GITHUB_RUN_ID: "987", GITHUB_TOKEN: "ghs_actions", LOG_LEVEL: "fatal" });
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(scope.isDone()).toBe(true); // the app read its config with the workflow token: the event reached intake
  });

  it("a schedule run posts the weekly report via `report --org <owner> --post`; a failed snapshot fetch is said clearly", async () => {
    Object.assign(process.env, { GITHUB_TOKEN: "ghs_actions", GITHUB_ACTIONS: "true" });
    delete process.env.APP_SLUG;
    delete process.env.APP_ID;
    const scope = mockConfig(nock(API), "acme", ".github", "delivery:\n  repository: office\n").get("/repos/acme/office/issues").query(true).reply(200, []);
    nock(API).post("/graphql").optionally().reply(502, { message: "Bad Gateway" });
    const code = await runInActions({ GITHUB_EVENT_NAME: "schedule", GITHUB_EVENT_PATH: eventFile("schedule", { schedule: "0 6 * * 1" }), GITHUB_TOKEN: "ghs_actions", GITHUB_REPOSITORY_OWNER: "acme" });
    expect(code).toBe(3);
    expect(stderr).toContain("could not fetch the portfolio snapshot of acme from GitHub");
    expect(scope.isDone()).toBe(true);
  });

  it("says what is missing outside Actions, without a token, or with an unreadable event file", async () => {
    expect(await runInActions({})).toBe(2);
    expect(stderr).toContain("not running in GitHub Actions");
    expect(await runInActions({ GITHUB_EVENT_NAME: "issues", GITHUB_EVENT_PATH: "/nonexistent.json" })).toBe(2);
    expect(stderr).toContain("GITHUB_TOKEN is not set");
    expect(await runInActions({ GITHUB_EVENT_NAME: "issues", GITHUB_EVENT_PATH: join(dir, "missing.json"), GITHUB_TOKEN: "t" })).toBe(2);
    expect(stderr).toContain("cannot read the event file");
  });
});
