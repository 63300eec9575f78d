import nock from "nock";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { API, APP_IDENTITY, BOT_LOGIN, createTestApp, examplePayload, mockConfig, setupNock, teardownNock } from "../helpers/probot.js";
import { FakeBoard, type FakeItem } from "../helpers/fake-board.js";

/**
 * projects_v2_item.edited on the program board, through Probot's receive() with GitHub's published payload shape:
 * the item is resolved through GraphQL (the event has no repository or issue number), a Status change is recorded in
 * the item's Status history, and an open story moved to a later iteration gets a carry-over suggestion.
 */

const ORG = "Octocoders";
const STORY = "Octocoders/plant-ops#12";
const ORG_CONFIG = "board:\n  project: 7\n";

function boardWithStory(): { board: FakeBoard; item: FakeItem } {
  const board = new FakeBoard();
  board.org = ORG;
  const item = board.putItem(STORY, { labels: ["user-story"] });
  item.id = "PVTI_lADOAWcTxs07G84AVqWu"; // the example payload's item
  return { board, item };
}

/** The published `edited` example, turned into a Status change on an issue item of project 7. */
function statusEvent(board: FakeBoard, to: string | null, at: string, from: string | null = "Todo"): Record<string, any> {
  const payload = examplePayload("projects_v2_item", "edited");
  const status = board.field("Status");
  const option = (name: string | null) => (name === null ? null : { ...status.options!.find((o) => o.name === name)!, color: "GRAY", description: "" });
  payload.projects_v2_item.content_type = "Issue";
  payload.projects_v2_item.content_node_id = board.itemFor(STORY)!.content.id;
  payload.projects_v2_item.updated_at = at;
  payload.changes = { field_value: { field_node_id: status.id, field_type: "single_select", field_name: "Status", project_number: 7, from: option(from), to: option(to) } };
  return payload;
}

function orgConfig(scope: nock.Scope, yaml = ORG_CONFIG): void {
  mockConfig(scope, ORG, ".github", yaml);
}

beforeEach(() => setupNock());
afterEach(() => teardownNock());

describe("time in each board status", () => {
  it("records a Status change in the item's Status history (creating Converge's fields), and a redelivery changes nothing", async () => {
    const { board, item } = boardWithStory();
    const app = createTestApp();
    const scope = nock(API);
    orgConfig(scope);
    board.serve(scope, 3); // resolve the item, create Status history + Status since, write both
    await app.receive("projects_v2_item", statusEvent(board, "In progress", "2026-11-24T09:30:00Z"), "d-1");
    expect(scope.isDone()).toBe(true);
    expect(board.mutations).toEqual(["createProjectV2Field", "createProjectV2Field", "updateProjectV2ItemFieldValue", "updateProjectV2ItemFieldValue"]);
    expect(board.value(item, "Status history")).toBe("2026-11-24T09:30:00Z=In progress");
    expect(board.value(item, "Status since")).toBe("2026-11-24");
    // The item was resolved by node id: the event named neither repository nor issue.
    expect(board.calls[0]!.variables).toMatchObject({ item: "PVTI_lADOAWcTxs07G84AVqWu", field: "PVTSSF_status" });

    // Redelivered (same delivery id): read again, nothing written.
    const again = nock(API);
    orgConfig(again);
    board.serve(again, 1);
    await app.receive("projects_v2_item", statusEvent(board, "In progress", "2026-11-24T09:30:00Z"), "d-1");
    expect(board.mutations).toHaveLength(4);
  });

  it("keeps entries in time order when an older event arrives late; Status since follows the latest change", async () => {
    const { board, item } = boardWithStory();
    board.fields.push({ id: "PVTF_hist", name: "Status history", dataType: "TEXT" }, { id: "PVTF_since", name: "Status since", dataType: "DATE" });
    item.values.set("PVTF_hist", { text: "2026-11-24T09:30:00Z=In progress" });
    item.values.set("PVTF_since", { date: "2026-11-24" });
    const app = createTestApp();

    const later = nock(API);
    orgConfig(later);
    board.serve(later, 2); // resolve, write history + since
    await app.receive("projects_v2_item", statusEvent(board, "Done", "2026-11-27T16:00:00Z", "In progress"), "d-2");
    expect(board.value(item, "Status history")).toBe("2026-11-24T09:30:00Z=In progress; 2026-11-27T16:00:00Z=Done");
    expect(board.value(item, "Status since")).toBe("2026-11-27");

    const late = nock(API);
    orgConfig(late);
    board.serve(late, 2); // resolve, write history only
    await app.receive("projects_v2_item", statusEvent(board, "Todo", "2026-11-20T08:00:00Z", null), "d-0");
    expect(board.value(item, "Status history")).toBe("2026-11-20T08:00:00Z=Todo; 2026-11-24T09:30:00Z=In progress; 2026-11-27T16:00:00Z=Done");
    expect(board.value(item, "Status since")).toBe("2026-11-27");
    expect(board.mutations).toEqual(["updateProjectV2ItemFieldValue", "updateProjectV2ItemFieldValue", "updateProjectV2ItemFieldValue"]);
  });

  it("resolves an event in the published shape (no field name, no values) through GraphQL: the field by its node id, the status live", async () => {
    const board = new FakeBoard();
    board.org = ORG;
    const status = board.field("Status");
    status.id = "PVTF_lADOAWcTxs07G84AAali"; // the field the published example names
    const draft: FakeItem = { id: "PVTI_lADOAWcTxs07G84AVqWu", content: { __typename: "DraftIssue", id: "DI_lADOAWcTxs07G84AIjOy" }, values: new Map([[status.id, { singleSelectOptionId: "st3" }]]) };
    board.items.push(draft);
    const app = createTestApp();
    const scope = nock(API);
    orgConfig(scope);
    board.serve(scope, 3);
    await app.receive("projects_v2_item", examplePayload("projects_v2_item", "edited"), "d-3");
    expect(board.value(draft, "Status history")).toBe("2022-06-08T20:34:26Z=Done");
  });

  it("ignores Converge's own field writes, other projects, and boards when none is configured", async () => {
    const { board } = boardWithStory();
    const app = createTestApp();
    // Converge's own write: not even the config is read.
    const own = statusEvent(board, "Done", "2026-11-24T09:30:00Z");
    own.sender = { ...own.sender, login: BOT_LOGIN, type: "Bot" };
    await app.receive("projects_v2_item", own, "d-own");

    // Another project of the org (the event names it): config read, nothing else.
    const other = statusEvent(board, "Done", "2026-11-24T09:30:00Z");
    other.changes.field_value.project_number = 3;
    const scope = nock(API);
    orgConfig(scope);
    await app.receive("projects_v2_item", other, "d-other");

    // No board configured.
    const none = nock(API);
    orgConfig(none, "sprints:\n  source: iteration\n");
    await app.receive("projects_v2_item", statusEvent(board, "Done", "2026-11-24T09:30:00Z"), "d-none");
    expect(board.mutations).toEqual([]);
    expect(board.calls).toEqual([]);
  });

  it("without the Projects permission the event is dropped with one clear log line, not an error", async () => {
    const { board } = boardWithStory();
    board.forbidden = true;
    const app = createTestApp();
    const scope = nock(API);
    orgConfig(scope);
    board.serve(scope, 1);
    await expect(app.receive("projects_v2_item", statusEvent(board, "Done", "2026-11-24T09:30:00Z"), "d-403")).resolves.toBeUndefined();
    expect(board.mutations).toEqual([]);
  });
});

describe("iteration carry-over", () => {
  const CONFIG = "board:\n  project: 7\nsprints:\n  source: iteration\n  iterationField: Sprint\n";
  const S12 = { id: "it12", title: "Sprint 12", start_date: "2026-11-09", duration: 14 };
  const S13 = { id: "it13", title: "Sprint 13", start_date: "2026-11-23", duration: 14 };

  function iterationEvent(board: FakeBoard, from: typeof S12 | null, to: typeof S12 | null): Record<string, any> {
    const payload = examplePayload("projects_v2_item", "edited");
    payload.projects_v2_item.content_type = "Issue";
    payload.projects_v2_item.updated_at = "2026-11-23T08:15:00Z";
    payload.changes = { field_value: { field_node_id: "PVTIF_sprint", field_type: "iteration", field_name: "Sprint", project_number: 7, from, to } };
    return payload;
  }

  function sprintBoard(): { board: FakeBoard; item: FakeItem } {
    const made = boardWithStory();
    made.board.fields.push({ id: "PVTIF_sprint", name: "Sprint", dataType: "ITERATION", iterations: [{ id: "it12", title: "Sprint 12", startDate: "2026-11-09", duration: 14 }, { id: "it13", title: "Sprint 13", startDate: "2026-11-23", duration: 14 }] });
    made.item.values.set("PVTIF_sprint", { iterationId: "it13" });
    return made;
  }

  const COMMENTS = "/repos/Octocoders/plant-ops/issues/12/comments";

  it("an open story moved to a later sprint gets one carry-over suggestion; a redelivery adds nothing", async () => {
    const { board } = sprintBoard();
    const app = createTestApp();
    let posted = "";
    const scope = nock(API);
    orgConfig(scope, CONFIG);
    board.serve(scope, 1);
    scope
      .get(COMMENTS)
      .query(true)
      .reply(200, [])
      .post(COMMENTS, (body: { body: string }) => {
        posted = body.body;
        return true;
      })
      .reply(201, { id: 900 });
    await app.receive("projects_v2_item", iterationEvent(board, S12, S13), "d-it");
    expect(scope.isDone()).toBe(true);
    expect(posted.startsWith("<!-- converge:carry-over -->")).toBe(true);
    expect(posted).toContain("2026-11-23: Sprint 12 → Sprint 13");
    expect(posted).toMatch(/Suggestion\*\* \(nothing was changed\)/);
    expect(posted).toContain("never moves it back");
    expect(board.mutations).toEqual([]); // the iteration field is the squad's: Converge never moves the story

    const again = nock(API);
    orgConfig(again, CONFIG);
    board.serve(again, 1);
    again
      .get(COMMENTS)
      .query(true)
      .reply(200, [{ id: 900, body: posted, user: { login: BOT_LOGIN, type: "Bot" }, performed_via_github_app: { id: APP_IDENTITY.appId } }]);
    await app.receive("projects_v2_item", iterationEvent(board, S12, S13), "d-it");
  });

  it("a story pulled into an earlier sprint, or one already closed, gets no suggestion", async () => {
    const { board, item } = sprintBoard();
    const app = createTestApp();
    const earlier = nock(API);
    orgConfig(earlier, CONFIG);
    board.serve(earlier, 1);
    await app.receive("projects_v2_item", iterationEvent(board, S13, S12), "d-pull");

    item.content.state = "CLOSED";
    const closed = nock(API);
    orgConfig(closed, CONFIG);
    board.serve(closed, 1);
    await app.receive("projects_v2_item", iterationEvent(board, S12, S13), "d-closed");
  });
});
