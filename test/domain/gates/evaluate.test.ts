import { describe, expect, it } from "vitest";
import { defaultConfig, configSchema } from "../../../src/config/schema.js";
import {
  authorize,
  evaluateClose,
  evaluateGatePass,
  evaluateGateRemoval,
  mergeGateStatus,
  type GatePassInput,
} from "../../../src/domain/gates/evaluate.js";
import { findGate, gateForLabel, resolveTeam } from "../../../src/domain/gates/model.js";
import { environmentMatches, requirementProblems } from "../../../src/domain/gates/requirements.js";

const config = defaultConfig().gates;
const gate = (id: string) => {
  const found = config.pipeline.find((g) => g.id === id);
  if (!found) throw new Error(id);
  return found;
};

const architectMember = { "acme/itot-architects": "member" } as const;

function input(overrides: Partial<GatePassInput> = {}): GatePassInput {
  return {
    gate: gate("architecture"),
    actor: { login: "ada", type: "User" },
    membership: architectMember,
    config,
    repoOwner: "acme",
    passedGates: new Set(["intake", "feasibility"]),
    requirements: { architectAssigned: true },
    valueStreams: [],
    ...overrides,
  };
}

describe("config", () => {
  it("ships the default pipeline in order with gate/N labels and architecture as the merge gate", () => {
    expect(config.pipeline.map((g) => g.label)).toEqual([
      "gate/1-intake",
      "gate/2-feasibility",
      "gate/3-architecture",
      "gate/4-security",
      "gate/5-mvp",
      "gate/6-business-signoff",
      "gate/7-deployed",
    ]);
    expect(config.requiredBeforeMerge).toBe("architecture");
    expect(config.bots).toEqual([]);
  });

  it("rejects a merge gate that is not in the pipeline, duplicate ids and gates nobody can pass", () => {
    const result = configSchema.safeParse({
      gates: {
        requiredBeforeMerge: "review",
        pipeline: [
          { id: "a", name: "A", label: "g/a", approvers: { users: ["@octocat"] } },
          { id: "a", name: "B", label: "g/b" },
        ],
      },
    });
    expect(result.success).toBe(false);
    const messages = result.error?.issues.map((i) => i.message) ?? [];
    expect(messages).toContain('duplicate gate id "a"');
    expect(messages).toContain('gate "a" has no approvers: name at least one team or user');
    expect(messages.some((m) => m.includes('"review" is not a gate id'))).toBe(true);
  });

  it("strips the @ of users and teams", () => {
    const parsed = configSchema.parse({
      gates: { requiredBeforeMerge: "a", pipeline: [{ id: "a", name: "A", label: "g/a", approvers: { users: ["@octocat"], teams: ["@acme/x"] } }] },
    });
    expect(parsed.gates.pipeline[0]?.approvers).toEqual({ users: ["octocat"], teams: ["acme/x"] });
  });
});

describe("model helpers", () => {
  it("resolves bare team slugs against the repository owner", () => {
    expect(resolveTeam("itot-architects", "acme")).toEqual({ org: "acme", slug: "itot-architects" });
    expect(resolveTeam("@other/sec", "acme")).toEqual({ org: "other", slug: "sec" });
  });

  it("finds gates by label case-insensitively and by id, label, name or position", () => {
    expect(gateForLabel(config, "Gate/3-Architecture")?.id).toBe("architecture");
    expect(gateForLabel(config, "bug")).toBeUndefined();
    expect(findGate(config, "security")?.id).toBe("security");
    expect(findGate(config, "gate/5-mvp")?.id).toBe("mvp");
    expect(findGate(config, "3")?.id).toBe("architecture");
    expect(findGate(config, "99")).toBeUndefined();
  });
});

describe("authorize", () => {
  it("accepts an active member of the gate's team", () => {
    expect(authorize(input())).toEqual({ ok: true, via: "team", team: { org: "acme", slug: "itot-architects" } });
  });

  it("rejects a non-member", () => {
    expect(authorize(input({ membership: { "acme/itot-architects": "not-member" } }))).toMatchObject({ ok: false, reason: "not-approver" });
  });

  it("fails safe when the membership lookup failed or never happened", () => {
    expect(authorize(input({ membership: { "acme/itot-architects": "unknown" } }))).toMatchObject({ ok: false, reason: "membership-unknown" });
    expect(authorize(input({ membership: {} }))).toMatchObject({ ok: false, reason: "membership-unknown" });
  });

  it("never lets a bot pass unless the allow-list names it, even as a team member", () => {
    const bot = { login: "renovate[bot]", type: "Bot" };
    expect(authorize(input({ actor: bot }))).toMatchObject({ ok: false, reason: "bot-not-allowed" });
    const allowing = { ...config, bots: ["renovate[bot]"] };
    expect(authorize(input({ actor: bot, config: allowing }))).toMatchObject({ ok: true });
  });

  it("accepts users named in the gate, case-insensitively", () => {
    const custom = { ...gate("architecture"), approvers: { teams: [], users: ["Ada"] } };
    expect(authorize(input({ gate: custom, membership: {} }))).toEqual({ ok: true, via: "user" });
  });
});

describe("evaluateGatePass", () => {
  it("accepts an authorized pass in order with requirements met", () => {
    expect(evaluateGatePass(input())).toMatchObject({ outcome: "accept" });
  });

  it("rejects an out-of-order gate, naming every missing earlier gate", () => {
    const decision = evaluateGatePass(input({ passedGates: new Set(["intake"]) }));
    expect(decision).toEqual({ outcome: "reject", reasons: [{ kind: "earlier-gates", gates: [gate("feasibility")] }] });
  });

  it("skips optional gates for the use case's value stream", () => {
    const streamed = {
      ...config,
      pipeline: config.pipeline.map((g) => (g.id === "feasibility" ? { ...g, optionalFor: ["Maintenance"] } : g)),
    };
    const decision = evaluateGatePass(input({ config: streamed, passedGates: new Set(["intake"]), valueStreams: ["maintenance"] }));
    expect(decision.outcome).toBe("accept");
  });

  it("lists every reason at once", () => {
    const decision = evaluateGatePass(
      input({ membership: { "acme/itot-architects": "not-member" }, passedGates: new Set(), requirements: { architectAssigned: false } }),
    );
    expect(decision.outcome).toBe("reject");
    if (decision.outcome !== "reject") return;
    expect(decision.reasons.map((r) => r.kind)).toEqual(["not-approver", "earlier-gates", "requirement"]);
  });

  it("does not pass a gate whose requirement could not be verified", () => {
    const decision = evaluateGatePass(input({ requirements: { architectAssigned: "unknown" } }));
    expect(decision).toMatchObject({ outcome: "reject", reasons: [{ kind: "requirement", problem: { unverified: true } }] });
  });
});

describe("requirementProblems", () => {
  it("checks named fields, the whole form and the checklist", () => {
    const g = { ...gate("feasibility"), requirements: { ...gate("feasibility").requirements, formValid: true, acceptanceCriteriaTicked: true } };
    const problems = requirementProblems(g, {
      form: { problems: ["x"], fields: { "acceptance-criteria": { present: true }, deadline: { present: true, problem: "past" } } },
      acceptanceCriteria: { total: 3, ticked: 2 },
    });
    expect(problems.map((p) => p.message)).toEqual([
      "form field `deadline` is not valid",
      "form field `benefit` is missing",
      "intake says this use case needs changes (1 problem, as in the intake section)",
      "acceptance criteria: 2 of 3 ticked (all must be ticked)",
    ]);
  });

  it("needs a successful deployment to a matching environment after the merge", () => {
    const g = gate("deployed");
    const merged = [{ number: 7, mergedAt: "2026-11-01T10:00:00Z" }];
    expect(requirementProblems(g, { mergedPullRequests: merged, deployments: [{ environment: "Production", state: "success", createdAt: "2026-11-02T00:00:00Z" }] })).toEqual([]);
    const before = requirementProblems(g, { mergedPullRequests: merged, deployments: [{ environment: "production", state: "success", createdAt: "2026-10-01T00:00:00Z" }] });
    expect(before.map((p) => p.requirement)).toEqual(["deployment"]);
    const failed = requirementProblems(g, { mergedPullRequests: merged, deployments: [{ environment: "production", state: "failure", createdAt: "2026-11-02T00:00:00Z" }] });
    expect(failed.map((p) => p.requirement)).toEqual(["deployment"]);
    expect(requirementProblems(g, { mergedPullRequests: [], deployments: [] }).map((p) => p.requirement)).toEqual(["linkedPullRequestMerged"]);
  });

  it("matches environment patterns with * only", () => {
    expect(environmentMatches("prod*", "production")).toBe(true);
    expect(environmentMatches("prod*", "preprod")).toBe(false);
    expect(environmentMatches("plant-?.eu", "plant-a.eu")).toBe(false);
    expect(environmentMatches("plant-?.eu", "plant-?.eu")).toBe(true);
  });
});

describe("evaluateGateRemoval", () => {
  it("allows an approver to remove and restores for anyone else", () => {
    const base = { gate: gate("architecture"), config, repoOwner: "acme" };
    expect(evaluateGateRemoval({ ...base, actor: { login: "ada" }, membership: architectMember })).toEqual({ outcome: "allow" });
    expect(evaluateGateRemoval({ ...base, actor: { login: "mallory" }, membership: { "acme/itot-architects": "not-member" } })).toEqual({
      outcome: "restore",
      reason: { kind: "not-approver" },
    });
    expect(evaluateGateRemoval({ ...base, actor: { login: "eve" }, membership: { "acme/itot-architects": "unknown" } })).toMatchObject({
      outcome: "restore",
      reason: { kind: "membership-unknown" },
    });
  });
});

describe("evaluateClose", () => {
  const all = new Set(config.pipeline.map((g) => g.id));
  it("reopens a use case closed as completed before the final gate, listing what is missing", () => {
    const decision = evaluateClose({ config, stateReason: "completed", passedGates: new Set(["intake"]), valueStreams: [] });
    expect(decision.outcome).toBe("reopen");
    if (decision.outcome === "reopen") expect(decision.missing.map((g) => g.id)).toEqual(config.pipeline.slice(1).map((g) => g.id));
  });
  it("allows closing as not planned, after the final gate, or when configured off", () => {
    expect(evaluateClose({ config, stateReason: "not_planned", passedGates: new Set(), valueStreams: [] }).outcome).toBe("allow");
    expect(evaluateClose({ config, stateReason: "completed", passedGates: all, valueStreams: [] }).outcome).toBe("allow");
    expect(evaluateClose({ config: { ...config, reopenOnEarlyClose: false }, stateReason: "completed", passedGates: new Set(), valueStreams: [] }).outcome).toBe("allow");
  });
});

describe("mergeGateStatus", () => {
  it("names the merge gate and whether it is passed", () => {
    expect(mergeGateStatus(config, new Set(["intake"]))).toMatchObject({ required: true, passed: false, gate: { id: "architecture" } });
    expect(mergeGateStatus(config, new Set(["architecture"]))).toMatchObject({ required: true, passed: true });
    expect(mergeGateStatus({ ...config, requiredBeforeMerge: null }, new Set())).toEqual({ required: false });
  });
});
