import type { Membership, MembershipMap, TeamRef } from "../domain/gates/model.js";
import { teamKey } from "../domain/gates/model.js";
import type { Octokit } from "./octokit.js";

export interface Logger {
  warn: (obj: object, msg: string) => void;
}

/**
 * Team-membership lookups for one event, cached (the same person and team is asked at most once per event).
 * `GET /orgs/{org}/teams/{team_slug}/memberships/{username}`: 200 with state "active" is a member; "pending" (an
 * invitation not yet accepted) and 404 are not. Anything else (403 without the Members permission, 5xx, network) is
 * "unknown", which never authorizes (fail safe).
 */
export class TeamMembership {
  private readonly cache = new Map<string, Promise<Membership>>();

  constructor(
    private readonly octokit: Octokit,
    private readonly log?: Logger,
  ) {}

  check(team: TeamRef, username: string): Promise<Membership> {
    const key = `${teamKey(team)}:${username.toLowerCase()}`;
    let answer = this.cache.get(key);
    if (!answer) {
      answer = this.lookup(team, username);
      this.cache.set(key, answer);
    }
    return answer;
  }

  private async lookup(team: TeamRef, username: string): Promise<Membership> {
    try {
      const { data } = await this.octokit.request("GET /orgs/{org}/teams/{team_slug}/memberships/{username}", {
        org: team.org,
        team_slug: team.slug,
        username,
      });
      return data.state === "active" ? "member" : "not-member";
    } catch (error) {
      const status = (error as { status?: number }).status;
      if (status === 404) return "not-member";
      this.log?.warn({ err: error, team: teamKey(team), username }, "team membership lookup failed; treating as not verified");
      return "unknown";
    }
  }

  /**
   * Membership of one person in a list of teams, stopping at the first team they are an active member of (one
   * request is usually enough). Teams not asked stay absent from the map, which authorize() treats as unknown.
   */
  async resolve(teams: readonly TeamRef[], username: string): Promise<MembershipMap> {
    const map: Record<string, Membership> = {};
    for (const team of teams) {
      const answer = await this.check(team, username);
      map[teamKey(team)] = answer;
      if (answer === "member") break;
    }
    return map;
  }
}
