import type { ProbotOctokit } from "probot";

/** The installation-authenticated client every GitHub-layer function takes (Probot's context.octokit). */
export type Octokit = InstanceType<typeof ProbotOctokit>;

export interface RepoRef {
  owner: string;
  repo: string;
}

export interface IssueRef extends RepoRef {
  issue_number: number;
}
