import { describe, expect, it } from "vitest";
import { configSchema, defaultConfig } from "../../../src/config/schema.js";
import { convergeLabels, planLabels } from "../../../src/domain/adoption/labels.js";
import { planFiles, sameContent, starterConfig, wantedFiles } from "../../../src/domain/adoption/files.js";
import { checkInstallation, describeCheck } from "../../../src/domain/adoption/permissions.js";
import { validateConfig } from "../../../src/config/validate.js";
import { parse } from "yaml";

describe("the labels Converge uses", () => {
  it("names the intake labels and every gate of the configured pipeline, with valid colours and short descriptions", () => {
    const labels = convergeLabels(defaultConfig());
    expect(labels.map((l) => l.name)).toEqual([
      "use-case",
      "initiative",
      "user-story",
      "needs-info",
      "gate/1-intake",
      "gate/2-feasibility",
      "gate/3-architecture",
      "gate/4-security",
      "gate/5-mvp",
      "gate/6-business-signoff",
      "gate/7-deployed",
    ]);
    for (const l of labels) {
      expect(l.color).toMatch(/^[0-9a-f]{6}$/);
      expect(l.description.length).toBeLessThanOrEqual(100);
    }
  });

  it("follows renamed labels and a custom pipeline", () => {
    const config = configSchema.parse({
      intake: { labels: { useCase: "uc" } },
      gates: { pipeline: [{ id: "a", name: "Architecture", label: "g/arch", approvers: { users: ["ada"] } }], requiredBeforeMerge: "a" },
    });
    expect(convergeLabels(config).map((l) => l.name)).toEqual(["uc", "initiative", "user-story", "needs-info", "g/arch"]);
  });

  it("creates what is missing, corrects colour, description or case, and leaves other labels alone", () => {
    const wanted = convergeLabels(defaultConfig()).slice(0, 3);
    const plan = planLabels(wanted, [
      { name: "Use-Case", color: wanted[0]!.color, description: wanted[0]!.description },
      { name: "initiative", color: "FFFFFF", description: wanted[1]!.description },
      { name: "bug", color: "d73a4a", description: null },
    ]);
    expect(plan.create.map((l) => l.name)).toEqual(["user-story"]);
    expect(plan.update.map((l) => [l.current, l.name])).toEqual([
      ["Use-Case", "use-case"],
      ["initiative", "initiative"],
    ]);
    expect(planLabels(wanted, wanted)).toEqual({ create: [], update: [] });
  });
});

describe("the files converge init proposes", () => {
  const forms = { "use-case.yml": "name: Use case\n", "user-story.yml": "name: Story\n" };
  const wanted = wantedFiles(forms, "intake: {}\n");

  it("adds missing forms and config, brings changed forms back, and never replaces an existing config", () => {
    expect(
      planFiles(wanted, { ".github/ISSUE_TEMPLATE/use-case.yml": "name: Mine\n", ".github/converge.yml": "forecast: {}\n" }).map((c) => [c.action, c.path]),
    ).toEqual([
      ["update", ".github/ISSUE_TEMPLATE/use-case.yml"],
      ["add", ".github/ISSUE_TEMPLATE/user-story.yml"],
    ]);
    expect(planFiles(wanted, { ".github/ISSUE_TEMPLATE/use-case.yml": "name: Use case\r\n\n", ".github/ISSUE_TEMPLATE/user-story.yml": "name: Story", ".github/converge.yml": "x" })).toEqual([]);
  });

  it("treats line endings and trailing newlines as the same content", () => {
    expect(sameContent("a\r\nb", "a\nb\n\n")).toBe(true);
    expect(sameContent("a\nb", "a\nc")).toBe(false);
  });

  it("writes a starter config that is valid YAML and a valid Converge config", () => {
    for (const orgWide of [true, false]) {
      const text = starterConfig({ orgWide, org: "acme" });
      const result = validateConfig(parse(text));
      expect(result.ok, text).toBe(true);
    }
  });
});

describe("the installation's permissions against app.yml", () => {
  it("lists each permission below the needed level and each event not subscribed", () => {
    const check = checkInstallation(
      { permissions: { issues: "write", contents: "read", checks: "write", members: "read" }, events: ["issues", "push", "check_run"] },
      { permissions: { issues: "read", contents: "write", checks: "write" }, events: ["issues"] },
    );
    expect(describeCheck(check)).toEqual([
      "permission issues: needs write, installation has read",
      "permission members: needs read, installation has none",
      "event check_run: not subscribed",
      "event push: not subscribed",
    ]);
    expect(checkInstallation({ permissions: { issues: "write" }, events: ["issues"] }, { permissions: { issues: "admin" }, events: ["issues"] })).toEqual({
      missingPermissions: [],
      missingEvents: [],
    });
  });
});
