import { generateKeyPairSync } from "node:crypto";
import { Writable } from "node:stream";
import nock from "nock";
import { pino } from "pino";
import { Probot, Server } from "probot";
import { afterEach, describe, expect, it } from "vitest";
import { createApp } from "../../src/index.js";
import { APP_IDENTITY, examplePayload, INSTALLATION_ID, mockConfig, mockInstallationToken, API, TestOctokit, teardownNock } from "../helpers/probot.js";

/**
 * The app as a real Probot 14 server on loopback: `/health` is added through `addHandler` (and answers while the
 * process serves), webhook routes are untouched, and every log line of a delivery carries its delivery id.
 */

const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048, privateKeyEncoding: { type: "pkcs1", format: "pem" }, publicKeyEncoding: { type: "spki", format: "pem" } });
let server: Server | undefined;
const saved = process.env.CONVERGE_SCHEDULER;

afterEach(async () => {
  await server?.stop();
  server = undefined;
  process.env.CONVERGE_SCHEDULER = saved;
  if (saved === undefined) delete process.env.CONVERGE_SCHEDULER;
});

describe("/health", () => {
  it("answers 200 JSON on GET and HEAD, and leaves other paths to Probot", async () => {
    process.env.CONVERGE_SCHEDULER = "off"; // no installations to read in this test
    // Probot's Server treats port 0 as 3000: pick a free-looking high port per process instead.
    const port = 20_000 + (process.pid % 20_000);
    server = new Server({ Probot: Probot.defaults({ appId: APP_IDENTITY.appId, privateKey, secret: "s", logLevel: "fatal" }), port, host: "127.0.0.1", log: pino({ level: "silent" }) });
    await server.load(createApp({ identity: async () => APP_IDENTITY }));
    await server.start();
    const base = `http://127.0.0.1:${server.port}`;
    const health = await fetch(`${base}/health`);
    expect(health.status).toBe(200);
    expect(health.headers.get("content-type")).toContain("application/json");
    expect(await health.json()).toMatchObject({ status: "ok", queue: "in-process" });
    expect((await fetch(`${base}/health`, { method: "HEAD" })).status).toBe(200);
    expect((await fetch(`${base}/health`, { method: "POST" })).status).toBe(404);
    expect((await fetch(`${base}/healthz`)).status).toBe(404);
  });
});

describe("structured logs", () => {
  it("every log line of a delivery carries the delivery id", async () => {
    nock.disableNetConnect();
    mockInstallationToken();
    const lines: Array<Record<string, unknown>> = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString().split("\n").filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
        done();
      },
    });
    const probot = new Probot({ appId: APP_IDENTITY.appId, privateKey, Octokit: TestOctokit, log: pino({ level: "info" }, sink) });
    await probot.load(createApp({ identity: async () => APP_IDENTITY }));
    const payload = examplePayload("issue_comment", "created");
    payload.comment = { ...payload.comment, body: "/converge report", user: { ...payload.comment.user, login: "mallory", type: "User" } };
    payload.sender = { ...payload.sender, login: "mallory", type: "User" };
    const { owner, name } = { owner: payload.repository.owner.login as string, name: payload.repository.name as string };
    const scope = nock(API).get(`/repos/${owner}/${name}/issues/${payload.issue.number}/comments`).query(true).reply(200, []);
    mockConfig(scope, owner, ".github", `delivery:\n  repository: ${name}\nreport:\n  officeTeam: "@${owner}/pmo"\n`)
      .get(`/orgs/${owner}/teams/pmo/memberships/mallory`)
      .reply(404, {})
      .post(`/repos/${owner}/${name}/issues/${payload.issue.number}/comments`)
      .reply(201, { id: 1 });
    await probot.receive({ id: "delivery-7f3a", name: "issue_comment", payload } as never);
    expect(INSTALLATION_ID).toBeGreaterThan(0);
    const ours = lines.filter((l) => l.msg === "/converge report refused");
    expect(ours).toHaveLength(1);
    expect(lines.filter((l) => l.name === "event").every((l) => l.id === "delivery-7f3a")).toBe(true);
    expect(ours[0]).toMatchObject({ id: "delivery-7f3a", requester: "mallory", refusal: "not-member" });
    teardownNock();
  });
});
