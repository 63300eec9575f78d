import { describe, expect, it } from "vitest";
import {
  SUB_ISSUE_LIMIT,
  criterionKey,
  isProductOwner,
  isStoriesCommand,
  keyedCriteria,
  lookupSince,
  normalizeCriterion,
  planStories,
  productOwner,
  readStoriesState,
  readStoryMarker,
  storyMarker,
  withCommand,
  type StoriesInput,
} from "../../../src/domain/stories/index.js";

const UC = { owner: "Acme", repo: "plant-iot", number: 31 };
const criteria = keyedCriteria([{ text: "One" }, { text: "Two" }, { text: "Three" }]);
const [one, two, three] = criteria;
const input = (over: Partial<StoriesInput> = {}): StoriesInput => ({ useCase: UC, criteria, state: undefined, subIssues: [], found: [], ...over });
const own = (key: string, number: number) => ({ id: number * 100, number, marker: { useCase: "acme/plant-iot#31", key } });

describe("criterion keys", () => {
  it("ignore case, spacing and a trailing full stop, not a changed meaning", () => {
    expect(criterionKey("Alerts reach the planner.")).toBe(criterionKey("  alerts   reach the PLANNER"));
    expect(criterionKey("Alerts reach the planner")).not.toBe(criterionKey("Alerts reach the supervisor"));
    expect(normalizeCriterion("Ａlerts")).toBe("alerts"); // NFKC: full-width letters are the same criterion
  });

  it("drop a repeated criterion and empty ones", () => {
    expect(keyedCriteria([{ text: "A" }, { text: " a. " }, { text: "  " }, { text: "B" }]).map((c) => c.text)).toEqual(["A", "B"]);
  });
});

describe("story markers", () => {
  it("round-trip, lowercasing the use case, and reject lookalikes", () => {
    const marker = storyMarker(UC, one!.key);
    expect(readStoryMarker(`x\n${marker}\ny`)).toEqual({ useCase: "acme/plant-iot#31", key: one!.key });
    expect(readStoryMarker("<!-- converge:story use-case=acme/plant-iot#31 criterion=xyz -->")).toBeUndefined();
    expect(readStoryMarker(null)).toBeUndefined();
  });
});

describe("planStories", () => {
  it("creates one story per criterion on a fresh use case", () => {
    const plan = planStories(input());
    expect(plan.actions.map((a) => [a.kind, a.criterion.text])).toEqual([["create", "One"], ["create", "Two"], ["create", "Three"]]);
    expect(lookupSince(plan, undefined, "2026-11-20T09:00:00Z")).toBeUndefined(); // nothing can be half done
  });

  it("does nothing for criteria whose stories are attached, open or closed", () => {
    const state = { v: 1 as const, stories: [one!, two!, three!].map((c, i) => ({ key: c.key, number: 40 + i, id: (40 + i) * 100, attached: true })) };
    const plan = planStories(input({ state, subIssues: [own(one!.key, 40), own(two!.key, 41), own(three!.key, 42)] }));
    expect(plan.actions).toEqual([]);
  });

  it("never recreates or re-attaches a story people removed from the use case", () => {
    const state = { v: 1 as const, stories: [{ key: one!.key, number: 40, id: 4000, attached: true }] };
    const plan = planStories(input({ state, criteria: [one!] }));
    expect(plan.actions).toEqual([]);
    expect(plan.removed.map((s) => s.number)).toEqual([40]);
  });

  it("attaches a recorded story that was created but not attached, instead of creating it again", () => {
    const state = { v: 1 as const, stories: [{ key: one!.key, number: 40, id: 4000, attached: false }] };
    const plan = planStories(input({ state, criteria: [one!] }));
    expect(plan.actions).toEqual([{ kind: "attach", criterion: one, story: { id: 4000, number: 40 } }]);
  });

  it("adopts its own stories seen on the use case when the memory is gone, and looks for the rest since filing", () => {
    const plan = planStories(input({ subIssues: [own(one!.key, 40)] }));
    expect(plan.actions.map((a) => a.criterion.text)).toEqual(["Two", "Three"]);
    expect(plan.recorded).toEqual([{ key: one!.key, number: 40, id: 4000, attached: true }]);
    expect(lookupSince(plan, undefined, "2026-11-20T09:00:00Z")).toBe("2026-11-20T09:00:00Z");
  });

  it("ignores markers of another use case", () => {
    const other = { id: 5000, number: 50, marker: { useCase: "acme/plant-iot#32", key: one!.key } };
    expect(planStories(input({ subIssues: [other], criteria: [one!] })).actions.map((a) => a.kind)).toEqual(["create"]);
  });

  it("attaches a story found by its marker after an interrupted run, and looks since the run started", () => {
    const state = { v: 1 as const, stories: [], pending: "2026-11-25T10:00:00.000Z" };
    const first = planStories(input({ state }));
    expect(lookupSince(first, state, "2026-11-20T09:00:00Z")).toBe("2026-11-25T09:59:00.000Z");
    const plan = planStories(input({ state, found: [{ id: 4200, number: 42, key: two!.key }] }));
    expect(plan.actions.map((a) => a.kind)).toEqual(["create", "attach", "create"]);
  });

  it("stops at GitHub's sub-issue limit, counting the actions it plans", () => {
    const subIssues = Array.from({ length: SUB_ISSUE_LIMIT - 1 }, (_, i) => ({ id: i + 1, number: i + 100 }));
    const plan = planStories(input({ subIssues }));
    expect(plan.actions.map((a) => a.criterion.text)).toEqual(["One"]);
    expect(plan.overLimit.map((c) => c.text)).toEqual(["Two", "Three"]);
  });
});

describe("stories state", () => {
  it("reads back what it wrote, drops malformed entries, keeps the last 20 commands", () => {
    let state = readStoriesState({ v: 1, stories: [{ key: one!.key, number: 1, id: 2, attached: true }, { key: "bad", number: 1, id: 2, attached: true }] })!;
    expect(state.stories).toHaveLength(1);
    for (let i = 0; i < 25; i++) state = withCommand(state, i);
    expect(state.commands).toEqual(Array.from({ length: 20 }, (_, i) => i + 5));
    expect(readStoriesState(undefined)).toBeUndefined();
    expect(readStoriesState({ stories: "no" })).toBeUndefined();
  });
});

describe("/stories and the product owner", () => {
  it("is a command only on its own line, outside code and quotes", () => {
    expect(isStoriesCommand("/stories")).toBe(true);
    expect(isStoriesCommand("Thanks!\n/Stories  \n")).toBe(true);
    expect(isStoriesCommand("/stories please")).toBe(false);
    expect(isStoriesCommand("```\n/stories\n```")).toBe(false);
    expect(isStoriesCommand("> /stories")).toBe(false);
  });

  it("is the product owner field's login, else the issue author, compared case-insensitively", () => {
    expect(productOwner("@Mara-Schmidt", "someone")).toBe("Mara-Schmidt");
    expect(productOwner("not a login!", "someone")).toBe("someone");
    expect(isProductOwner("mara-schmidt", "Mara-Schmidt")).toBe(true);
    expect(isProductOwner("mallory", undefined)).toBe(false);
  });
});
