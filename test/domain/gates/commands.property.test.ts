/**
 * Property tests for the comment commands (`/gate …`, `/benefit …`): on any comment they never throw, an unreadable
 * command gets a usage message, and a command is taken from a line GitHub shows as plain text only: never from a
 * fenced code block or a quote, judged by markdown-it (CommonMark, as GitHub renders comments). Fences are where the
 * hand-written line scanners can go wrong: a ```` fence is not closed by ```, nor a ``` fence by ~~~.
 */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import MarkdownIt from "markdown-it";
import { parseGateCommand } from "../../../src/domain/gates/commands.js";
import { parseBenefitCommand } from "../../../src/domain/benefits/command.js";
import { recordInInitiativeComment, readInitiativeComment } from "../../../src/domain/intake/initiatives.js";
import { hostileText, htmlTagsIn, mentionsIn, runs } from "../../helpers/hostile.js";

const md = new MarkdownIt("commonmark");
const BENEFIT = { now: "2026-11-25", defaultCurrency: "EUR" };

/** Lines whose mix exercises fences (of both kinds and lengths, with info strings and indentation) and quotes. */
const commentLine = fc.constantFrom(
  "```",
  "````",
  "```js",
  "~~~",
  "~~~~",
  "  ```",
  "    ```",
  "``` ```",
  "> quoted",
  "> /gate pass architecture",
  "> /benefit realized 5k",
  "",
  "",
  "some text",
  "/gate pass architecture",
  "/gate status",
  "/gate pass",
  "/gate frobnicate",
  "/benefit realized €250k",
  "/benefit realized 5k as of 2026-10-31",
  "/benefit nonsense",
);

/** A comment built from those lines; a quote is followed by a blank line (no lazy continuation, which is ambiguous). */
const structuredComment = fc.array(commentLine, { maxLength: 12 }).map((lines) => lines.flatMap((l) => (l.startsWith(">") ? [l, ""] : [l])).join("\n"));

/** Source lines markdown-it renders as code or quote. */
function hiddenLines(body: string): Set<number> {
  const hidden = new Set<number>();
  for (const token of md.parse(body, {})) {
    if (!token.map) continue;
    if (token.type === "fence" || token.type === "code_block" || token.type === "blockquote_open") {
      for (let line = token.map[0]; line < token.map[1]; line++) hidden.add(line);
    }
  }
  return hidden;
}

/** The first line GitHub shows as text that starts with `prefix` (trimmed), or undefined. */
function firstVisibleCommand(body: string, prefix: RegExp): string | undefined {
  const hidden = hiddenLines(body);
  return body.split("\n").find((line, i) => !hidden.has(i) && prefix.test(line.trim()));
}

describe("/gate commands", () => {
  it("regressions found by the properties below: fences closed only as CommonMark closes them", () => {
    // A ```js line inside a block does not close it; a ```` block is not closed by ```; a ~~~ block not by ```.
    expect(parseGateCommand("```\n```js\n/gate pass architecture")).toBeUndefined();
    expect(parseGateCommand("````\n```\n/gate pass architecture\n````")).toBeUndefined();
    expect(parseGateCommand("~~~\n```\n/gate pass architecture\n~~~")).toBeUndefined();
    // A ``` indented four spaces opens no fence (it is indented code or text), so the next line is a command.
    expect(parseBenefitCommand("    ```\n/benefit realized €250k", BENEFIT)).toMatchObject({ kind: "realized" });
    expect(parseGateCommand("````\n/gate pass x\n`````\n/gate status")).toEqual({ kind: "status" });
  });

  it("never throw; invalid ones say how to use them; a pass names exactly one gate", () => {
    fc.assert(
      fc.property(fc.oneof(hostileText, structuredComment, fc.string({ unit: "binary", maxLength: 300 })), (body) => {
        const command = parseGateCommand(body);
        if (command?.kind === "invalid") expect(command.message).toMatch(/\/gate (pass|status)/);
        if (command?.kind === "pass") expect(command.gate).toMatch(/^\S+$/);
      }),
      { numRuns: runs(1500), seed: 14_101 },
    );
  });

  it("are read only from lines GitHub shows as text (not code, not quotes)", () => {
    fc.assert(
      fc.property(structuredComment, (body) => {
        const line = firstVisibleCommand(body, /^\/gate(\s|$)/i);
        expect(parseGateCommand(body)).toEqual(line === undefined ? undefined : parseGateCommand(line));
      }),
      { numRuns: runs(1500), seed: 14_102 },
    );
  });
});

describe("/benefit commands", () => {
  it("never throw; an unreadable command gets a problem and the usage", () => {
    fc.assert(
      fc.property(fc.oneof(hostileText, structuredComment, hostileText.map((t) => `/benefit realized ${t}`), hostileText.map((t) => `/benefit ${t}`)), (body) => {
        const command = parseBenefitCommand(body, BENEFIT);
        if (command.kind === "invalid") {
          expect(command.problem.trim()).not.toBe("");
          expect(command.usage).toContain("/benefit realized");
        }
        if (command.kind === "realized") {
          expect(Number.isFinite(command.money.amount)).toBe(true);
          expect(command.asOf <= BENEFIT.now).toBe(true);
        }
      }),
      { numRuns: runs(1500), seed: 14_103 },
    );
  });

  it("are read only from lines GitHub shows as text (not code, not quotes)", () => {
    fc.assert(
      fc.property(structuredComment, (body) => {
        const line = firstVisibleCommand(body, /^\/benefit\b/i);
        expect(parseBenefitCommand(body, BENEFIT)).toEqual(line === undefined ? { kind: "none" } : parseBenefitCommand(line, BENEFIT));
      }),
      { numRuns: runs(1500), seed: 14_104 },
    );
  });

  it("a refused command's notice on the initiative comment is escaped, mentions nobody and parses back", () => {
    fc.assert(
      fc.property(hostileText, hostileText, (args, login) => {
        const command = parseBenefitCommand(`/benefit ${args}`, BENEFIT);
        const text = command.kind === "invalid" ? `/benefit from ${login} was not recorded: ${command.problem}.` : `${login} ${args}`;
        const body = recordInInitiativeComment(undefined, { source: "comment:1", notice: { source: "comment:1", text } });
        expect(body).toBeDefined();
        expect(mentionsIn(body!)).toEqual([]);
        expect(htmlTagsIn(body!).filter((t) => t !== "sub")).toEqual([]);
        expect(readInitiativeComment(body)?.state.notices).toEqual([{ source: "comment:1", text }]);
      }),
      { numRuns: runs(800), seed: 14_105 },
    );
  });
});
