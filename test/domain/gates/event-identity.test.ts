import { describe, expect, it } from "vitest";
import { MAX_SEEN_PER_GATE, additionToJudge, readGateMemory, remember, standingAddition } from "../../../src/domain/gates/event-identity.js";
import { readGatesState } from "../../../src/domain/gates/render.js";
import { settleScopeFlags } from "../../../src/domain/gates/scope.js";

const ARCH = "gate/3-architecture";
const labeled = (id: number, login: string, at: string) => ({ id, node_id: `LE_${id}`, event: "labeled", label: { name: ARCH }, actor: { login }, created_at: at });
const unlabeled = (id: number, login: string, at: string) => ({ id, node_id: `UN_${id}`, event: "unlabeled", label: { name: ARCH }, actor: { login }, created_at: at });
const isOwn = (a: { login: string }) => a.login === "converge[bot]";
const T = "2026-11-24T15:00:00Z";

describe("event identity", () => {
  it("remembers the last few keys per gate, newest last, without duplicates", () => {
    let memory = remember(undefined, { key: "delivery:a", event: "LE_1" });
    memory = remember(memory, { key: "delivery:a" });
    expect(memory).toEqual({ seen: ["delivery:a"], event: "LE_1" });
    for (let i = 0; i < 10; i++) memory = remember(memory, { key: `delivery:${i}` });
    expect(memory.seen).toHaveLength(MAX_SEEN_PER_GATE);
    expect(memory.seen.at(-1)).toBe("delivery:9");
  });

  it("drops the old time-keyed state (it identifies nothing) and junk", () => {
    expect(readGateMemory("2026-11-24T15:00:00Z")).toBeUndefined();
    expect(readGateMemory({ seen: ["delivery:x", 3], event: 7 })).toEqual({ seen: ["delivery:x"] });
    expect(readGatesState({ v: 1, flags: [], notice: [], decided: { architecture: T, intake: { seen: ["comment:1"] } } })).toEqual({
      v: 1,
      flags: [],
      notice: [],
      decided: { intake: { seen: ["comment:1"] } },
    });
  });

  it("finds the addition that stands: the last labeled event with no unlabeled after it", () => {
    expect(standingAddition([labeled(1, "m", T), unlabeled(2, "converge[bot]", T)], ARCH)).toBeUndefined();
    expect(standingAddition([labeled(1, "m", T), unlabeled(2, "converge[bot]", T), labeled(3, "m", T)], ARCH)?.node_id).toBe("LE_3");
  });

  it("judges a new addition in the same second as a judged one, and skips the judged one itself", () => {
    const events = [labeled(1, "mallory", T), unlabeled(2, "converge[bot]", T), labeled(3, "mallory", T)];
    const input = { sender: { login: "mallory" }, at: T, events, label: ARCH, isOwn };
    expect(additionToJudge({ ...input, memory: { seen: [], event: "LE_1" } })).toEqual({ kind: "judge", actor: { login: "mallory" }, at: T, event: "LE_3" });
    expect(additionToJudge({ ...input, memory: { seen: [], event: "LE_3" } })).toEqual({ kind: "skip", reason: "judged" });
  });

  it("skips Converge's own addition, and judges the sender when the timeline lags or cannot be read", () => {
    const sender = { login: "mallory" };
    expect(additionToJudge({ memory: undefined, sender, at: T, events: [labeled(1, "converge[bot]", T)], label: ARCH, isOwn })).toEqual({ kind: "skip", reason: "own" });
    const older = [labeled(1, "ada", "2026-11-20T09:00:00Z")];
    expect(additionToJudge({ memory: { seen: [], event: "LE_1" }, sender, at: T, events: older, label: ARCH, isOwn })).toEqual({ kind: "judge", actor: sender, at: T });
    expect(additionToJudge({ memory: undefined, sender, at: T, events: undefined, label: ARCH, isOwn })).toEqual({ kind: "judge", actor: sender, at: T });
  });

  it("settles a scope flag when the gate is approved again, even within the same second, by comparing event identities", () => {
    const flag = { gateId: "architecture", approvedBy: "ada", approvedAt: "2026-11-23T09:00:00Z", approvalEvent: "LE_1", fields: ["deadline"], changedAt: T };
    const passed = new Set(["architecture"]);
    expect(settleScopeFlags([flag], passed, [{ gateId: "architecture", by: "ada", at: "2026-11-23T09:00:00Z", via: "label", event: "LE_1" }])).toHaveLength(1);
    expect(settleScopeFlags([flag], passed, [{ gateId: "architecture", by: "ada", at: T, via: "label", event: "LE_9" }])).toHaveLength(0);
  });
});
