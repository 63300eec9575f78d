import { afterEach, beforeEach, describe, expect, it } from "vitest";
import nock from "nock";
import { Probot } from "probot";
import { API, TestOctokit } from "../helpers/probot.js";
import { identityResolver, isOwnComment, isOwnSender } from "../../src/github/identity.js";
import { generateKeyPairSync } from "node:crypto";

const { privateKey } = generateKeyPairSync("rsa", {
  modulusLength: 2048,
  privateKeyEncoding: { type: "pkcs1", format: "pem" },
  publicKeyEncoding: { type: "spki", format: "pem" },
});

describe("identityResolver", () => {
  beforeEach(() => nock.disableNetConnect());
  afterEach(() => {
    nock.cleanAll();
    nock.enableNetConnect();
  });

  it("asks GitHub who the app is once (GET /app with the app's JWT) and caches the answer", async () => {
    const probot = new Probot({ appId: 1001, privateKey, Octokit: TestOctokit, logLevel: "fatal" });
    const scope = nock(API)
      .get("/app")
      .matchHeader("authorization", /^bearer /i)
      .once()
      .reply(200, { id: 1001, slug: "converge", name: "Converge" });
    const resolve = identityResolver(probot);
    expect(await resolve()).toEqual({ appId: 1001, slug: "converge" });
    expect(await resolve()).toEqual({ appId: 1001, slug: "converge" });
    expect(scope.isDone()).toBe(true);
  });

  it("falls back to treating every bot as possibly itself when GitHub cannot say", async () => {
    const probot = new Probot({ appId: 1001, privateKey, Octokit: TestOctokit, logLevel: "fatal" });
    nock(API).get("/app").reply(500, { message: "boom" });
    const identity = await identityResolver(probot)();
    expect(isOwnSender({ login: "some-bot[bot]", type: "Bot" }, identity)).toBe(true);
    expect(isOwnSender({ login: "mara", type: "User" }, identity)).toBe(false);
  });
});

describe("isOwnComment", () => {
  const identity = { appId: 1001, slug: "converge" };
  it("trusts the app id GitHub reports, not the text", () => {
    expect(isOwnComment({ user: { login: "converge[bot]", type: "Bot" }, performed_via_github_app: { id: 1001 } }, identity)).toBe(true);
    expect(isOwnComment({ user: { login: "other[bot]", type: "Bot" }, performed_via_github_app: { id: 7 } }, identity)).toBe(false);
    expect(isOwnComment({ user: { login: "mallory", type: "User" }, performed_via_github_app: null }, identity)).toBe(false);
  });
});
