import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { createTestApp, examplePayload, withoutNetwork } from "../helpers/probot.js";
import { FakeOrg } from "../helpers/fake-repos.js";

/**
 * Template drift through the app (issue 15): a push of the org's issue forms to the default branch of its `.github`
 * repository re-checks every repository the installation sees, and each one whose copy differs gets one pull
 * request, found again by its branch on every later push. GitHub is a stateful fake organisation at the HTTP
 * boundary, so a redelivery sees what the first delivery committed and opened.
 */
const bundled = (name: string) => readFileSync(`templates/${name}`, "utf8");
const USE_CASE = ".github/ISSUE_TEMPLATE/use-case.yml";
const STORY = ".github/ISSUE_TEMPLATE/user-story.yml";
/** The org's standard use-case form: the bundled one with a reworded description. */
const ORG_USE_CASE = bundled("use-case.yml").replace(/^description: .*$/m, 'description: "Propose a use case for the ACME plants."');

function pushTo(repo: string, paths: string[], options: { ref?: string; sender?: string } = {}) {
  const payload = examplePayload("push");
  payload.ref = options.ref ?? "refs/heads/main";
  payload.deleted = false;
  payload.repository = { ...payload.repository, name: repo, full_name: `acme/${repo}`, default_branch: "main", owner: { ...payload.repository.owner, login: "acme", name: "acme" } };
  payload.commits = [{ ...payload.commits[0], added: [], removed: [], modified: paths }];
  payload.head_commit = payload.commits[0];
  payload.sender = { ...payload.sender, login: options.sender ?? "olga", type: options.sender?.endsWith("[bot]") ? "Bot" : "User" };
  return payload;
}

function org(): FakeOrg {
  const fake = new FakeOrg("acme");
  fake.addRepo(".github", { [USE_CASE]: ORG_USE_CASE });
  // An old copy of the use-case form, and the story form exactly as the standard (bundled: the org has none).
  fake.addRepo("plant-iot", { [USE_CASE]: bundled("use-case.yml"), [STORY]: bundled("user-story.yml"), "README.md": "# plant-iot" });
  // In step, with Windows line endings: not a difference anyone meant.
  fake.addRepo("mes-core", { [USE_CASE]: ORG_USE_CASE.replace(/\n/g, "\r\n") });
  fake.addRepo("legacy-scada", { [USE_CASE]: bundled("use-case.yml"), ".github/converge.yml": "templates:\n  sync: false\n" });
  fake.addRepo("quality-vision", { [USE_CASE]: "name: Our own\ndescription: x\nbody: []\n", ".github/converge.yml": "templates:\n  ignore: [use-case.yml]\n" });
  fake.addRepo("old-historian", { [USE_CASE]: bundled("use-case.yml") }, { archived: true });
  fake.addRepo("forked-opcua", { [USE_CASE]: bundled("use-case.yml") }, { fork: true });
  fake.addRepo("docs-site", { "README.md": "# docs" });
  fake.install();
  return fake;
}

describe("template drift on a push to the org's .github repository", () => {
  withoutNetwork();

  it("opens one pull request in each drifted repository, with the org's form, and leaves every other repository alone", async () => {
    const github = org();
    await createTestApp().receive("push", pushTo(".github", [USE_CASE]));

    const plant = github.repos.get("plant-iot")!;
    expect(plant.pulls).toHaveLength(1);
    const pull = plant.pulls[0]!;
    expect(pull).toMatchObject({ head: "converge/templates", base: "main", state: "open", title: "Converge: bring the issue forms back to the org standard" });
    expect(pull.body).toContain("`.github/ISSUE_TEMPLATE/use-case.yml`: as in `acme/.github`");
    expect(pull.body).not.toContain("ISSUE_TEMPLATE/user-story.yml");
    expect(github.files("plant-iot", "converge/templates")[USE_CASE]).toBe(ORG_USE_CASE);
    expect(github.files("plant-iot", "converge/templates")[STORY]).toBe(bundled("user-story.yml"));
    expect(github.files("plant-iot")[USE_CASE]).toBe(bundled("use-case.yml")); // proposed, never pushed to main

    // Nothing written anywhere else: in step, opted out, form kept by choice, archived, fork, no forms.
    expect(github.writes.every((w) => w.startsWith("POST /repos/acme/plant-iot/") || w.startsWith("PATCH /repos/acme/plant-iot/"))).toBe(true);
    for (const name of ["mes-core", "legacy-scada", "quality-vision", "old-historian", "forked-opcua", "docs-site", ".github"]) expect(github.repos.get(name)!.pulls).toEqual([]);
    // Archived repositories and forks are decided from the listing: not even read.
    expect(github.calls.some((c) => c.includes("/old-historian/") || c.includes("/forked-opcua/"))).toBe(false);
  });

  it("a redelivered push writes nothing; a changed standard updates the same pull request; after the merge all is in step", async () => {
    const github = org();
    const app = createTestApp();
    await app.receive("push", pushTo(".github", [USE_CASE]), "d-1");
    const writes = github.writes.length;

    await app.receive("push", pushTo(".github", [USE_CASE]), "d-1");
    expect(github.writes.slice(writes)).toEqual([]);
    expect(github.repos.get("plant-iot")!.pulls).toHaveLength(1);

    // The org rewords the form again: the open pull request's branch gets a commit on top (never a force push).
    const reworded = ORG_USE_CASE.replace("ACME plants", "ACME plants and warehouses");
    github.addRepo(".github", { [USE_CASE]: reworded });
    const before = github.repos.get("plant-iot")!.branches["converge/templates"];
    await app.receive("push", pushTo(".github", [USE_CASE]), "d-2");
    const plant = github.repos.get("plant-iot")!;
    expect(plant.pulls).toHaveLength(1);
    expect(github.files("plant-iot", "converge/templates")[USE_CASE]).toBe(reworded);
    expect(plant.branches["converge/templates"]).not.toBe(before);
    expect(github.writes).toContain("PATCH /repos/acme/plant-iot/git/refs/heads/converge/templates");
    expect(github.writes.filter((w) => w === "POST /repos/acme/plant-iot/pulls")).toHaveLength(1);

    github.merge("plant-iot", plant.pulls[0]!.number);
    const merged = github.writes.length;
    await app.receive("push", pushTo(".github", [USE_CASE]), "d-3");
    expect(github.writes.slice(merged)).toEqual([]);
  });

  it("a run that failed half-way (branch pushed, pull request refused) is completed by the next one, without a second commit", async () => {
    const github = org();
    const app = createTestApp();
    github.refuse.set("POST /repos/acme/plant-iot/pulls", 502);
    await app.receive("push", pushTo(".github", [USE_CASE]), "d-1");
    const plant = github.repos.get("plant-iot")!;
    expect(plant.pulls).toEqual([]);
    const branch = plant.branches["converge/templates"];
    expect(branch).toBeDefined();

    github.refuse.clear();
    await app.receive("push", pushTo(".github", [USE_CASE]), "d-1");
    expect(plant.pulls).toHaveLength(1);
    expect(plant.branches["converge/templates"]).toBe(branch); // the branch already had the fix: no new commit
    expect(github.files("plant-iot", "converge/templates")[USE_CASE]).toBe(ORG_USE_CASE);
  });

  it("a pull request closed without merging is not proposed again, until the standard changes", async () => {
    const github = org();
    const app = createTestApp();
    await app.receive("push", pushTo(".github", [USE_CASE]), "d-1");
    const plant = github.repos.get("plant-iot")!;
    github.close("plant-iot", plant.pulls[0]!.number);
    const writes = github.writes.length;

    await app.receive("push", pushTo(".github", [USE_CASE]), "d-2");
    expect(github.writes.slice(writes)).toEqual([]);
    expect(plant.pulls.filter((p) => p.state === "open")).toEqual([]);

    const reworded = ORG_USE_CASE.replace("ACME plants", "ACME plants and warehouses");
    github.addRepo(".github", { [USE_CASE]: reworded });
    await app.receive("push", pushTo(".github", [USE_CASE]), "d-3");
    const open = plant.pulls.filter((p) => p.state === "open");
    expect(open).toHaveLength(1);
    expect(github.files("plant-iot", "converge/templates")[USE_CASE]).toBe(reworded);
  });

  it("costs no request for pushes that cannot change the standard", async () => {
    const github = org();
    const app = createTestApp();
    await app.receive("push", pushTo(".github", ["README.md"]), "a");
    await app.receive("push", pushTo(".github", [USE_CASE], { ref: "refs/heads/reword-forms" }), "b");
    await app.receive("push", pushTo("plant-iot", [USE_CASE]), "c");
    await app.receive("push", pushTo(".github", [USE_CASE], { sender: "converge[bot]" }), "d");
    expect(github.calls).toEqual([]);
  });

  it("a form removed from the org repository falls back to the bundled standard", async () => {
    const github = new FakeOrg("acme");
    github.addRepo(".github", { "README.md": "org profile" });
    github.addRepo("plant-iot", { [USE_CASE]: ORG_USE_CASE });
    github.install();
    await createTestApp().receive("push", { ...pushTo(".github", []), commits: [{ ...pushTo(".github", []).commits[0], removed: [USE_CASE], modified: [] }] });
    const pull = github.repos.get("plant-iot")!.pulls[0]!;
    expect(pull.body).toContain("as shipped with Converge");
    expect(github.files("plant-iot", "converge/templates")[USE_CASE]).toBe(bundled("use-case.yml"));
  });
});
