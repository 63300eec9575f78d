import type { Command } from "commander";

/**
 * Examples and exit codes for every command's `--help`, in one place so they read alike (docs/cli.md lists the
 * same codes). Commands that write their own "Examples:" block (init, templates sync) keep it. A test fails for a
 * command with neither, so a new command cannot ship without examples.
 */

/** The exit codes every command shares; `1` means the command-specific outcome in EXAMPLES. */
export const EXIT_CODES: Array<[code: number, meaning: string]> = [
  [0, "success (or nothing to do)"],
  [1, "the command ran and found a problem (per command: see its --help)"],
  [2, "usage: a missing or invalid option or argument, a file not found, missing credentials"],
  [3, "GitHub refused or could not be reached (401, 403, 404, rate limit)"],
  [70, "an unexpected internal error (set CONVERGE_DEBUG=1 for the stack trace)"],
];

interface HelpEntry {
  examples: Array<[command: string, comment: string]>;
  /** What exit code 1 means for this command; omitted where the command never exits 1. */
  one?: string;
  /** The examples need GitHub (credentials and network): the examples test does not run them. */
  network?: boolean;
}

export const EXAMPLES: Record<string, HelpEntry> = {
  parse: {
    examples: [
      ["converge parse templates/use-case.yml samples/intake/predictive-maintenance.md --repo acme/plant-iot", "the record as JSON, keyed by field id"],
      ["converge parse templates/use-case.yml samples/intake/flawed-quality-vision.md", "a flawed use case: its problems, exit 1"],
    ],
    one: "the body has problems (listed on stderr, as the status comment would list them)",
  },
  "config defaults": {
    examples: [
      ["converge config defaults", "every setting at its default, as YAML"],
      ["converge config defaults --json", "the same as JSON"],
    ],
  },
  "validate-config": {
    examples: [["converge validate-config samples/converge.yml", "check a config file before pushing it"]],
    one: "the file is not valid YAML or not a valid Converge config (each problem listed)",
  },
  schemas: {
    examples: [
      ["converge schemas", "check the generated files are up to date"],
      ["converge schemas --write", "regenerate them after changing a zod schema"],
    ],
    one: "a generated file is out of date (check mode)",
  },
  forecast: {
    examples: [
      ["converge forecast --throughput 2,0,5,3 --remaining 28", "when 28 open stories are done, at this pace"],
      ["converge forecast --throughput 2,0,5,3 --remaining 28 --by 12 --json", "and the chance of finishing within 12 periods, as JSON"],
    ],
  },
  backtest: {
    examples: [
      ["converge backtest", "calibration of the forecast on the bundled sample, over the last 12 weeks"],
      ["converge backtest --snapshot samples/portfolio.json", "the same for a snapshot file"],
      ["converge backtest --generate a,b,c --use-cases 360", "the bundled sample's generator at a size where the figures mean something"],
      ["converge backtest --snapshot samples/portfolio.json --weeks 8 --every 4 --json", "fewer replays, as JSON"],
    ],
  },
  report: {
    examples: [
      ["converge report --snapshot samples/portfolio.json --format md", "the weekly report as Markdown on stdout"],
      ["converge report --snapshot samples/portfolio.json --format html --out dashboard.html", "the HTML dashboard"],
      ["converge report --snapshot samples/portfolio.json --format json --out report.json", "the report's data, for scripts"],
    ],
    one: "the snapshot or the previous report is not valid (each problem listed)",
  },
  audit: {
    examples: [
      ["converge audit --repo acme/plant-iot", "every gate decision as CSV (needs GITHUB_TOKEN or app credentials)"],
      ["converge audit --repo acme/plant-iot --since 2026-10-01 --format json --out audit.json", "decisions since October, as JSON"],
    ],
    one: "the repository's .github/converge.yml is not valid",
    network: true,
  },
  snapshot: {
    examples: [
      ["converge snapshot --org acme --out snapshot.json", "the org-wide portfolio from GitHub (needs GITHUB_TOKEN or app credentials)"],
      ["converge snapshot --org acme --previous snapshot.json --out snapshot.json", "the weekly refresh: only what changed since"],
    ],
    one: "the previous snapshot is not valid",
    network: true,
  },
  board: {
    examples: [
      ["converge board --org acme", "sync the program board from a fresh snapshot (needs board.project and app credentials)"],
      ["converge board --org acme --snapshot snapshot.json --json", "sync from a snapshot file; the outcome as JSON"],
    ],
    network: true,
  },
  demo: {
    examples: [
      ["converge demo", "intake on the sample use cases, then the weekly report, into demo-out/"],
      ["converge demo --quiet --out /tmp/converge-demo", "only the summary lines"],
    ],
  },
};

function helpText(entry: HelpEntry): string {
  const width = Math.max(...entry.examples.map(([c]) => c.length));
  const lines = ["", "Examples:", ...entry.examples.map(([command, comment]) => `  $ ${command.padEnd(width)}  # ${comment}`)];
  lines.push("", `Exit codes: 0 success${entry.one ? `, 1 ${entry.one}` : ""}, 2 usage, 3 GitHub refused, 70 internal error (docs/cli.md).`);
  return lines.join("\n");
}

/** The command's path below the program, e.g. "config defaults". */
export function commandPath(command: Command): string {
  const names: string[] = [];
  for (let c: Command | null = command; c?.parent; c = c.parent) names.unshift(c.name());
  return names.join(" ");
}

/** Every command that runs something (no subcommands of its own). */
export function leafCommands(program: Command): Command[] {
  return program.commands.flatMap((c) => (c.commands.length > 0 ? leafCommands(c) : [c]));
}

export function applyHelp(program: Command): void {
  for (const command of leafCommands(program)) {
    const entry = EXAMPLES[commandPath(command)];
    if (entry) command.addHelpText("after", helpText(entry));
  }
  program.addHelpText(
    "after",
    ["", "Run `converge <command> --help` for a command's options and examples.", "", "Exit codes:", ...EXIT_CODES.map(([c, m]) => `  ${String(c).padStart(2)}  ${m}`)].join("\n"),
  );
}
