import type { Command } from "commander";
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { z } from "zod";
import { configSchema } from "../../config/schema.js";
import { portfolioSnapshotSchema } from "../../domain/snapshot/schema.js";
import { configReference } from "../../config/reference.js";
import { CliError } from "../errors.js";
import { writeOutput } from "../io.js";

/** The JSON Schemas Converge publishes for editors, generated from the zod schemas (never edited by hand). */
export function generatedSchemas(): Array<{ path: string; content: string }> {
  const config = {
    ...z.toJSONSchema(configSchema, { io: "input", unrepresentable: "any" }),
    title: "Converge configuration (.github/converge.yml)",
  };
  const snapshot = {
    ...z.toJSONSchema(portfolioSnapshotSchema, { io: "output", unrepresentable: "any" }),
    title: "Converge portfolio snapshot",
  };
  return [
    { path: "docs/config.schema.json", content: `${JSON.stringify(config, null, 2)}\n` },
    { path: "docs/snapshot.schema.json", content: `${JSON.stringify(snapshot, null, 2)}\n` },
    { path: "docs/config.md", content: configReference(config as Parameters<typeof configReference>[0]) },
  ];
}

export function register(program: Command): void {
  program
    .command("schemas")
    .description("Generate docs/config.schema.json, docs/snapshot.schema.json and the configuration reference docs/config.md from the zod schemas.")
    .option("--write", "write the files (default: check they are up to date)")
    .option("--root <dir>", "repository root", ".")
    .action(async (options: { write?: boolean; root: string }) => {
      const stale: string[] = [];
      for (const { path, content } of generatedSchemas()) {
        const target = resolve(options.root, path);
        if (options.write) {
          await writeOutput(target, content);
          process.stdout.write(`wrote ${path}\n`);
          continue;
        }
        const current = await readFile(target, "utf8").catch(() => null);
        if (current !== content) stale.push(path);
      }
      if (stale.length > 0) throw new CliError(`out of date: ${stale.join(", ")} (run npm run schemas)`);
      if (!options.write) process.stdout.write("schemas up to date\n");
    });
}
