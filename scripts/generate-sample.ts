// Writes samples/portfolio.json: the seeded demo portfolio (Voltaic Electronics). Run:
//   node --import tsx/esm scripts/generate-sample.ts [--use-cases N] [--seed S] [--now YYYY-MM-DD] [--out path]
// With no options it rewrites the committed sample; test/domain/snapshot/generate.test.ts checks it is up to date.
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { parseArgs } from "node:util";
import { generatePortfolio, SAMPLE_OPTIONS, serializeSnapshot } from "../src/domain/snapshot/generate.js";
import { parseSnapshot } from "../src/domain/snapshot/load.js";

const { values } = parseArgs({
  options: {
    "use-cases": { type: "string" },
    seed: { type: "string" },
    now: { type: "string" },
    out: { type: "string", default: "samples/portfolio.json" },
  },
});
const snapshot = generatePortfolio({
  useCases: values["use-cases"] === undefined ? SAMPLE_OPTIONS.useCases : Number(values["use-cases"]),
  seed: values.seed ?? SAMPLE_OPTIONS.seed,
  now: values.now ?? SAMPLE_OPTIONS.now,
});
const checked = parseSnapshot(snapshot);
if (!checked.ok) {
  console.error(`generated snapshot fails its own schema:\n${checked.problems.join("\n")}`);
  process.exit(1);
}
const out = resolve(values.out);
await mkdir(dirname(out), { recursive: true });
await writeFile(out, serializeSnapshot(snapshot), "utf8");
console.log(
  `wrote ${values.out}: ${snapshot.useCases.length} use cases, ${snapshot.initiatives.length} initiatives, ${snapshot.squads.length} squads`,
);
