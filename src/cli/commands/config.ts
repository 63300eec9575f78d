import type { Command } from "commander";
import { defaultConfig } from "../../config/schema.js";
import { readConfigFile } from "../config-file.js";
import { printJson } from "../io.js";
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
      await readConfigFile(file);
      process.stdout.write(`${file}: valid Converge config\n`);
    });
}
