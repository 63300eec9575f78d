import type { ForecastInput, ForecastUseCase } from "../../../src/domain/forecast/index.js";

/**
 * The input as it was known at `t`, written out plainly as the test oracle for "a forecast as of t reads nothing after
 * t": use cases filed later vanish, stories opened later vanish, later closes, gate events, splits and deployments
 * are undone. The forecast never cuts a copy like this (it compares every date with its instant, timeline.ts); a
 * forecast of this copy must equal a forecast of the whole input at the same instant.
 */
export function cutByHand(input: ForecastInput, t: number): ForecastInput {
  const known = (iso: string | null | undefined): iso is string => iso !== null && iso !== undefined && Date.parse(iso) <= t;
  const useCases: ForecastUseCase[] = input.useCases
    .filter((u) => known(u.filedAt))
    .map((u) => {
      const cut: ForecastUseCase = {
        ...u,
        stories: u.stories.filter((s) => known(s.openedAt)).map((s) => ({ ...s, closedAt: known(s.closedAt) ? s.closedAt : null })),
        gates: u.gates.filter((g) => known(g.at)),
      };
      delete cut.splitAt;
      delete cut.deployedAt;
      delete cut.closedAt;
      if (known(u.splitAt)) cut.splitAt = u.splitAt;
      if (known(u.deployedAt)) cut.deployedAt = u.deployedAt;
      const closedNoTime = u.closedAt === null || u.closedAt === undefined;
      cut.state = u.state === "closed" && (closedNoTime || known(u.closedAt)) ? "closed" : "open";
      if (cut.state === "closed" && !closedNoTime) cut.closedAt = u.closedAt;
      return cut;
    });
  return { squads: input.squads, useCases, governance: input.governance };
}
