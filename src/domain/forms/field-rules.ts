import { z } from "zod";
import { parseMoney, type Money } from "../values/money.js";
import { parseIsoDate } from "../values/dates.js";
import { parseReferenceList, parseReference, type IssueReference } from "../values/references.js";
import { parseHandle } from "../values/handles.js";
import { listItems } from "./parse-body.js";

/**
 * What a field's value means, by the stable ids Converge's forms use. The id, not the label, decides the rule, so a
 * team can reword labels (or translate them) without losing validation. Each rule is a zod schema from the text value to
 * the typed value, with a message and an example a person can copy.
 */

export interface ValueContext {
  owner: string;
  repo: string;
  /** When the issue was filed (deadlines must be later). */
  filedAt: Date;
  requireFutureDate: boolean;
  defaultCurrency: string | undefined;
}

export interface AcceptanceCriterion {
  text: string;
  /** null when written as a plain line rather than a checklist item */
  checked: boolean | null;
}

export interface FieldRule {
  example: string;
  schema: (ctx: ValueContext) => z.ZodType<unknown, string>;
}

const dateRule: FieldRule = {
  example: "2027-03-31",
  schema: (ctx) =>
    z.string().transform((text, issue) => {
      const date = parseIsoDate(text);
      if (!date) {
        issue.addIssue({ code: "custom", message: `"${text.trim()}" is not a date written as YYYY-MM-DD` });
        return z.NEVER;
      }
      const filedDay = ctx.filedAt.toISOString().slice(0, 10);
      if (ctx.requireFutureDate && date <= filedDay) {
        issue.addIssue({ code: "custom", message: `${date} is not after the day the use case was filed (${filedDay})` });
        return z.NEVER;
      }
      return date;
    }),
};

const moneyRule: FieldRule = {
  example: "250,000 EUR",
  schema: (ctx) =>
    z.string().transform((text, issue): Money => {
      const result = parseMoney(text, ctx.defaultCurrency);
      if (!result.ok) {
        issue.addIssue({ code: "custom", message: result.problem });
        return z.NEVER;
      }
      return result.money;
    }),
};

const referencesRule: FieldRule = {
  example: "#12, acme/transformation-office#40",
  schema: (ctx) =>
    z.string().transform((text, issue): IssueReference[] => {
      const { references, invalid } = parseReferenceList(text, ctx);
      if (invalid.length > 0) {
        issue.addIssue({ code: "custom", message: `${invalid.map((t) => `"${t}"`).join(", ")} ${invalid.length > 1 ? "are not issue references" : "is not an issue reference"}` });
        return z.NEVER;
      }
      if (references.length === 0) {
        issue.addIssue({ code: "custom", message: "names no issue" });
        return z.NEVER;
      }
      return references;
    }),
};

const referenceRule: FieldRule = {
  example: "#12",
  schema: (ctx) =>
    z.string().transform((text, issue): IssueReference => {
      const ref = parseReference(text, ctx);
      if (!ref) {
        issue.addIssue({ code: "custom", message: `"${text.trim()}" is not an issue reference` });
        return z.NEVER;
      }
      return ref;
    }),
};

const handleRule: FieldRule = {
  example: "@octocat",
  schema: () =>
    z.string().transform((text, issue) => {
      const login = parseHandle(text);
      if (!login) {
        issue.addIssue({ code: "custom", message: `"${text.trim()}" is not a GitHub handle` });
        return z.NEVER;
      }
      return login;
    }),
};

const listRule: FieldRule = {
  example: "Dresden, Penang",
  schema: () =>
    z.string().transform((text, issue) => {
      const items = [...new Set(text.split(/[,;\n]/).map((s) => s.replace(/^\s*[-*]\s+/, "").trim()).filter(Boolean))];
      if (items.length === 0) {
        issue.addIssue({ code: "custom", message: "lists nothing" });
        return z.NEVER;
      }
      return items;
    }),
};

const criteriaRule: FieldRule = {
  example: "- [ ] Alerts reach the planner 48 h before a failure",
  schema: () =>
    z.string().transform((text, issue): AcceptanceCriterion[] => {
      const criteria = parseCriteria(text);
      if (criteria.length === 0) {
        issue.addIssue({ code: "custom", message: "lists no criterion" });
        return z.NEVER;
      }
      return criteria;
    }),
};

/** Acceptance criteria: checklist items, list items or plain lines; one criterion each. */
export function parseCriteria(text: string): AcceptanceCriterion[] {
  const items = listItems(text);
  const source = items.length > 0 ? items : text.split("\n");
  return source
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const task = /^\[([ xX])\]\s+([\s\S]+)$/.exec(line);
      if (task?.[2]) return { text: task[2].replace(/\s+/g, " ").trim(), checked: task[1] !== " " };
      return { text: line.replace(/\s+/g, " "), checked: null };
    });
}

export const FIELD_RULES: Record<string, FieldRule> = {
  deadline: dateRule,
  "target-date": dateRule,
  benefit: moneyRule,
  "planned-benefit": moneyRule,
  initiatives: referencesRule,
  "use-case": referenceRule,
  "product-owner": handleRule,
  owner: handleRule,
  architect: handleRule,
  plants: listRule,
  "acceptance-criteria": criteriaRule,
};
