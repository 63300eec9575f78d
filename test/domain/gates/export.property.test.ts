import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { auditToCsv, AUDIT_COLUMNS } from "../../../src/domain/gates/export.js";
import type { AuditEntry } from "../../../src/domain/gates/audit.js";
import { parseGateCommand } from "../../../src/domain/gates/commands.js";
import { parseUseCaseReferences } from "../../../src/domain/gates/pr-references.js";

/** A strict RFC 4180 reader: CRLF records, quoted fields with doubled quotes. */
function readCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let i = 0;
  let quoted = false;
  while (i < text.length) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i += 2;
      } else if (ch === '"') {
        quoted = false;
        i++;
      } else {
        field += ch;
        i++;
      }
    } else if (ch === '"' && field === "") {
      quoted = true;
      i++;
    } else if (ch === ",") {
      row.push(field);
      field = "";
      i++;
    } else if (ch === "\r" && text[i + 1] === "\n") {
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
      i += 2;
    } else {
      expect(ch, "bare CR, LF or quote outside a quoted field").not.toMatch(/[\r\n"]/);
      field += ch;
      i++;
    }
  }
  expect(field).toBe("");
  expect(row).toEqual([]);
  return rows;
}

const entry = fc.record({
  useCase: fc.integer({ min: 1, max: 1e6 }),
  gate: fc.string(),
  label: fc.string(),
  action: fc.constantFrom("pass", "remove", "revoke"),
  actor: fc.string(),
  at: fc.string(),
  via: fc.constantFrom("label", "command", "converge"),
  outcome: fc.constantFrom("accepted", "reverted"),
}) as fc.Arbitrary<AuditEntry>;

/** What a cell must hold: the value, with an apostrophe in front when a spreadsheet would run it as a formula. */
const expected = (value: string) => (/^[=+\-@\t\r]/.test(value) ? `'${value}` : value);

describe("audit CSV (property)", () => {
  it("reads back every cell exactly, whatever the text (commas, quotes, newlines, formulas)", () => {
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 20 }), (entries) => {
        const rows = readCsv(auditToCsv(entries));
        expect(rows[0]).toEqual([...AUDIT_COLUMNS]);
        expect(rows).toHaveLength(entries.length + 1);
        entries.forEach((e, index) => {
          const cells = rows[index + 1]!;
          expect(cells).toEqual([String(e.useCase), e.gate, e.label, e.action, e.actor, e.at, e.via, e.outcome, ""].map(expected));
          for (const cell of rows[index + 1]!) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
        });
      }),
    );
  });
});

describe("parsers never throw on arbitrary text (property)", () => {
  it("parseGateCommand and parseUseCaseReferences", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 400 }), (text) => {
        const command = parseGateCommand(text);
        if (command?.kind === "pass") expect(command.gate).not.toMatch(/\s/);
        for (const ref of parseUseCaseReferences(text, { owner: "acme", repo: "plant" })) expect(ref.number).toBeGreaterThan(0);
      }),
    );
  });
});
