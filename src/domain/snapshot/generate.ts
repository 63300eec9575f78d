import { compareIssueIds } from "./id-order.js";
import {
  DEFAULT_GATE_IDS,
  SNAPSHOT_SCHEMA_VERSION,
  type Defect,
  type Deployment,
  type DeploymentStatus,
  type CoverageReading,
  type GateEvent,
  type Initiative,
  type PortfolioSnapshot,
  type Squad,
  type Story,
  type UseCase,
} from "./schema.js";

/**
 * A realistic, seeded portfolio for the demo, the golden report and the benchmark (issue 4):
 * Voltaic Electronics, an electronics manufacturer with three plants and four value streams.
 *
 * The generator is deterministic: the same options give the same snapshot, byte for byte once serialised.
 * It uses its own tiny PRNG (mulberry32) so the committed sample never changes when the forecast's RNG is tuned.
 *
 * Every 36 use cases follow one fixed mix of lifecycle stages and deliberate flaws (see SLOTS), so a 10,000-use-case
 * portfolio has the same shape as the 36-use-case sample:
 * - late: deadline already past, not deployed;   - stuck: waiting for one gate for 45–90 days;
 * - reverted: a gate label removed and re-added; - labelAfterClose: the deployed label added after the issue closed;
 * - flawed intake: no acceptance criteria, no product owner, no linked initiative;
 * - deployedLate: deployed after its deadline (feeds the realized miss rate);
 * - multiSquad: stories split across two squads;  - an initiative in a currency with no conversion rate (GBP).
 */

export interface GenerateOptions {
  /** Number of use cases (default 36). Initiatives ≈ 10/3 per use case, squads ≈ one per 7 use cases (at least 4). */
  useCases?: number;
  seed?: string | number;
  /** The report's "now" as YYYY-MM-DD (default 2026-11-23); every event happens before 06:00 UTC that day. */
  now?: string;
}

export const SAMPLE_OPTIONS = { useCases: 216, seed: "voltaic-2026", now: "2026-11-23" } as const satisfies GenerateOptions;

/** Serialise a snapshot the way samples/portfolio.json is written (stable key order, 2-space indent, final newline). */
export function serializeSnapshot(snapshot: PortfolioSnapshot): string {
  return `${JSON.stringify(snapshot, null, 2)}\n`;
}

const DAY = 86_400_000;
const WEEK = 7 * DAY;
/** Sprints are two weeks long, numbered from this Monday. */
const SPRINT_EPOCH = Date.UTC(2026, 0, 5);
const ORG = "voltaic";
const OFFICE_REPO = `${ORG}/transformation-office`;

const PLANTS = ["dresden", "penang", "guadalajara"] as const;
const VALUE_STREAMS = [
  { id: "plan-to-produce", repos: ["mes-integration", "scheduling"] },
  { id: "order-to-delivery", repos: ["supply-visibility"] },
  { id: "quality-to-compliance", repos: ["quality-vision", "traceability"] },
  { id: "maintain-to-operate", repos: ["asset-health"] },
] as const;
const LAYERS = ["device", "edge", "scada", "mes", "erp", "cloud"] as const;
const SQUAD_NAMES = ["Edge Rangers", "Line Data", "Vision Lab", "Uptime", "Flowmakers", "Trace Crew"] as const;

const PRODUCT_OWNERS = ["anna-keller", "raj-patel", "mei-lin-tan", "tom-becker", "lucia-gomez", "jonas-wagner"];
const ARCHITECTS = ["sven-itot", "priya-arch", "kenji-ot"];
const SECURITY = ["fatima-otsec", "lars-sec"];
const OFFICE = ["claire-office", "omar-office"];
const RELEASE = ["dana-ops", "ravi-ops"];
const INITIATIVE_OWNERS = [
  "plant-mgr-dresden",
  "plant-mgr-penang",
  "plant-mgr-gdl",
  "vp-quality",
  "vp-supply-chain",
  "head-maintenance",
  "cfo-office",
  "vp-operations",
];

const USE_CASE_TITLES = [
  "Predictive maintenance for SMT pick-and-place nozzles",
  "AOI false-call reduction with machine learning",
  "Reflow oven energy monitoring",
  "Real-time OEE for final assembly lines",
  "Digital traceability from PCB panel to shipped unit",
  "Solder paste inspection closed-loop feedback",
  "Automated changeover scheduling for SMT lines",
  "Spare-parts demand forecasting",
  "Condition monitoring of wave-soldering pumps",
  "Digital work instructions at test stations",
  "In-circuit test yield analytics",
  "Supplier lot quality early warning",
  "ERP-to-MES work order synchronisation",
  "Clean-room particle monitoring alerts",
  "Vision-based conformal-coat inspection",
  "Finished-goods inventory visibility across plants",
  "Torque tool data capture for box build",
  "Edge gateway standard for legacy PLCs",
  "Compressed-air leak detection",
  "Moisture-sensitive device floor-life tracking",
  "Line-side material replenishment signals",
  "Root-cause assistant for test failures",
  "Shipment ETA prediction for key customers",
  "Machine alarm rationalisation",
  "Automated first-article inspection records",
  "Energy peak shaving for the Penang plant",
  "Stencil life and cleaning optimisation",
  "Feeder setup verification by barcode",
  "Rework loop analytics",
  "Customer RMA to production genealogy link",
  "Cycle-time bottleneck detection",
  "OT asset inventory and vulnerability view",
  "Cobot cell utilisation dashboard",
  "X-ray inspection data to quality cloud",
  "Capacity what-if planning for new product introduction",
  "Calibration due-date tracking for test equipment",
] as const;

const CRITERIA = [
  "Data from every line in scope reaches the historian within 5 seconds",
  "Operators see the alert on the line HMI",
  "Shift supervisor can export the weekly summary",
  "Model precision is at least 90% on the validation set",
  "Works offline for 24 hours and back-fills when the link returns",
  "Only OT-DMZ approved protocols are used",
  "Role-based access via the corporate identity provider",
  "Dashboard loads in under 3 seconds",
  "Audit log of every setting change",
  "Rollout checklist signed by the plant manager",
  "Integration with SAP work orders tested end to end",
  "Runbook handed over to plant IT",
];

const INITIATIVE_VERBS = ["Cut", "Reduce", "Raise", "Improve", "Lower", "Increase"];
const INITIATIVE_METRICS = [
  { what: "scrap on SMT lines", measure: "scrap rate %", baseline: "2.4%" },
  { what: "unplanned downtime", measure: "downtime hours / month", baseline: "46 h" },
  { what: "first-pass yield", measure: "FPY %", baseline: "93.1%" },
  { what: "energy cost per board", measure: "kWh / 1,000 boards", baseline: "182 kWh" },
  { what: "changeover time", measure: "minutes per changeover", baseline: "38 min" },
  { what: "warranty returns", measure: "RMA ppm", baseline: "410 ppm" },
  { what: "inventory days on hand", measure: "days on hand", baseline: "41 days" },
  { what: "on-time delivery", measure: "OTD %", baseline: "88%" },
  { what: "audit preparation effort", measure: "person-days per audit", baseline: "25 days" },
  { what: "maintenance spend", measure: "EUR per line per year", baseline: "EUR 310k" },
];

/** One 36-slot cycle: the stage (number of gates passed, 0–7) and the flags for each slot. */
interface Slot {
  stage: number;
  late?: boolean;
  stuck?: boolean;
  reverted?: boolean;
  labelAfterClose?: boolean;
  noCriteria?: boolean;
  noOwner?: boolean;
  noInitiatives?: boolean;
  deployedLate?: boolean;
  multiSquad?: boolean;
}
const SLOTS: Slot[] = [
  { stage: 7 },
  { stage: 5, multiSquad: true },
  { stage: 3, stuck: true },
  { stage: 7, reverted: true },
  { stage: 4, late: true },
  { stage: 1, noCriteria: true },
  { stage: 7, labelAfterClose: true },
  { stage: 3 },
  { stage: 6 },
  { stage: 2, noOwner: true },
  { stage: 7, deployedLate: true },
  { stage: 5, late: true, multiSquad: true },
  { stage: 4, reverted: true },
  { stage: 7 },
  { stage: 0, noInitiatives: true },
  { stage: 3, multiSquad: true },
  { stage: 5 },
  { stage: 2, stuck: true },
  { stage: 7, multiSquad: true },
  { stage: 4 },
  { stage: 3, late: true },
  { stage: 7 },
  { stage: 1 },
  { stage: 5, stuck: true },
  { stage: 7, deployedLate: true },
  { stage: 4 },
  { stage: 2 },
  { stage: 6, reverted: true },
  { stage: 7 },
  { stage: 3 },
  { stage: 5 },
  { stage: 4, multiSquad: true },
  { stage: 7 },
  { stage: 1 },
  { stage: 5 },
  { stage: 7 },
];

/** Typical days spent waiting for each gate (min, max), in pipeline order. */
const GATE_DAYS: Array<[number, number]> = [
  [1, 6], // intake
  [4, 18], // feasibility
  [6, 24], // architecture
  [4, 20], // security
  [25, 60], // mvp (build)
  [3, 12], // signoff
  [5, 21], // deployed
];
const GATE_ACTORS = [OFFICE, ARCHITECTS, ARCHITECTS, SECURITY, null, null, RELEASE] as const;

/** mulberry32: a tiny, well-known 32-bit PRNG. Enough for sample data; the forecast has its own generator. */
export function createSampleRng(seed: string | number) {
  let h = 2166136261;
  for (const ch of String(seed)) h = Math.imul(h ^ ch.charCodeAt(0), 16777619);
  let state = h >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) | 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min: number, max: number): number => min + Math.floor(next() * (max - min + 1));
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
  const chance = (p: number): boolean => next() < p;
  return { next, int, pick, chance };
}
type SampleRng = ReturnType<typeof createSampleRng>;

const iso = (ms: number): string => new Date(ms).toISOString().replace(".000Z", "Z");
const day = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
/** A time during the working day (07:00–17:59 UTC) on the day of `ms`. */
function workTime(rng: SampleRng, ms: number): number {
  const start = Math.floor(ms / DAY) * DAY;
  return start + rng.int(7, 17) * 3_600_000 + rng.int(0, 59) * 60_000;
}
const sprintName = (ms: number): string => `Sprint ${Math.floor((ms - SPRINT_EPOCH) / (2 * WEEK)) + 1}`;

export function generatePortfolio(options: GenerateOptions = {}): PortfolioSnapshot {
  const count = options.useCases ?? SAMPLE_OPTIONS.useCases;
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`useCases must be a positive integer, got ${count}`);
  const rng = createSampleRng(options.seed ?? SAMPLE_OPTIONS.seed);
  const nowDay = options.now ?? SAMPLE_OPTIONS.now;
  const nowDayMs = Date.parse(`${nowDay}T00:00:00Z`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(nowDay) || Number.isNaN(nowDayMs)) throw new RangeError(`now must be YYYY-MM-DD, got ${nowDay}`);
  const now = nowDayMs + 6 * 3_600_000;
  /** Latest moment an event may happen: the evening before "now". */
  const latest = nowDayMs - 5 * 3_600_000;
  const clampPast = (ms: number) => Math.min(ms, latest);

  const numbers = new Map<string, number>();
  const nextNumber = (repo: string): number => {
    const n = (numbers.get(repo) ?? 0) + 1;
    numbers.set(repo, n);
    return n;
  };

  const squadCount = Math.max(4, Math.round(count / 7.2));
  const squads: Squad[] = Array.from({ length: squadCount }, (_, k) => {
    const base = SQUAD_NAMES[k % SQUAD_NAMES.length] as string;
    const round = Math.floor(k / SQUAD_NAMES.length);
    const name = round === 0 ? base : `${base} ${round + 1}`;
    return { id: name.toLowerCase().replace(/[^a-z0-9]+/g, "-"), name };
  });

  const useCases: UseCase[] = [];
  const slotOf: Slot[] = [];
  for (let i = 0; i < count; i++) {
    const slot = SLOTS[i % SLOTS.length] as Slot;
    slotOf.push(slot);
    const stream = VALUE_STREAMS[i % VALUE_STREAMS.length]!;
    const repo = `${ORG}/${rng.pick(stream.repos)}`;
    const number = nextNumber(repo);
    const squadIndex = Math.floor(i / 7.2) % squadCount;
    const squad = squads[(squadIndex + (i % 2)) % squadCount]!;
    const otherSquad = squads[(squadIndex + 1 + (i % 2)) % squadCount]!;
    const cycle = Math.floor(i / USE_CASE_TITLES.length);
    const title = `${USE_CASE_TITLES[i % USE_CASE_TITLES.length]}${cycle === 0 ? "" : ` (wave ${cycle + 1})`}`;
    const plants = PLANTS.filter(() => rng.chance(0.45));
    if (plants.length === 0) plants.push(rng.pick(PLANTS));
    const layers = LAYERS.filter(() => rng.chance(0.35));
    if (layers.length === 0) layers.push("edge", "cloud");

    // Gate timeline: the waits for the passed gates, placed after filing and ending before now.
    const stage = slot.stage;
    // Late use cases went slowly through every gate; deployed ones went live up to 20 weeks ago.
    const stretch = slot.late ? (1.5 + rng.next()) * (stage <= 3 ? 2 : 1) : 1;
    const waits = GATE_DAYS.slice(0, Math.max(stage, 1)).map(([lo, hi]) => Math.round(rng.int(lo, hi) * stretch) * DAY);
    if (slot.stuck) waits[stage] = rng.int(45, 90) * DAY; // the gate it waits for now has been open that long
    const currentWait = slot.stuck ? (waits[stage] ?? 0) : stage >= 7 ? rng.int(1, 140) * DAY : rng.int(2, 20) * DAY;
    const passedSpan = waits.slice(0, stage).reduce((a, b) => a + b, 0);
    const age = Math.min(passedSpan + currentWait + rng.int(0, 3) * DAY, 60 * WEEK);
    const filed = workTime(rng, now - age);
    const gates: GateEvent[] = [];
    const passedAt: number[] = [];
    let t = filed;
    const span = passedSpan + currentWait;
    const scale = span > 0 && stage < 7 ? Math.min(1, (now - filed - currentWait) / Math.max(passedSpan, 1)) : 1;
    for (let g = 0; g < stage; g++) {
      t = clampPast(Math.max(t + 3_600_000, workTime(rng, t + (waits[g] ?? DAY) * scale)));
      passedAt.push(t);
    }
    const productOwner = slot.noOwner ? undefined : PRODUCT_OWNERS[i % PRODUCT_OWNERS.length]!;
    const architect = stage >= 2 ? ARCHITECTS[i % ARCHITECTS.length]! : undefined;
    const actorFor = (g: number): string => GATE_ACTORS[g] ? rng.pick(GATE_ACTORS[g]!) : (productOwner ?? rng.pick(OFFICE));
    for (let g = 0; g < stage; g++) {
      const at = passedAt[g]!;
      const gate = DEFAULT_GATE_IDS[g]!;
      if (slot.reverted && g === Math.min(2, stage - 1)) {
        // Label added too early, removed by the office, added again once the review really happened.
        const early = Math.max(g === 0 ? filed : passedAt[g - 1]!, at - 6 * DAY) + 3_600_000;
        gates.push({ gate, action: "passed", actor: rng.pick(PRODUCT_OWNERS), at: iso(early) });
        gates.push({ gate, action: "reverted", actor: rng.pick(OFFICE), at: iso(early + 2 * 3_600_000) });
      }
      gates.push({ gate, action: "passed", actor: actorFor(g), at: iso(at) });
    }

    const deployed = stage >= 7;
    const deployedMs = deployed ? passedAt[6]! : undefined;
    const mvpMs = stage >= 5 ? passedAt[4]! : undefined;
    // First successful production deployment. With labelAfterClose the issue is closed a day after it, and the
    // release manager adds the deployed label two days after closing.
    const liveMs = deployed ? deployedMs! - (slot.labelAfterClose ? 3 * DAY : 3_600_000) : undefined;
    let closedMs: number | undefined;
    if (deployed) closedMs = slot.labelAfterClose ? deployedMs! - 2 * DAY : clampPast(deployedMs! + rng.int(1, 4) * 3_600_000);

    // Deadline.
    let deadlineMs: number;
    if (deployed) deadlineMs = deployedMs! + (slot.deployedLate ? -rng.int(10, 30) : rng.int(5, 50)) * DAY;
    else if (slot.late) deadlineMs = Math.max(filed + 8 * WEEK, now - rng.int(7, 40) * DAY);
    else deadlineMs = Math.max(filed + rng.int(22, 34) * WEEK, now + rng.int(3, 26) * WEEK);

    // Acceptance criteria and stories.
    const criteriaCount = slot.noCriteria ? 0 : rng.int(3, 7);
    const acceptanceCriteria = Array.from({ length: criteriaCount }, (_, k) => CRITERIA[(i + k * 5) % CRITERIA.length]!);
    const stories: Story[] = [];
    let splitMs: number | undefined;
    if (stage >= 3) {
      splitMs = clampPast(passedAt[2]! + rng.int(1, 5) * DAY);
      const planned = Math.max(3, Math.round(criteriaCount * (1.4 + rng.next() * 1.4)));
      const added = rng.chance(0.6) ? rng.int(1, Math.max(1, Math.round(planned / 4))) : 0;
      const doneBy = deployed ? mvpMs! : clampPast(now - DAY);
      // Share of stories done so far grows with the stage.
      const doneShare = deployed || stage >= 6 ? 1 : stage === 5 ? 0.8 : stage === 4 ? 0.45 : 0.15;
      for (let k = 0; k < planned + added; k++) {
        const isAdded = k >= planned;
        const opened = isAdded
          ? workTime(rng, splitMs + rng.next() * Math.max(DAY, doneBy - splitMs - 2 * DAY))
          : splitMs + rng.int(0, 3) * 3_600_000;
        const openedMs = clampPast(opened);
        const done = deployed || stage >= 6 || rng.chance(doneShare);
        let closedAt: string | null = null;
        let sprint: string | undefined;
        if (done) {
          const closed = clampPast(Math.max(openedMs + 3_600_000, workTime(rng, openedMs + rng.next() * Math.max(DAY, doneBy - openedMs))));
          closedAt = iso(closed);
          sprint = sprintName(closed);
        } else {
          const roll = rng.next();
          if (roll < 0.6) sprint = sprintName(now);
          else if (roll < 0.8) sprint = sprintName(now - 2 * WEEK); // carried over
        }
        const storySquad = slot.multiSquad && k % 3 === 1 ? otherSquad.id : squad.id;
        stories.push({
          id: `${repo}#${nextNumber(repo)}`,
          title: `${title}: story ${k + 1}`,
          squad: storySquad,
          openedAt: iso(openedMs),
          closedAt,
          ...(sprint === undefined ? {} : { sprint }),
        });
      }
    }

    // Deployments.
    const deployments: Deployment[] = [];
    if (mvpMs !== undefined) {
      deployments.push({ environment: "staging", state: "success", at: iso(clampPast(mvpMs - rng.int(1, 5) * DAY)) });
    }
    if (deployed) {
      const failuresFirst = rng.chance(0.3) ? rng.int(1, 2) : 0;
      for (let f = failuresFirst; f > 0; f--) {
        deployments.push({ environment: "production", state: "failure", at: iso(liveMs! - f * 3 * 3_600_000) });
      }
      deployments.push({ environment: "production", state: "success", at: iso(liveMs!) });
      for (let r = deployedMs! + rng.int(10, 25) * DAY; r < latest; r += rng.int(10, 25) * DAY) {
        const failed = rng.chance(0.12);
        deployments.push({ environment: "production", state: failed ? "failure" : "success", at: iso(workTime(rng, r)) });
        if (failed) deployments.push({ environment: "production", state: "success", at: iso(clampPast(workTime(rng, r + DAY))) });
      }
    }

    const useCase: UseCase = {
      id: `${repo}#${number}`,
      repo,
      number,
      title,
      url: `https://github.com/${repo}/issues/${number}`,
      state: closedMs === undefined ? "open" : "closed",
      closedAt: closedMs === undefined ? null : iso(closedMs),
      priority: 1 + ((i * 7) % 5),
      valueStream: stream.id,
      plants,
      layers,
      labels: ["use-case", `value-stream/${stream.id}`, ...plants.map((p) => `plant/${p}`)],
      ...(productOwner === undefined ? {} : { productOwner }),
      ...(architect === undefined ? {} : { architect }),
      squad: squad.id,
      deadline: day(deadlineMs),
      filedAt: iso(filed),
      acceptanceCriteria,
      initiatives: [],
      stories,
      ...(splitMs === undefined ? {} : { splitAt: iso(splitMs) }),
      gates,
      deployments,
      ...(liveMs === undefined ? {} : { deployedAt: iso(liveMs) }),
      ...(mvpMs === undefined ? {} : { mvpAt: iso(mvpMs) }),
    };
    useCases.push(useCase);
  }

  // Initiatives: about 10 per 3 use cases, each enabled by 1–3 use cases, mostly from its own value stream.
  const initiativeCount = Math.max(1, Math.round((count * 10) / 3));
  const linkable = useCases.filter((_, i) => !slotOf[i]!.noInitiatives);
  const byStream = new Map<string, UseCase[]>();
  for (const u of linkable) {
    const list = byStream.get(u.valueStream);
    if (list) list.push(u);
    else byStream.set(u.valueStream, [u]);
  }
  const initiatives: Initiative[] = [];
  for (let j = 0; j < initiativeCount; j++) {
    const stream = VALUE_STREAMS[j % VALUE_STREAMS.length]!.id;
    const pool = byStream.get(stream) ?? linkable;
    const enablerCount = linkable.length === 0 ? 0 : Math.min(pool.length, rng.pick([1, 1, 2, 2, 2, 3]));
    const enablers = new Set<UseCase>();
    // Spread links: the j-th initiative of a stream starts from a rotating use case, so every use case gets some.
    const start = Math.floor(j / VALUE_STREAMS.length) % Math.max(pool.length, 1);
    if (enablerCount > 0) enablers.add(pool[start]!);
    while (enablers.size < enablerCount) enablers.add(rng.chance(0.85) ? rng.pick(pool) : rng.pick(linkable));
    const repo = OFFICE_REPO;
    const number = nextNumber(repo);
    const id = `${repo}#${number}`;
    for (const u of enablers) u.initiatives.push(id);
    const metric = INITIATIVE_METRICS[j % INITIATIVE_METRICS.length]!;
    const plant = PLANTS[j % PLANTS.length]!;
    const currency = j % 120 === 17 ? "GBP" : plant === "guadalajara" && j % 2 === 0 ? "USD" : plant === "penang" && j % 2 === 1 ? "MYR" : "EUR";
    const perEur = currency === "USD" ? 1.08 : currency === "MYR" ? 5.0 : currency === "GBP" ? 0.86 : 1;
    const amount = Math.round((150_000 * Math.exp(rng.next() * Math.log(30)) * perEur) / 10_000) * 10_000;
    const enablerList = [...enablers];
    const allDeployed = enablerList.length > 0 && enablerList.every((u) => u.deployedAt !== undefined);
    const realized: Initiative["realized"] = [];
    const owner = INITIATIVE_OWNERS[j % INITIATIVE_OWNERS.length]!;
    if (allDeployed && rng.chance(0.75)) {
      const live = Math.max(...enablerList.map((u) => Date.parse(u.deployedAt!)));
      // Monthly records from the first month-end after go-live.
      let monthEnd = Date.UTC(new Date(live).getUTCFullYear(), new Date(live).getUTCMonth() + 1, 0);
      if (monthEnd < live) monthEnd = Date.UTC(new Date(live).getUTCFullYear(), new Date(live).getUTCMonth() + 2, 0);
      while (monthEnd + 3 * DAY < latest && realized.length < 6) {
        const share = 0.5 + rng.next() * 0.6;
        realized.push({
          amount: Math.round((amount / 12) * share / 1000) * 1000,
          currency,
          asOf: day(monthEnd),
          recordedBy: rng.chance(0.7) ? owner : rng.pick(OFFICE),
          recordedAt: iso(workTime(rng, monthEnd + rng.int(1, 3) * DAY)),
        });
        monthEnd = Date.UTC(new Date(monthEnd).getUTCFullYear(), new Date(monthEnd).getUTCMonth() + 2, 0);
      }
    }
    const latestDeadline = enablerList.length === 0 ? now + 26 * WEEK : Math.max(...enablerList.map((u) => Date.parse(u.deadline)));
    initiatives.push({
      id,
      repo,
      number,
      title: `${INITIATIVE_VERBS[j % INITIATIVE_VERBS.length]} ${metric.what} in ${plant[0]!.toUpperCase()}${plant.slice(1)}${j >= 30 ? ` (${Math.floor(j / 30) + 1})` : ""}`,
      url: `https://github.com/${repo}/issues/${number}`,
      owner,
      valueStream: stream,
      plannedBenefit: { amount, currency },
      benefitMeasure: metric.measure,
      baseline: metric.baseline,
      targetDate: day(latestDeadline + 90 * DAY),
      realized,
    });
  }
  for (const u of useCases) u.initiatives.sort(compareIssueIds);

  // KPI inputs.
  const defects: Defect[] = [];
  for (const u of useCases) {
    if (u.stories.length === 0) continue;
    const deployedMs = u.deployedAt === undefined ? undefined : Date.parse(u.deployedAt);
    const before = rng.int(0, 2);
    const after = deployedMs === undefined ? 0 : rng.int(0, 3);
    const split = Date.parse(u.splitAt!);
    const windows: Array<[number, number]> = [
      ...Array.from({ length: before }, (): [number, number] => [split, deployedMs ?? latest]),
      ...Array.from({ length: after }, (): [number, number] => [deployedMs! + DAY, latest]),
    ];
    for (const [from, to] of windows) {
      if (to <= from) continue;
      const opened = clampPast(workTime(rng, from + rng.next() * (to - from)));
      const closed = rng.chance(0.7) ? clampPast(opened + rng.int(1, 20) * DAY) : null;
      defects.push({
        id: `${u.repo}#${nextNumber(u.repo)}`,
        useCase: u.id,
        openedAt: iso(opened),
        closedAt: closed === null ? null : iso(Math.max(closed, opened)),
        title: `${u.title}: ${rng.pick(["wrong unit on dashboard", "gateway drops messages", "alert fires twice", "export times out", "stale data after restart"])}`,
        labels: rng.chance(0.12) ? ["bug"] : rng.chance(0.3) ? ["defect", "severity/high"] : ["defect"],
      });
    }
  }
  const deploymentStatuses: DeploymentStatus[] = useCases
    .flatMap((u) => u.deployments.map((d) => ({ repo: u.repo, ...d })))
    .sort((a, b) => a.at.localeCompare(b.at) || a.repo.localeCompare(b.repo));
  const repos = [...new Set(useCases.map((u) => u.repo))].sort();
  const coverage: CoverageReading[] = [];
  for (const repo of repos) {
    let percent = 60 + rng.next() * 25;
    const drifting = repo.endsWith("/traceability");
    for (let w = 15; w >= 0; w--) {
      percent = Math.max(35, Math.min(97, percent + (drifting ? -1.2 : 0.4) + (rng.next() - 0.5) * 3));
      coverage.push({ repo, at: iso(workTime(rng, nowDayMs - w * WEEK - 3 * DAY)), percent: Math.round(percent * 10) / 10, source: "coverage" });
    }
  }

  return {
    schemaVersion: SNAPSHOT_SCHEMA_VERSION,
    generatedAt: iso(now),
    program: { name: "Voltaic Electronics IT/OT transformation", reportingCurrency: "EUR", rates: { USD: 0.93, MYR: 0.2 } },
    squads,
    useCases,
    initiatives,
    governance: {
      pipeline: DEFAULT_GATE_IDS.map((id, g) => ({
        id,
        label: `gate/${g + 1}-${id}`,
        ...(id === "architecture" ? { requiredBeforeMerge: true } : {}),
      })),
    },
    kpiInputs: { defects, deploymentStatuses, coverage },
  };
}
