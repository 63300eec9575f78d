import type { ConvergeConfig } from "../../config/schema.js";
import { buildSnapshotFromGithub, type RawDefect, type RawInitiative, type RawPortfolio, type RawRepoFacts, type RawUseCase } from "../../domain/snapshot/from-github.js";
import { mergeIncremental } from "../../domain/snapshot/incremental.js";
import { portfolioSnapshotSchema, type PortfolioSnapshot } from "../../domain/snapshot/schema.js";
import type { IterationValue } from "../../domain/sprints/model.js";
import { teamSlug } from "../../domain/sprints/squads.js";
import { bundledTemplate } from "../../templates.js";
import type { Octokit } from "../octokit.js";
import { CountingGraphql, type FetchStats } from "./client.js";
import { toRawDefect, toRawInitiative, toRawUseCase, type DefectNode, type InitiativeNode, type LabelEventNode, type UseCaseNode } from "./nodes.js";
import {
  BOARD_ITERATIONS_QUERY,
  CHANGED_STORIES_QUERY,
  DEFECTS_QUERY,
  INITIATIVES_QUERY,
  LABELLED_IDS_QUERY,
  MAX_NODES_PER_QUERY,
  MAX_REPOS_PER_QUERY,
  MORE_LABEL_EVENTS_QUERY,
  repoFactsQuery,
  TEAM_MEMBERS_QUERY,
  USE_CASE_NODES_QUERY,
  USE_CASES_QUERY,
} from "./queries.js";
import { searchAll } from "./search.js";

/**
 * The org-wide portfolio snapshot from GitHub (issue 11): use cases, initiatives and defects by search (partitioned
 * past the 1,000-result cap), stories as the use cases' sub-issues, gate history from their label timelines,
 * deployments and coverage per repository, sprints from milestones or the program board's iteration field. The result
 * is the same snapshot schema a file holds, so the report cannot tell them apart (docs/snapshot.md).
 */

export interface SnapshotFetchOptions {
  org: string;
  config: ConvergeConfig;
  now: Date;
  /** Last week's snapshot: only what changed since its generatedAt is fetched again (incremental refresh). */
  previous?: PortfolioSnapshot;
  onProgress?: (p: { phase: string; done: number; total?: number }) => void;
  /** Converge's bot login, to recognise its own reverts of unauthorised gate labels (default converge[bot]). */
  appLogin?: string;
}

export interface SnapshotFetchResult {
  snapshot: PortfolioSnapshot;
  /** requests and points used; floor = the fewest requests these listings can take (100 items per request). */
  stats: FetchStats & { floor?: number };
}

/** Margin before the previous snapshot's time for the incremental search: GitHub's search index lags a little. */
const INCREMENTAL_MARGIN_MS = 10 * 60 * 1000;

export async function fetchPortfolioSnapshot(octokit: Octokit, options: SnapshotFetchOptions): Promise<SnapshotFetchResult> {
  const { org, config } = options;
  const client = new CountingGraphql(octokit);
  const progress = options.onProgress ?? (() => undefined);
  const appLogin = options.appLogin ?? "converge[bot]";
  const omitted: RawPortfolio["omitted"] = [];
  let floor = 0;
  const pages = (n: number) => Math.max(1, Math.ceil(n / 100));
  const since = options.previous ? new Date(Date.parse(options.previous.generatedAt) - INCREMENTAL_MARGIN_MS).toISOString().replace(/\.\d{3}Z$/, "Z") : undefined;
  const base = (label: string) => `org:${org} is:issue label:${quote(label)}${since ? ` updated:>=${since}` : ""}`;

  const search = async <T extends { id: string; createdAt: string }>(phase: string, document: string, query: string): Promise<T[]> => {
    const result = await searchAll<T>(client, document, query, (done, total) => progress({ phase, done, total }));
    floor += pages(result.items.length);
    if (result.missing > 0) omitted.push({ reason: `${phase}: ${result.reason ?? `${result.missing} not read`}` });
    return result.items;
  };

  const initiativeNodes = await search<InitiativeNode>("initiatives", INITIATIVES_QUERY, base(config.intake.labels.initiative));
  const useCaseNodes = await search<UseCaseNode>("use cases", USE_CASES_QUERY, base(config.intake.labels.useCase));
  const defectNodes = await search<DefectNode>("defects", DEFECTS_QUERY, base(config.report.defectLabel));

  if (options.previous) {
    // A story closing does not touch its parent: find the stories changed since, and fetch their use cases again.
    const changed = await search<{ id: string; createdAt: string; parent: { id: string } | null }>(
      "changed stories",
      CHANGED_STORIES_QUERY,
      base(config.intake.labels.userStory),
    );
    const have = new Set(useCaseNodes.map((u) => u.id));
    const parents = [...new Set(changed.flatMap((s) => (s.parent && !have.has(s.parent.id) ? [s.parent.id] : [])))];
    for (let i = 0; i < parents.length; i += MAX_NODES_PER_QUERY) {
      const ids = parents.slice(i, i + MAX_NODES_PER_QUERY);
      const data = await client.query<{ nodes: Array<UseCaseNode | null> }>(USE_CASE_NODES_QUERY, { ids });
      floor += 1;
      // Only parents that are use cases (the label may have been removed since).
      useCaseNodes.push(...data.nodes.filter((n): n is UseCaseNode => n !== null && n.labels.nodes.some((l) => l?.name === config.intake.labels.useCase)));
      progress({ phase: "changed use cases", done: Math.min(i + ids.length, parents.length), total: parents.length });
    }
  }

  const useCases: RawUseCase[] = [];
  for (const node of useCaseNodes) {
    const events = node.timelineItems.pageInfo.hasNextPage ? await allLabelEvents(client, node) : node.timelineItems.nodes;
    useCases.push(toRawUseCase(node, events));
  }
  const initiatives: RawInitiative[] = [];
  for (const node of initiativeNodes) initiatives.push(await toRawInitiative(node, octokit, client, appLogin));
  const defects: RawDefect[] = defectNodes.map(toRawDefect);

  const repoNames = [...new Set([...useCases.map((u) => u.repo), ...(options.previous?.useCases.map((u) => u.repo) ?? [])])].sort();
  const repos = await fetchRepoFacts(client, repoNames, config.report.coverage.checkName, progress);
  floor += repoNames.length === 0 ? 0 : Math.ceil(repoNames.length / MAX_REPOS_PER_QUERY);

  const iterations = new Map<string, IterationValue>();
  if (config.sprints.source === "iteration" && config.board.project !== undefined) {
    floor += pages(await fetchBoardIterations(client, org, config.board.project, config.sprints.iterationField, iterations, omitted, progress));
  }
  const storySquadLabels = new Map<string, string[]>();
  for (const label of [...new Set(config.squads.flatMap((s) => s.labels))]) {
    const labelled = await search<{ id: string; createdAt: string }>(`label ${label}`, LABELLED_IDS_QUERY, `org:${org} is:issue label:${quote(label)}`);
    for (const { id } of labelled) storySquadLabels.set(id, [...(storySquadLabels.get(id) ?? []), label]);
  }
  const teamMembers = new Map<string, Set<string>>();
  for (const team of [...new Set(config.squads.flatMap((s) => s.teams.map(teamSlug)))]) {
    const members = await fetchTeamMembers(client, org, team);
    floor += pages(members.size);
    teamMembers.set(team, members);
  }

  const raw: RawPortfolio = { org, useCases, initiatives, defects, repos, iterations, storySquadLabels, teamMembers, omitted };
  const templates = { useCase: bundledTemplate("use-case"), initiative: bundledTemplate("business-initiative") };
  const fresh = buildSnapshotFromGithub(raw, { config, now: options.now, appLogin, templates, ...(options.previous ? { previous: options.previous } : {}) });
  const snapshot = options.previous ? mergeIncremental(options.previous, fresh, options.now) : fresh;
  const checked = portfolioSnapshotSchema.safeParse(snapshot);
  if (!checked.success) {
    // A bug in the mapping, never the org's data: every item the schema would refuse is left out with a reason first.
    throw new Error(`the snapshot built from ${org} is not valid: ${checked.error.issues.slice(0, 5).map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  }
  return { snapshot, stats: { ...client.stats, floor } };
}

function quote(label: string): string {
  return `"${label.replace(/"/g, "")}"`;
}

async function allLabelEvents(client: CountingGraphql, node: UseCaseNode): Promise<Array<LabelEventNode | null>> {
  const events = [...node.timelineItems.nodes];
  let after = node.timelineItems.pageInfo.endCursor;
  while (after) {
    type Page = { node: { timelineItems: UseCaseNode["timelineItems"] } | null };
    const data: Page = await client.query<Page>(MORE_LABEL_EVENTS_QUERY, { id: node.id, after });
    const items = data.node?.timelineItems;
    if (!items) break;
    events.push(...items.nodes);
    after = items.pageInfo.hasNextPage ? items.pageInfo.endCursor : null;
  }
  return events;
}

interface RepoNode {
  nameWithOwner: string;
  deployments: { nodes: Array<{ environment: string | null; createdAt: string; latestStatus: { state: string; createdAt: string } | null } | null> };
  defaultBranchRef: {
    target: {
      statusCheckRollup?: {
        contexts: {
          nodes: Array<
            | { __typename: "CheckRun"; name: string; title: string | null; summary: string | null; completedAt: string | null }
            | { __typename: "StatusContext"; context: string; description: string | null; createdAt: string }
            | null
          >;
        };
      } | null;
    } | null;
  } | null;
}

async function fetchRepoFacts(
  client: CountingGraphql,
  names: readonly string[],
  checkName: string,
  progress: NonNullable<SnapshotFetchOptions["onProgress"]>,
): Promise<RawRepoFacts[]> {
  const facts: RawRepoFacts[] = [];
  for (let i = 0; i < names.length; i += MAX_REPOS_PER_QUERY) {
    const batch = names.slice(i, i + MAX_REPOS_PER_QUERY);
    const variables: Record<string, string> = {};
    batch.forEach((name, k) => {
      const [owner = "", repo = ""] = name.split("/");
      variables[`o${k}`] = owner;
      variables[`n${k}`] = repo;
    });
    const data = await client.query<Record<string, RepoNode | null>>(repoFactsQuery(batch.length), variables);
    batch.forEach((name, k) => {
      const repo = data[`r${k}`];
      if (!repo) return;
      facts.push(toRepoFacts(name, repo, checkName));
    });
    progress({ phase: "repositories", done: Math.min(i + batch.length, names.length), total: names.length });
  }
  return facts;
}

function toRepoFacts(name: string, repo: RepoNode, checkName: string): RawRepoFacts {
  const deployments = repo.deployments.nodes.flatMap((d) =>
    d && d.environment ? [{ environment: d.environment, state: d.latestStatus?.state ?? null, at: d.latestStatus?.createdAt ?? d.createdAt }] : [],
  );
  const coverage = (repo.defaultBranchRef?.target?.statusCheckRollup?.contexts.nodes ?? []).flatMap((c) => {
    if (!c) return [];
    if (c.__typename === "CheckRun") {
      return c.name === checkName && c.completedAt ? [{ at: c.completedAt, text: [c.title, c.summary].filter(Boolean).join("\n"), source: c.name }] : [];
    }
    return c.context === checkName ? [{ at: c.createdAt, text: c.description ?? "", source: c.context }] : [];
  });
  return { repo: name, deployments, coverage };
}

async function fetchBoardIterations(
  client: CountingGraphql,
  org: string,
  number: number,
  field: string,
  into: Map<string, IterationValue>,
  omitted: RawPortfolio["omitted"],
  progress: NonNullable<SnapshotFetchOptions["onProgress"]>,
): Promise<number> {
  type Page = {
    organization: {
      projectV2: {
        items: {
          pageInfo: { hasNextPage: boolean; endCursor: string | null };
          nodes: Array<{ content: { id?: string } | null; fieldValueByName: Partial<IterationValue> | null } | null>;
        };
      } | null;
    } | null;
  };
  let after: string | null = null;
  let count = 0;
  do {
    const data: Page = await client.query<Page>(BOARD_ITERATIONS_QUERY, { org, number, field, after });
    const items = data.organization?.projectV2?.items;
    if (!items) {
      omitted.push({ reason: `sprints: the program board (project ${number} of ${org}) could not be read; sprints from its "${field}" field are left out` });
      return count;
    }
    for (const item of items.nodes) {
      count += 1;
      const value = item?.fieldValueByName;
      const id = item?.content?.id;
      if (id && value?.title && value.startDate && typeof value.duration === "number" && value.iterationId) {
        into.set(id, { iterationId: value.iterationId, title: value.title, startDate: value.startDate, duration: value.duration });
      }
    }
    progress({ phase: "board", done: count });
    after = items.pageInfo.hasNextPage ? items.pageInfo.endCursor : null;
  } while (after);
  return count;
}

async function fetchTeamMembers(client: CountingGraphql, org: string, slug: string): Promise<Set<string>> {
  type Page = { organization: { team: { members: { pageInfo: { hasNextPage: boolean; endCursor: string | null }; nodes: Array<{ login: string } | null> } } | null } | null };
  const members = new Set<string>();
  let after: string | null = null;
  do {
    const data: Page = await client.query<Page>(TEAM_MEMBERS_QUERY, { org, slug, after });
    const page = data.organization?.team?.members;
    if (!page) break;
    for (const m of page.nodes) if (m) members.add(m.login.toLowerCase());
    after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
  } while (after);
  return members;
}
