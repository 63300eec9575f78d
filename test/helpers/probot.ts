import { generateKeyPairSync } from "node:crypto";
import { createRequire } from "node:module";
import nock from "nock";
import { Probot, ProbotOctokit } from "probot";
import { afterEach, beforeEach } from "vitest";
import { createApp } from "../../src/index.js";
import type { AppIdentity } from "../../src/github/identity.js";
import { assertValidGithubQuery } from "./graphql-schema.js";

/**
 * A real Probot for end-to-end handler tests: real webhook payloads in, GitHub mocked at the HTTP boundary with nock.
 * Retry and throttling are off through the FUNCTION form of ProbotOctokit.defaults (the object form is overridden by
 * Probot and would pace every write by 1–3 s; ../shared/stack-facts.md).
 */

export const API = "https://api.github.com";
export const INSTALLATION_ID = 4242;
export const APP_IDENTITY: AppIdentity = { appId: 1001, slug: "converge" };
export const BOT_LOGIN = "converge[bot]";

const { privateKey } = generateKeyPairSync("rsa", {
  modulusLength: 2048,
  privateKeyEncoding: { type: "pkcs1", format: "pem" },
  publicKeyEncoding: { type: "spki", format: "pem" },
});

export const TestOctokit = ProbotOctokit.defaults((options: Record<string, unknown>) => ({
  ...options,
  retry: { enabled: false },
  throttle: { enabled: false },
}));

export interface TestApp {
  probot: Probot;
  receive(name: string, payload: unknown, id?: string): Promise<void>;
}

export function createTestApp(options: { now?: Date; identity?: AppIdentity } = {}): TestApp {
  const probot = new Probot({ appId: APP_IDENTITY.appId, privateKey, Octokit: TestOctokit, logLevel: "fatal" });
  const identity = options.identity ?? APP_IDENTITY;
  const now = options.now ?? new Date("2026-11-25T10:00:00Z");
  void probot.load(createApp({ identity: async () => identity, now: () => now }));
  return {
    probot,
    receive: (name, payload, id = "delivery-1") => probot.receive({ id, name, payload } as never),
  };
}

/** Installation token, served as often as asked (it is auth plumbing, not a GitHub call the app decides to make). */
export function mockInstallationToken(): void {
  nock(API)
    .persist()
    .post(`/app/installations/${INSTALLATION_ID}/access_tokens`)
    .reply(201, { token: "ghs_test", expires_at: "2099-01-01T00:00:00Z", permissions: { issues: "write" } });
}

/** Serve `.github/converge.yml` (Probot asks for the raw format; the reply must be text/plain). null = no file. */
export function mockConfig(scope: nock.Scope, owner: string, repo: string, yaml: string | null): nock.Scope {
  const path = `/repos/${owner}/${repo}/contents/${encodeURIComponent(".github/converge.yml")}`;
  if (yaml === null) {
    scope.get(path).reply(404, { message: "Not Found" });
    // Probot then looks for an org-wide file in the owner's .github repository.
    scope.get(`/repos/${owner}/.github/contents/${encodeURIComponent(".github/converge.yml")}`).reply(404, { message: "Not Found" });
    return scope;
  }
  return scope.get(path).reply(200, yaml, { "content-type": "text/plain; charset=utf-8" });
}

export interface GraphqlCall {
  query: string;
  variables: Record<string, unknown>;
}

/**
 * Answer one POST /graphql. The document is validated against GitHub's published schema first, so a query GitHub
 * would reject fails the test.
 */
export function mockGraphql(
  scope: nock.Scope,
  respond: (call: GraphqlCall) => unknown,
  calls: GraphqlCall[] = [],
): nock.Scope {
  return scope.post("/graphql").reply((_uri, body) => {
    const call = body as GraphqlCall;
    try {
      assertValidGithubQuery(call.query);
    } catch (error) {
      invalidQueries.push((error as Error).message);
      return [400, { message: (error as Error).message }];
    }
    calls.push(call);
    return [200, respond(call) as nock.Body];
  });
}

/** Schema violations seen by mockGraphql; teardownNock fails the test if there are any. */
const invalidQueries: string[] = [];

const require = createRequire(import.meta.url);
interface WebhookExampleGroup {
  name: string;
  examples: Array<Record<string, unknown> & { action?: string }>;
}
export const webhookExamples: WebhookExampleGroup[] = require("@octokit/webhooks-examples");

/** A payload from @octokit/webhooks-examples (deep copy), with an installation so Probot authenticates as one. */
export function examplePayload(event: string, action?: string): Record<string, any> {
  const group = webhookExamples.find((g) => g.name === event);
  const example = group?.examples.find((e) => action === undefined || e.action === action);
  if (!example) throw new Error(`no webhook example for ${event}.${action ?? ""}`);
  const payload = structuredClone(example) as Record<string, any>;
  payload.installation = { id: INSTALLATION_ID, node_id: "MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uNDI0Mg==" };
  return payload;
}

/**
 * For tests whose GitHub is a fake that installs its own interceptors (FakeGitHub, FakeOrg): no real network, and
 * nothing left from one test to the next. (setupNock/teardownNock also mock the installation token and fail on
 * unmet expectations, which a fake answering whatever is asked does not have.)
 */
export function withoutNetwork(): void {
  beforeEach(() => {
    nock.cleanAll();
    nock.disableNetConnect();
  });
  afterEach(() => {
    nock.cleanAll();
    nock.enableNetConnect();
  });
}

export function setupNock(): void {
  nock.disableNetConnect();
  nock.cleanAll();
  mockInstallationToken();
}

export function teardownNock(): void {
  const invalid = invalidQueries.splice(0);
  if (invalid.length > 0) throw new Error(invalid.join("\n"));
  const pending = nock.pendingMocks().filter((m) => !m.includes("access_tokens"));
  nock.cleanAll();
  nock.enableNetConnect();
  if (pending.length > 0) throw new Error(`expected GitHub calls were not made:\n${pending.join("\n")}`);
}
