import { afterEach, beforeEach, describe, expect, it } from "vitest";
import nock from "nock";
import { API, INSTALLATION_ID, createTestApp, examplePayload, webhookExamples } from "../helpers/probot.js";

/**
 * Every example payload GitHub publishes (@octokit/webhooks-examples) can be delivered to Converge without an error,
 * whatever the event: handlers must ignore what is not theirs and cope with the rest. GitHub answers "no config" and
 * empty lists, so each handler reaches its early exits or its normal path.
 */
describe("delivering every published webhook example", () => {
  beforeEach(() => {
    nock.disableNetConnect();
    const api = nock(API).persist();
    api.post(/\/app\/installations\/\d+\/access_tokens/).reply(201, { token: "ghs_test", expires_at: "2099-01-01T00:00:00Z" });
    api.get(/\/contents\//).reply(404, { message: "Not Found" });
    api.get(/\/(comments|timeline|events|labels)(\?|$)/).reply(200, []);
    api.get(/\/check-runs(\?|$)/).reply(200, { total_count: 0, check_runs: [] });
    // A pull request named in a payload exists on GitHub: answer with a real pull-request shape.
    api.get(/\/pulls\/\d+$/).reply(200, examplePayload("pull_request", "opened").pull_request);
    api.get(/.*/).reply(404, { message: "Not Found" });
    api.post("/graphql").reply(200, { data: {} });
    api.intercept(/.*/, "POST").reply(201, {});
    api.intercept(/.*/, "PATCH").reply(200, {});
    api.intercept(/.*/, "DELETE").reply(204);
  });
  afterEach(() => {
    nock.cleanAll();
    nock.enableNetConnect();
  });

  const cases = webhookExamples.flatMap((group) =>
    group.examples.map((example, index) => ({ name: group.name, action: example.action ?? "", index, example })),
  );

  it.each(cases)("$name $action (example $index)", async ({ name, example }) => {
    const app = createTestApp();
    const payload = { ...structuredClone(example), installation: { id: INSTALLATION_ID } };
    await expect(app.receive(name, payload)).resolves.toBeUndefined();
  });
});
