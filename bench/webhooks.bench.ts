/**
 * Webhook path benchmark (issue 14): events per second through a real Probot with GitHub simulated at the HTTP
 * boundary (a stateful FakeGitHub served by nock), Converge's own overhead per event (median, p99), and GitHub API
 * calls per event type against the floor (bench/webhook-scenarios.ts says how each floor is counted).
 *
 * Time per event = Probot `receive()` start to end. Part of it is the simulated GitHub (nock intercepting native
 * fetch, JSON in and out): that part is measured separately, as the median time of one bare Octokit request against
 * the same fake, and subtracted per call made. What remains is the app overhead: Probot's dispatch, Octokit's
 * plugins, Converge's parsing, decisions and rendering. Throttling and retries are off (as in the tests): Probot's
 * throttle paces writes by 1–3 s, which is GitHub's rate discipline, not overhead.
 *
 * Run: npm run bench:webhooks            (writes the "webhooks" section of docs/benchmarks.md)
 *      npm run bench:webhooks -- --quick (a few events per scenario, prints the table, writes nothing: CI's smoke run)
 */
import { generateKeyPairSync } from "node:crypto";
import { cpus } from "node:os";
import { performance } from "node:perf_hooks";
import nock from "nock";
import { Probot } from "probot";
import { createApp } from "../src/index.js";
import { FakeGitHub } from "../test/helpers/fake-github.js";
import { APP_IDENTITY, INSTALLATION_ID, TestOctokit } from "../test/helpers/probot.js";
import { GOOD_BODY, OWNER, REPO, issuesEvent, useCaseIssue } from "../test/fixtures/use-cases.js";
import { INITIATIVE_MARKER, STATUS_MARKER } from "../src/domain/status/markers.js";
import { PRIMED, SCENARIOS, outcomeOf, type WebhookScenario } from "./webhook-scenarios.js";
import { writeBenchSection } from "./write-section.js";

interface Options {
  quick: boolean;
  events: number;
  warmup: number;
  write: boolean;
}

export interface Row {
  scenario: WebhookScenario;
  calls: number;
  floor: number;
  labelWrites: number;
  eventsPerSecond: number;
  totalMedianMs: number;
  overheadMedianMs: number;
  overheadP99Ms: number;
  /** Mean time the simulated GitHub took per call (not the app's; on GitHub a round trip takes far longer). */
  githubMsPerCall: number;
}

function parseArgs(argv: string[]): Options {
  const quick = argv.includes("--quick");
  const value = (flag: string) => {
    const i = argv.indexOf(flag);
    return i >= 0 ? Number(argv[i + 1]) : undefined;
  };
  const events = value("--events") ?? (quick ? 5 : 200);
  if (!Number.isInteger(events) || events < 1) throw new Error("--events needs a positive whole number");
  return { quick, events, warmup: quick ? 1 : 20, write: !quick && !argv.includes("--no-write") };
}

const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048, privateKeyEncoding: { type: "pkcs1", format: "pem" }, publicKeyEncoding: { type: "spki", format: "pem" } });

function probot(): Probot {
  const app = new Probot({ appId: APP_IDENTITY.appId, privateKey, Octokit: TestOctokit, logLevel: "fatal" });
  void app.load(createApp({ identity: async () => APP_IDENTITY, now: () => new Date("2026-11-25T10:00:00Z") }));
  return app;
}

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return 0;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[index]!;
}

/** A fresh fake GitHub for one delivery: every event is measured from the same starting state. */
function freshGitHub(scenario: WebhookScenario): FakeGitHub {
  nock.cleanAll();
  const github = new FakeGitHub(OWNER, REPO);
  scenario.setup(github);
  github.install();
  return github;
}

/**
 * The simulated GitHub's share of an event's time: wall time while at least one request is in flight, from the call
 * to fetch until the response body has been read (nock's interception, the fake's work, JSON both ways). Overlapping
 * requests count once. The rest of the event's time is the app's.
 */
const inFlight = { count: 0, since: 0, totalMs: 0 };
function timeGitHub(): void {
  const fetchThroughNock = globalThis.fetch;
  globalThis.fetch = async (input, init) => {
    if (inFlight.count++ === 0) inFlight.since = performance.now();
    try {
      const response = await fetchThroughNock(input, init);
      const body = [101, 204, 205, 304].includes(response.status) ? null : await response.arrayBuffer();
      const buffered = new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
      Object.defineProperty(buffered, "url", { value: response.url });
      return buffered;
    } finally {
      if (--inFlight.count === 0) inFlight.totalMs += performance.now() - inFlight.since;
    }
  };
}

async function measure(scenario: WebhookScenario, options: Options): Promise<Row> {
  const app = probot();
  let last = { calls: 0, writes: 0, labelWrites: 0 };
  const times: number[] = [];
  const overheads: number[] = [];
  let busy = 0;
  let githubShare = 0;
  for (let i = 0; i < options.warmup + options.events; i++) {
    const github = freshGitHub(scenario);
    const [name, payload] = scenario.payload();
    if (PRIMED.has(scenario.name)) await app.receive({ id: `prime-${i}`, name, payload: structuredClone(payload) } as never);
    const from = github.calls.length;
    const queriesFrom = github.graphqlQueries.length;
    const githubBefore = inFlight.totalMs;
    const t0 = performance.now();
    await app.receive({ id: `bench-${i}`, name, payload } as never);
    const ms = performance.now() - t0;
    const githubMs = inFlight.totalMs - githubBefore;
    const outcome = outcomeOf(github, from, queriesFrom);
    const calls = github.calls.length - from;
    if (i > 0 && calls !== last.calls) throw new Error(`${scenario.name}: ${calls} calls this time, ${last.calls} before: the scenario is not repeatable`);
    last = { calls, ...outcome };
    if (i < options.warmup) continue;
    busy += ms;
    times.push(ms);
    githubShare += githubMs;
    overheads.push(ms - githubMs);
  }
  nock.cleanAll();
  times.sort((a, b) => a - b);
  overheads.sort((a, b) => a - b);
  return {
    scenario,
    calls: last.calls,
    floor: scenario.floor({ writes: last.writes, labelWrites: last.labelWrites }),
    labelWrites: last.labelWrites,
    eventsPerSecond: (1000 * options.events) / busy,
    totalMedianMs: quantile(times, 0.5),
    overheadMedianMs: quantile(overheads, 0.5),
    overheadP99Ms: quantile(overheads, 0.99),
    githubMsPerCall: last.calls === 0 ? 0 : githubShare / (options.events * last.calls),
  };
}

export function table(rows: Row[]): string {
  const ms = (n: number) => n.toFixed(n < 10 ? 2 : 1);
  const ratio = (r: Row) => (r.floor === 0 ? (r.calls === 0 ? "=" : "above 0") : `${(r.calls / r.floor).toFixed(2)} ×`);
  return [
    "| event | scenario | API calls | floor | calls ÷ floor | label writes (floor) | events/s | per event, median | app overhead, median | app overhead, p99 |",
    "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ...rows.map(
      (r) =>
        `| \`${r.scenario.event}\` | ${r.scenario.name} | ${r.calls} | ${r.floor} | ${ratio(r)} | ${r.labelWrites} (${r.scenario.labelFloor}) | ${r.eventsPerSecond.toFixed(0)} | ${ms(r.totalMedianMs)} ms | ${ms(r.overheadMedianMs)} ms | ${ms(r.overheadP99Ms)} ms |`,
    ),
  ].join("\n");
}

export interface Burst {
  useCases: number;
  seconds: number;
  eventsPerSecond: number;
  calls: number;
}

/**
 * A burst: `n` use cases filed at the same moment, all naming one initiative, delivered concurrently (as GitHub does
 * when a team files a batch). Throughput under concurrency, and a correctness check that the bench fails on: each use
 * case ends with exactly one status comment, and the shared initiative's one Converge comment lists all of them
 * (its updates are serialised per initiative, so no concurrent write is lost).
 */
async function burst(n: number): Promise<Burst> {
  nock.cleanAll();
  const github = new FakeGitHub(OWNER, REPO);
  github.addIssue({ number: 12, body: "initiative", labels: ["initiative"], title: "Cut unplanned downtime 30%" });
  const numbers = Array.from({ length: n }, (_, i) => 100 + i);
  for (const number of numbers) github.addIssue({ number, body: GOOD_BODY, labels: ["use-case"], title: `[Use case]: line ${number}` });
  github.install();
  const app = probot();
  await app.auth(INSTALLATION_ID); // the installation token is fetched once, before the clock starts
  const t0 = performance.now();
  await Promise.all(
    numbers.map((number) => {
      const issue = useCaseIssue(GOOD_BODY, ["use-case"], { number, node_id: `I_${number}`, title: `[Use case]: line ${number}` });
      return app.receive({ id: `burst-${number}`, name: "issues", payload: issuesEvent("opened", issue) } as never);
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  for (const number of numbers) {
    const status = github.ownComments(number).filter((c) => c.body.startsWith(STATUS_MARKER));
    if (status.length !== 1) throw new Error(`burst: use case #${number} has ${status.length} status comments`);
  }
  const initiative = github.ownComments(12).filter((c) => c.body.startsWith(INITIATIVE_MARKER));
  if (initiative.length !== 1 || !initiative[0]!.body.includes(`${n} use cases enable this initiative`)) {
    throw new Error(`burst: the initiative has ${initiative.length} Converge comments, and not all ${n} use cases are listed`);
  }
  nock.cleanAll();
  return { useCases: n, seconds, eventsPerSecond: n / seconds, calls: github.calls.length };
}

export async function runWebhookBench(options: Options): Promise<{ rows: Row[]; burst: Burst }> {
  nock.disableNetConnect();
  timeGitHub();
  const rows: Row[] = [];
  for (const scenario of SCENARIOS) rows.push(await measure(scenario, options));
  const result = { rows, burst: await burst(options.quick ? 10 : 100) };
  nock.enableNetConnect();
  return result;
}

function burstLine(b: Burst): string {
  return `Burst: ${b.useCases} use cases filed at once, naming one initiative, delivered concurrently: ${b.seconds.toFixed(2)} s, ${b.eventsPerSecond.toFixed(0)} events/s, ${b.calls} API calls (${(b.calls / b.useCases).toFixed(2)} per event); every use case has one status comment, the initiative one comment listing all ${b.useCases}.`;
}

function section(rows: Row[], b: Burst, options: Options, command: string): string {
  const withCalls = rows.filter((r) => r.calls > 0);
  const perCall = withCalls.reduce((sum, r) => sum + r.githubMsPerCall, 0) / Math.max(1, withCalls.length);
  const cpu = cpus()[0]?.model.trim() ?? "unknown CPU";
  return `## Webhook path: events per second, app overhead, API calls against the floor

Command: \`${command}\` (Node ${process.version}, ${cpus().length} × ${cpu}, ${new Date().toISOString().slice(0, 16)}Z).
Each event is delivered ${options.events} times (after ${options.warmup} warm-up deliveries) through a real Probot
\`receive()\`, each time to a fresh simulated GitHub (bench/webhook-scenarios.ts: a stateful fake served by nock at
the HTTP boundary), one event at a time. Throttling and retries are off, as in the tests.

- **API calls**: every request Converge made for the event (installation tokens excluded); identical on every delivery.
- **floor**: the fewest requests any correct, idempotent implementation needs (0 for events Converge ignores; the
  config read, its own status comment, the facts the payload cannot be trusted for, and the writes that changed
  something). How each is counted: bench/webhook-scenarios.ts.
- **label writes**: calls that changed labels; the floor is one batched write when labels change at all.
- **app overhead**: time per event minus the time a request to the simulated GitHub was in flight (fetch called to
  body read; about ${perCall.toFixed(1)} ms per call here, mostly nock and the fake's GraphQL schema check). It is Probot's
  dispatch, Octokit's plugins and Converge's own work; on GitHub each call adds a network round trip on top.
- **events/s**: deliveries per second of wall time, one at a time, GitHub answering instantly.

The machine is shared with other builds: times vary by ±50% between runs; the call counts do not vary at all.

${table(rows)}

${burstLine(b)}

Where calls exceed the floor: intake and gates re-read the live issue (1 call in each), because a redelivered or
late payload can carry an old body or label set. A refused gate label also checks the assignee's team membership
(the architect-assigned requirement), so the status comment lists every reason at once, not only the first.
\`/gate pass\` reads the timeline after adding the label, to record the addition's identity (ADR 0025) so a later
redelivery of the label event is recognised as already judged.
`;
}

const isMain = import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith("webhooks.bench.ts");
if (isMain) {
  const options = parseArgs(process.argv.slice(2));
  const { rows, burst: b } = await runWebhookBench(options);
  console.log(table(rows));
  console.log(`\n${burstLine(b)}`);
  const bad = rows.filter((r) => r.scenario.floor({ writes: 0, labelWrites: 0 }) === 0 && r.calls > 0);
  if (options.write) {
    writeBenchSection("webhooks", section(rows, b, options, `npm run bench:webhooks${options.events === 200 ? "" : ` -- --events ${options.events}`}`));
    console.log("\nwrote the webhooks section of docs/benchmarks.md");
  }
  if (bad.length > 0) {
    console.error(`events Converge should ignore made API calls: ${bad.map((r) => r.scenario.name).join(", ")}`);
    process.exitCode = 1;
  }
}
