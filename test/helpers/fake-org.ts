import { execute, Kind, parse, validate, type DocumentNode, type ExecutionResult, type GraphQLError, type SelectionSetNode, type ValueNode } from "graphql";
import type nock from "nock";
import { githubSchema } from "./graphql-schema.js";

/**
 * A GitHub organization served at the HTTP boundary: POST /graphql is executed by graphql-js against GitHub's
 * published schema (so a query GitHub would reject fails, and a field the query did not select is never returned),
 * over plain in-memory issues. Search follows GitHub's rules the snapshot depends on: the qualifiers it uses, results
 * sorted by creation, at most 1,000 results per query however many match, and `issueCount` counting them all.
 * `rateLimit.cost` is computed from the document by GitHub's published formula (graphqlCost), not hard-coded.
 */

export interface FakeLabelEvent {
  kind: "labeled" | "unlabeled";
  label: string;
  actor: string;
  at: string;
}

export interface FakeIssue {
  nodeId: string;
  repo: string;
  number: number;
  title: string;
  body: string;
  state: "OPEN" | "CLOSED";
  stateReason: "COMPLETED" | "NOT_PLANNED" | "REOPENED" | null;
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  author: string | null;
  labels: string[];
  assignees: string[];
  milestone: { title: string; dueOn: string | null } | null;
  labelEvents: FakeLabelEvent[];
  subIssues: string[];
  parent: string | null;
  comments: Array<{ author: string; body: string }>;
}

export interface FakeRepo {
  deployments: Array<{ environment: string; createdAt: string; state: string }>;
  checkRuns: Array<{ name: string; title: string | null; summary: string | null; completedAt: string }>;
}

export interface FakeCall {
  operation: string;
  variables: Record<string, unknown>;
  cost: number;
}

const SEARCH_CAP = 1000;

/** Validating a document against GitHub's large schema costs milliseconds; the same document always gets the same answer. */
const validated = new Map<string, readonly GraphQLError[]>();

export class FakeOrg {
  readonly issues = new Map<string, FakeIssue>();
  readonly repos = new Map<string, FakeRepo>();
  readonly board = new Map<string, { title: string; startDate: string; duration: number; iterationId: string }>();
  boardNumber: number | undefined;
  readonly calls: FakeCall[] = [];
  readonly errors: string[] = [];
  remaining = 5000;

  constructor(readonly org: string) {}

  add(issue: Partial<FakeIssue> & Pick<FakeIssue, "repo" | "number" | "title">): FakeIssue {
    const full: FakeIssue = {
      nodeId: `I_${issue.repo}#${issue.number}`,
      body: "",
      state: "OPEN",
      stateReason: null,
      createdAt: "2026-01-05T09:00:00Z",
      updatedAt: issue.createdAt ?? "2026-01-05T09:00:00Z",
      closedAt: null,
      author: "someone",
      labels: [],
      assignees: [],
      milestone: null,
      labelEvents: [],
      subIssues: [],
      parent: null,
      comments: [],
      ...issue,
    };
    this.issues.set(full.nodeId, full);
    return full;
  }

  addSubIssue(parent: FakeIssue, child: FakeIssue): void {
    parent.subIssues.push(child.nodeId);
    child.parent = parent.nodeId;
  }

  /** Serve POST /graphql on `scope` for as many requests as come. */
  serve(scope: nock.Scope): nock.Scope {
    return scope
      .post("/graphql")
      .times(Number.MAX_SAFE_INTEGER)
      .reply(async (_uri, body) => {
        const { query, variables } = body as { query: string; variables?: Record<string, unknown> };
        const result = await this.answer(query, variables ?? {});
        return [200, result as nock.Body];
      });
  }

  async answer(query: string, variables: Record<string, unknown>): Promise<{ data?: unknown; errors?: unknown[] }> {
    let document: DocumentNode;
    try {
      document = parse(query);
    } catch (error) {
      this.errors.push((error as Error).message);
      return { errors: [{ message: (error as Error).message }] };
    }
    const cost = graphqlCost(document, variables);
    const operation = document.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION);
    this.calls.push({ operation: operation?.kind === Kind.OPERATION_DEFINITION ? (operation.name?.value ?? "") : "", variables, cost });
    this.remaining -= cost;
    let invalid = validated.get(query);
    if (!invalid) validated.set(query, (invalid = validate(githubSchema(), document)));
    const result: ExecutionResult = invalid.length > 0 ? { errors: invalid } : await execute({ schema: githubSchema(), document, rootValue: this.root(cost), variableValues: variables });
    if (result.errors?.length) this.errors.push(...result.errors.map((e) => e.message));
    return JSON.parse(JSON.stringify(result)) as { data?: unknown; errors?: unknown[] };
  }

  private root(cost: number): Record<string, unknown> {
    return {
      rateLimit: () => ({ cost, remaining: this.remaining, limit: 5000, used: 5000 - this.remaining, resetAt: "2026-12-04T19:00:00Z", nodeCount: 0 }),
      search: (args: { query: string; first?: number; after?: string }) => this.search(args),
      node: ({ id }: { id: string }) => this.nodeById(id),
      nodes: ({ ids }: { ids: string[] }) => ids.map((id) => this.nodeById(id)),
      repository: ({ owner, name }: { owner: string; name: string }) => this.repository(`${owner}/${name}`),
      organization: ({ login }: { login: string }) => (login.toLowerCase() === this.org.toLowerCase() ? this.organization() : null),
    };
  }

  private search({ query, first = 100, after }: { query: string; first?: number; after?: string }) {
    const matches = [...this.issues.values()].filter((issue) => matchesQuery(issue, query, this.org)).sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.nodeId.localeCompare(b.nodeId));
    const reachable = matches.slice(0, SEARCH_CAP);
    const start = after ? Number(Buffer.from(after, "base64").toString("utf8").replace("cursor:", "")) : 0;
    const page = reachable.slice(start, start + first);
    const end = start + page.length;
    return {
      issueCount: matches.length,
      pageInfo: { hasNextPage: end < reachable.length, endCursor: page.length ? Buffer.from(`cursor:${end}`).toString("base64") : null, hasPreviousPage: start > 0, startCursor: null },
      nodes: page.map((issue) => this.issueObject(issue)),
    };
  }

  private nodeById(id: string): unknown {
    const issue = this.issues.get(id);
    return issue ? this.issueObject(issue) : null;
  }

  private issueObject(issue: FakeIssue): Record<string, unknown> {
    const list = <T>(items: T[]) => ({ first = 100, after }: { first?: number; after?: string }) => {
      const start = after ? Number(after) : 0;
      const nodes = items.slice(start, start + first);
      return { nodes, totalCount: items.length, pageInfo: { hasNextPage: start + first < items.length, endCursor: String(start + nodes.length), hasPreviousPage: start > 0, startCursor: String(start) } };
    };
    return {
      __typename: "Issue",
      id: issue.nodeId,
      number: issue.number,
      title: issue.title,
      url: `https://github.com/${issue.repo}/issues/${issue.number}`,
      state: issue.state,
      stateReason: () => issue.stateReason,
      createdAt: issue.createdAt,
      updatedAt: issue.updatedAt,
      closedAt: issue.closedAt,
      body: issue.body,
      author: issue.author ? { __typename: "User", login: issue.author } : null,
      repository: { nameWithOwner: issue.repo },
      milestone: issue.milestone,
      labels: list(issue.labels.map((name) => ({ name }))),
      assignees: list(issue.assignees.map((login) => ({ login }))),
      timelineItems: (args: { first?: number; after?: string; itemTypes?: string[] }) =>
        list(
          issue.labelEvents.map((e) => ({
            __typename: e.kind === "labeled" ? "LabeledEvent" : "UnlabeledEvent",
            createdAt: e.at,
            actor: { __typename: e.actor.endsWith("[bot]") ? "Bot" : "User", login: e.actor.replace(/\[bot\]$/, "") },
            label: { name: e.label },
          })),
        )(args),
      subIssues: (args: { first?: number; after?: string }) => list(issue.subIssues.flatMap((id) => (this.issues.get(id) ? [this.issueObject(this.issues.get(id)!)] : [])))(args),
      parent: issue.parent && this.issues.get(issue.parent) ? this.issueObject(this.issues.get(issue.parent)!) : null,
      comments: list(issue.comments.map((c) => ({ author: { __typename: c.author.endsWith("[bot]") ? "Bot" : "User", login: c.author.replace(/\[bot\]$/, "") }, body: c.body }))),
    };
  }

  private repository(name: string): unknown {
    const repo = this.repos.get(name);
    if (!repo) return null;
    return {
      nameWithOwner: name,
      deployments: ({ first = 100 }: { first?: number }) => ({
        nodes: [...repo.deployments]
          .sort((a, b) => b.createdAt.localeCompare(a.createdAt))
          .slice(0, first)
          .map((d) => ({ environment: d.environment, createdAt: d.createdAt, latestStatus: { state: d.state.toUpperCase(), createdAt: d.createdAt } })),
      }),
      defaultBranchRef: {
        target: {
          __typename: "Commit",
          statusCheckRollup: {
            contexts: ({ first = 100 }: { first?: number }) => ({
              nodes: repo.checkRuns.slice(0, first).map((c) => ({ __typename: "CheckRun", ...c })),
            }),
          },
        },
      },
    };
  }

  private organization(): unknown {
    return {
      projectV2: ({ number }: { number: number }) =>
        number !== this.boardNumber
          ? null
          : {
              items: ({ first = 100, after }: { first?: number; after?: string }) => {
                const all = [...this.board.entries()];
                const start = after ? Number(after) : 0;
                const slice = all.slice(start, start + first);
                return {
                  pageInfo: { hasNextPage: start + first < all.length, endCursor: String(start + slice.length), hasPreviousPage: false, startCursor: null },
                  nodes: slice.map(([contentId, iteration]) => ({
                    content: this.issues.has(contentId) ? this.issueObject(this.issues.get(contentId)!) : null,
                    fieldValueByName: { __typename: "ProjectV2ItemFieldIterationValue", ...iteration },
                  })),
                };
              },
            },
      team: () => null,
    };
  }
}

/** The search qualifiers the snapshot fetch uses, as GitHub applies them. */
export function matchesQuery(issue: FakeIssue, query: string, org: string): boolean {
  const tokens = query.match(/(?:[^\s"]+|"[^"]*")+/g) ?? [];
  for (const token of tokens) {
    const [key, ...rest] = token.split(":");
    const value = rest.join(":").replace(/^"|"$/g, "");
    switch (key) {
      case "org":
        if (value.toLowerCase() !== org.toLowerCase() || !issue.repo.toLowerCase().startsWith(`${org.toLowerCase()}/`)) return false;
        break;
      case "is":
        if (value !== "issue") return false;
        break;
      case "label":
        if (!issue.labels.some((l) => l.toLowerCase() === value.toLowerCase())) return false;
        break;
      case "updated":
        if (!compare(issue.updatedAt, value)) return false;
        break;
      case "created":
        if (!compare(issue.createdAt, value)) return false;
        break;
      case "sort":
        if (value !== "created-asc") throw new Error(`fake search: unsupported sort ${value}`);
        break;
      default:
        throw new Error(`fake search: unsupported qualifier ${token}`);
    }
  }
  return true;
}

function compare(at: string, condition: string): boolean {
  const match = /^(>=|<=|>|<)?(.+)$/.exec(condition);
  const op = match?.[1] ?? "=";
  const bound = Date.parse(match?.[2] ?? "");
  const t = Date.parse(at);
  // Search compares at one-second resolution.
  const ts = Math.floor(t / 1000);
  const bs = Math.floor(bound / 1000);
  return op === ">=" ? ts >= bs : op === ">" ? ts > bs : op === "<=" ? ts <= bs : op === "<" ? ts < bs : ts === bs;
}

/**
 * GitHub's published rate-limit cost of a query: for every connection (a field with `first` or `last`), the number of
 * requests needed to fill it assuming every parent reaches its limit; their sum ÷ 100, rounded, at least 1.
 * https://docs.github.com/en/graphql/overview/rate-limits-and-query-limits-for-the-graphql-api
 */
export function graphqlCost(document: DocumentNode, variables: Record<string, unknown> = {}): number {
  let requests = 0;
  const value = (node: ValueNode): number | undefined => {
    if (node.kind === Kind.INT) return Number(node.value);
    if (node.kind === Kind.VARIABLE) {
      const v = variables[node.name.value];
      return typeof v === "number" ? v : undefined;
    }
    return undefined;
  };
  const walk = (set: SelectionSetNode | undefined, multiplier: number): void => {
    for (const selection of set?.selections ?? []) {
      if (selection.kind === Kind.FIELD) {
        const limit = selection.arguments?.find((a) => a.name.value === "first" || a.name.value === "last");
        const n = limit ? value(limit.value) : undefined;
        if (n !== undefined) {
          requests += multiplier;
          walk(selection.selectionSet, multiplier * n);
        } else {
          walk(selection.selectionSet, multiplier);
        }
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        walk(selection.selectionSet, multiplier);
      }
    }
  };
  for (const definition of document.definitions) if (definition.kind === Kind.OPERATION_DEFINITION) walk(definition.selectionSet, 1);
  return Math.max(1, Math.round(requests / 100));
}
