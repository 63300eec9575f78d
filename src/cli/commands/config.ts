import type { Command } from "commander";
import { parse as parseYaml } from "yaml";
import { defaultConfig } from "../../config/schema.js";
import { validateConfig } from "../../config/validate.js";
import { CliError } from "../errors.js";
import { printJson, readUserFile } from "../io.js";
import { stringify as toYaml } from "yaml";

export function register(program: Command): void {
  const config = program.command("config").description("Inspect Converge's configuration (.github/converge.yml).");
  config
    .command("defaults")
    .description("Print the default configuration.")
    .option("--json", "print JSON instead of YAML")
    .action((options: { json?: boolean }) => {
      if (options.json) printJson(defaultConfig());
      else process.stdout.write(toYaml(defaultConfig()));
    });

  program
    .command("validate-config")
    .description("Check a .github/converge.yml file against Converge's config schema.")
    .argument("<file>", "path to the YAML config file")
    .action(async (file: string) => {
      const text = await readUserFile(file, "config file");
      let raw: unknown;
      try {
        raw = parseYaml(text);
      } catch (error) {
        throw new CliError(`${file} is not valid YAML: ${(error as Error).message}`);
      }
      const result = validateConfig(raw ?? {});
      if (!result.ok) {
        throw new CliError(`${file} is not a valid Converge config:\n${result.problems.map((p) => `  - ${p}`).join("\n")}`);
      }
      process.stdout.write(`${file}: valid Converge config\n`);
    });
}
