import { describe, expect, it } from "vitest";
import { mergeMoves, readMoves, renderCarryOverComment } from "../../../src/domain/sprints/carry-over-comment.js";

describe("carry-over comment", () => {
  it("round-trips its moves, each once, and a hostile sprint title can neither ping nor close the hidden state", () => {
    const moves = mergeMoves([], [
      { from: "@everyone --> <img src=x>", to: "Sprint 13", at: "2026-11-23T08:00:00Z" },
      { from: "@everyone --> <img src=x>", to: "Sprint 13", at: "2026-11-23T08:00:00.000Z" },
    ]);
    expect(moves).toHaveLength(1);
    const body = renderCarryOverComment(moves, "story");
    expect(body).not.toContain("@everyone");
    expect(body).not.toContain("<img");
    expect(body.match(/-->/g)).toHaveLength(2); // the marker's and the state line's own
    expect(readMoves(body)).toEqual(moves);
    expect(readMoves("<!-- converge:carry-over-state {broken -->")).toEqual([]);
  });
});
