import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";
import { configSchema } from "../../src/config/schema.js";
import { bundledTemplate } from "../../src/templates.js";

const dir = mkdtempSync(join(tmpdir(), "converge-cli-"));
function file(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

describe("converge parse", () => {
  it("prints the record keyed by field id and exits 0", async () => {
    const run = await runCli(["parse", "templates/use-case.yml", "samples/intake/predictive-maintenance.md", "--repo", "acme/plant-iot", "--filed-at", "2026-11-20"]);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe("");
    const record = JSON.parse(run.stdout);
    expect(record.deadline).toBe("2027-03-31");
    expect(record.initiatives[0]).toEqual({ owner: "acme", repo: "plant-iot", number: 12 });
    expect(record.layers).toEqual(["MES", "PLC/edge", "Cloud analytics", "Data platform"]);
    expect(Object.keys(record)).toEqual(bundledTemplate("use-case").fields.map((f) => f.id));
  });

  it("keys empty optional fields with null", async () => {
    const run = await runCli(["parse", "templates/use-case.yml", "samples/intake/energy-monitoring-crlf.md", "--filed-at", "2026-11-20"]);
    expect(run.code).toBe(0);
    const record = JSON.parse(run.stdout);
    expect(record.architect).toBeNull();
    expect(record.squad).toBeNull();
    expect(record.benefit).toEqual({ amount: 1_200_000, currency: "USD" });
  });

  it("lists the problems on stderr and exits 1", async () => {
    const run = await runCli(["parse", "templates/use-case.yml", "samples/intake/flawed-quality-vision.md", "--filed-at", "2026-11-20"]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr).toContain("has 8 problems");
    expect(run.stderr).toContain("Target deployment date (deadline)");
    expect(run.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it("explains a missing file or an invalid template without a stack trace", async () => {
    const missing = await runCli(["parse", "templates/use-case.yml", "nope.md"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe("converge: issue body not found: nope.md\n");
    const bad = await runCli(["parse", file("bad.yml", "name: x\nbody: []\n"), "samples/intake/predictive-maintenance.md"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("is not a valid GitHub issue form");
    expect(bad.stderr).toContain("description");
  });
});

describe("converge config", () => {
  it("prints the defaults as JSON that the schema accepts", async () => {
    const run = await runCli(["config", "defaults", "--json"]);
    expect(run.code).toBe(0);
    const defaults = JSON.parse(run.stdout);
    expect(configSchema.parse(defaults)).toEqual(defaults);
    expect(defaults.intake.labels.useCase).toBe("use-case");
  });

  it("validate-config accepts a good file and names each bad key of a bad one", async () => {
    const good = await runCli(["validate-config", file("good.yml", "_extends: .github\nintake:\n  labels:\n    needsInfo: triage/needs-info\n")]);
    expect(good.code).toBe(0);
    const bad = await runCli(["validate-config", file("bad.yml", "intake:\n  labels:\n    useCase: ''\n  colour: red\n")]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("intake.labels.useCase");
    expect(bad.stderr).toContain('unknown key "colour"');
    const yaml = await runCli(["validate-config", file("broken.yml", "intake: [\n")]);
    expect(yaml.code).toBe(1);
    expect(yaml.stderr).toContain("is not valid YAML");
  });

  it("every command has --help", async () => {
    const top = await runCli(["--help"]);
    const commands = [...top.stdout.matchAll(/^ {2}([a-z-]+)/gm)].map((m) => m[1]!).filter((c) => c !== "help");
    expect(commands).toEqual(expect.arrayContaining(["parse", "config", "validate-config"]));
    for (const command of commands) {
      const help = await runCli([command, "--help"]);
      expect(help.code, command).toBe(0);
      expect(help.stdout, command).toContain("Usage:");
    }
  });
});
