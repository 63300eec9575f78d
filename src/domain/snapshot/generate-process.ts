import { createSampleRng } from "./generate.js";
import { DEFAULT_GATE_IDS, SNAPSHOT_SCHEMA_VERSION, type GateEvent, type PortfolioSnapshot, type Squad, type Story, type UseCase } from "./schema.js";

/**
 * A portfolio whose true completion process is known (issue 13): the calibration check of the forecast. Unlike
 * `generatePortfolio` (a fixed mix of lifecycle stages for the demo), this one simulates the program day by day, so
 * every date in it is the outcome of a process a forecast can be judged against:
 *
 * - Squads work their queue in priority order (then deadline, then id): each story a squad closes goes to its
 *   highest-priority use case with open stories. Each squad's throughput drifts: its daily close rate follows a
 *   random walk in log space (about ±6% a week), so the last 12 weeks describe the next ones only roughly.
 * - Scope grows: while a use case is being worked, stories are added (about a quarter more over its life).
 * - Gates queue: intake, feasibility and architecture are reviews done by a small board that takes a few use cases a
 *   week in filing order (waiting grows with the load); the split follows architecture. Security is reviewed while the
 *   work runs (it starts at the split and usually ends before the last story). mvp passes a few days after the last
 *   story closes, signoff and deployed follow it.
 * - Deadlines are set at filing from a rough plan (stories at the squad's current rate, plus typical gate time), with
 *   noise: some are generous, some are not.
 *
 * Deterministic for a seed (mulberry32, as generate.ts). Nothing after `now` is in the snapshot: in-flight use cases
 * show the state they were in at `now`.
 */
export interface ProcessOptions {
  seed?: string | number;
  /** The snapshot's day (YYYY-MM-DD); the process runs `weeks` weeks up to it. */
  now?: string;
  weeks?: number;
  squads?: number;
  /** Use cases filed per week across the program (mean). */
  arrivalsPerWeek?: number;
}

const DAY = 86_400_000;
const ORG = "calibra";
const REPO = `${ORG}/program`;

/** generate.ts's sample generator (mulberry32), plus the two draws the process needs. */
function rngOf(seed: string | number) {
  const { next, int } = createSampleRng(seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
  /** Poisson draw (Knuth: the rates here are a few per day at most). */
  const poisson = (mean: number) => {
    const limit = Math.exp(-mean);
    let k = 0;
    for (let p = next(); p > limit; p *= next()) k++;
    return k;
  };
  return { next, int, normal, poisson };
}

interface Live {
  uc: UseCase;
  squad: number;
  /** Days of work in review queues: the board's capacity is shared in filing order. */
  stage: number;
  stageSince: number;
  reviewDays: number;
  stories: Story[];
  open: number;
  growthLeft: number;
  securityDone: number;
  workDone: number;
}

const iso = (ms: number) => new Date(ms).toISOString().replace(".000Z", "Z");

export function generateProcessPortfolio(options: ProcessOptions = {}): PortfolioSnapshot {
  const rng = rngOf(options.seed ?? "calibration");
  const nowDay = options.now ?? "2026-11-23";
  const end = Date.parse(`${nowDay}T00:00:00Z`);
  if (Number.isNaN(end)) throw new RangeError(`now must be YYYY-MM-DD, got ${nowDay}`);
  const weeks = options.weeks ?? 70;
  const squadCount = options.squads ?? 24;
  const arrivals = options.arrivalsPerWeek ?? 4.8;
  const start = end - weeks * 7 * DAY;

  const squads: Squad[] = Array.from({ length: squadCount }, (_, s) => ({ id: `squad-${s + 1}`, name: `Squad ${s + 1}` }));
  // Stories closed per day: 2.5–5 a week, drifting.
  const logRate = Array.from({ length: squadCount }, () => Math.log((2.5 + 2.5 * rng.next()) / 5));
  const useCases: UseCase[] = [];
  const live: Live[] = [];
  let number = 0;
  let storyNumber = 10_000;
  let boardQueue: Live[] = []; // waiting for intake, feasibility or architecture, in filing order
  const pipeline = DEFAULT_GATE_IDS;
  const pass = (l: Live, g: number, at: number) => {
    l.uc.gates.push({ gate: pipeline[g]!, action: "passed", actor: "board", at: iso(at) } satisfies GateEvent);
  };

  for (let day = start; day < end; day += DAY) {
    const noon = day + 12 * 3_600_000;
    // Drift: a daily step of the log rate (≈ 6% a week), kept within 1–7 stories a week.
    for (let s = 0; s < squadCount; s++) logRate[s] = Math.min(Math.log(7 / 5), Math.max(Math.log(1 / 5), logRate[s]! + 0.023 * rng.normal()));

    // Arrivals.
    for (let a = rng.poisson(arrivals / 7); a > 0; a--) {
      number++;
      const squad = rng.int(0, squadCount - 1);
      const criteria = rng.int(3, 7);
      const planned = Math.max(3, Math.round(criteria * (1.5 + rng.next())));
      const weeklyRate = 5 * Math.exp(logRate[squad]!);
      // A rough plan: the stories at the squad's current rate, shared with ~2 other use cases, and ~8 weeks of gates.
      const planWeeks = (planned / weeklyRate) * 2 + 8;
      const deadline = noon + Math.round(planWeeks * (0.7 + 0.8 * rng.next()) * 7) * DAY;
      const uc: UseCase = {
        id: `${REPO}#${number}`,
        repo: REPO,
        number,
        title: `Use case ${number}`,
        url: `https://github.com/${REPO}/issues/${number}`,
        state: "open",
        closedAt: null,
        priority: rng.int(1, 5),
        valueStream: "plan-to-produce",
        plants: ["dresden"],
        layers: ["edge"],
        labels: ["use-case"],
        squad: squads[squad]!.id,
        deadline: new Date(deadline).toISOString().slice(0, 10),
        filedAt: iso(noon - 2 * 3_600_000),
        acceptanceCriteria: Array.from({ length: criteria }, (_, k) => `criterion ${k + 1}`),
        initiatives: [],
        stories: [],
        gates: [],
        deployments: [],
      };
      useCases.push(uc);
      const l: Live = { uc, squad, stage: 0, stageSince: noon, reviewDays: 0, stories: uc.stories, open: 0, growthLeft: Math.round(planned * 0.5 * rng.next()), securityDone: Number.NaN, workDone: Number.NaN };
      (l as Live & { planned: number }).planned = planned;
      live.push(l);
      boardQueue.push(l);
    }

    // The review board: about 5.5 reviews a week per weekly arrival (three reviews each: busy, not overloaded), in filing order; each review takes 1–4 days once started.
    let capacity = rng.poisson((arrivals * 5.5) / 7);
    const stillWaiting: Live[] = [];
    for (const l of boardQueue) {
      if (l.reviewDays > 0) {
        l.reviewDays--;
        if (l.reviewDays === 0) {
          pass(l, l.stage, noon);
          l.stage++;
          l.stageSince = noon;
          if (l.stage === 3) {
            // Split right after architecture.
            const planned = (l as Live & { planned: number }).planned;
            l.uc.splitAt = iso(noon + 3_600_000);
            for (let k = 0; k < planned; k++) {
              l.stories.push({ id: `${REPO}#${++storyNumber}`, squad: l.uc.squad, openedAt: iso(noon + 3_600_000), closedAt: null });
            }
            l.open = planned;
            continue; // off the board
          }
        }
        stillWaiting.push(l);
      } else if (capacity > 0) {
        capacity--;
        l.reviewDays = rng.int(1, 4);
        stillWaiting.push(l);
      } else stillWaiting.push(l);
    }
    boardQueue = stillWaiting;

    // Work: each squad's closes go to its highest-priority use case with open stories (then deadline, then number).
    for (let s = 0; s < squadCount; s++) {
      let closes = rng.poisson(Math.exp(logRate[s]!) * (5 / 7));
      const queue = live
        .filter((l) => l.squad === s && l.open > 0)
        .sort((a, b) => a.uc.priority - b.uc.priority || a.uc.deadline.localeCompare(b.uc.deadline) || a.uc.number - b.uc.number);
      for (const l of queue) {
        while (closes > 0 && l.open > 0) {
          const story = l.stories.find((x) => x.closedAt === null)!;
          story.closedAt = iso(Math.max(Date.parse(story.openedAt) + 3_600_000, noon + rng.int(0, 5) * 3_600_000));
          l.open--;
          closes--;
        }
        if (l.open === 0 && Number.isNaN(l.workDone)) l.workDone = noon;
        if (closes === 0) break;
      }
    }

    // Scope growth while the work runs; security review alongside it; mvp, signoff and deployed after it.
    for (const l of live) {
      if (l.stage < 3 || l.uc.deployedAt !== undefined) continue;
      if (l.open > 0 && l.growthLeft > 0 && rng.next() < 0.06) {
        l.growthLeft--;
        l.stories.push({ id: `${REPO}#${++storyNumber}`, squad: l.uc.squad, openedAt: iso(noon + 3_600_000), closedAt: null });
        l.open++;
        l.workDone = Number.NaN;
      }
      const waited = (noon - l.stageSince) / DAY;
      if (l.stage === 3 && waited >= 5 && rng.next() < 0.09) {
        pass(l, 3, noon); // security: a review running alongside the work
        l.stage = 4;
        l.stageSince = noon;
      } else if (l.stage === 4 && !Number.isNaN(l.workDone) && l.open === 0 && noon - l.workDone >= rng.int(0, 4) * DAY) {
        pass(l, 4, noon);
        l.uc.mvpAt = iso(noon);
        l.stage = 5;
        l.stageSince = noon;
      } else if (l.stage === 5 && waited >= 2 && rng.next() < 0.18) {
        pass(l, 5, noon);
        l.stage = 6;
        l.stageSince = noon;
      } else if (l.stage === 6 && waited >= 3 && rng.next() < 0.14) {
        pass(l, 6, noon + 3_600_000);
        l.uc.deployedAt = iso(noon);
        l.uc.deployments.push({ environment: "production", state: "success", at: iso(noon) });
        l.uc.state = "closed";
        l.uc.closedAt = iso(noon + 2 * 3_600_000);
        l.stage = 7;
      }
    }
  }

  return {
    schemaVersion: SNAPSHOT_SCHEMA_VERSION,
    generatedAt: iso(end),
    program: { name: "Calibration portfolio (simulated process)", reportingCurrency: "EUR", rates: {} },
    squads,
    useCases,
    initiatives: [],
    governance: { pipeline: DEFAULT_GATE_IDS.map((id, g) => ({ id, label: `gate/${g + 1}-${id}` })) },
    kpiInputs: { defects: [], deploymentStatuses: [], coverage: [] },
  };
}
