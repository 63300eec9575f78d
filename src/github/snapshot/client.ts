import type { Octokit } from "../octokit.js";

/**
 * A counting GraphQL client for the snapshot fetch: every request is counted and its `rateLimit { cost remaining }`
 * summed, so the CLI and the benchmark report requests ÷ floor and points used from what GitHub itself said.
 */
export interface FetchStats {
  requests: number;
  points: number;
  remaining: number | null;
}

export class CountingGraphql {
  readonly stats: FetchStats = { requests: 0, points: 0, remaining: null };

  constructor(private readonly octokit: Octokit) {}

  async query<T>(document: string, variables: Record<string, unknown>): Promise<T> {
    this.stats.requests += 1;
    const data = await this.octokit.graphql<T & { rateLimit?: { cost: number; remaining: number } | null }>(document, variables);
    // A 200 whose body is cut or not JSON reaches here as no data at all (ADR 0150): say so, not "cannot read rateLimit".
    if (data === null || typeof data !== "object") {
      const operation = /^\s*query\s+(\w+)/.exec(document)?.[1] ?? "a snapshot query";
      throw new Error(`GitHub answered ${operation} with a malformed body (not the JSON it promised); nothing was written, and the next run fetches the snapshot again.`);
    }
    const rate = data.rateLimit;
    if (rate) {
      this.stats.points += rate.cost;
      this.stats.remaining = rate.remaining;
    }
    return data;
  }
}
