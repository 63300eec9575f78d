import type { Initiative, PortfolioSnapshot, UseCase } from "../../../src/domain/snapshot/schema.js";
import { DEFAULT_GATE_IDS } from "../../../src/domain/snapshot/schema.js";

/** A small valid snapshot to mutate in tests. */
export function useCase(overrides: Partial<UseCase> & { number: number }): UseCase {
  const repo = overrides.repo ?? "acme/mes";
  return {
    id: `${repo}#${overrides.number}`,
    repo,
    title: `Use case ${overrides.number}`,
    url: `https://github.com/${repo}/issues/${overrides.number}`,
    state: "open",
    priority: 1,
    valueStream: "quality",
    plants: ["dresden"],
    layers: ["edge"],
    squad: "alpha",
    deadline: "2027-03-31",
    filedAt: "2026-06-01T09:00:00Z",
    acceptanceCriteria: ["works"],
    initiatives: [],
    stories: [],
    gates: [],
    deployments: [],
    ...overrides,
  };
}

export function initiative(overrides: Partial<Initiative> & { number: number }): Initiative {
  const repo = overrides.repo ?? "acme/portfolio";
  return {
    id: `${repo}#${overrides.number}`,
    repo,
    title: `Initiative ${overrides.number}`,
    url: `https://github.com/${repo}/issues/${overrides.number}`,
    owner: "olivia",
    valueStream: "quality",
    plannedBenefit: { amount: 100_000, currency: "EUR" },
    realized: [],
    ...overrides,
  };
}

export function snapshot(overrides: Partial<PortfolioSnapshot> = {}): PortfolioSnapshot {
  return {
    schemaVersion: 1,
    generatedAt: "2026-11-23T06:00:00Z",
    program: { name: "Test program", reportingCurrency: "EUR" },
    squads: [
      { id: "alpha", name: "Alpha" },
      { id: "beta", name: "Beta" },
    ],
    useCases: [useCase({ number: 1, initiatives: ["acme/portfolio#1"] })],
    initiatives: [initiative({ number: 1 })],
    governance: { pipeline: DEFAULT_GATE_IDS.map((id, i) => ({ id, label: `gate/${i + 1}-${id}` })) },
    kpiInputs: { defects: [], deploymentStatuses: [], coverage: [] },
    ...overrides,
  };
}
