/**
 * Property tests: whatever a product owner (or an attacker) puts in a use-case issue, intake's parse → validate →
 * plan → status comment never throws, explains every problem in words, and the status comment it writes stays
 * well-formed: its hidden markers and state survive and parse back, no user HTML or <details> gets through, no code
 * fence leaks out of its section, it fits GitHub's comment limit, and it mentions nobody. The initiative comment
 * (written on other people's issues, with the use case's title) gets the same checks.
 */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { bundledTemplate } from "../../../src/templates.js";
import { defaultConfig } from "../../../src/config/schema.js";
import { analyzeUseCase, planIntake, readIntakeState, referencesToLookUp, type UseCaseIssue } from "../../../src/domain/intake/plan.js";
import { initialGatesSection } from "../../../src/domain/gates/render.js";
import { parseSections, renderStatusBody } from "../../../src/domain/status/comment-body.js";
import { STATUS_MARKER } from "../../../src/domain/status/markers.js";
import { clampBody } from "../../../src/github/own-comment.js";
import { readInitiativeComment } from "../../../src/domain/intake/initiatives.js";
import type { InitiativeLookup } from "../../../src/domain/intake/initiatives.js";
import { deeplyNested, hostileText, hugeText, htmlComments, htmlTagsIn, mentionsIn, runs } from "../../helpers/hostile.js";
import { GOOD_BODY } from "../../fixtures/use-cases.js";

const template = bundledTemplate("use-case");
const config = defaultConfig();
/** Converge's own markup in a status comment; anything else would be the user's. */
const OWN_TAGS = new Set(["sub"]);

/** A plausible value for a field, so some generated bodies pass validation and reach the summary card. */
const VALID: Record<string, string[]> = {
  "as-a": ["maintenance planner"],
  "i-want": ["alerts before spindles fail"],
  "so-that": ["unplanned downtime falls 20 %"],
  "acceptance-criteria": ["- [ ] alerts reach the planner\n- [x] works offline"],
  "value-stream": ["Maintain to Operate"],
  plants: ["Dresden, Austin"],
  layers: ["- [X] MES\n- [ ] ERP"],
  initiatives: ["#12", "acme/plant-iot#7, #8"],
  benefit: ["€250k", "1.5M EUR"],
  "benefit-kpi": ["unplanned downtime hours"],
  deadline: ["2027-03-31"],
  "product-owner": ["@octocat", "octocat"],
  architect: ["@acme-arch"],
  squad: ["Squad Alpha"],
};

const fieldValue = (id: string) =>
  fc.oneof(
    { weight: 2, arbitrary: fc.constantFrom(...(VALID[id] ?? ["x"])) },
    { weight: 3, arbitrary: hostileText },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...(VALID[id] ?? ["x"])), hostileText).map(([a, b]) => `${a} ${b}`) },
  );

/** A body shaped like a submitted form (`### label`, blank line, value), with hostile values, gaps and junk. */
const formBody = fc
  .tuple(
    fc.tuple(...template.fields.map((f) => fc.option(fieldValue(f.id), { nil: undefined, freq: 8 }))),
    fc.option(hostileText, { nil: undefined }),
  )
  .map(([values, junk]) =>
    [
      ...template.fields.flatMap((field, i) => (values[i] === undefined ? [] : [`### ${field.label}`, "", values[i]!, ""])),
      ...(junk === undefined ? [] : [junk]),
    ].join("\n"),
  );

const anyBody = fc.oneof(
  { weight: 6, arbitrary: formBody },
  { weight: 2, arbitrary: hostileText },
  { weight: 1, arbitrary: deeplyNested },
  { weight: 1, arbitrary: deeplyNested.map((nested) => `${GOOD_BODY}\n\n${nested}`) },
);

const lookups = fc.array(
  fc.record({
    found: fc.boolean(),
    isInitiative: fc.boolean(),
    title: hostileText,
    state: fc.constantFrom("OPEN" as const, "CLOSED" as const),
  }),
  { maxLength: 3 },
);

function issueWith(body: string, title = "[Use case]: spindles"): UseCaseIssue {
  return { owner: "acme", repo: "plant-iot", number: 31, title, createdAt: "2026-11-20T09:00:00Z", labels: ["use-case"], body };
}

/** Checks every Markdown text Converge posts on someone's issue must pass. */
function expectSafeMarkdown(text: string): void {
  expect(text.length).toBeLessThanOrEqual(65_536);
  expect(mentionsIn(text)).toEqual([]);
  for (const tag of htmlTagsIn(text)) expect(OWN_TAGS.has(tag), `user HTML <${tag}> got through`).toBe(true);
}

function runIntake(body: string, title: string, found: Array<Omit<InitiativeLookup, "ref">>) {
  const issue = issueWith(body, title);
  const analysis = analyzeUseCase(template, issue, config);
  const refs = referencesToLookUp(analysis, readIntakeState(undefined));
  const lookup: InitiativeLookup[] = refs.map((ref, i) => ({ ref, ...(found[i] ?? { found: true, isInitiative: true, title: "Initiative" }) }));
  const plan = planIntake(template, issue, analysis, lookup, readIntakeState(undefined), config);
  const gates = initialGatesSection({ config: config.gates, repoOwner: "acme", labels: issue.labels, valueStreams: [] });
  return { analysis, plan, comment: clampBody(renderStatusBody([plan.section, gates])) };
}

describe("intake under arbitrary issue bodies", () => {
  it("never throws; every problem is a sentence; the status comment is well-formed and mentions nobody", () => {
    let accepted = 0;
    fc.assert(
      fc.property(anyBody, hostileText, lookups, (body, title, found) => {
        const { analysis, plan, comment } = runIntake(body, title, found);
        for (const problem of plan.problems) {
          expect(problem.label.trim()).not.toBe("");
          expect(problem.message.trim().length).toBeGreaterThan(3);
        }
        expect(plan.problems.length === 0).toBe((plan.section.state as { valid: boolean }).valid);
        expect(analysis.problems.length).toBeLessThanOrEqual(plan.problems.length);
        if (plan.problems.length === 0) accepted++;

        // The hidden structure survives: marker first, both sections and the intake state parse back as written.
        expect(comment.startsWith(STATUS_MARKER)).toBe(true);
        const sections = parseSections(comment);
        expect(sections.map((s) => s.id)).toEqual(["intake", "gates"]);
        expect(sections[0]!.body).toBe(plan.section.body);
        expect(sections[0]!.state).toEqual(plan.section.state);

        // GitHub hides every marker (each is still markup, not swallowed by a code block or shown as text), in order.
        const markers = htmlComments(comment).filter((c) => c.startsWith("<!-- converge:"));
        expect(markers.filter((m) => !m.startsWith("<!-- converge:state:"))).toEqual([
          STATUS_MARKER,
          "<!-- converge:section:intake:10 -->",
          "<!-- converge:section:intake:end -->",
          "<!-- converge:section:gates:20 -->",
          "<!-- converge:section:gates:end -->",
        ]);
        expectSafeMarkdown(comment);
        // The footer is still Converge's own line: nothing the user typed swallowed it.
        expect(comment.trimEnd().endsWith("</sub>")).toBe(true);

        for (const write of plan.initiativeWrites) {
          expectSafeMarkdown(write.body);
          expect(readInitiativeComment(write.body)).toBeDefined();
        }
      }),
      { numRuns: runs(2500), seed: 14_001 },
    );
    // The generator must also reach the summary card (accepted use cases echo the most user text).
    expect(accepted).toBeGreaterThan(runs(2500) / 100);
  }, 120_000);

  it("a huge body (hundreds of KB) is parsed in bounded time and still gives a comment under GitHub's limit", () => {
    fc.assert(
      fc.property(hugeText, (huge) => {
        const started = performance.now();
        const { comment } = runIntake(`### As a\n\n${huge}\n\n### So that\n\n${huge}`, huge.slice(0, 500), []);
        expectSafeMarkdown(comment);
        expect(parseSections(comment).map((s) => s.id)).toEqual(["intake", "gates"]);
        // Not a timing assertion on CI speed: a guard against quadratic blow-ups (which take minutes, not seconds).
        expect(performance.now() - started).toBeLessThan(20_000);
      }),
      { numRuns: runs(12), seed: 14_002 },
    );
  }, 120_000);

  it("a status comment round-trips: re-reading and re-rendering it changes nothing (no churn on redelivery)", () => {
    fc.assert(
      fc.property(anyBody, hostileText, (body, title) => {
        const { comment } = runIntake(body, title, []);
        expect(clampBody(renderStatusBody(parseSections(comment)))).toBe(comment);
      }),
      { numRuns: runs(1000), seed: 14_003 },
    );
  }, 120_000);
});
