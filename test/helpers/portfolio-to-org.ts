import { defaultConfig, type ConvergeConfig } from "../../src/config/schema.js";
import { renderInitiativeComment } from "../../src/domain/intake/initiatives.js";
import { labelSlug } from "../../src/domain/intake/labels.js";
import type { PortfolioSnapshot, UseCase } from "../../src/domain/snapshot/schema.js";
import { FakeOrg } from "./fake-org.js";

/**
 * A portfolio snapshot written out as the GitHub org that holds it: use cases and initiatives as issues with the
 * bodies GitHub renders from Converge's issue forms, gate history as label events, stories as sub-issues, realized
 * benefit in Converge's initiative comment, defects as sub-issues of their use case, deployments and the latest
 * coverage check per repository. `githubView` gives the same portfolio as a file holds it, restricted to what GitHub
 * can express (e.g. GitHub keeps only the latest coverage check; a use case's deployment day is its deployed gate).
 */

const STREAM_OPTIONS: Record<string, string> = {
  "plan-to-produce": "Plan to Produce",
  "order-to-delivery": "Order to Deliver",
  "quality-to-compliance": "Quality to Compliance",
  "maintain-to-operate": "Maintain to Operate",
};
const streamOption = (id: string): string => STREAM_OPTIONS[id] ?? Object.values(STREAM_OPTIONS).find((o) => labelSlug(o) === id) ?? "Plan to Produce";

export const APP_LOGIN = "converge[bot]";

/** The generator's sprints: "Sprint N" is the N-th fortnight from Monday 2026-01-05, due on its last day (a Sunday). */
const SPRINT_EPOCH = Date.UTC(2026, 0, 5);
const DAY = 86_400_000;
export function sprintDays(title: string): { start: string; end: string } {
  const n = Number(/^Sprint (\d+)$/.exec(title)?.[1] ?? "1");
  const start = SPRINT_EPOCH + (n - 1) * 14 * DAY;
  return { start: new Date(start).toISOString().slice(0, 10), end: new Date(start + 13 * DAY).toISOString().slice(0, 10) };
}

/** A milestone due on `day`, as GitHub stores it: midnight of that day in US-Pacific time, in UTC. */
export function milestoneDueOn(day: string): string {
  const la = new Intl.DateTimeFormat("en-US", { timeZone: "America/Los_Angeles", hour: "2-digit", hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit" });
  for (const hour of ["07", "08"]) {
    const at = `${day}T${hour}:00:00Z`;
    const parts = Object.fromEntries(la.formatToParts(new Date(at)).map((p) => [p.type, p.value]));
    if (parts.hour === "00" && `${parts.year}-${parts.month}-${parts.day}` === day) return at;
  }
  throw new Error(`no Pacific midnight for ${day}`);
}

function section(label: string, value: string | undefined): string {
  return `### ${label}\n\n${value === undefined || value === "" ? "_No response_" : value}`;
}

export function useCaseBody(u: UseCase): string {
  return [
    section("As a", "planner"),
    section("I want", u.title),
    section("So that", "the plant runs better"),
    section("Acceptance criteria", u.acceptanceCriteria.map((c) => `- [ ] ${c}`).join("\n")),
    section("Value stream", streamOption(u.valueStream)),
    section("Plants / sites", u.plants.map((p) => p[0]!.toUpperCase() + p.slice(1)).join(", ")),
    section("IT/OT layers", "- [ ] ERP\n- [ ] MES"),
    section("Business initiatives enabled", u.initiatives.join(", ")),
    section("Expected yearly benefit", u.expectedBenefit ? `${u.expectedBenefit.amount} ${u.expectedBenefit.currency}` : undefined),
    section("Benefit KPI", "downtime hours"),
    section("Target deployment date", u.deadline),
    section("Product owner", u.productOwner ? `@${u.productOwner}` : undefined),
    section("IT/OT architect", u.architect ? `@${u.architect}` : undefined),
    section("Squad", u.squad),
  ].join("\n\n");
}

export function configFor(snapshot: PortfolioSnapshot): ConvergeConfig {
  const config = defaultConfig();
  config.gates.pipeline = config.gates.pipeline.map((g, i) => ({ ...g, id: snapshot.governance.pipeline[i]?.id ?? g.id, label: snapshot.governance.pipeline[i]?.label ?? g.label }));
  config.report.reportingCurrency = snapshot.program.reportingCurrency;
  config.report.rates = { ...(snapshot.program.rates ?? {}) };
  config.squads = snapshot.squads.map((s) => ({ id: s.id, name: s.name, repos: [], teams: [], labels: [`squad/${s.id}`] }));
  config.sprints = { ...config.sprints, source: "milestone", milestonePattern: "^Sprint\\b" };
  return config;
}

export function portfolioToOrg(snapshot: PortfolioSnapshot, org: string): FakeOrg {
  const fake = new FakeOrg(org);
  const labelOf = new Map(snapshot.governance.pipeline.map((g) => [g.id, g.label]));
  for (const ini of snapshot.initiatives) {
    const body = [
      section("Outcome", ini.title),
      section("Initiative owner", `@${ini.owner}`),
      section("Value stream", streamOption(ini.valueStream)),
      section("Planned yearly benefit", `${ini.plannedBenefit.amount} ${ini.plannedBenefit.currency}`),
      section("Benefit measure", ini.benefitMeasure),
      section("Baseline", ini.baseline),
      section("Target date", ini.targetDate),
    ].join("\n\n");
    fake.add({
      repo: ini.repo,
      number: ini.number,
      title: ini.title,
      body,
      labels: ["initiative"],
      createdAt: "2025-06-02T08:00:00Z",
      author: ini.owner,
      comments: [
        { author: ini.owner, body: "Looking forward to this" },
        { author: APP_LOGIN, body: renderInitiativeComment({ state: { useCases: [] }, ledger: ini.realized }) },
      ],
    });
  }
  for (const u of snapshot.useCases) {
    const issue = fake.add({
      repo: u.repo,
      number: u.number,
      title: u.title,
      body: useCaseBody(u),
      state: u.state === "open" ? "OPEN" : "CLOSED",
      stateReason: u.state === "open" ? null : "COMPLETED",
      createdAt: u.filedAt,
      updatedAt: u.closedAt ?? u.filedAt,
      closedAt: u.closedAt ?? null,
      author: u.productOwner ?? "office-bot-user",
      labels: githubLabels(u, labelOf),
      labelEvents: u.gates.map((g) => ({ kind: g.action === "passed" ? "labeled" : "unlabeled", label: labelOf.get(g.gate)!, actor: g.actor, at: g.at })),
    });
    for (const s of u.stories) {
      const [repo, number] = s.id.split("#") as [string, string];
      const story = fake.add({
        repo,
        number: Number(number),
        title: s.title ?? s.id,
        body: "### Use case\n\n#1",
        state: s.closedAt ? "CLOSED" : "OPEN",
        stateReason: s.closedAt ? "COMPLETED" : null,
        createdAt: s.openedAt,
        updatedAt: s.closedAt ?? s.openedAt,
        closedAt: s.closedAt,
        labels: ["user-story", `squad/${s.squad}`],
        milestone: s.sprint ? { title: s.sprint, dueOn: milestoneDueOn(sprintDays(s.sprint).end) } : null,
      });
      fake.addSubIssue(issue, story);
    }
  }
  for (const d of snapshot.kpiInputs.defects) {
    const [repo, number] = d.id.split("#") as [string, string];
    const defect = fake.add({
      repo,
      number: Number(number),
      title: d.title ?? d.id,
      createdAt: d.openedAt,
      updatedAt: d.closedAt ?? d.openedAt,
      state: d.closedAt ? "CLOSED" : "OPEN",
      closedAt: d.closedAt ?? null,
      labels: d.labels,
      body: `Found in ${d.useCase} after go-live.`,
    });
    void defect;
  }
  const repos = new Set([...snapshot.useCases.map((u) => u.repo)]);
  for (const repo of repos) {
    const latest = snapshot.kpiInputs.coverage.filter((c) => c.repo === repo).at(-1);
    fake.repos.set(repo, {
      deployments: snapshot.kpiInputs.deploymentStatuses.filter((d) => d.repo === repo).map((d) => ({ environment: d.environment, createdAt: d.at, state: d.state })),
      checkRuns: latest ? [{ name: "coverage", title: `Coverage ${latest.percent}%`, summary: null, completedAt: latest.at }] : [],
    });
  }
  return fake;
}

/** The labels the use case carries on GitHub: intake's, the priority, and the gates passed now. */
function githubLabels(u: UseCase, labelOf: ReadonlyMap<string, string>): string[] {
  const gates = u.gates.reduce<string[]>((on, g) => (g.action === "passed" ? [...on, labelOf.get(g.gate)!] : on.filter((l) => l !== labelOf.get(g.gate))), []);
  return [...new Set([...(u.labels ?? ["use-case"]), `priority/${u.priority}`, ...gates])].sort();
}

const split = (id: string) => ({ repo: id.split("#")[0]!, number: Number(id.split("#")[1]) });
const byId = (a: { repo: string; number: number }, b: { repo: string; number: number }) => a.repo.localeCompare(b.repo) || a.number - b.number;

/** The snapshot restricted to what the org above holds on GitHub, in the fetch's own conventions. */
export function githubView(snapshot: PortfolioSnapshot, org: string): PortfolioSnapshot {
  const stream = (id: string) => labelSlug(streamOption(id));
  const deployedGate = snapshot.governance.pipeline.at(-1)?.id;
  const labelOf = new Map(snapshot.governance.pipeline.map((g) => [g.id, g.label]));
  const useCases = [...snapshot.useCases].sort(byId).map((u) => {
    const deployedAt = u.gates.find((g) => g.gate === deployedGate && g.action === "passed")?.at;
    const splitAt = u.stories.map((s) => s.openedAt).sort()[0];
    const { deployedAt: _d, splitAt: _s, ...rest } = u;
    return {
      ...rest,
      valueStream: stream(u.valueStream),
      labels: githubLabels(u, labelOf),
      layers: [],
      deployments: [],
      ...(splitAt ? { splitAt } : {}),
      ...(deployedAt ? { deployedAt } : {}),
    };
  });
  // Sprints as GitHub holds them (milestones), and carry-over: open stories still in a sprint that ended before today.
  const today = snapshot.generatedAt.slice(0, 10);
  const titles = [...new Set(useCases.flatMap((u) => u.stories.flatMap((s) => (s.sprint ? [s.sprint] : []))))];
  const list = titles.map((title) => ({ title, ...sprintDays(title) })).sort((a, b) => a.start.localeCompare(b.start) || a.title.localeCompare(b.title));
  const carryOver = useCases.flatMap((u) =>
    [...u.stories]
      .sort((a, b) => byId(split(a.id), split(b.id)))
      .flatMap((s) => (s.closedAt === null && s.sprint && sprintDays(s.sprint).end < today ? [{ story: s.id, useCase: u.id, squad: s.squad, from: s.sprint, to: null }] : [])),
  );
  const coverage = [...new Set(snapshot.kpiInputs.coverage.map((c) => c.repo))].flatMap((repo) => snapshot.kpiInputs.coverage.filter((c) => c.repo === repo).slice(-1))
    .sort((a, b) => a.at.localeCompare(b.at) || a.repo.localeCompare(b.repo));
  return {
    ...snapshot,
    program: { ...snapshot.program, name: org },
    useCases,
    initiatives: [...snapshot.initiatives].sort(byId).map((i) => ({ ...i, valueStream: stream(i.valueStream) })),
    sprints: { source: "milestone", list, carryOver },
    kpiInputs: {
      ...snapshot.kpiInputs,
      // Only issues with the defect label are defects on GitHub (the search asks for it).
      defects: snapshot.kpiInputs.defects.filter((d) => d.labels.includes("defect")).sort((a, b) => byId(split(a.id), split(b.id))),
      coverage,
    },
  };
}
