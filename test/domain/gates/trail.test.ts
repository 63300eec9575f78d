import { describe, expect, it } from "vitest";
import MarkdownIt from "markdown-it";
import { defaultConfig } from "../../../src/config/schema.js";
import { buildAuditTrail, currentApprovals, auditSince, type TimelineEvent } from "../../../src/domain/gates/audit.js";
import { parseGateCommand } from "../../../src/domain/gates/commands.js";
import { auditToCsv, auditToJson, csvField } from "../../../src/domain/gates/export.js";
import { changedScopeFields, flagScopeChange, settleScopeFlags } from "../../../src/domain/gates/scope.js";
import { readGatesState, renderGatesSection, describeRejection } from "../../../src/domain/gates/render.js";

const config = defaultConfig().gates;
const APP = "converge[bot]";
const labeled = (name: string, login: string, at: string): TimelineEvent => ({ event: "labeled", label: { name }, actor: { login }, created_at: at });
const unlabeled = (name: string, login: string, at: string): TimelineEvent => ({ event: "unlabeled", label: { name }, actor: { login }, created_at: at });

describe("parseGateCommand", () => {
  it("reads /gate pass and /gate status at the start of a line", () => {
    expect(parseGateCommand("Looks good.\n/gate pass architecture")).toEqual({ kind: "pass", gate: "architecture" });
    expect(parseGateCommand("/GATE status")).toEqual({ kind: "status" });
  });
  it("ignores commands in code fences, quotes and mid-sentence", () => {
    expect(parseGateCommand("```\n/gate pass architecture\n```")).toBeUndefined();
    expect(parseGateCommand("> /gate pass architecture")).toBeUndefined();
    expect(parseGateCommand("please run /gate pass architecture")).toBeUndefined();
    expect(parseGateCommand(null)).toBeUndefined();
  });
  it("reports malformed commands", () => {
    expect(parseGateCommand("/gate pass")).toMatchObject({ kind: "invalid" });
    expect(parseGateCommand("/gate approve x")).toMatchObject({ kind: "invalid" });
    expect(parseGateCommand("/gateway")).toBeUndefined();
  });
});

describe("buildAuditTrail", () => {
  const events: TimelineEvent[] = [
    labeled("use-case", "po", "2026-11-01T09:00:00Z"),
    labeled("gate/1-intake", "office", "2026-11-01T10:00:00Z"),
    labeled("gate/3-architecture", "mallory", "2026-11-02T10:00:00Z"),
    unlabeled("gate/3-architecture", APP, "2026-11-02T10:00:05Z"),
    { event: "commented", user: { login: "ada" }, body: "/gate pass feasibility", created_at: "2026-11-03T08:00:00Z" },
    labeled("gate/2-feasibility", APP, "2026-11-03T08:00:04Z"),
    unlabeled("gate/1-intake", "mallory", "2026-11-04T10:00:00Z"),
    labeled("gate/1-intake", APP, "2026-11-04T10:00:03Z"),
    unlabeled("gate/2-feasibility", APP, "2026-11-10T10:00:00Z"),
  ];
  const trail = buildAuditTrail({ useCase: 42, events, config, appLogin: APP });

  it("turns the timeline into decisions with accepted/reverted outcomes", () => {
    expect(trail).toEqual([
      { useCase: 42, gate: "intake", label: "gate/1-intake", action: "pass", actor: "office", at: "2026-11-01T10:00:00Z", via: "label", outcome: "accepted" },
      {
        useCase: 42, gate: "architecture", label: "gate/3-architecture", action: "pass", actor: "mallory", at: "2026-11-02T10:00:00Z",
        via: "label", outcome: "reverted", revertedAt: "2026-11-02T10:00:05Z",
      },
      { useCase: 42, gate: "feasibility", label: "gate/2-feasibility", action: "pass", actor: "ada", at: "2026-11-03T08:00:04Z", via: "command", outcome: "accepted" },
      {
        useCase: 42, gate: "intake", label: "gate/1-intake", action: "remove", actor: "mallory", at: "2026-11-04T10:00:00Z",
        via: "label", outcome: "reverted", revertedAt: "2026-11-04T10:00:03Z",
      },
      { useCase: 42, gate: "feasibility", label: "gate/2-feasibility", action: "revoke", actor: APP, at: "2026-11-10T10:00:00Z", via: "converge", outcome: "accepted" },
    ]);
  });

  it("derives the approvals in force", () => {
    expect(currentApprovals(trail)).toEqual([{ gateId: "intake", by: "office", at: "2026-11-01T10:00:00Z", via: "label" }]);
  });

  it("attributes a Converge label change with no preceding /gate pass to Converge", () => {
    const other = buildAuditTrail({
      useCase: 1,
      config,
      appLogin: APP,
      events: [labeled("gate/1-intake", APP, "2026-11-01T10:00:00Z")],
    });
    expect(other).toMatchObject([{ action: "pass", actor: APP, via: "converge" }]);
  });

  it("filters by --since", () => {
    expect(auditSince(trail, "2026-11-04").map((e) => e.at)).toEqual(["2026-11-04T10:00:00Z", "2026-11-10T10:00:00Z"]);
  });
});

describe("export", () => {
  it("writes RFC 4180 CSV with CRLF, quoting and formula neutralisation", () => {
    expect(csvField('say "hi", ok')).toBe('"say ""hi"", ok"');
    expect(csvField("line\nbreak")).toBe('"line\nbreak"');
    expect(csvField("=HYPERLINK(1)")).toBe("'=HYPERLINK(1)");
    const csv = auditToCsv([
      { useCase: 1, gate: "intake", label: "gate/1-intake, x", action: "pass", actor: "ada", at: "2026-11-01T10:00:00Z", via: "label", outcome: "accepted" },
    ]);
    expect(csv).toBe(
      'use_case,gate,label,action,actor,time,via,outcome,reverted_at\r\n1,intake,"gate/1-intake, x",pass,ada,2026-11-01T10:00:00Z,label,accepted,\r\n',
    );
  });
  it("writes JSON with metadata", () => {
    const json = JSON.parse(auditToJson([], { repository: "acme/plant", generatedAt: "2026-11-25T00:00:00Z" }));
    expect(json).toEqual({ repository: "acme/plant", generatedAt: "2026-11-25T00:00:00Z", decisions: [] });
  });
});

describe("scope changes", () => {
  it("detects edited scope fields, ignoring whitespace and checkbox case", () => {
    expect(changedScopeFields(config, { deadline: "2027-01-01", "acceptance-criteria": "- [X] a" }, { deadline: "2027-02-01", "acceptance-criteria": "- [x] a  " })).toEqual([
      "deadline",
    ]);
  });
  it("flags passed gates approved before the change, naming the approver, and settles on re-approval", () => {
    const approvals = [
      { gateId: "intake", by: "office", at: "2026-11-01T10:00:00Z", via: "label" as const },
      { gateId: "feasibility", by: "ada", at: "2026-11-02T10:00:00Z", via: "command" as const },
    ];
    const passed = new Set(["intake", "feasibility"]);
    const flags = flagScopeChange({ passedGates: passed, approvals, fields: ["deadline"], changedAt: "2026-11-05T00:00:00Z", existing: [], config });
    expect(flags).toEqual([
      { gateId: "intake", approvedBy: "office", approvedAt: "2026-11-01T10:00:00Z", fields: ["deadline"], changedAt: "2026-11-05T00:00:00Z" },
      { gateId: "feasibility", approvedBy: "ada", approvedAt: "2026-11-02T10:00:00Z", fields: ["deadline"], changedAt: "2026-11-05T00:00:00Z" },
    ]);
    const again = flagScopeChange({ passedGates: passed, approvals, fields: ["benefit"], changedAt: "2026-11-06T00:00:00Z", existing: flags, config });
    expect(again[0]?.fields).toEqual(["deadline", "benefit"]);
    expect(again[0]?.changedAt).toBe("2026-11-05T00:00:00Z");
    const reapproved = [...approvals, { gateId: "intake", by: "office", at: "2026-11-07T00:00:00Z", via: "label" as const }];
    expect(settleScopeFlags(again, passed, reapproved).map((f) => f.gateId)).toEqual(["feasibility"]);
  });
});

describe("gates section", () => {
  const md = new MarkdownIt({ html: true });
  const ctx = { config, repoOwner: "acme" };

  it("renders one row per gate, with team links that do not mention anyone", () => {
    const body = renderGatesSection({
      ctx,
      passedGates: new Set(["intake"]),
      approvals: [{ gateId: "intake", by: "office", at: "2026-11-01T10:00:00Z", via: "label" }],
      flags: [],
      valueStreams: [],
      notice: [],
    });
    expect(body).toContain("| 1 | Intake (`gate/1-intake`) | ✅ passed | office, 2026-11-01 | [acme/transformation-office](https://github.com/orgs/acme/teams/transformation-office) |");
    expect(body).toContain("| 2 | Feasibility (`gate/2-feasibility`) | ⏳ next |");
    expect(body).not.toMatch(/@[A-Za-z]/);
    const html = md.render(body);
    expect(html.match(/<tr>/g)).toHaveLength(1 + config.pipeline.length);
    expect(html).toContain('<a href="https://github.com/orgs/acme/teams/itot-architects">acme/itot-architects</a>');
  });

  it("escapes hostile logins in explanations", () => {
    const lines = describeRejection({ gate: config.pipeline[2]!, actor: "@evil <img>", reasons: [{ kind: "not-approver" }], via: "label", ctx });
    const html = md.render(lines.join("\n"));
    expect(html).not.toContain("<img");
    expect(lines.join("\n")).not.toMatch(/@[A-Za-z]/);
    expect(lines[1]).toContain("may not pass this gate. Who can: [acme/itot-architects]");
  });

  it("reads back only well-formed hidden state", () => {
    expect(readGatesState({ v: 1, flags: [{ gateId: "a", changedAt: "x", fields: ["deadline"] }, { gateId: 3 }], notice: ["n", 4] })).toEqual({
      v: 1,
      flags: [{ gateId: "a", changedAt: "x", fields: ["deadline"] }],
      notice: ["n"],
    });
    expect(readGatesState("junk")).toEqual({ v: 1, flags: [], notice: [] });
  });
});

describe("initialGatesSection", () => {
  it("shows the whole pipeline with the first gate next, for intake to seed the status comment", async () => {
    const { initialGatesSection } = await import("../../../src/domain/gates/render.js");
    const section = initialGatesSection({ config, repoOwner: "acme", labels: ["use-case"], valueStreams: [] });
    expect(section.id).toBe("gates");
    expect(section.body).toContain("| 1 | Intake (`gate/1-intake`) | ⏳ next |  | [acme/transformation-office]");
    expect(section.body.match(/^\| \d /gm)).toHaveLength(config.pipeline.length);
  });
});
