import { describe, expect, it } from "vitest";
import { buildSnapshotFromGithub, gateHistory, type RawPortfolio, type RawUseCase } from "../../../src/domain/snapshot/from-github.js";
import { defaultConfig } from "../../../src/config/schema.js";
import { bundledTemplate } from "../../../src/templates.js";
import { useCaseBody } from "../../helpers/portfolio-to-org.js";
import type { UseCase } from "../../../src/domain/snapshot/schema.js";

const config = defaultConfig();
const templates = { useCase: bundledTemplate("use-case"), initiative: bundledTemplate("business-initiative") };
const now = new Date("2026-12-01T06:00:00Z");

function rawUseCase(overrides: Partial<RawUseCase> = {}, form: Partial<UseCase> = {}): RawUseCase {
  const u = { title: "Vision QA", acceptanceCriteria: ["Finds defects"], valueStream: "quality-to-compliance", plants: ["dresden"], initiatives: [], deadline: "2027-03-31", squad: "vision", productOwner: "mara", ...form } as UseCase;
  return {
    nodeId: "I_1", repo: "acme/plant-iot", number: 31, title: "Vision QA", url: "https://github.com/acme/plant-iot/issues/31", state: "OPEN",
    createdAt: "2026-10-01T09:00:00Z", updatedAt: "2026-10-01T09:00:00Z", closedAt: null, body: useCaseBody(u), author: "mara",
    labels: ["use-case"], assignees: [], milestone: null, labelEvents: [], stories: [], ...overrides,
  };
}

function portfolio(useCases: RawUseCase[], extra: Partial<RawPortfolio> = {}): RawPortfolio {
  return { org: "acme", useCases, initiatives: [], defects: [], repos: [], iterations: new Map(), storySquadLabels: new Map(), teamMembers: new Map(), omitted: [], ...extra };
}

const build = (raw: RawPortfolio) => buildSnapshotFromGithub(raw, { config, now, appLogin: "converge[bot]", templates });

describe("gate history from label events", () => {
  it("drops an unauthorised pass Converge reverted, keeps people's passes and removals", () => {
    const events = [
      { kind: "labeled" as const, label: "gate/1-intake", actor: "olga", at: "2026-10-02T09:00:00Z" },
      { kind: "labeled" as const, label: "gate/2-feasibility", actor: "mallory", at: "2026-10-03T09:00:00Z" },
      { kind: "unlabeled" as const, label: "gate/2-feasibility", actor: "converge", at: "2026-10-03T09:00:05Z" },
      { kind: "labeled" as const, label: "gate/2-feasibility", actor: "ada", at: "2026-10-05T09:00:00Z" },
      { kind: "labeled" as const, label: "plant/dresden", actor: "converge", at: "2026-10-05T09:00:00Z" },
      { kind: "unlabeled" as const, label: "gate/2-feasibility", actor: "ada", at: "2026-10-06T09:00:00Z" },
    ];
    expect(gateHistory(events, config, "converge[bot]")).toEqual([
      { gate: "intake", action: "passed", actor: "olga", at: "2026-10-02T09:00:00Z" },
      { gate: "feasibility", action: "passed", actor: "ada", at: "2026-10-05T09:00:00Z" },
      { gate: "feasibility", action: "reverted", actor: "ada", at: "2026-10-06T09:00:00Z" },
    ]);
  });
});

describe("use cases from issues", () => {
  it("reads the form, the priority label and the stories; drops stories closed as not planned and defects filed as sub-issues", () => {
    const story = (n: number, extra: Partial<RawUseCase["stories"][number]> = {}) => ({
      id: `acme/plant-iot#${n}`, nodeId: `S_${n}`, repo: "acme/plant-iot", number: n, title: `story ${n}`, state: "OPEN" as const, stateReason: null,
      createdAt: "2026-10-10T09:00:00Z", closedAt: null, milestone: null, ...extra,
    });
    const raw = portfolio(
      [rawUseCase({ labels: ["use-case", "priority/1"], stories: [story(40), story(41, { state: "CLOSED", stateReason: "NOT_PLANNED", closedAt: "2026-10-12T09:00:00Z" }), story(42)] })],
      { defects: [{ ...rawUseCase(), nodeId: "S_42", number: 42, labels: ["defect"], parent: { repo: "acme/plant-iot", number: 31 } }] },
    );
    const snapshot = build(raw);
    const u = snapshot.useCases[0]!;
    expect(u).toMatchObject({ id: "acme/plant-iot#31", priority: 1, valueStream: "quality-to-compliance", plants: ["dresden"], deadline: "2027-03-31", productOwner: "mara", squad: "plant-iot" });
    expect(u.stories.map((s) => s.id)).toEqual(["acme/plant-iot#40"]);
    expect(snapshot.kpiInputs.defects.map((d) => [d.id, d.useCase])).toEqual([["acme/plant-iot#42", "acme/plant-iot#31"]]);
  });

  it("leaves out a use case whose form has no deadline, and says why", () => {
    const snapshot = build(portfolio([rawUseCase({ body: "### Value stream\n\nPlan to Produce" })]));
    expect(snapshot.useCases).toEqual([]);
    expect(snapshot.completeness?.omitted).toEqual([{ id: "acme/plant-iot#31", reason: expect.stringContaining("no valid deadline") }]);
  });

  it("keeps a link only to issues that are initiatives, and says which link it dropped", () => {
    const snapshot = build(portfolio([rawUseCase({}, { initiatives: ["acme/office#7"] })]));
    expect(snapshot.useCases[0]!.initiatives).toEqual([]);
    expect(snapshot.completeness?.omitted[0]?.reason).toContain("acme/office#7");
  });
});
