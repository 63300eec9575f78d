import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import nock from "nock";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { generatePortfolio } from "../../src/domain/snapshot/generate.js";
import { runCli as run } from "../helpers/cli.js";
import { API, mockConfig, teardownNock } from "../helpers/probot.js";
import { FakeBoard } from "../helpers/fake-board.js";

describe("converge board", () => {
  const saved = { ...process.env };
  let dir: string;
  let snapshotFile: string;
  let board: FakeBoard;
  beforeEach(() => {
    nock.disableNetConnect();
    nock.cleanAll();
    for (const key of ["GITHUB_TOKEN", "GH_TOKEN", "APP_ID", "PRIVATE_KEY", "INSTALLATION_ID", "GITHUB_API_URL"]) delete process.env[key];
    process.env.GITHUB_TOKEN = "ghp_test";
    dir = mkdtempSync(join(tmpdir(), "board-"));
    const snapshot = generatePortfolio({ useCases: 2, seed: "cli", now: "2026-11-25" });
    snapshotFile = join(dir, "portfolio.json");
    writeFileSync(snapshotFile, JSON.stringify(snapshot));
    board = new FakeBoard();
    for (const key of [...snapshot.useCases.map((u) => u.id), ...snapshot.initiatives.map((i) => i.id)]) board.addIssue(key);
  });
  afterEach(() => {
    process.env = { ...saved };
    process.exitCode = undefined;
    teardownNock();
  });

  it("syncs the board named in the organization's config and says what it did", async () => {
    const scope = nock(API);
    mockConfig(scope, "voltaic", ".github", "board:\n  project: 7\n");
    // read, fields, issue lookup, add items, values (two batches of at most 25), status update
    board.serve(scope, 7);
    const result = await run(["board", "--org", "voltaic", "--snapshot", snapshotFile, "--now", "2026-11-25"]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('program board "Program board" (voltaic project 7) synced in 7 requests');
    expect(result.stdout).toContain("fields created: Gate, Value stream");
    expect(result.stdout).toContain("status update: created");
    expect(board.statusUpdates).toHaveLength(1);
  });

  it("a missing Projects permission exits 3 with the one actionable message", async () => {
    const config = join(dir, "converge.yml");
    writeFileSync(config, "board:\n  project: 7\n");
    board.forbidden = true;
    board.serve(nock(API), 1);
    const result = await run(["board", "--org", "voltaic", "--snapshot", snapshotFile, "--config", config]);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('"Projects: Read and write"');
  });

  it("usage errors before any request: no --org, no board configured", async () => {
    expect((await run(["board", "--snapshot", snapshotFile])).code).toBe(2);
    const config = join(dir, "none.yml");
    writeFileSync(config, "sprints:\n  source: iteration\n");
    const none = await run(["board", "--org", "voltaic", "--snapshot", snapshotFile, "--config", config]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain("board.project is not set");
  });
});
