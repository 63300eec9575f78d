import { detectCarryOver } from "../sprints/carry-over.js";
import { compareIssueIds } from "./id-order.js";
import type { CarryOver, PortfolioSnapshot, Sprint } from "./schema.js";

/**
 * The weekly incremental refresh: `fresh` holds only what changed since `previous` was built (issues updated since,
 * and use cases whose stories changed), plus this week's repository facts. Changed items replace their old version by
 * id; unchanged ones are kept as they were. Repository facts (deployments, coverage) are always read whole, so they
 * replace the old ones. Use cases that lost their label since are not noticed here: a full fetch drops them.
 */
export function mergeIncremental(previous: PortfolioSnapshot, fresh: PortfolioSnapshot, now: Date): PortfolioSnapshot {
  // An item this refresh left out (e.g. its form is no longer valid) leaves the snapshot too.
  const nowOmitted = new Set((fresh.completeness?.omitted ?? []).flatMap((o) => (o.id ? [o.id] : [])));
  const replace = <T extends { id: string }>(old: readonly T[], changed: readonly T[]): T[] => {
    const ids = new Set([...changed.map((c) => c.id), ...nowOmitted]);
    return [...old.filter((o) => !ids.has(o.id)), ...changed].sort((a, b) => compareIssueIds(a.id, b.id));
  };
  const initiatives = replace(previous.initiatives, fresh.initiatives);
  const known = new Set(initiatives.map((i) => i.id));
  const useCases = replace(previous.useCases, fresh.useCases).map((u) => ({ ...u, initiatives: u.initiatives.filter((ref) => known.has(ref)) }));
  const useCaseIds = new Set(useCases.map((u) => u.id));
  const defects = replace(previous.kpiInputs.defects, fresh.kpiInputs.defects).filter((d) => useCaseIds.has(d.useCase));

  const squads = new Map(previous.squads.map((s) => [s.id, s]));
  for (const s of fresh.squads) squads.set(s.id, s);
  const used = new Set(useCases.flatMap((u) => [u.squad, ...u.stories.map((s) => s.squad)]));
  const sprints = new Map<string, Sprint>((previous.sprints?.list ?? []).map((s) => [s.title, s]));
  for (const s of fresh.sprints?.list ?? []) sprints.set(s.title, s);
  const list = [...sprints.values()].sort((a, b) => a.start.localeCompare(b.start) || a.title.localeCompare(b.title));

  // Carry-over: the moves this refresh saw, and every open story still sitting in an ended sprint.
  const carryOver: CarryOver[] = (fresh.sprints?.carryOver ?? []).filter((c) => c.to !== null);
  const stale = detectCarryOver(
    useCases.flatMap((u) => u.stories.map((s) => ({ story: s.id, useCase: u.id, squad: s.squad, closedAt: s.closedAt, ...(s.sprint ? { sprint: s.sprint } : {}) }))),
    (title) => sprints.get(title),
    now,
  );
  carryOver.push(...stale.filter((c) => !carryOver.some((k) => k.story === c.story && k.from === c.from)));

  // Items left out last time and not changed since are still left out; search shortfalls are this run's alone.
  const refreshed = new Set([...fresh.useCases.map((u) => u.id), ...fresh.initiatives.map((i) => i.id), ...nowOmitted]);
  const omitted = [...(fresh.completeness?.omitted ?? []), ...(previous.completeness?.omitted ?? []).filter((o) => o.id !== undefined && !refreshed.has(o.id))];
  return {
    ...fresh,
    squads: [...squads.values()].filter((s) => used.has(s.id) || fresh.squads.some((f) => f.id === s.id)),
    useCases,
    initiatives,
    kpiInputs: { ...fresh.kpiInputs, defects },
    sprints: { source: fresh.sprints?.source ?? previous.sprints?.source ?? "iteration", list, carryOver },
    ...(omitted.length > 0 ? { completeness: { omitted } } : {}),
  };
}
