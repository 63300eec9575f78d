import type { ConvergeConfig } from "../../config/schema.js";
import { convert, currencySettings } from "../benefits/money.js";
import type { ReportModel } from "../report/model.js";
import type { GateEvent, PortfolioSnapshot } from "../snapshot/schema.js";
import { FIELD, ownedFieldSpecs, riskName } from "./fields.js";
import type { BoardField, BoardItem, BoardValue, OwnedFieldSpec } from "./types.js";

/**
 * The board sync as a pure plan (ADR 0110): what the program board should show for every use case and initiative,
 * compared with what it shows, gives the fields to create, the items to add and the minimal value writes. Only the
 * fields Converge owns (fields.ts) are ever compared or written; every other field on the board is left alone.
 */

export interface DesiredItem {
  /** `owner/repo#number`, as in the snapshot. */
  contentKey: string;
  kind: "useCase" | "initiative";
  /** Per owned field: the value it should have; null = empty. Fields not listed are not touched for this item. */
  values: Record<string, BoardValue>;
}

/** One write to one item field: a value of the field's type, or `null` to clear it. */
export type WriteValue = { text: string } | { number: number } | { date: string } | { singleSelectOptionId: string };

export interface FieldWrite {
  itemId: string;
  contentKey: string;
  field: string;
  fieldId: string;
  value: WriteValue | null;
}

/** GitHub's text field values are short; keep Converge's well inside it. */
export const MAX_TEXT = 1000;

export function itemKey(contentKey: string): string {
  return contentKey.toLowerCase();
}

/** What the board should show, from the snapshot and (when given) the latest report's forecast per use case. */
export function desiredItems(snapshot: PortfolioSnapshot, config: ConvergeConfig, report?: ReportModel): DesiredItem[] {
  const money = currencySettings(snapshot, config.report);
  const amount = (m: { amount: number; currency: string } | undefined): BoardValue => {
    if (!m) return null;
    const c = convert(m, money);
    return c.ok ? Math.round(c.amount) : null;
  };
  const pipeline = snapshot.governance.pipeline.map((g) => g.id);
  const rows = new Map((report?.useCases ?? []).map((r) => [itemKey(r.id), r]));
  const initiativeRows = new Map((report?.benefits.byInitiative ?? []).map((r) => [itemKey(r.id), r]));
  const milestoneSprints = config.sprints.source === "milestone";

  const items: DesiredItem[] = [];
  for (const u of snapshot.useCases) {
    const values: Record<string, BoardValue> = {
      [FIELD.gate]: lastPassedGate(u.gates, pipeline),
      [FIELD.valueStream]: text(u.valueStream),
      [FIELD.deadline]: u.deadline,
      [FIELD.plannedBenefit]: amount(u.expectedBenefit),
      [FIELD.initiatives]: text(u.initiatives.join(", ")),
    };
    if (milestoneSprints) values[FIELD.sprint] = text(u.sprint ?? "");
    if (report) {
      const row = rows.get(itemKey(u.id));
      // A use case the report does not list (closed without deploying) keeps whatever the board shows.
      if (row) {
        values[FIELD.forecastP85] = row.p85;
        values[FIELD.risk] = riskName(row.status);
      }
    }
    items.push({ contentKey: u.id, kind: "useCase", values });
  }
  for (const ini of snapshot.initiatives) {
    const values: Record<string, BoardValue> = {
      [FIELD.valueStream]: text(ini.valueStream),
      [FIELD.deadline]: ini.targetDate ?? null,
      [FIELD.plannedBenefit]: amount(ini.plannedBenefit),
    };
    const row = initiativeRows.get(itemKey(ini.id));
    if (row) values[FIELD.risk] = riskName(row.atRisk ? "at_risk" : "on_track");
    items.push({ contentKey: ini.id, kind: "initiative", values });
  }
  return items;
}

/** The last gate in pipeline order that is passed now (labels added and not removed since), null if none. */
export function lastPassedGate(events: readonly GateEvent[], pipeline: readonly string[]): string | null {
  const passed = new Set<string>();
  for (const e of [...events].sort((a, b) => Date.parse(a.at) - Date.parse(b.at))) {
    if (e.action === "passed") passed.add(e.gate);
    else passed.delete(e.gate);
  }
  for (let i = pipeline.length - 1; i >= 0; i--) if (passed.has(pipeline[i]!)) return pipeline[i]!;
  return null;
}

function text(value: string): string | null {
  const t = value.trim();
  if (!t) return null;
  return t.length > MAX_TEXT ? `${t.slice(0, MAX_TEXT - 1)}…` : t;
}

export interface FieldPlan {
  create: OwnedFieldSpec[];
  /** An owned name taken by a field of another type: Converge leaves that field alone and says so. */
  notices: string[];
}

/** Owned fields missing from the board, and owned names used by someone else's field of another type. */
export function planFields(fields: readonly BoardField[], specs: readonly OwnedFieldSpec[]): FieldPlan {
  const create: OwnedFieldSpec[] = [];
  const notices: string[] = [];
  for (const spec of specs) {
    const existing = fields.find((f) => f.name === spec.name);
    if (!existing) create.push(spec);
    else if (existing.dataType !== spec.dataType) {
      notices.push(
        `The board field "${spec.name}" is a ${existing.dataType.toLowerCase().replace("_", " ")} field, not ${spec.dataType.toLowerCase().replace("_", " ")}: ` +
          `Converge leaves it alone. Rename or delete it so Converge can create its own.`,
      );
    }
  }
  return { create, notices };
}

export interface WritePlan {
  writes: FieldWrite[];
  notices: string[];
}

/**
 * The value writes that bring each item's owned fields to the desired values: only where they differ. Recorded
 * fields (Status since, Status history) belong to the webhook recorder and are never written here.
 */
export function planWrites(
  fields: readonly BoardField[],
  specs: readonly OwnedFieldSpec[],
  items: readonly BoardItem[],
  desired: readonly DesiredItem[],
): WritePlan {
  const writes: FieldWrite[] = [];
  const notices = new Set<string>();
  const byKey = new Map(items.filter((i) => i.contentKey).map((i) => [itemKey(i.contentKey!), i]));
  const usable = new Map<string, BoardField>();
  for (const spec of specs) {
    if (spec.recorded) continue;
    const field = fields.find((f) => f.name === spec.name);
    if (field && field.dataType === spec.dataType) usable.set(spec.name, field);
  }
  for (const want of desired) {
    const item = byKey.get(itemKey(want.contentKey));
    if (!item) continue;
    for (const [name, value] of Object.entries(want.values)) {
      const field = usable.get(name);
      if (!field) continue;
      const current = item.values[name] ?? null;
      if (same(current, value)) continue;
      if (value === null) {
        writes.push({ itemId: item.id, contentKey: want.contentKey, field: name, fieldId: field.id, value: null });
        continue;
      }
      const write = toWrite(field, value);
      if (!write) {
        notices.add(`The board field "${name}" has no option "${String(value)}": add it to the field so Converge can set it.`);
        continue;
      }
      writes.push({ itemId: item.id, contentKey: want.contentKey, field: name, fieldId: field.id, value: write });
    }
  }
  return { writes, notices: [...notices] };
}

function same(current: BoardValue, wanted: BoardValue): boolean {
  if (current === null || wanted === null) return current === wanted;
  if (typeof current === "number" || typeof wanted === "number") return Number(current) === Number(wanted);
  return current === wanted;
}

function toWrite(field: BoardField, value: Exclude<BoardValue, null>): WriteValue | undefined {
  switch (field.dataType) {
    case "TEXT":
      return { text: String(value) };
    case "NUMBER":
      return { number: Number(value) };
    case "DATE":
      return { date: String(value) };
    case "SINGLE_SELECT": {
      const option = field.options?.find((o) => o.name === value);
      return option ? { singleSelectOptionId: option.id } : undefined;
    }
    default:
      return undefined;
  }
}

/** The owned fields for this config and snapshot's pipeline. */
export function boardFieldSpecs(snapshot: PortfolioSnapshot, config: ConvergeConfig): OwnedFieldSpec[] {
  return ownedFieldSpecs(
    snapshot.governance.pipeline.map((g) => g.id),
    config.sprints,
  );
}
