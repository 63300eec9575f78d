/**
 * The org-wide snapshot fetch against a synthetic org served at the HTTP boundary: GitHub API requests used ÷ the
 * floor, and GraphQL points used (from the `rateLimit { cost }` each query asks for; the fake computes it with
 * GitHub's published formula), for a full fetch and for the incremental weekly refresh.
 *
 * Floor = the fewest requests the listings can take at GitHub's 100 items per page: ⌈use cases/100⌉ +
 * ⌈initiatives/100⌉ + ⌈defects/100⌉ + ⌈repositories/100⌉ (+ for a refresh, ⌈changed stories/100⌉ and one request
 * per 100 use cases fetched again by id). Stories come nested in their use case, so they add no page of their own.
 * Budget: an installation on 500 repositories gets 12,500 points an hour (5,000 + 50 per repository over 20, capped).
 *
 * Run: npm run bench:snapshot            (500 repos, 10,000 use cases, 50,000 stories, 1,000 initiatives; writes the
 *                                         "snapshot" section of docs/benchmarks.md)
 *      npm run bench:snapshot -- --quick (a small org; prints only: the CI smoke test runs this)
 */
import nock from "nock";
import { pathToFileURL } from "node:url";
import { defaultConfig } from "../src/config/schema.js";
import { fetchPortfolioSnapshot } from "../src/github/snapshot/index.js";
import type { UseCase } from "../src/domain/snapshot/schema.js";
import { createSampleRng, serializeSnapshot } from "../src/domain/snapshot/generate.js";
import { buildReport, renderMarkdown } from "../src/domain/report/index.js";
import { FakeOrg } from "../test/helpers/fake-org.js";
import { useCaseBody } from "../test/helpers/portfolio-to-org.js";
import { API, TestOctokit } from "../test/helpers/probot.js";
import { writeBenchSection } from "./write-section.js";

export interface OrgShape {
  repos: number;
  useCases: number;
  storiesPerUseCase: number;
  initiatives: number;
  weeks: number;
}

export const FULL: OrgShape = { repos: 500, useCases: 10_000, storiesPerUseCase: 5, initiatives: 1_000, weeks: 26 };
export const QUICK: OrgShape = { repos: 20, useCases: 1_200, storiesPerUseCase: 3, initiatives: 40, weeks: 26 };

const NOW = Date.parse("2026-11-30T06:00:00Z");
const WEEK = 7 * 86_400_000;
const GATES = ["gate/1-intake", "gate/2-feasibility", "gate/3-architecture", "gate/4-security", "gate/5-mvp"];

export function syntheticOrg(shape: OrgShape, seed = "bench-org"): FakeOrg {
  const rng = createSampleRng(seed);
  const fake = new FakeOrg("bench");
  const start = NOW - shape.weeks * WEEK;
  const at = (ms: number) => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(".000Z", "Z");
  for (let i = 0; i < shape.initiatives; i++) {
    fake.add({
      repo: "bench/office",
      number: i + 1,
      title: `Initiative ${i + 1}`,
      labels: ["initiative"],
      createdAt: at(start - WEEK + i * 1000),
      body: `### Initiative owner\n\n@owner-${i % 17}\n\n### Value stream\n\nPlan to Produce\n\n### Planned yearly benefit\n\n${100 + i}k EUR\n\n### Target date\n\n2027-06-30`,
    });
  }
  let number = 1;
  for (let i = 0; i < shape.useCases; i++) {
    const repo = `bench/repo-${i % shape.repos}`;
    const filed = start + rng.next() * (NOW - start - WEEK);
    const u = {
      title: `Use case ${i}`,
      acceptanceCriteria: Array.from({ length: shape.storiesPerUseCase }, (_, k) => `Criterion ${k + 1}`),
      valueStream: "plan-to-produce",
      plants: ["dresden"],
      initiatives: [`bench/office#${(i % shape.initiatives) + 1}`],
      deadline: "2027-06-30",
      squad: `squad-${i % 40}`,
      productOwner: `po-${i % 30}`,
    } as unknown as UseCase;
    const passed = rng.int(0, GATES.length);
    const issue = fake.add({
      repo,
      number: number++,
      title: u.title,
      labels: ["use-case", ...GATES.slice(0, passed)],
      createdAt: at(filed),
      updatedAt: at(filed + WEEK),
      body: useCaseBody(u),
      labelEvents: GATES.slice(0, passed).map((label, g) => ({ kind: "labeled" as const, label, actor: "gatekeeper", at: at(filed + (g + 1) * 86_400_000) })),
    });
    for (let k = 0; k < shape.storiesPerUseCase; k++) {
      const opened = filed + 2 * 86_400_000 + k * 3_600_000;
      const closed = rng.chance(0.6) ? Math.min(NOW - 86_400_000, opened + rng.int(2, 40) * 86_400_000) : null;
      const story = fake.add({
        repo,
        number: number++,
        title: `Story ${k + 1} of ${i}`,
        labels: ["user-story"],
        createdAt: at(opened),
        updatedAt: at(closed ?? opened),
        state: closed ? "CLOSED" : "OPEN",
        stateReason: closed ? "COMPLETED" : null,
        closedAt: closed ? at(closed) : null,
      });
      fake.addSubIssue(issue, story);
    }
  }
  for (let r = 0; r < shape.repos; r++) {
    fake.repos.set(`bench/repo-${r}`, {
      deployments: Array.from({ length: 4 }, (_, d) => ({ environment: "production", createdAt: at(NOW - (d + 1) * WEEK), state: d === 2 ? "failure" : "success" })),
      checkRuns: [{ name: "coverage", title: `Coverage ${60 + (r % 30)}%`, summary: null, completedAt: at(NOW - 86_400_000) }],
    });
  }
  return fake;
}

export interface Measurement {
  label: string;
  requests: number;
  floor: number;
  points: number;
  seconds: number;
  useCases: number;
  stories: number;
}

export interface Pipeline {
  /** The fetched snapshot's JSON size and parse time: the report's stated floor (ADR 0034: report ≤ 3 × parse). */
  snapshotMB: number;
  parseSeconds: number;
  reportSeconds: number;
}

export async function runSnapshotBench(shape: OrgShape): Promise<{ full: Measurement; refresh: Measurement; budget: number; pipeline: Pipeline }> {
  nock.disableNetConnect();
  const fake = syntheticOrg(shape);
  const scope = fake.serve(nock(API));
  const octokit = new TestOctokit({ auth: "bench", retry: { enabled: false }, throttle: { enabled: false } });
  const config = defaultConfig();
  config.sprints = { ...config.sprints, source: "milestone" };

  const t0 = performance.now();
  const full = await fetchPortfolioSnapshot(octokit, { org: "bench", config, now: new Date(NOW) });
  const fullSeconds = (performance.now() - t0) / 1000;
  if (fake.errors.length > 0) throw new Error(fake.errors.slice(0, 3).join("\n"));

  // The whole pipeline: the weekly report from the fetched snapshot, against the snapshot's own JSON.parse time.
  const text = serializeSnapshot(full.snapshot);
  const p0 = performance.now();
  JSON.parse(text);
  const parseSeconds = (performance.now() - p0) / 1000;
  const r0 = performance.now();
  renderMarkdown(buildReport(full.snapshot, { now: new Date(NOW).toISOString().slice(0, 10), config, seed: 1 }));
  const reportSeconds = (performance.now() - r0) / 1000;
  const pipeline = { snapshotMB: text.length / 1e6, parseSeconds, reportSeconds };

  // A week later: 5% of the open stories closed, 2% of the use cases edited.
  const later = NOW + WEEK;
  const rng = createSampleRng("bench-week");
  const iso = (ms: number) => new Date(ms).toISOString().replace(".000Z", "Z");
  for (const issue of fake.issues.values()) {
    if (issue.labels.includes("user-story") && issue.state === "OPEN" && rng.chance(0.05)) {
      Object.assign(issue, { state: "CLOSED", stateReason: "COMPLETED", closedAt: iso(later - 86_400_000), updatedAt: iso(later - 86_400_000) });
    } else if (issue.labels.includes("use-case") && rng.chance(0.02)) {
      issue.updatedAt = iso(later - 2 * 86_400_000);
    }
  }
  fake.calls.length = 0;
  const t1 = performance.now();
  const refresh = await fetchPortfolioSnapshot(octokit, { org: "bench", config, now: new Date(later), previous: full.snapshot });
  const refreshSeconds = (performance.now() - t1) / 1000;
  nock.cleanAll();
  void scope;

  const count = (s: typeof full.snapshot) => ({ useCases: s.useCases.length, stories: s.useCases.reduce((n, u) => n + u.stories.length, 0) });
  const budget = Math.min(12_500, 5_000 + 50 * Math.max(0, shape.repos - 20));
  return {
    full: { label: "full fetch", requests: full.stats.requests, floor: full.stats.floor ?? 0, points: full.stats.points, seconds: fullSeconds, ...count(full.snapshot) },
    refresh: { label: "weekly refresh", requests: refresh.stats.requests, floor: refresh.stats.floor ?? 0, points: refresh.stats.points, seconds: refreshSeconds, ...count(refresh.snapshot) },
    budget,
    pipeline,
  };
}

export function table(result: Awaited<ReturnType<typeof runSnapshotBench>>): string {
  const row = (m: Measurement) =>
    `| ${m.label} | ${m.useCases} | ${m.stories} | ${m.requests} | ${m.floor} | ${(m.requests / m.floor).toFixed(2)} | ${m.points} | ${((100 * m.points) / result.budget).toFixed(1)}% | ${m.seconds.toFixed(1)} |`;
  return [
    "| run | use cases | stories | requests | floor | requests ÷ floor | GraphQL points | of hourly budget | seconds (fake GitHub) |",
    "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    row(result.full),
    row(result.refresh),
    "",
    "| pipeline | snapshot JSON | JSON.parse | report (build + Markdown) | report ÷ JSON.parse | fetch + report |",
    "|---|---:|---:|---:|---:|---:|",
    `| full fetch, then the weekly report | ${result.pipeline.snapshotMB.toFixed(1)} MB | ${result.pipeline.parseSeconds.toFixed(2)} s | ${result.pipeline.reportSeconds.toFixed(2)} s | ${(result.pipeline.reportSeconds / result.pipeline.parseSeconds).toFixed(1)} × | ${(result.full.seconds + result.pipeline.reportSeconds).toFixed(1)} s |`,
  ].join("\n");
}

async function main(): Promise<void> {
  const quick = process.argv.includes("--quick");
  const shape = quick ? QUICK : FULL;
  const result = await runSnapshotBench(shape);
  const text = table(result);
  process.stdout.write(`${text}\n`);
  if (quick) return;
  writeBenchSection(
    "snapshot",
    [
      "## Snapshot fetch: GitHub requests and GraphQL points",
      "",
      `Command: \`npm run bench:snapshot\` (Node ${process.version}, ${new Date().toISOString().slice(0, 10)}). A synthetic org (${shape.repos} repositories, ${shape.useCases} use cases, ${shape.useCases * shape.storiesPerUseCase} stories as sub-issues, ${shape.initiatives} initiatives, ${shape.weeks} weeks of history) is served at the HTTP boundary; every GraphQL document is executed by graphql-js against GitHub's published schema, and its cost is computed with GitHub's published formula.`,
      "",
      "Floor: ⌈use cases/100⌉ + ⌈initiatives/100⌉ + ⌈defects/100⌉ + ⌈repositories/100⌉ requests (GitHub returns at most 100 items per page); for the refresh, the searches of what changed plus one request per 100 use cases fetched again. Stories travel inside their use case's page (at most 100 sub-issues per parent), so 50,000 stories add no request. Search stops at 1,000 results: the fetch continues from the last creation time read, which costs about one extra page per 1,000 issues.",
      "Pipeline: the weekly report built from the fetched snapshot, timed against that snapshot's own `JSON.parse` (the report's floor, as in `npm run bench`). The fetch's seconds are the fake GitHub's (graphql-js executing every query in this process), not GitHub's.",
      `Budget: ${result.budget} points an hour for an installation on ${shape.repos} repositories (5,000 + 50 per repository over 20, capped at 12,500). The weekly refresh changed 5% of the open stories and 2% of the use cases.`,
      "",
      text,
    ].join("\n"),
  );
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  });
}
