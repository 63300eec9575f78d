import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";

/**
 * The docs cannot rot: every `npm run -s cli -- …` command shown in README.md and docs/ (guides included) runs, in
 * process through the same main() as `npm run -s cli`, and ends as the docs say (exit 0, or 1 where the same line
 * says "exit 1"). Not run: commands that need GitHub (credentials and network) and synopsis lines with placeholders
 * (`<file>`, `[--json]`, `…`), which are usage patterns rather than commands to copy.
 */
const ROOT = new URL("../../", import.meta.url).pathname;
const NEEDS_GITHUB = new Set(["audit", "init", "templates", "snapshot"]); // snapshot: the org-wide fetch (lead)
const PREFIX = "npm run -s cli -- ";

function markdownFiles(): string[] {
  const docs = (dir: string): string[] =>
    readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? (e.name === "decisions" ? [] : docs(join(dir, e.name))) : e.name.endsWith(".md") ? [join(dir, e.name)] : []));
  return ["README.md", ...docs("docs")];
}

interface Shown {
  file: string;
  line: number;
  command: string;
  /** The whole source line: "exit 1" on it means the command is meant to fail that way. */
  context: string;
}

function shownCommands(): Shown[] {
  const out: Shown[] = [];
  for (const file of markdownFiles()) {
    const lines = readFileSync(join(ROOT, file), "utf8").split("\n");
    let fenced = false;
    lines.forEach((text, index) => {
      if (/^\s*```/.test(text)) fenced = !fenced;
      if (fenced && text.trim().startsWith(PREFIX)) out.push({ file, line: index + 1, command: text.trim().replace(/\s+#.*$/, ""), context: text });
      if (!fenced) for (const m of text.matchAll(/`(npm run -s cli -- [^`]+)`/g)) out.push({ file, line: index + 1, command: m[1]!.trim(), context: text });
    });
  }
  return out;
}

/** Split like a POSIX shell for the simple commands docs show: spaces, single and double quotes. */
function argv(command: string): string[] {
  const args: string[] = [];
  for (const m of command.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)) args.push(m[1] ?? m[2] ?? m[3]!);
  return args;
}

const isSynopsis = (command: string) => /[<>[\]…|]/.test(command.replace(/\|\|/g, ""));
const all = shownCommands();
// `--org` names a GitHub organization: such a command fetches from (or posts to) GitHub, whatever the command.
const needsGithub = (args: string[]) => NEEDS_GITHUB.has(args[0] ?? "") || args.includes("--org");
const runnable = all.filter((s) => !isSynopsis(s.command) && !needsGithub(argv(s.command.slice(PREFIX.length))));
const out = mkdtempSync(join(tmpdir(), "converge-docs-"));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe("commands shown in the docs", () => {
  it("finds the docs' commands (README, docs/, docs/guides/)", () => {
    expect(runnable.length).toBeGreaterThanOrEqual(10);
    expect(new Set(runnable.map((s) => s.file.split("/")[1] ?? s.file)).size).toBeGreaterThan(2);
  });

  it.each(runnable.map((s) => ({ ...s, name: `${s.file}:${s.line} ${s.command}` })))("$name", async ({ command, context }) => {
    const args = argv(command.slice(PREFIX.length));
    // Files a command writes go to a scratch folder, never into the checkout.
    const at = args.indexOf("--out");
    if (at >= 0) args[at + 1] = join(out, `${args[at + 1]!.replace(/[/\\]/g, "_")}`);
    else if (args[0] === "demo") args.push("--out", join(out, "demo"));
    if (args[0] === "schemas" && args.includes("--write")) return; // would rewrite the committed schemas; `schemas` (check) runs instead
    const result = await runCli(args);
    expect(result.code, `${command}\n${result.stderr}`).toBe(/exit 1\b/.test(context) ? 1 : 0);
  }, 60_000);
});
