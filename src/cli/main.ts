import { Command, CommanderError } from "commander";
import { registerCommands } from "./commands/index.js";
import { CliError } from "./errors.js";
import { applyHelp } from "./help.js";
import { painter } from "./style.js";

/**
 * The `converge` CLI. Every command lives in ./commands/<name>.ts and is registered in ./commands/index.ts.
 * Errors a user can fix are CliError (message + exit code); anything else is reported in one line, never a stack trace
 * (set CONVERGE_DEBUG=1 to see it).
 */
export async function main(argv: string[]): Promise<number> {
  const program = new Command("converge")
    .description("Converge: the program office of an IT/OT transformation, in GitHub.")
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride();
  registerCommands(program);
  applyHelp(program);
  const paint = painter(process.stderr);
  try {
    await program.parseAsync(argv, { from: "user" });
    return process.exitCode === undefined ? 0 : Number(process.exitCode);
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version exit "successfully" through an exception in exitOverride mode; an unknown option, a
      // missing argument or a missing subcommand is a usage error (exit 2, docs/cli.md), already explained by commander.
      return error.exitCode === 0 ? 0 : 2;
    }
    if (error instanceof CliError) {
      process.stderr.write(`${paint.red("converge:")} ${error.message}\n`);
      return error.exitCode;
    }
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`${paint.red("converge: unexpected error:")} ${message}\n`);
    if (process.env.CONVERGE_DEBUG) console.error(error);
    return 70;
  }
}
