import { isoDate, isoDateTime, ISSUE_ID_PATTERN, REPO_PATTERN, CURRENCY_PATTERN, type PortfolioSnapshot } from "./schema.js";

/**
 * A fast, allocation-free acceptance check for snapshots (ADR 0041). It says `true` only for documents the zod schema
 * accepts unchanged; for anything else (or any doubt) it says `false` and `parseSnapshot` falls back to zod, which
 * is the authority and names every problem. On a 10,000-use-case snapshot zod's validation costs about twice a
 * JSON.parse (it builds a full copy of the document); this check costs a fraction of one.
 *
 * Kept in step with schema.ts by a differential property test (test/domain/snapshot/quick-validate.test.ts):
 * for mutated snapshots, quick acceptance must imply zod acceptance with an identical value.
 */

type Obj = Record<string, unknown>;

const patternOf = (schema: unknown): RegExp | null => {
  const pattern = (schema as { _zod?: { def?: { pattern?: unknown } } })._zod?.def?.pattern;
  return pattern instanceof RegExp ? pattern : null;
};
// The exact patterns zod checks dates against (read from the schemas, so they cannot drift).
const DATE_TIME = patternOf(isoDateTime);
const DATE = patternOf(isoDate);
export const QUICK_VALIDATION_AVAILABLE = DATE_TIME !== null && DATE !== null;

const DEPLOYMENT_STATES = new Set(["success", "failure", "error", "inactive", "in_progress", "queued", "pending"]);

const isObj = (v: unknown): v is Obj => {
  if (typeof v !== "object" || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
};
const str = (v: unknown): v is string => typeof v === "string";
const nonEmpty = (v: unknown): v is string => typeof v === "string" && v.length > 0;
const num = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);
const safeInt = (v: unknown): v is number => typeof v === "number" && Number.isSafeInteger(v);
const dateTime = (v: unknown): v is string => typeof v === "string" && DATE_TIME!.test(v);
const date = (v: unknown): v is string => typeof v === "string" && DATE!.test(v);
const issueId = (v: unknown): v is string => typeof v === "string" && ISSUE_ID_PATTERN.test(v);
const repo = (v: unknown): v is string => typeof v === "string" && REPO_PATTERN.test(v);
const currency = (v: unknown): v is string => typeof v === "string" && CURRENCY_PATTERN.test(v);
/** Stricter than zod's URL check: http(s), no surrounding or inner whitespace (zod would rewrite those). */
const url = (v: unknown): v is string => typeof v === "string" && /^https?:\/\/[^\s]+$/i.test(v) && URL.canParse(v);
const opt = (v: unknown, check: (v: unknown) => boolean): boolean => v === undefined || check(v);
const arrayOf = (v: unknown, check: (item: unknown) => boolean): boolean => {
  if (!Array.isArray(v)) return false;
  for (let i = 0; i < v.length; i++) if (!(i in v) || !check(v[i])) return false;
  return true;
};
const onlyKeys = (o: Obj, allowed: ReadonlySet<string>): boolean => {
  for (const key in o) if (!Object.prototype.hasOwnProperty.call(o, key) || !allowed.has(key)) return false;
  return Object.getOwnPropertySymbols(o).length === 0;
};
const keys = (...names: string[]) => new Set(names);

const MONEY = keys("amount", "currency");
const money = (v: unknown): boolean => isObj(v) && onlyKeys(v, MONEY) && num(v.amount) && currency(v.currency);

const STORY = keys("id", "title", "squad", "openedAt", "closedAt", "sprint");
const story = (v: unknown): boolean =>
  isObj(v) &&
  onlyKeys(v, STORY) &&
  nonEmpty(v.id) &&
  opt(v.title, str) &&
  nonEmpty(v.squad) &&
  dateTime(v.openedAt) &&
  (v.closedAt === null || dateTime(v.closedAt)) &&
  opt(v.sprint, str);

const GATE = keys("gate", "action", "actor", "at");
const gate = (v: unknown): boolean =>
  isObj(v) && onlyKeys(v, GATE) && nonEmpty(v.gate) && (v.action === "passed" || v.action === "reverted") && nonEmpty(v.actor) && dateTime(v.at);

const DEPLOYMENT = keys("environment", "state", "at");
const deploymentFields = (v: Obj): boolean => nonEmpty(v.environment) && str(v.state) && DEPLOYMENT_STATES.has(v.state) && dateTime(v.at);
const deployment = (v: unknown): boolean => isObj(v) && onlyKeys(v, DEPLOYMENT) && deploymentFields(v);
const strings = (v: unknown): boolean => arrayOf(v, str);
const nonEmptyStrings = (v: unknown): boolean => arrayOf(v, nonEmpty);
const nullableDateTime = (v: unknown): boolean => v === undefined || v === null || dateTime(v);

const USE_CASE = keys(
  "id", "repo", "number", "title", "url", "state", "closedAt", "priority", "valueStream", "plants", "layers", "labels",
  "productOwner", "architect", "squad", "deadline", "filedAt", "acceptanceCriteria", "expectedBenefit", "initiatives",
  "stories", "splitAt", "gates", "deployments", "deployedAt", "mvpAt",
);
/** The five issue fields use cases and initiatives share (the zod schema's issueIdentity). */
const issueIdentity = (v: Obj): boolean =>
  issueId(v.id) && repo(v.repo) && safeInt(v.number) && v.number > 0 && str(v.title) && url(v.url);

const useCase = (v: unknown): boolean =>
  isObj(v) &&
  onlyKeys(v, USE_CASE) &&
  issueIdentity(v) &&
  (v.state === "open" || v.state === "closed") &&
  nullableDateTime(v.closedAt) &&
  safeInt(v.priority) &&
  v.priority >= 1 &&
  nonEmpty(v.valueStream) &&
  nonEmptyStrings(v.plants) &&
  nonEmptyStrings(v.layers) &&
  opt(v.labels, strings) &&
  opt(v.productOwner, nonEmpty) &&
  opt(v.architect, nonEmpty) &&
  nonEmpty(v.squad) &&
  date(v.deadline) &&
  dateTime(v.filedAt) &&
  strings(v.acceptanceCriteria) &&
  opt(v.expectedBenefit, money) &&
  arrayOf(v.initiatives, issueId) &&
  arrayOf(v.stories, story) &&
  opt(v.splitAt, dateTime) &&
  arrayOf(v.gates, gate) &&
  arrayOf(v.deployments, deployment) &&
  opt(v.deployedAt, dateTime) &&
  opt(v.mvpAt, dateTime);

const REALIZED = keys("amount", "currency", "asOf", "recordedBy", "recordedAt", "source");
const realized = (v: unknown): boolean =>
  isObj(v) &&
  onlyKeys(v, REALIZED) &&
  num(v.amount) &&
  currency(v.currency) &&
  date(v.asOf) &&
  nonEmpty(v.recordedBy) &&
  dateTime(v.recordedAt) &&
  opt(v.source, nonEmpty);

const INITIATIVE = keys("id", "repo", "number", "title", "url", "owner", "valueStream", "plannedBenefit", "benefitMeasure", "baseline", "targetDate", "realized");
const initiative = (v: unknown): boolean =>
  isObj(v) &&
  onlyKeys(v, INITIATIVE) &&
  issueIdentity(v) &&
  nonEmpty(v.owner) &&
  nonEmpty(v.valueStream) &&
  money(v.plannedBenefit) &&
  opt(v.benefitMeasure, str) &&
  opt(v.baseline, str) &&
  opt(v.targetDate, date) &&
  arrayOf(v.realized, realized);

const SQUAD = keys("id", "name", "members");
const squad = (v: unknown): boolean => isObj(v) && onlyKeys(v, SQUAD) && nonEmpty(v.id) && nonEmpty(v.name) && opt(v.members, nonEmptyStrings);

const PIPELINE_GATE = keys("id", "label", "requiredBeforeMerge");
const GOVERNANCE = keys("pipeline");
const governance = (v: unknown): boolean =>
  isObj(v) &&
  onlyKeys(v, GOVERNANCE) &&
  Array.isArray(v.pipeline) &&
  v.pipeline.length >= 1 &&
  arrayOf(v.pipeline, (g) => isObj(g) && onlyKeys(g, PIPELINE_GATE) && nonEmpty(g.id) && nonEmpty(g.label) && opt(g.requiredBeforeMerge, (b) => typeof b === "boolean"));

const DEFECT = keys("id", "useCase", "openedAt", "closedAt", "title", "labels");
const STATUS = keys("repo", "environment", "state", "at");
const COVERAGE = keys("repo", "at", "percent", "source");
const KPI_INPUTS = keys("defects", "deploymentStatuses", "coverage");
const kpiInputs = (v: unknown): boolean =>
  isObj(v) &&
  onlyKeys(v, KPI_INPUTS) &&
  arrayOf(v.defects, defect) &&
  arrayOf(v.deploymentStatuses, deploymentStatus) &&
  arrayOf(v.coverage, coverageReading);
const defect = (d: unknown): boolean =>
  isObj(d) &&
  onlyKeys(d, DEFECT) &&
  issueId(d.id) &&
  issueId(d.useCase) &&
  dateTime(d.openedAt) &&
  nullableDateTime(d.closedAt) &&
  opt(d.title, str) &&
  strings(d.labels);
const deploymentStatus = (s: unknown): boolean => isObj(s) && onlyKeys(s, STATUS) && repo(s.repo) && deploymentFields(s);
const coverageReading = (c: unknown): boolean =>
  isObj(c) && onlyKeys(c, COVERAGE) && repo(c.repo) && dateTime(c.at) && num(c.percent) && c.percent >= 0 && c.percent <= 100 && opt(c.source, str);

const PROGRAM = keys("name", "reportingCurrency", "rates");
const plainRecord = (v: unknown, check: (key: string, value: unknown) => boolean): boolean => {
  if (!isObj(v) || Object.getOwnPropertySymbols(v).length > 0) return false;
  for (const key of Object.keys(v)) if (!check(key, v[key])) return false;
  return true;
};
const program = (v: unknown): boolean =>
  isObj(v) &&
  onlyKeys(v, PROGRAM) &&
  nonEmpty(v.name) &&
  currency(v.reportingCurrency) &&
  opt(v.rates, (r) => plainRecord(r, (k, rate) => currency(k) && num(rate) && rate > 0));

const TOP = keys("$schema", "schemaVersion", "generatedAt", "program", "squads", "useCases", "initiatives", "governance", "kpiInputs", "previousReport");

/** True only if `json` is a valid snapshot as it stands (the zod schema would accept it and return an equal value). */
export function quickValidate(json: unknown): json is PortfolioSnapshot {
  if (!QUICK_VALIDATION_AVAILABLE) return false;
  if (
    !(
      isObj(json) &&
      onlyKeys(json, TOP) &&
      opt(json.$schema, str) &&
      json.schemaVersion === 1 &&
      dateTime(json.generatedAt) &&
      program(json.program) &&
      arrayOf(json.squads, squad) &&
      arrayOf(json.useCases, useCase) &&
      arrayOf(json.initiatives, initiative) &&
      governance(json.governance) &&
      kpiInputs(json.kpiInputs) &&
      opt(json.previousReport, (p) => plainRecord(p, () => true))
    )
  ) {
    return false;
  }
  return references(json as unknown as PortfolioSnapshot);
}

/** The cross-reference rules of the schema's superRefine, as a yes/no. */
function references(s: PortfolioSnapshot): boolean {
  const unique = (items: ReadonlyArray<{ id: string }>): Set<string> | null => {
    const seen = new Set<string>();
    for (const item of items) {
      if (seen.has(item.id)) return null;
      seen.add(item.id);
    }
    return seen;
  };
  const squads = unique(s.squads);
  const initiatives = unique(s.initiatives);
  const useCases = unique(s.useCases);
  const gates = unique(s.governance.pipeline);
  if (!squads || !initiatives || !useCases || !gates) return false;
  for (const u of s.useCases) {
    if (!idMatches(u) || !squads.has(u.squad)) return false;
    for (const ref of u.initiatives) if (!initiatives.has(ref)) return false;
    for (const st of u.stories) {
      if (!squads.has(st.squad)) return false;
      if (st.closedAt !== null && before(st.closedAt, st.openedAt)) return false;
    }
    for (const g of u.gates) if (!gates.has(g.gate)) return false;
  }
  for (const i of s.initiatives) if (!idMatches(i)) return false;
  for (const d of s.kpiInputs.defects) if (!useCases.has(d.useCase)) return false;
  return true;
}

/** `id === repo + "#" + number`, without building the string. */
function idMatches(item: { id: string; repo: string; number: number }): boolean {
  const { id, repo } = item;
  if (!id.startsWith(repo) || id.charCodeAt(repo.length) !== 35) return false;
  let n = 0;
  for (let i = repo.length + 1; i < id.length; i++) n = n * 10 + (id.charCodeAt(i) - 48);
  return id.length > repo.length + 1 && n === item.number;
}

/** a < b as instants. Same-length UTC strings compare as text; anything else through Date.parse. */
function before(a: string, b: string): boolean {
  if (a.length === b.length && a.endsWith("Z") && b.endsWith("Z")) return a < b;
  return Date.parse(a) < Date.parse(b);
}
