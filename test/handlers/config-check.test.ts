import { afterEach, beforeEach, describe, expect, it } from "vitest";
import nock from "nock";
import { API, BOT_LOGIN, createTestApp, examplePayload, setupNock, teardownNock } from "../helpers/probot.js";

function pushPayload(files: { added?: string[]; modified?: string[] }, sender = "mara-schmidt") {
  const payload = examplePayload("push");
  payload.after = "0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c";
  payload.deleted = false;
  payload.commits = [{ ...(payload.commits?.[0] ?? {}), id: payload.after, added: files.added ?? [], modified: files.modified ?? [], removed: [] }];
  payload.sender = { ...payload.sender, login: sender, type: sender.endsWith("[bot]") ? "Bot" : "User" };
  return payload;
}

const CONTENTS = `/repos/Codertocat/Hello-World/contents/${encodeURIComponent(".github/converge.yml")}`;

describe("config check on push", () => {
  beforeEach(setupNock);
  afterEach(teardownNock);

  it("reports the problems of a pushed .github/converge.yml as a failing check run on that commit", async () => {
    const app = createTestApp();
    let check: any;
    const scope = nock(API)
      .get(CONTENTS)
      .query({ ref: "0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c" })
      .reply(200, "intake:\n  labels:\n    useCase: ''\n  colour: red\n", { "content-type": "text/plain" })
      .post("/repos/Codertocat/Hello-World/check-runs", (body) => ((check = body), true))
      .reply(201, { id: 1 });
    await app.receive("push", pushPayload({ modified: [".github/converge.yml"] }));
    expect(scope.isDone()).toBe(true);
    expect(check).toMatchObject({ name: "Converge config", head_sha: "0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c", status: "completed", conclusion: "failure" });
    expect(check.output.title).toBe("2 problems in .github/converge.yml");
    expect(check.output.summary).toContain("intake.labels.useCase");
    expect(check.output.summary).toContain('unknown key "colour"');
  });

  it("reports success for a valid file, including YAML syntax errors as failures", async () => {
    const app = createTestApp();
    const conclusions: string[] = [];
    nock(API)
      .get(CONTENTS)
      .query(true)
      .reply(200, "_extends: .github\n", { "content-type": "text/plain" })
      .post("/repos/Codertocat/Hello-World/check-runs", (body) => (conclusions.push(body.conclusion), true))
      .reply(201, { id: 1 })
      .get(CONTENTS)
      .query(true)
      .reply(200, "intake: [\n", { "content-type": "text/plain" })
      .post("/repos/Codertocat/Hello-World/check-runs", (body) => (conclusions.push(body.conclusion), true))
      .reply(201, { id: 2 });
    await app.receive("push", pushPayload({ added: [".github/converge.yml"] }));
    await app.receive("push", pushPayload({ modified: [".github/converge.yml"] }), "delivery-2");
    expect(conclusions).toEqual(["success", "failure"]);
  });

  it("ignores pushes that do not touch the config, and its own pushes", async () => {
    const app = createTestApp();
    await app.receive("push", pushPayload({ modified: ["README.md"] }));
    await app.receive("push", pushPayload({ modified: [".github/converge.yml"] }, BOT_LOGIN));
    expect(nock.pendingMocks().filter((m) => !m.includes("access_tokens"))).toEqual([]);
  });
});
