import { IdSet } from "./id-set.js";
import { Int32List } from "../number-list.js";
import { rememberInitiativeReferences } from "./references.js";
import { isoDate, isoDateTime, ISSUE_ID_PATTERN, REPO_PATTERN, CURRENCY_PATTERN, type PortfolioSnapshot } from "./schema.js";

/**
 * A fast acceptance check for snapshots (ADR 0041) that copies nothing: an accepted document is returned as it is. It says `true` only for documents the zod schema
 * accepts unchanged; for anything else (or any doubt) it says `false` and `parseSnapshot` falls back to zod, which
 * is the authority and names every problem. On a 10,000-use-case snapshot zod's validation costs about twice a
 * JSON.parse (it builds a full copy of the document); this check costs a fraction of one.
 *
 * Kept in step with schema.ts by a differential property test (test/domain/snapshot/quick-validate.test.ts):
 * for mutated snapshots, quick acceptance must imply zod acceptance with an identical value.
 *
 * Why it is written the way it is: on a 10,000-use-case snapshot (~280,000 objects, ~1.5 million strings, scattered
 * over a 250 MB heap) the cost is mostly the memory traffic of visiting every value once, so the check does little else:
 * - one pass over the document, cross-references included: squads, gates and initiatives are checked before the use
 *   cases that refer to them, so each use case and story is visited once (not again by a separate reference pass);
 * - one plain loop per array instead of a shared `arrayOf(check)` helper, so no call site juggles many callbacks;
 * - checks another check already implies are skipped (see `issueIdentity`, the initiative and defect references);
 * - key checks compare against the schema's key order before falling back to a set lookup (see `onlyKeys`);
 * - ids are looked up in hashed tables that fetch one stored string per lookup, not a chain of them (see `IdSet`);
 * - `URL.canParse` runs once per origin rather than once per link (see `httpUrl`).
 * Strings are still matched with zod's and schema.ts's own regexes: hand-written character checks measured no faster
 * (the time goes to fetching each string, not matching it) and are much slower before the JIT has optimized them.
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

const isObj = (v: unknown): v is Obj => {
  if (typeof v !== "object" || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
};
const str = (v: unknown): v is string => typeof v === "string";
const nonEmpty = (v: unknown): v is string => typeof v === "string" && v.length > 0;
const num = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);
const safeInt = (v: unknown): v is number => typeof v === "number" && Number.isSafeInteger(v);
const optStr = (v: unknown): boolean => v === undefined || typeof v === "string";
const optNonEmpty = (v: unknown): boolean => v === undefined || (typeof v === "string" && v.length > 0);

const dateTime = (v: unknown): v is string => typeof v === "string" && DATE_TIME!.test(v);
const date = (v: unknown): v is string => typeof v === "string" && DATE!.test(v);
const optDateTime = (v: unknown): boolean => v === undefined || dateTime(v);
const nullableDateTime = (v: unknown): boolean => v === undefined || v === null || dateTime(v);
const issueId = (v: unknown): v is string => typeof v === "string" && ISSUE_ID_PATTERN.test(v);
const repo = (v: unknown): v is string => typeof v === "string" && REPO_PATTERN.test(v);
const currency = (v: unknown): v is string => typeof v === "string" && CURRENCY_PATTERN.test(v);

/** Stricter than zod's URL check: http(s), no surrounding or inner whitespace (zod would rewrite those). */
const HTTP_URL = /^https?:\/\/[^\s]+$/i;
/**
 * The last `scheme://host/` that parsed, e.g. `https://github.com/` (host made of letters, digits, dots and dashes
 * only, so no credentials or port). A URL can only fail to parse in its scheme or authority; after the first `/` that
 * ends the authority, the path, query and fragment are percent-encoded, never refused. So a link that starts with a
 * verified origin and continues with printable ASCII (no whitespace either) passes both checks below without running
 * them. Every use case and initiative shares a handful of origins; this saves one URL parse per issue.
 */
let verifiedOrigin = "";
const httpUrl = (v: unknown): v is string => {
  if (typeof v !== "string") return false;
  if (verifiedOrigin !== "" && v.startsWith(verifiedOrigin) && PRINTABLE_ASCII.test(v)) return true;
  if (!HTTP_URL.test(v) || !URL.canParse(v)) return false;
  rememberOrigin(v);
  return true;
};
const PRINTABLE_ASCII = /^[\x21-\x7e]*$/;
/** Remember `v`'s `scheme://host/` if the host is plain and the origin parses on its own. Called with links that passed. */
function rememberOrigin(v: string): void {
  const hostStart = v.indexOf("://") + 3;
  let i = hostStart;
  while (i < v.length) {
    const c = v.charCodeAt(i);
    if (!((c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 46 /* . */ || c === 45 /* - */)) break;
    i++;
  }
  if (i === hostStart || v.charCodeAt(i) !== 47 /* / */) return;
  const origin = v.slice(0, i + 1);
  if (HTTP_URL.test(origin) && URL.canParse(origin)) verifiedOrigin = origin;
}

/**
 * The keys one object type allows, in the schema's order. Writers (the generator, the GitHub fetcher, JSON.stringify
 * of a parsed snapshot) emit keys in that order, so `onlyKeys` can usually match each key against the next expected
 * one, an identity comparison of interned strings, instead of a hash lookup; keys out of order still get the lookup.
 */
type Keys = { readonly order: readonly string[]; readonly allowed: ReadonlySet<string> };
const keys = (...order: string[]): Keys => ({ order, allowed: new Set(order) });
/**
 * Every enumerable key is an own, allowed key; no symbol keys (zod's copy would drop them). The symbol check is the
 * dearest part (a runtime call and an empty array per object, ~15% of the whole check) but the only way to see them.
 */
const onlyKeys = (o: Obj, { order, allowed }: Keys): boolean => {
  let next = 0; // keys before `next` in `order` are behind us; absent optional keys are skipped over
  for (const key in o) {
    if (!Object.prototype.hasOwnProperty.call(o, key)) return false;
    let i = next;
    while (i < order.length && order[i] !== key) i++;
    if (i < order.length) next = i + 1;
    else if (!allowed.has(key)) return false;
  }
  return Object.getOwnPropertySymbols(o).length === 0;
};
/** A plain object with no symbol keys (zod's z.record copy would drop them). */
const plainRecord = (v: unknown): v is Obj => isObj(v) && Object.getOwnPropertySymbols(v).length === 0;

// Array checks. An array hole reads as undefined, which every item check below refuses, so holes need no test of
// their own (zod would read undefined there too, and refuse or copy).
const strings = (v: unknown): boolean => {
  if (!Array.isArray(v)) return false;
  for (let i = 0; i < v.length; i++) if (typeof v[i] !== "string") return false;
  return true;
};
const nonEmptyStrings = (v: unknown): boolean => {
  if (!Array.isArray(v)) return false;
  for (let i = 0; i < v.length; i++) if (!nonEmpty(v[i])) return false;
  return true;
};

const MONEY = keys("amount", "currency");
const money = (v: unknown): boolean => isObj(v) && onlyKeys(v, MONEY) && num(v.amount) && currency(v.currency);

const STORY = keys("id", "title", "squad", "openedAt", "closedAt", "sprint");
const GATE = keys("gate", "action", "actor", "at");
const DEPLOYMENT = keys("environment", "state", "at");
const deploymentState = (v: unknown): boolean =>
  v === "success" || v === "failure" || v === "error" || v === "inactive" || v === "in_progress" || v === "queued" || v === "pending";
const deploymentFields = (v: Obj): boolean => nonEmpty(v.environment) && deploymentState(v.state) && dateTime(v.at);

const USE_CASE = keys(
  "id", "repo", "number", "title", "url", "state", "closedAt", "priority", "valueStream", "plants", "layers", "labels",
  "productOwner", "architect", "squad", "deadline", "filedAt", "acceptanceCriteria", "expectedBenefit", "initiatives",
  "stories", "splitAt", "gates", "deployments", "deployedAt", "mvpAt", "sprint",
);
/**
 * The five issue fields use cases and initiatives share (the zod schema's issueIdentity), and `id === repo#number`.
 * `repo` needs no scan of its own: once `id` has the issue-id shape and starts with `repo` followed by its `#` (names
 * hold no `#`, so that is the first one), `repo` is exactly the `owner/name` part of `id`, which has the repo shape.
 */
const issueIdentity = (v: Obj): boolean =>
  issueId(v.id) && str(v.repo) && safeInt(v.number) && v.number > 0 && str(v.title) && httpUrl(v.url) && idMatches(v.id, v.repo, v.number);

/**
 * The sets the cross-reference rules (the schema's superRefine) look ids up in, and the initiative each use case's
 * references resolved to (kept for the benefit rollup: see references.ts).
 */
type Known = { squads: IdSet; gates: IdSet; initiatives: IdSet; useCases: IdSet; references: Int32List };

function useCase(v: unknown, known: Known): boolean {
  if (
    !(
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
      (v.labels === undefined || strings(v.labels)) &&
      optNonEmpty(v.productOwner) &&
      optNonEmpty(v.architect) &&
      nonEmpty(v.squad) &&
      known.squads.has(v.squad) &&
      date(v.deadline) &&
      dateTime(v.filedAt) &&
      strings(v.acceptanceCriteria) &&
      (v.expectedBenefit === undefined || money(v.expectedBenefit)) &&
      optDateTime(v.splitAt) &&
      optDateTime(v.deployedAt) &&
      optDateTime(v.mvpAt) &&
      (v.sprint === undefined || str(v.sprint))
    )
  ) {
    return false;
  }
  const { initiatives, stories, gates, deployments } = v;
  if (!Array.isArray(initiatives)) return false;
  for (let i = 0; i < initiatives.length; i++) {
    // A reference equal to a (checked) initiative id has the issue-id shape too: no scan of its own.
    const ref: unknown = initiatives[i];
    const initiative = typeof ref === "string" ? known.initiatives.indexOf(ref) : -1;
    if (initiative < 0) return false;
    known.references.push(initiative);
  }
  if (!Array.isArray(stories)) return false;
  for (let i = 0; i < stories.length; i++) {
    const s: unknown = stories[i];
    if (
      !(
        isObj(s) &&
        onlyKeys(s, STORY) &&
        nonEmpty(s.id) &&
        optStr(s.title) &&
        nonEmpty(s.squad) &&
        known.squads.has(s.squad) &&
        dateTime(s.openedAt) &&
        (s.closedAt === null || (dateTime(s.closedAt) && !before(s.closedAt, s.openedAt))) &&
        optStr(s.sprint)
      )
    ) {
      return false;
    }
  }
  if (!Array.isArray(gates)) return false;
  for (let i = 0; i < gates.length; i++) {
    const g: unknown = gates[i];
    if (
      !(
        isObj(g) &&
        onlyKeys(g, GATE) &&
        nonEmpty(g.gate) &&
        known.gates.has(g.gate) &&
        (g.action === "passed" || g.action === "reverted") &&
        nonEmpty(g.actor) &&
        dateTime(g.at)
      )
    ) {
      return false;
    }
  }
  if (!Array.isArray(deployments)) return false;
  for (let i = 0; i < deployments.length; i++) {
    const d: unknown = deployments[i];
    if (!(isObj(d) && onlyKeys(d, DEPLOYMENT) && deploymentFields(d))) return false;
  }
  return true;
}

const REALIZED = keys("amount", "currency", "asOf", "recordedBy", "recordedAt", "source");
const INITIATIVE = keys("id", "repo", "number", "title", "url", "owner", "valueStream", "plannedBenefit", "benefitMeasure", "baseline", "targetDate", "realized");
function initiative(v: unknown): boolean {
  if (
    !(
      isObj(v) &&
      onlyKeys(v, INITIATIVE) &&
      issueIdentity(v) &&
      nonEmpty(v.owner) &&
      nonEmpty(v.valueStream) &&
      money(v.plannedBenefit) &&
      optStr(v.benefitMeasure) &&
      optStr(v.baseline) &&
      (v.targetDate === undefined || date(v.targetDate)) &&
      Array.isArray(v.realized)
    )
  ) {
    return false;
  }
  const realized = v.realized as unknown[];
  for (let i = 0; i < realized.length; i++) {
    const r: unknown = realized[i];
    if (
      !(
        isObj(r) &&
        onlyKeys(r, REALIZED) &&
        num(r.amount) &&
        currency(r.currency) &&
        date(r.asOf) &&
        nonEmpty(r.recordedBy) &&
        dateTime(r.recordedAt) &&
        optNonEmpty(r.source)
      )
    ) {
      return false;
    }
  }
  return true;
}

const SQUAD = keys("id", "name", "members");
const squad = (v: unknown): v is Obj & { id: string } =>
  isObj(v) && onlyKeys(v, SQUAD) && nonEmpty(v.id) && nonEmpty(v.name) && (v.members === undefined || nonEmptyStrings(v.members));

const PIPELINE_GATE = keys("id", "label", "requiredBeforeMerge");
const pipelineGate = (g: unknown): g is Obj & { id: string } =>
  isObj(g) &&
  onlyKeys(g, PIPELINE_GATE) &&
  nonEmpty(g.id) &&
  nonEmpty(g.label) &&
  (g.requiredBeforeMerge === undefined || typeof g.requiredBeforeMerge === "boolean");
const GOVERNANCE = keys("pipeline");

const DEFECT = keys("id", "useCase", "openedAt", "closedAt", "title", "labels");
const defect = (d: unknown, useCases: IdSet): boolean =>
  isObj(d) &&
  onlyKeys(d, DEFECT) &&
  issueId(d.id) &&
  typeof d.useCase === "string" &&
  useCases.has(d.useCase) && // equal to a checked use case id, so an issue id too
  dateTime(d.openedAt) &&
  nullableDateTime(d.closedAt) &&
  optStr(d.title) &&
  strings(d.labels);
const STATUS = keys("repo", "environment", "state", "at");
const deploymentStatus = (s: unknown): boolean => isObj(s) && onlyKeys(s, STATUS) && repo(s.repo) && deploymentFields(s);
const COVERAGE = keys("repo", "at", "percent", "source");
const coverageReading = (c: unknown): boolean =>
  isObj(c) && onlyKeys(c, COVERAGE) && repo(c.repo) && dateTime(c.at) && num(c.percent) && c.percent >= 0 && c.percent <= 100 && optStr(c.source);
const KPI_INPUTS = keys("defects", "deploymentStatuses", "coverage");
function kpiInputs(v: unknown, useCases: IdSet): boolean {
  if (!(isObj(v) && onlyKeys(v, KPI_INPUTS))) return false;
  const { defects, deploymentStatuses, coverage } = v;
  if (!Array.isArray(defects) || !Array.isArray(deploymentStatuses) || !Array.isArray(coverage)) return false;
  for (let i = 0; i < defects.length; i++) if (!defect(defects[i], useCases)) return false;
  for (let i = 0; i < deploymentStatuses.length; i++) if (!deploymentStatus(deploymentStatuses[i])) return false;
  for (let i = 0; i < coverage.length; i++) if (!coverageReading(coverage[i])) return false;
  return true;
}

const PROGRAM = keys("name", "reportingCurrency", "rates");
const rates = (v: unknown): boolean => {
  if (!plainRecord(v)) return false;
  for (const key of Object.keys(v)) {
    const rate = v[key];
    if (!currency(key) || !num(rate) || rate <= 0) return false;
  }
  return true;
};
const program = (v: unknown): boolean =>
  isObj(v) && onlyKeys(v, PROGRAM) && nonEmpty(v.name) && currency(v.reportingCurrency) && (v.rates === undefined || rates(v.rates));

const TOP = keys("$schema", "schemaVersion", "generatedAt", "program", "squads", "useCases", "initiatives", "governance", "kpiInputs", "previousReport");

/** True only if `json` is a valid snapshot as it stands (the zod schema would accept it and return an equal value). */
export function quickValidate(json: unknown): json is PortfolioSnapshot {
  if (!QUICK_VALIDATION_AVAILABLE) return false;
  if (
    !(
      isObj(json) &&
      onlyKeys(json, TOP) &&
      optStr(json.$schema) &&
      json.schemaVersion === 1 &&
      dateTime(json.generatedAt) &&
      program(json.program) &&
      (json.previousReport === undefined || plainRecord(json.previousReport))
    )
  ) {
    return false;
  }
  // Referenced collections first (each id unique), so use cases and defects check their references as they go.
  const squads = uniqueIds(json.squads, squad);
  const governance = json.governance;
  if (!squads || !isObj(governance) || !onlyKeys(governance, GOVERNANCE)) return false;
  const pipeline = governance.pipeline;
  const gates = Array.isArray(pipeline) && pipeline.length >= 1 ? uniqueIds(pipeline, pipelineGate) : null;
  const initiatives = uniqueIds(json.initiatives, initiative);
  if (!gates || !initiatives) return false;
  const useCases = json.useCases;
  if (!Array.isArray(useCases)) return false;
  const known: Known = { squads, gates, initiatives, useCases: new IdSet(useCases.length), references: new Int32List(useCases.length * 4) };
  const from = new Int32Array(useCases.length + 1);
  for (let i = 0; i < useCases.length; i++) {
    const u: unknown = useCases[i];
    if (!useCase(u, known) || !known.useCases.add((u as { id: string }).id)) return false;
    from[i + 1] = known.references.length;
  }
  if (!kpiInputs(json.kpiInputs, known.useCases)) return false;
  // Initiative ids are unique here, so each initiative's number is its position.
  const numberOf = Int32Array.from({ length: initiatives.size }, (_, k) => k);
  const references = { numberOf, count: initiatives.size, from, number: known.references.values.subarray(0, known.references.length) };
  rememberInitiativeReferences(json as unknown as PortfolioSnapshot, references);
  return true;
}

/** The ids of an array whose items all pass `check`, or null if it is not such an array or an id repeats. */
function uniqueIds(items: unknown, check: (item: unknown) => boolean): IdSet | null {
  if (!Array.isArray(items)) return null;
  const ids = new IdSet(items.length);
  for (let i = 0; i < items.length; i++) {
    const item: unknown = items[i];
    if (!check(item) || !ids.add((item as { id: string }).id)) return null;
  }
  return ids;
}

/** `id === repo + "#" + number`, without building the string (id and repo have passed their patterns). */
function idMatches(id: string, repo: string, number: number): boolean {
  if (!id.startsWith(repo) || id.charCodeAt(repo.length) !== 35) return false;
  let n = 0;
  for (let i = repo.length + 1; i < id.length; i++) n = n * 10 + (id.charCodeAt(i) - 48);
  return id.length > repo.length + 1 && n === number;
}

/** a < b as instants. Same-length UTC strings compare as text; anything else through Date.parse. */
function before(a: string, b: string): boolean {
  if (a.length === b.length && a.endsWith("Z") && b.endsWith("Z")) return a < b;
  return Date.parse(a) < Date.parse(b);
}
