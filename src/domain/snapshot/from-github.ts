import type { ConvergeConfig } from "../../config/schema.js";
import { readLedger } from "../benefits/ledger.js";
import { coverageFromText } from "../kpis/coverage.js";
import { parseIssueBody } from "../forms/parse-body.js";
import type { FormTemplate } from "../forms/template.js";
import { validateForm } from "../forms/validate.js";
import { REVERT_WINDOW_MS } from "../gates/audit.js";
import { gateForLabel } from "../gates/model.js";
import { labelSlug } from "../intake/labels.js";
import { asPartialUseCase } from "../intake/use-case.js";
import { INITIATIVE_MARKER } from "../status/markers.js";
import { iterationSprint, milestoneSprint, SprintList, type IterationValue } from "../sprints/model.js";
import { detectCarryOver, type StorySprintFacts } from "../sprints/carry-over.js";
import { SquadResolver } from "../sprints/squads.js";
import { formatReference, parseReference } from "../values/references.js";
import type { Defect, DeploymentStatus, CoverageReading, GateEvent, Initiative, PortfolioSnapshot, Story, UseCase } from "./schema.js";
import { SNAPSHOT_SCHEMA_VERSION } from "./schema.js";
import { compareIssueIds } from "./id-order.js";
import { sameLogin } from "../values/handles.js";

/**
 * The org's issues as the snapshot fetch read them (src/github/snapshot), turned into the portfolio snapshot the
 * report engine reads. Pure: every GitHub shape is reduced to these plain records first, so the mapping is tested
 * without HTTP and a snapshot fetched from GitHub equals one written as a file from the same facts.
 */

export interface RawLabelEvent {
  kind: "labeled" | "unlabeled";
  label: string;
  actor: string | null;
  at: string;
}

export interface RawStory {
  id: string;
  nodeId: string;
  repo: string;
  number: number;
  title: string;
  state: "OPEN" | "CLOSED";
  /** COMPLETED, NOT_PLANNED, DUPLICATE, REOPENED or null. */
  stateReason: string | null;
  createdAt: string;
  closedAt: string | null;
  milestone: { title: string; dueOn: string | null } | null;
}

export interface RawIssue {
  nodeId: string;
  repo: string;
  number: number;
  title: string;
  url: string;
  state: "OPEN" | "CLOSED";
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  body: string | null;
  author: string | null;
  labels: string[];
  assignees: string[];
  milestone: { title: string; dueOn: string | null } | null;
}

export interface RawUseCase extends RawIssue {
  labelEvents: RawLabelEvent[];
  stories: RawStory[];
  /** The parent issue (defects are linked to use cases as their sub-issues), by node id. */
  parentNodeId?: string | null;
}

export interface RawInitiative extends RawIssue {
  /** Bodies of Converge's own comments on the initiative (authored by the app). */
  appComments: string[];
}

export interface RawDefect extends RawIssue {
  parent: { repo: string; number: number } | null;
}

export interface RawRepoFacts {
  repo: string;
  deployments: Array<{ environment: string; state: string | null; at: string | null }>;
  coverage: Array<{ at: string; text: string; source: string }>;
}

export interface RawPortfolio {
  org: string;
  useCases: RawUseCase[];
  initiatives: RawInitiative[];
  defects: RawDefect[];
  repos: RawRepoFacts[];
  /** Iteration values by issue node id, from the program board (sprints.source: iteration). */
  iterations: Map<string, IterationValue>;
  /** Squad labels on stories, by story node id (squads mapped by label; stories' own labels are not fetched). */
  storySquadLabels: Map<string, string[]>;
  /** Members (lowercase logins) per team slug, for squads mapped by team. */
  teamMembers: Map<string, Set<string>>;
  /** What the fetch itself could not include (search caps, pages that failed). */
  omitted: Array<{ id?: string; reason: string }>;
}

export interface BuildOptions {
  config: ConvergeConfig;
  now: Date;
  /** Converge's bot login, to recognise its own reverts of unauthorised gate labels. */
  appLogin: string;
  templates: { useCase: FormTemplate; initiative: FormTemplate };
  /** Last snapshot, for carry-over between sprints. */
  previous?: PortfolioSnapshot;
}

const DEPLOYMENT_STATES = new Set(["success", "failure", "error", "inactive", "in_progress", "queued", "pending"]);

export function buildSnapshotFromGithub(raw: RawPortfolio, options: BuildOptions): PortfolioSnapshot {
  const { config } = options;
  const omitted = [...raw.omitted];
  const resolver = new SquadResolver(config.squads, raw.teamMembers);
  const sprints = new SprintList();
  const sprintOf = (issue: { nodeId: string; milestone: RawIssue["milestone"] }): string | undefined => {
    if (config.sprints.source === "iteration") {
      const value = raw.iterations.get(issue.nodeId);
      return value ? sprints.add(iterationSprint(value)) : undefined;
    }
    return issue.milestone ? sprints.add(milestoneSprint(issue.milestone, config.sprints)) : undefined;
  };

  const initiatives: Initiative[] = [];
  for (const issue of [...raw.initiatives].sort(byId)) {
    const built = toInitiative(issue, options);
    if (typeof built === "string") omitted.push({ id: idOf(issue), reason: built });
    else initiatives.push(built);
  }
  // Incremental refresh: last week's initiatives are still initiatives, whether or not they changed since.
  const allInitiatives = [...(options.previous?.initiatives.map((i) => i.id) ?? []), ...initiatives.map((i) => i.id)];
  const initiativeIds = new Set(allInitiatives.map((id) => id.toLowerCase()));
  const canonicalInitiative = new Map(allInitiatives.map((id) => [id.toLowerCase(), id]));

  // A defect filed as a sub-issue of its use case is a defect, not a story.
  const defectNodes = new Set(raw.defects.map((d) => d.nodeId));
  const useCases: UseCase[] = [];
  const storyFacts: StorySprintFacts[] = [];
  for (const issue of [...raw.useCases].sort(byId)) {
    const built = toUseCase(issue, options, resolver, sprintOf, raw.storySquadLabels, defectNodes);
    if (typeof built === "string") {
      omitted.push({ id: idOf(issue), reason: built });
      continue;
    }
    const unknown = built.initiatives.filter((ref) => !initiativeIds.has(ref.toLowerCase()));
    if (unknown.length > 0) {
      omitted.push({ id: built.id, reason: `links ${unknown.join(", ")}, which ${unknown.length > 1 ? "are not business initiatives" : "is not a business initiative"} in ${raw.org}; the link is left out` });
    }
    built.initiatives = built.initiatives.flatMap((ref) => canonicalInitiative.get(ref.toLowerCase()) ?? []);
    useCases.push(built);
    for (const story of built.stories) {
      storyFacts.push({ story: story.id, useCase: built.id, squad: story.squad, closedAt: story.closedAt, ...(story.sprint ? { sprint: story.sprint } : {}) });
    }
  }

  const useCaseIds = new Map(useCases.map((u) => [u.id.toLowerCase(), u.id]));
  const defects: Defect[] = [];
  for (const issue of [...raw.defects].sort(byId)) {
    const linked = defectUseCase(issue, useCaseIds);
    if (!linked) continue; // not linked to a use case: not one of the program's escaped defects
    defects.push({
      id: idOf(issue),
      useCase: linked,
      openedAt: issue.createdAt,
      closedAt: issue.closedAt,
      title: issue.title,
      labels: [...issue.labels].sort(),
    });
  }

  const deploymentStatuses: DeploymentStatus[] = [];
  const coverage: CoverageReading[] = [];
  for (const repo of [...raw.repos].sort((a, b) => a.repo.localeCompare(b.repo))) {
    for (const d of repo.deployments) {
      const state = d.state?.toLowerCase();
      if (!state || !DEPLOYMENT_STATES.has(state) || !d.at) continue;
      deploymentStatuses.push({ repo: repo.repo, environment: d.environment, state: state as DeploymentStatus["state"], at: d.at });
    }
    for (const reading of repo.coverage) {
      const percent = coverageFromText(reading.text, config.report.coverage.pattern);
      if (percent !== null) coverage.push({ repo: repo.repo, at: reading.at, percent, source: reading.source });
    }
  }
  deploymentStatuses.sort((a, b) => a.at.localeCompare(b.at) || a.repo.localeCompare(b.repo));
  coverage.sort((a, b) => a.at.localeCompare(b.at) || a.repo.localeCompare(b.repo));

  const carryOver = detectCarryOver(storyFacts, (title) => sprints.get(title), options.now);
  for (const moved of carriedSincePrevious(options.previous, useCases, (title) => sprints.get(title))) {
    if (!carryOver.some((c) => c.story === moved.story && c.from === moved.from)) carryOver.push(moved);
  }

  const snapshot: PortfolioSnapshot = {
    schemaVersion: SNAPSHOT_SCHEMA_VERSION,
    generatedAt: options.now.toISOString().replace(/\.\d{3}Z$/, "Z"),
    program: {
      name: raw.org,
      reportingCurrency: config.report.reportingCurrency,
      ...(Object.keys(config.report.rates ?? {}).length > 0 ? { rates: { ...config.report.rates } } : {}),
    },
    squads: resolver.squads(),
    useCases,
    initiatives,
    governance: {
      pipeline: config.gates.pipeline.map((g) => ({ id: g.id, label: g.label, ...(config.gates.requiredBeforeMerge === g.id ? { requiredBeforeMerge: true } : {}) })),
    },
    kpiInputs: { defects, deploymentStatuses, coverage },
    sprints: { source: config.sprints.source, list: sprints.list(), carryOver },
    ...(omitted.length > 0 ? { completeness: { omitted } } : {}),
  };
  return snapshot;
}

/** A value's label slug, or the value itself when it has no letters or digits a slug keeps (e.g. CJK names). */
function slugOr(text: string): string {
  return labelSlug(text) || text.trim();
}

function idOf(issue: { repo: string; number: number }): string {
  return `${issue.repo}#${issue.number}`;
}

function byId(a: { repo: string; number: number }, b: { repo: string; number: number }): number {
  return compareIssueIds(idOf(a), idOf(b));
}

function ownerRepo(repo: string): { owner: string; repo: string } {
  const [owner = "", name = ""] = repo.split("/");
  return { owner, repo: name };
}

const PRIORITY_LABEL = /^(?:priority[/:-]\s*|p)([1-9])$/i;
/** Default priority of a use case without a priority label (1 = highest; ADR 0100-snapshot). */
export const DEFAULT_PRIORITY = 3;

function priorityOf(labels: readonly string[]): number {
  for (const label of labels) {
    const match = PRIORITY_LABEL.exec(label.trim());
    if (match?.[1]) return Number(match[1]);
  }
  return DEFAULT_PRIORITY;
}

function toUseCase(
  issue: RawUseCase,
  options: BuildOptions,
  resolver: SquadResolver,
  sprintOf: (issue: { nodeId: string; milestone: RawIssue["milestone"] }) => string | undefined,
  storySquadLabels: ReadonlyMap<string, string[]>,
  defectNodes: ReadonlySet<string>,
): UseCase | string {
  const { config } = options;
  const where = ownerRepo(issue.repo);
  const parsed = parseIssueBody(options.templates.useCase, issue.body);
  const { record } = validateForm(options.templates.useCase, parsed, {
    ...where,
    filedAt: new Date(issue.createdAt),
    requireFutureDate: false,
    defaultCurrency: config.intake.defaultCurrency,
  });
  const form = asPartialUseCase(record);
  const missing = (["deadline", "value-stream"] as const).filter((k) => form[k] === undefined);
  if (missing.length > 0) return `its use-case form has no valid ${missing.join(", ")}: left out until intake accepts it`;

  const squad = resolver.byName(form.squad) ?? resolver.resolve({ repo: issue.repo, labels: issue.labels, assignees: issue.assignees });
  const stories: Story[] = [];
  for (const s of [...issue.stories].sort(byId)) {
    if (defectNodes.has(s.nodeId)) continue;
    if (s.state === "CLOSED" && s.stateReason !== null && s.stateReason !== "COMPLETED") continue; // dropped, not done
    const sprint = sprintOf(s);
    stories.push({
      id: idOf(s),
      title: s.title,
      squad: storySquad(s, issue, resolver, storySquadLabels, squad),
      openedAt: s.createdAt,
      closedAt: s.state === "CLOSED" ? (s.closedAt ?? s.createdAt) : null,
      ...(sprint ? { sprint } : {}),
    });
  }
  const gates = gateHistory(issue.labelEvents, config, options.appLogin);
  const lastGate = config.gates.pipeline.at(-1)?.id;
  const firstPass = (gate: string | undefined) => gates.find((g) => g.gate === gate && g.action === "passed")?.at;
  const lastPass = (gate: string) => gates.filter((g) => g.gate === gate && g.action === "passed").at(-1)?.at;
  const deployedAt = firstPass(lastGate);
  const mvpAt = config.gates.pipeline.some((g) => g.id === "mvp") ? lastPass("mvp") : undefined;
  const splitAt = stories.map((s) => s.openedAt).sort()[0];
  const sprint = sprintOf(issue);
  const initiatives = (form.initiatives ?? []).map((ref) => formatReference(ref));
  const useCase: UseCase = {
    id: idOf(issue),
    repo: issue.repo,
    number: issue.number,
    title: issue.title,
    url: issue.url,
    state: issue.state === "OPEN" ? "open" : "closed",
    closedAt: issue.state === "CLOSED" ? issue.closedAt : null,
    priority: priorityOf(issue.labels),
    // Slugs, as in the value-stream/… and plant/… labels intake applies: one spelling per stream and plant.
    valueStream: slugOr(form["value-stream"] as string),
    plants: (form.plants ?? []).map(slugOr),
    layers: (form.layers ?? []).map(slugOr),
    labels: [...issue.labels].sort(),
    ...(form["product-owner"] ? { productOwner: form["product-owner"] } : {}),
    ...(form.architect ? { architect: form.architect } : {}),
    squad,
    deadline: form.deadline as string,
    filedAt: issue.createdAt,
    acceptanceCriteria: (form["acceptance-criteria"] ?? []).map((c) => c.text),
    ...(form.benefit ? { expectedBenefit: { amount: form.benefit.amount, currency: form.benefit.currency } } : {}),
    initiatives: [...new Set(initiatives)],
    stories,
    ...(splitAt ? { splitAt } : {}),
    gates,
    deployments: [],
    ...(deployedAt ? { deployedAt } : {}),
    ...(mvpAt ? { mvpAt } : {}),
    ...(sprint ? { sprint } : {}),
  };
  return useCase;
}

/**
 * A story's squad: a squad label on the story, else its repository's squad when the story lives in a repository a
 * squad claims, else the use case's squad (stories' assignees are not fetched: they would cost a point per page).
 */
function storySquad(story: RawStory, useCase: RawUseCase, resolver: SquadResolver, labels: ReadonlyMap<string, string[]>, fallback: string): string {
  const own = labels.get(story.nodeId) ?? [];
  if (own.length > 0) return resolver.resolve({ repo: story.repo, labels: own, assignees: [] });
  if (story.repo.toLowerCase() !== useCase.repo.toLowerCase()) return resolver.resolve({ repo: story.repo, labels: [], assignees: [] });
  return fallback;
}

/**
 * Gate history from label events: a gate label added is "passed", removed is "reverted". An addition Converge itself
 * undid within the revert window (an unauthorised pass) never happened as far as the forecast is concerned: both
 * events are dropped.
 */
export function gateHistory(events: readonly RawLabelEvent[], config: ConvergeConfig, appLogin: string): GateEvent[] {
  const isApp = (actor: string | null) => actor !== null && sameLogin(actor, appLogin);
  const mapped = [...events]
    .sort((a, b) => a.at.localeCompare(b.at))
    .flatMap((e) => {
      const gate = gateForLabel(config.gates, e.label);
      return gate ? [{ ...e, gate: gate.id }] : [];
    });
  const dropped = new Set<number>();
  mapped.forEach((event, i) => {
    if (event.kind !== "labeled" || isApp(event.actor) || dropped.has(i)) return;
    const j = mapped.findIndex((e, k) => k > i && e.gate === event.gate);
    const next = mapped[j];
    if (next && next.kind === "unlabeled" && isApp(next.actor) && Date.parse(next.at) - Date.parse(event.at) <= REVERT_WINDOW_MS) {
      dropped.add(i).add(j);
    }
  });
  return mapped
    .filter((_, i) => !dropped.has(i))
    .map((e) => ({ gate: e.gate, action: e.kind === "labeled" ? ("passed" as const) : ("reverted" as const), actor: e.actor ?? "ghost", at: e.at }));
}

function toInitiative(issue: RawIssue & { appComments: string[] }, options: BuildOptions): Initiative | string {
  const where = ownerRepo(issue.repo);
  const parsed = parseIssueBody(options.templates.initiative, issue.body);
  const { record } = validateForm(options.templates.initiative, parsed, {
    ...where,
    filedAt: new Date(issue.createdAt),
    requireFutureDate: false,
    defaultCurrency: options.config.intake.defaultCurrency,
  });
  const owner = (record.owner as string | undefined) ?? issue.author ?? undefined;
  const planned = record["planned-benefit"] as { amount: number; currency: string } | undefined;
  const valueStream = record["value-stream"] as string | undefined;
  if (!planned || !valueStream || !owner) {
    const missing = [!planned && "planned yearly benefit", !valueStream && "value stream", !owner && "owner"].filter(Boolean).join(", ");
    return `its business-initiative form has no valid ${missing}: left out`;
  }
  const ledgerComment = issue.appComments.find((body) => body.includes(INITIATIVE_MARKER));
  const ledger = ledgerComment ? readLedger(ledgerComment) : { ok: true as const, records: [] };
  return {
    id: idOf(issue),
    repo: issue.repo,
    number: issue.number,
    title: issue.title,
    url: issue.url,
    owner,
    valueStream: slugOr(valueStream),
    plannedBenefit: { amount: planned.amount, currency: planned.currency },
    ...(typeof record["benefit-measure"] === "string" ? { benefitMeasure: record["benefit-measure"] } : {}),
    ...(typeof record.baseline === "string" ? { baseline: record.baseline } : {}),
    ...(typeof record["target-date"] === "string" ? { targetDate: record["target-date"] } : {}),
    realized: ledger.ok ? ledger.records : [],
  };
}

/** The use case a defect belongs to: its parent issue, else the first use case its body references. */
function defectUseCase(issue: RawDefect, useCases: ReadonlyMap<string, string>): string | undefined {
  if (issue.parent) {
    const id = useCases.get(idOf(issue.parent).toLowerCase());
    if (id) return id;
  }
  const current = ownerRepo(issue.repo);
  for (const token of (issue.body ?? "").match(/(?:[A-Za-z0-9-]+\/[A-Za-z0-9._-]+)?#\d+|https?:\/\/\S+\/issues\/\d+/g) ?? []) {
    const ref = parseReference(token, current);
    const id = ref ? useCases.get(formatReference(ref).toLowerCase()) : undefined;
    if (id) return id;
  }
  return undefined;
}

/** Stories still open that sat in an earlier sprint last week and a later one now: carried over (a suggestion). */
function carriedSincePrevious(
  previous: PortfolioSnapshot | undefined,
  useCases: readonly UseCase[],
  sprint: (title: string) => { start: string; title: string } | undefined,
): NonNullable<PortfolioSnapshot["sprints"]>["carryOver"] {
  if (!previous) return [];
  const before = new Map<string, string>();
  for (const u of previous.useCases) for (const s of u.stories) if (s.sprint && s.closedAt === null) before.set(s.id, s.sprint);
  const found: NonNullable<PortfolioSnapshot["sprints"]>["carryOver"] = [];
  for (const u of useCases) {
    for (const s of u.stories) {
      const was = before.get(s.id);
      if (!was || !s.sprint || was === s.sprint || s.closedAt !== null) continue;
      const from = sprint(was) ?? previous.sprints?.list.find((p) => p.title === was);
      const to = sprint(s.sprint);
      if (from && to && to.start > from.start) found.push({ story: s.id, useCase: u.id, squad: s.squad, from: was, to: s.sprint });
    }
  }
  return found;
}
