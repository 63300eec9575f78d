import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Command } from "commander";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";
import { registerCommands } from "../../src/cli/commands/index.js";
import { EXAMPLES, EXIT_CODES, commandPath, leafCommands } from "../../src/cli/help.js";

function commands(): string[] {
  const program = new Command("converge");
  registerCommands(program);
  return leafCommands(program).map(commandPath);
}

const out = mkdtempSync(join(tmpdir(), "converge-help-"));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe("--help", () => {
  it.each(commands())("`converge %s --help` shows examples of that very command and the exit codes", async (path) => {
    const result = await runCli([...path.split(" "), "--help"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("Examples:");
    const examples = result.stdout.split("\n").filter((l) => l.trim().startsWith("$ converge"));
    expect(examples.length).toBeGreaterThan(0);
    for (const example of examples) expect(example.trim()).toMatch(new RegExp(`^\\$ converge ${path}( |$)`));
    expect(result.stdout).toMatch(/Exit codes: 0 /);
  });

  it("the top-level help lists every exit code", async () => {
    const result = await runCli(["--help"]);
    for (const [code, meaning] of EXIT_CODES) expect(result.stdout).toContain(`${String(code).padStart(2)}  ${meaning}`);
  });

  it("a usage error exits 2 with commander's explanation, in plain text", async () => {
    const result = await runCli(["report", "--bogus"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("unknown option '--bogus'");
    expect(result.stderr).not.toContain("\u001b[");
    expect((await runCli(["config"])).code).toBe(2); // a group without its subcommand
  });
});

/** Every example shown in --help runs (those that need GitHub excepted) and ends as its comment says. */
const runnable = Object.entries(EXAMPLES)
  .filter(([, entry]) => !entry.network)
  .flatMap(([, entry]) => entry.examples.map(([command, comment]) => ({ command, comment })));

describe("the examples in --help", () => {
  it.each(runnable)("$command", async ({ command, comment }) => {
    const args = command.split(" ").slice(1);
    const outAt = args.indexOf("--out");
    if (outAt >= 0) args[outAt + 1] = join(out, String(outAt) + args[outAt + 1]!.replace(/\//g, "_"));
    else if (args[0] === "demo") args.push("--out", join(out, "demo"));
    const result = await runCli(args);
    expect(result.code, result.stderr).toBe(/exit 1/.test(comment) ? 1 : 0);
  }, 60_000);
});
