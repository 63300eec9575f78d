import type { Command } from "commander";
import { join } from "node:path";
import { formatIntakeDemo, runIntakeDemo } from "../intake-demo.js";
import { writeDemoReport, DEMO_NOW } from "../report-demo.js";
import { writeOutput } from "../io.js";

export function register(program: Command): void {
  program
    .command("demo")
    .description("Run Converge on bundled sample data, no GitHub credentials needed: intake on sample use cases, then the weekly report.")
    .option("--out <dir>", "where to write the demo's files", "demo-out")
    .option("--quiet", "print only the summary lines")
    .action(async (options: { out: string; quiet?: boolean }) => {
      // Sample use cases are filed "today" of the demo portfolio, so their deadlines are in the future.
      const intake = await runIntakeDemo(new Date(`${DEMO_NOW}T09:00:00Z`));
      const transcript = formatIntakeDemo(intake);
      await writeOutput(join(options.out, "intake.txt"), transcript);
      process.stdout.write("Converge demo · 1. use-case intake (what Converge would post on each sample issue)\n\n");
      if (!options.quiet) process.stdout.write(`${transcript}\n`);
      for (const r of intake) process.stdout.write(`  ${r.valid ? "accepted  " : "needs info"}  ${r.sample}\n`);

      const headline = await writeDemoReport(options.out);
      process.stdout.write(`\nConverge demo · 2. weekly report for the sample portfolio (as of ${DEMO_NOW})\n\n${headline}\n`);
      process.stdout.write(`\nWrote ${options.out}/intake.txt and ${options.out}/weekly-report.{md,html,json}\n`);
    });
}
