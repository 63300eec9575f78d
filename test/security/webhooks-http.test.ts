/**
 * Webhook signatures through a real HTTP server: Probot's createNodeMiddleware on a loopback port, deliveries sent
 * with fetch exactly as GitHub sends them (raw JSON body, X-Hub-Signature-256 = sha256 HMAC of it). Valid → 200 and
 * the handler runs; invalid, missing, or a valid signature over another body → refused before any handler or GitHub
 * call. A replayed valid delivery (same body, same signature, same delivery id) is accepted by the HTTP layer, as
 * GitHub's own redelivery is: the handlers are idempotent on it (no second comment, no write at all).
 * The same run's logs (pino at trace level) must never contain the webhook secret, the private key, the app's JWT or
 * the installation token.
 */
import { createHmac, generateKeyPairSync } from "node:crypto";
import { createServer, type Server } from "node:http";
import { Writable } from "node:stream";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import nock from "nock";
import { pino } from "pino";
import { Probot, createNodeMiddleware } from "probot";
import { createApp } from "../../src/index.js";
import { APP_IDENTITY, TestOctokit } from "../helpers/probot.js";
import { FakeGitHub } from "../helpers/fake-github.js";
import { GOOD_BODY, ISSUE_NUMBER, issuesEvent, useCaseIssue } from "../fixtures/use-cases.js";
import { STATUS_MARKER } from "../../src/domain/status/markers.js";

const SECRET = "whsec-converge-test-0f9e8d7c6b5a";
const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048, privateKeyEncoding: { type: "pkcs1", format: "pem" }, publicKeyEncoding: { type: "spki", format: "pem" } });

const sign = (body: string, secret = SECRET) => `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;

interface Harness {
  url: string;
  logs: string[];
  server: Server;
}

async function start(): Promise<Harness> {
  const logs: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      logs.push(String(chunk));
      done();
    },
  });
  const log = pino({ level: "trace" }, stream);
  const probot = new Probot({ appId: APP_IDENTITY.appId, privateKey, secret: SECRET, Octokit: TestOctokit, log });
  const middleware = await createNodeMiddleware(createApp({ identity: async () => APP_IDENTITY, now: () => new Date("2026-11-25T10:00:00Z"), delivery: { scheduler: false } }), {
    probot,
    webhooksPath: "/api/github/webhooks",
  });
  const server = createServer((req, res) => {
    void middleware(req, res, () => res.writeHead(404).end());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}/api/github/webhooks`, logs, server };
}

async function deliver(h: Harness, body: string, headers: Record<string, string | undefined>): Promise<{ status: number; text: string }> {
  const sent: Record<string, string> = { "content-type": "application/json", "x-github-event": "issues", "x-github-delivery": "d-1" };
  for (const [k, v] of Object.entries(headers)) if (v === undefined) delete sent[k];
  else sent[k] = v;
  const response = await fetch(h.url, { method: "POST", headers: sent, body });
  return { status: response.status, text: await response.text() };
}

let h: Harness;
let github: FakeGitHub;

beforeEach(async () => {
  nock.cleanAll();
  nock.disableNetConnect();
  nock.enableNetConnect("127.0.0.1");
  github = new FakeGitHub();
  github.addIssue({ number: ISSUE_NUMBER, body: GOOD_BODY, labels: ["use-case"], title: "[Use case]: spindles" });
  github.addIssue({ number: 12, body: "initiative", labels: ["initiative"], title: "Cut unplanned downtime 30%" });
  github.install();
  h = await start();
});

afterEach(async () => {
  await new Promise((resolve) => h.server.close(resolve));
  nock.cleanAll();
  nock.enableNetConnect();
});

const payload = () => JSON.stringify(issuesEvent("opened", useCaseIssue(GOOD_BODY)));

describe("webhook signatures over real HTTP", () => {
  it("a validly signed delivery is accepted and handled", async () => {
    const body = payload();
    const answer = await deliver(h, body, { "x-hub-signature-256": sign(body) });
    expect(answer.status).toBe(200);
    expect(github.ownComments(ISSUE_NUMBER)).toHaveLength(1);
    expect(github.ownComments(ISSUE_NUMBER)[0]!.body.startsWith(STATUS_MARKER)).toBe(true);
  });

  it.each([
    ["a wrong secret", (body: string) => ({ "x-hub-signature-256": sign(body, "not-the-secret") })],
    ["a signature of another body", (body: string) => ({ "x-hub-signature-256": sign(`${body} `) })],
    ["a malformed signature", () => ({ "x-hub-signature-256": "sha256=zz" })],
    ["the old SHA-1 header only", (body: string) => ({ "x-hub-signature-256": undefined, "x-hub-signature": `sha1=${createHmac("sha1", SECRET).update(body).digest("hex")}` })],
    ["no signature", () => ({ "x-hub-signature-256": undefined })],
  ])("%s is refused before any handler runs or GitHub is called", async (_name, headers) => {
    const body = payload();
    const answer = await deliver(h, body, headers(body));
    expect(answer.status).toBeGreaterThanOrEqual(400);
    expect(answer.status).toBeLessThan(500);
    expect(github.calls).toEqual([]);
  });

  it("a body tampered after signing is refused", async () => {
    const body = payload();
    const signature = sign(body);
    const tampered = body.replace('"opened"', '"reopened"');
    expect(tampered).not.toBe(body);
    const answer = await deliver(h, tampered, { "x-hub-signature-256": signature });
    expect(answer.status).toBe(400);
    expect(github.calls).toEqual([]);
  });

  it("a replayed valid delivery is accepted by the HTTP layer, and the handlers write nothing the second time", async () => {
    const body = payload();
    const headers = { "x-hub-signature-256": sign(body) };
    expect((await deliver(h, body, headers)).status).toBe(200);
    const afterFirst = structuredClone([...github.issues.values()]);
    const writesFirst = github.calls.filter((c) => !c.startsWith("GET") && c !== "POST /graphql");
    expect(writesFirst.length).toBeGreaterThan(0);

    github.calls.length = 0;
    expect((await deliver(h, body, headers)).status).toBe(200);
    expect(github.calls.length).toBeGreaterThan(0); // the handler did run again
    expect(github.calls.filter((c) => !c.startsWith("GET"))).toEqual(
      github.calls.filter((c) => c === "POST /graphql"), // reads only (the batched lookup is a GraphQL query)
    );
    expect([...github.issues.values()]).toEqual(afterFirst);
    expect(github.ownComments(ISSUE_NUMBER)).toHaveLength(1);
  });
});

describe("secrets never reach the logs", () => {
  it("neither the webhook secret, the private key, the JWT nor the installation token appear, even when calls fail", async () => {
    const body = payload();
    await deliver(h, body, { "x-hub-signature-256": sign(body) });
    await deliver(h, body, { "x-hub-signature-256": sign(body, "wrong") });
    github.fault = { at: 3, kind: "500" }; // a failing GitHub call logs the request it made
    github.calls.length = 0;
    const failed = await deliver(h, body, { "x-hub-signature-256": sign(body), "x-github-delivery": "d-2" });
    expect(failed.status).toBe(500);

    const text = h.logs.join("");
    expect(text.length).toBeGreaterThan(0);
    expect(text).toMatch(/Server Error|500/); // the failure was logged, so the check below looked at real error logs
    const keyLines = privateKey.split("\n").filter((line) => line.length > 40);
    const secrets = [SECRET, github.token, ...github.secretsSeen, ...keyLines];
    expect(github.secretsSeen.size).toBeGreaterThanOrEqual(2); // the JWT and the token were really used
    for (const secret of secrets) expect(text.includes(secret), `a secret (${secret.slice(0, 12)}…) was logged`).toBe(false);
    expect(text).not.toContain(sign(body)); // the signature is derived from the secret: no use in logs either
  });
});
