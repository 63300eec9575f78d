/**
 * The demo's intake part: runs the same analyze → plan functions as the webhook handler on the bundled sample use
 * cases (samples/intake/*.md), against a small in-memory table of initiatives instead of GitHub, and returns what
 * Converge would post: labels, the status comment and the initiative comments.
 */
import { readdir, readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { defaultConfig } from "../config/schema.js";
import { bundledTemplate } from "../templates.js";
import { analyzeUseCase, planIntake, readIntakeState, type UseCaseIssue } from "../domain/intake/plan.js";
import type { InitiativeLookup } from "../domain/intake/initiatives.js";
import { withSection } from "../domain/status/comment-body.js";
import { initialGatesSection } from "../domain/gates/render.js";
import { formatReference, referenceKey } from "../domain/values/references.js";

export const INTAKE_SAMPLES_DIR = fileURLToPath(new URL("../../samples/intake/", import.meta.url));
const DEMO_REPO = { owner: "acme", repo: "plant-iot" };

/** The issues the demo's use cases point at: real initiatives, and one plain bug to show that problem. */
const DEMO_ISSUES: Array<Omit<InitiativeLookup, "found">> = [
  { ref: { ...DEMO_REPO, number: 12 }, isInitiative: true, title: "Cut unplanned downtime 30% on SMT lines", state: "OPEN" },
  { ref: { owner: "acme", repo: "transformation-office", number: 40 }, isInitiative: true, title: "OEE +5 points in all plants", state: "OPEN" },
  { ref: { owner: "acme", repo: "transformation-office", number: 41 }, isInitiative: true, title: "Energy cost per board -10%", state: "OPEN" },
  { ref: { owner: "acme", repo: "transformation-office", number: 42 }, isInitiative: false, title: "Dashboard shows wrong timezone", state: "OPEN" },
];

export interface IntakeDemoResult {
  sample: string;
  valid: boolean;
  labels: string[];
  statusComment: string;
  initiativeComments: Array<{ initiative: string; body: string }>;
}

export async function runIntakeDemo(now: Date): Promise<IntakeDemoResult[]> {
  const template = bundledTemplate("use-case");
  const config = defaultConfig();
  const files = (await readdir(INTAKE_SAMPLES_DIR)).filter((f) => f.endsWith(".md")).sort();
  const results: IntakeDemoResult[] = [];
  for (const [index, file] of files.entries()) {
    const issue: UseCaseIssue = {
      ...DEMO_REPO,
      number: 100 + index,
      title: file.replace(/\.md$/, "").replace(/-/g, " "),
      createdAt: now.toISOString(),
      labels: [config.intake.labels.useCase],
      body: await readFile(`${INTAKE_SAMPLES_DIR}${file}`, "utf8"),
    };
    const analysis = analyzeUseCase(template, issue, config);
    const lookups = analysis.references.map((ref): InitiativeLookup => {
      const known = DEMO_ISSUES.find((i) => referenceKey(i.ref) === referenceKey(ref));
      return known ? { ...known, found: true } : { ref, found: false, isInitiative: false };
    });
    const plan = planIntake(template, issue, analysis, lookups, readIntakeState(undefined), config);
    results.push({
      sample: file,
      valid: plan.problems.length === 0,
      labels: [...plan.labels.add],
      // As on GitHub, the first status comment also shows the gate pipeline (before any gate activity).
      statusComment: withSection(
        withSection(undefined, plan.section),
        initialGatesSection({
          config: config.gates,
          repoOwner: DEMO_REPO.owner,
          labels: issue.labels,
          valueStreams: analysis.useCase["value-stream"] ? [analysis.useCase["value-stream"]] : [],
        }),
      ),
      initiativeComments: plan.initiativeWrites.map((w) => ({ initiative: formatReference(w.ref), body: w.body })),
    });
  }
  return results;
}

/** Human-readable transcript of the intake demo. */
export function formatIntakeDemo(results: IntakeDemoResult[]): string {
  const rule = "─".repeat(78);
  const out: string[] = [];
  for (const r of results) {
    out.push(rule, `${r.valid ? "✅" : "⚠️ "} ${r.sample}: ${r.valid ? "accepted" : "needs info"}`, `labels: ${r.labels.join(", ")}`, "", "status comment:", indent(r.statusComment));
    for (const c of r.initiativeComments) out.push("", `comment on initiative ${c.initiative}:`, indent(c.body));
    out.push("");
  }
  return out.join("\n");
}

function indent(text: string): string {
  return text
    .split("\n")
    .map((line) => `    ${line}`)
    .join("\n");
}
