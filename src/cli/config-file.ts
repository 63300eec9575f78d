import { parse as parseYaml } from "yaml";
import type { ConvergeConfig } from "../config/schema.js";
import { validateConfig } from "../config/validate.js";
import { CliError } from "./errors.js";
import { readUserFile } from "./io.js";

/**
 * Read a local `.github/converge.yml`-style file for the CLI. Unlike the app, the CLI does not follow `_extends`
 * (that needs GitHub); a bad file is a one-line-per-problem CliError, never a stack trace.
 */
export async function readConfigFile(file: string): Promise<ConvergeConfig> {
  const text = await readUserFile(file, "config file");
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (error) {
    throw new CliError(`${file} is not valid YAML: ${(error as Error).message}`);
  }
  const result = validateConfig(raw ?? {});
  if (!result.ok) throw new CliError(`${file} is not a valid Converge config:\n${result.problems.map((p) => `  - ${p}`).join("\n")}`);
  return result.config;
}
