import { expect, it } from "vitest";
import { createTestApp, examplePayload, withoutNetwork } from "../helpers/probot.js";
import { FakeGitHub } from "../helpers/fake-github.js";
import { GOOD_BODY, OWNER, REPO, issuesEvent, label, useCaseIssue } from "../fixtures/use-cases.js";
import { INITIATIVE_MARKER, STATUS_MARKER } from "../../src/domain/status/markers.js";

/**
 * Use cases filed at the same moment that name the same initiative (a team filing a batch; found by the burst in
 * bench/webhooks.bench.ts): each intake used to read the initiative's comments before any other had written, and each
 * created its own Converge comment listing only itself. The initiative is now held from its lookup to its write.
 */
withoutNetwork();

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

it("gate passes that rewrite intake's verdict hold the initiative too: intakes and gate passes at once leave one listing", async () => {
  const ONE_INITIATIVE = GOOD_BODY.replace("#12, acme/transformation-office#40", "#12"); // a valid form: the gate can pass
  const github = new FakeGitHub(OWNER, REPO);
  github.addIssue({ number: 12, body: "initiative", labels: ["initiative"], title: "Cut unplanned downtime 30%" });
  github.teams["transformation-office"] = ["olga"];
  const gated = [201, 202, 203];
  const filed = [204, 205, 206];
  const at = "2026-11-24T15:00:00Z";
  for (const number of gated) {
    github.addIssue({
      number,
      body: ONE_INITIATIVE,
      labels: ["use-case", "gate/1-intake"],
      title: `[Use case]: line ${number}`,
      timeline: [{ event: "labeled", label: { name: "gate/1-intake", color: "ededed" }, actor: { login: "olga", type: "User" }, created_at: at }],
    });
  }
  for (const number of filed) github.addIssue({ number, body: ONE_INITIATIVE, labels: ["use-case"], title: `[Use case]: line ${number}` });
  github.install();
  const app = createTestApp();

  const gatePass = (number: number) => {
    const payload = examplePayload("issues", "labeled");
    payload.label = label("gate/1-intake");
    payload.issue = { ...useCaseIssue(ONE_INITIATIVE, ["use-case", "gate/1-intake"], { number, node_id: `I_${number}`, title: `[Use case]: line ${number}` }), updated_at: at };
    payload.repository = { ...payload.repository, name: REPO, full_name: `${OWNER}/${REPO}`, owner: { ...payload.repository.owner, login: OWNER } };
    payload.sender = { ...payload.sender, login: "olga", type: "User" };
    return payload;
  };
  await Promise.all([
    ...gated.map((number) => app.receive("issues", gatePass(number), `g-${number}`)),
    ...filed.map((number) => app.receive("issues", issuesEvent("opened", useCaseIssue(ONE_INITIATIVE, ["use-case"], { number, node_id: `I_${number}`, title: `[Use case]: line ${number}` })), `o-${number}`)),
  ]);

  const initiative = github.ownComments(12).filter((c) => c.body.startsWith(INITIATIVE_MARKER));
  expect(initiative).toHaveLength(1);
  for (const number of [...gated, ...filed]) expect(initiative[0]!.body).toContain(`${OWNER}/${REPO}#${number}`);
  for (const number of gated) expect(github.issues.get(number)!.labels, github.ownComments(number).map((c) => c.body).join("\n")).toContain("gate/1-intake");
});
