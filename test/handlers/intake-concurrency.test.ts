import { afterEach, beforeEach, expect, it } from "vitest";
import nock from "nock";
import { createTestApp } from "../helpers/probot.js";
import { FakeGitHub } from "../helpers/fake-github.js";
import { GOOD_BODY, OWNER, REPO, issuesEvent, useCaseIssue } from "../fixtures/use-cases.js";
import { INITIATIVE_MARKER, STATUS_MARKER } from "../../src/domain/status/markers.js";

/**
 * Use cases filed at the same moment that name the same initiative (a team filing a batch; found by the burst in
 * bench/webhooks.bench.ts): each intake used to read the initiative's comments before any other had written, and each
 * created its own Converge comment listing only itself. The initiative is now held from its lookup to its write.
 */
beforeEach(() => {
  nock.cleanAll();
  nock.disableNetConnect();
});
afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

it("concurrent intakes naming one initiative leave one Converge comment on it, listing every use case", async () => {
  const github = new FakeGitHub(OWNER, REPO);
  github.addIssue({ number: 12, body: "initiative", labels: ["initiative"], title: "Cut unplanned downtime 30%" });
  const numbers = [101, 102, 103, 104, 105, 106];
  for (const number of numbers) github.addIssue({ number, body: GOOD_BODY, labels: ["use-case"], title: `[Use case]: line ${number}` });
  github.install();
  const app = createTestApp();

  await Promise.all(
    numbers.map((number) =>
      app.receive("issues", issuesEvent("opened", useCaseIssue(GOOD_BODY, ["use-case"], { number, node_id: `I_${number}`, title: `[Use case]: line ${number}` })), `d-${number}`),
    ),
  );

  const initiative = github.ownComments(12).filter((c) => c.body.startsWith(INITIATIVE_MARKER));
  expect(initiative).toHaveLength(1);
  expect(initiative[0]!.body).toContain(`${numbers.length} use cases enable this initiative`);
  for (const number of numbers) {
    expect(initiative[0]!.body).toContain(`${OWNER}/${REPO}#${number}`);
    expect(github.ownComments(number).filter((c) => c.body.startsWith(STATUS_MARKER))).toHaveLength(1);
  }
});
