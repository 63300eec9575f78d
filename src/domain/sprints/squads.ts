import type { SquadMapping } from "../../config/sections/portfolio.js";
import type { Squad } from "../snapshot/schema.js";

/**
 * Which squad delivers an issue, by the config mapping (ADR 0060): the first squad whose label the issue carries,
 * else whose team has one of its assignees, else whose `repos` lists its repository; an issue no squad claims belongs
 * to a squad named after its repository, so an org with no mapping still gets per-repository throughput.
 */
export interface SquadFacts {
  /** Repository as owner/name. */
  repo: string;
  labels: readonly string[];
  assignees: readonly string[];
}

export class SquadResolver {
  private readonly byLabel = new Map<string, string>();
  private readonly byRepo = new Map<string, string>();
  private readonly used = new Map<string, Squad>();

  constructor(
    private readonly mapping: readonly SquadMapping[],
    /** Members per team slug (lowercase logins), as read from GitHub; teams not listed have no known members. */
    private readonly teamMembers: ReadonlyMap<string, ReadonlySet<string>> = new Map(),
  ) {
    for (const squad of mapping) {
      for (const label of squad.labels) if (!this.byLabel.has(label.toLowerCase())) this.byLabel.set(label.toLowerCase(), squad.id);
      for (const repo of squad.repos) if (!this.byRepo.has(repo.toLowerCase())) this.byRepo.set(repo.toLowerCase(), squad.id);
    }
  }

  /** The squad id for an issue; remembers it so `squads()` lists every squad referenced. */
  resolve(facts: SquadFacts): string {
    for (const label of facts.labels) {
      const id = this.byLabel.get(label.toLowerCase());
      if (id) return this.use(id);
    }
    const assignees = facts.assignees.map((a) => a.toLowerCase());
    for (const squad of this.mapping) {
      if (squad.teams.some((team) => assignees.some((a) => this.teamMembers.get(teamSlug(team))?.has(a)))) return this.use(squad.id);
    }
    const name = facts.repo.split("/")[1] ?? facts.repo;
    const id = this.byRepo.get(name.toLowerCase());
    return this.use(id ?? repoSquadId(name));
  }

  /** A squad named by the use-case form (its id or display name), if the mapping has it. */
  byName(text: string | undefined): string | undefined {
    if (!text) return undefined;
    const wanted = text.trim().toLowerCase();
    const squad = this.mapping.find((s) => s.id === wanted || (s.name ?? "").toLowerCase() === wanted);
    return squad ? this.use(squad.id) : undefined;
  }

  /** Every configured squad, then the repository squads issues fell back to, each once. */
  squads(): Squad[] {
    const configured = this.mapping.map((s) => ({ id: s.id, name: s.name ?? s.id }));
    const ids = new Set(configured.map((s) => s.id));
    return [...configured, ...[...this.used.values()].filter((s) => !ids.has(s.id)).sort((a, b) => a.id.localeCompare(b.id))];
  }

  private use(id: string): string {
    if (!this.used.has(id)) this.used.set(id, { id, name: this.mapping.find((s) => s.id === id)?.name ?? id });
    return id;
  }
}

/** `@org/team` or `team` → `team` (the slug members are keyed by). */
export function teamSlug(team: string): string {
  return (team.split("/").pop() ?? team).toLowerCase();
}

/** A squad id for a repository nobody mapped: lowercase letters, digits and hyphens. */
export function repoSquadId(repoName: string): string {
  return repoName.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "") || "unassigned";
}
