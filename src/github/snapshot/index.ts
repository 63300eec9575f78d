import type { ConvergeConfig } from "../../config/schema.js";
import type { PortfolioSnapshot } from "../../domain/snapshot/schema.js";
import type { Octokit } from "../octokit.js";

/**
 * PLACEHOLDER for the org-wide snapshot fetch (issue 11), which is built on another branch with exactly this API.
 * The lead replaces this file with the real one at merge; until then every caller gets a clear error, and the report
 * job takes its snapshot source as an injected dependency (tests and `--snapshot` inject a file).
 */

export interface SnapshotFetchOptions {
  org: string;
  config: ConvergeConfig;
  now: Date;
  previous?: PortfolioSnapshot;
  onProgress?: (p: { phase: string; done: number; total?: number }) => void;
}

export interface SnapshotFetchResult {
  snapshot: PortfolioSnapshot;
  stats: { requests: number; points: number; remaining: number | null };
}

export async function fetchPortfolioSnapshot(_octokit: Octokit, options: SnapshotFetchOptions): Promise<SnapshotFetchResult> {
  throw new Error(
    `fetching the portfolio snapshot of ${options.org} from GitHub is not available in this build (issue 11's snapshot fetch is not merged); ` +
      "use `converge report --snapshot <file>` with a snapshot file instead",
  );
}
