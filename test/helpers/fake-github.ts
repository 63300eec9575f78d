import nock from "nock";
import { API, APP_IDENTITY, BOT_LOGIN, INSTALLATION_ID } from "./probot.js";
import { assertValidGithubQuery } from "./graphql-schema.js";

/**
 * A small stateful GitHub for one repository, served at the HTTP boundary with nock: issues with labels and
 * comments, the config file, team memberships and timelines. Writes change the state, so a second run sees what the
 * first one wrote, exactly as on GitHub. Every call the app makes is recorded (`calls`), and `fault` turns the k-th
 * call into a failure: the way to inject a fault at every call of a flow, one run per call.
 */

export type FaultKind = "500" | "502" | "secondary-rate-limit" | "timeout" | "malformed" | "applied-then-502";
export const FAULT_KINDS: FaultKind[] = ["500", "502", "secondary-rate-limit", "timeout", "malformed", "applied-then-502"];

export interface FakeComment {
  id: number;
  body: string;
  user: { login: string; type: string };
  performed_via_github_app?: { id: number; slug: string } | null;
  created_at: string;
}

export interface FakeIssue {
  number: number;
  node_id: string;
  title: string;
  body: string;
  labels: string[];
  state: "open" | "closed";
  assignees: string[];
  created_at: string;
  updated_at: string;
  comments: FakeComment[];
  timeline: unknown[];
  /** Who filed it (default: mara-schmidt); issues the app creates are the bot's, with the app's id. */
  user?: { login: string; type: string };
  performed_via_github_app?: { id: number; slug: string } | null;
}

export class FakeGitHub {
  readonly issues = new Map<number, FakeIssue>();
  /** Team slug → logins of active members. */
  readonly teams: Record<string, string[]> = {};
  config: string | null = null;
  /** The config file at other commits or branches (served only when asked for with that `ref`). */
  readonly configAt: Record<string, string> = {};
  /** "VERB /path" of every call the app made, installation tokens excluded. */
  readonly calls: string[] = [];
  /** Turn the call with this index (0-based) into `kind`. Each later call is answered normally. */
  fault: { at: number; kind: FaultKind } | undefined;
  /** Path and query of every call, in the order made (to check e.g. that config is read without a `ref`). */
  readonly urls: string[] = [];
  /** Check runs Converge created or updated (the merge-protection check). */
  /** The document of every GraphQL call, in the order made (to tell a label mutation from a lookup). */
  readonly graphqlQueries: string[] = [];
  readonly checkRuns: Array<{ id: number; head_sha: string; name: string; conclusion: string; output: { title: string; summary: string } }> = [];
  /** Bearer JWTs and tokens handed out: secrets the logs must never show. */
  readonly secretsSeen = new Set<string>();
  private nextId = 9000;
  /**
   * Answers POST /graphql instead of the built-in batched initiative lookup, e.g. a FakeOrg for the report job's
   * snapshot fetch; faults are injected around it like around every other call.
   */
  graphqlServer: ((body: { query: string; variables?: Record<string, unknown> }) => Promise<[number, unknown]>) | undefined;
  /** Sub-issues: parent number → child numbers, in order (GitHub allows 100 per parent). */
  readonly subIssues = new Map<number, number[]>();

  constructor(
    readonly owner = "acme",
    readonly repo = "plant-iot",
    readonly token = "ghs_fakeInstallationToken0123456789",
  ) {}

  addIssue(issue: Partial<FakeIssue> & { number: number; body: string }): FakeIssue {
    const full: FakeIssue = {
      node_id: `I_${issue.number}`,
      title: `Issue ${issue.number}`,
      labels: [],
      state: "open",
      assignees: [],
      created_at: "2026-11-20T09:00:00Z",
      updated_at: "2026-11-20T09:00:00Z",
      comments: [],
      timeline: [],
      ...issue,
    };
    this.issues.set(full.number, full);
    return full;
  }

  /** Converge's own comments on an issue. */
  ownComments(number: number): FakeComment[] {
    return this.issues.get(number)?.comments.filter((c) => c.user.login === BOT_LOGIN) ?? [];
  }

  install(): void {
    const base = `/repos/${this.owner}/${this.repo}`;
    // nock's reply callbacks get the request as `this`, so the fake is reached through a variable.
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const fake = this;
    nock(API)
      .persist()
      .post(`/app/installations/${INSTALLATION_ID}/access_tokens`)
      .reply(function () {
        fake.secretsSeen.add(String(this.req.headers.authorization ?? "").replace(/^bearer\s+/i, ""));
        return [201, { token: fake.token, expires_at: "2099-01-01T00:00:00Z", permissions: { issues: "write" } }];
      });
    for (const method of ["GET", "POST", "PATCH", "DELETE"] as const) {
      nock(API)
        .persist()
        .intercept((path) => !path.includes("/access_tokens"), method)
        .query(true)
        .reply(function (uri, body, callback) {
          const auth = String(this.req.headers.authorization ?? "");
          if (auth) fake.secretsSeen.add(auth.replace(/^(token|bearer)\s+/i, ""));
          const url = new URL(uri, API);
          const index = fake.calls.push(`${method} ${url.pathname}`) - 1;
          fake.urls.push(`${method} ${decodeURIComponent(url.pathname)}${url.search}`);
          const fault = fake.fault?.at === index ? fake.fault.kind : undefined;
          if (fault === "timeout") return callback(Object.assign(new Error("socket hang up (timed out)"), { code: "ETIMEDOUT" }), [0, ""]);
          // A 200 with a malformed body was applied (GitHub answered; the body got cut on the way).
          if (fault && fault !== "applied-then-502" && fault !== "malformed") return callback(null, faultReply(fault));
          const finish = (answer: [number, unknown, Record<string, string>?]) =>
            callback(null, fault === "applied-then-502" || fault === "malformed" ? faultReply(fault === "malformed" ? "malformed" : "502") : (answer as [number, string]));
          if (method === "POST" && url.pathname === "/graphql" && fake.graphqlServer) {
            fake.graphqlServer(body as never).then(finish, (error: Error) => finish([400, { message: error.message }]));
            return;
          }
          let answer: [number, unknown, Record<string, string>?];
          try {
            answer = fake.answer(method, url, base, body as never);
          } catch (error) {
            answer = [400, { message: (error as Error).message }];
          }
          finish(answer);
        });
    }
  }

  private answer(method: string, url: URL, base: string, body: Record<string, any>): [number, unknown, Record<string, string>?] {
    const path = decodeURIComponent(url.pathname);
    if (method === "GET" && path === `${base}/contents/.github/converge.yml`) {
      const ref = url.searchParams.get("ref");
      if (ref !== null) return ref in this.configAt ? [200, this.configAt[ref], { "content-type": "text/plain; charset=utf-8" }] : [404, { message: "Not Found" }];
      return this.config === null ? [404, { message: "Not Found" }] : [200, this.config, { "content-type": "text/plain; charset=utf-8" }];
    }
    if (method === "GET" && path === `/repos/${this.owner}/.github/contents/.github/converge.yml`) return [404, { message: "Not Found" }];
    const team = /^\/orgs\/[^/]+\/teams\/([^/]+)\/memberships\/([^/]+)$/.exec(path);
    if (method === "GET" && team) {
      return this.teams[team[1]!]?.includes(team[2]!) ? [200, { role: "member", state: "active" }] : [404, { message: "Not Found" }];
    }
    if (method === "POST" && path === "/graphql") return this.graphql(body as { query: string; variables: Record<string, any> });
    const checks = new RegExp(`^${base}/commits/([^/]+)/check-runs$`).exec(path);
    if (method === "GET" && checks) {
      const runs = this.checkRuns.filter((r) => r.head_sha === checks[1]).map((r) => ({ ...r, status: "completed", app: { id: APP_IDENTITY.appId, slug: "converge" } }));
      return [200, { total_count: runs.length, check_runs: runs }];
    }
    if (method === "POST" && path === `${base}/check-runs`) {
      const run = { id: this.nextId++, head_sha: body.head_sha, name: body.name, conclusion: body.conclusion, output: body.output };
      this.checkRuns.push(run);
      return [201, run];
    }
    const checkRun = new RegExp(`^${base}/check-runs/(\\d+)$`).exec(path);
    if (method === "PATCH" && checkRun) {
      const run = this.checkRuns.find((r) => r.id === Number(checkRun[1]));
      if (!run) return [404, { message: "Not Found" }];
      Object.assign(run, { conclusion: body.conclusion, output: body.output });
      return [200, run];
    }
    // The repositories of the installation and the issue list (the reconciliation sweep, src/github/sweep.ts).
    if (method === "GET" && path === "/installation/repositories") {
      return [200, { total_count: 1, repositories: [{ name: this.repo, full_name: `${this.owner}/${this.repo}`, owner: { login: this.owner }, archived: false }] }];
    }
    // The issue list (the sweep, the report's lookups, stories' orphan search): listIssues below, one implementation.
    const m = new RegExp(`^${base}/issues/(\\d+)(/.*)?$`).exec(path);
    const commentPath = new RegExp(`^${base}/issues/comments/(\\d+)(/reactions)?$`).exec(path);
    if (commentPath) {
      const comment = [...this.issues.values()].flatMap((i) => i.comments).find((c) => c.id === Number(commentPath[1]));
      if (!comment) return [404, { message: "Not Found" }];
      if (commentPath[2]) return [201, { id: 1, content: body.content }];
      if (method === "PATCH") comment.body = body.body;
      if (method === "DELETE") {
        for (const i of this.issues.values()) i.comments = i.comments.filter((c) => c !== comment);
        return [204, ""];
      }
      return [200, this.commentJson(comment)];
    }
    if (path === `${base}/issues` && method === "POST") return this.createIssue(body);
    if (path === `${base}/issues` && method === "GET") return this.listIssues(url);
    if (!m) return [404, { message: `fake GitHub has no route ${method} ${path}` }];
    const issue = this.issues.get(Number(m[1]));
    if (!issue) return [404, { message: "Not Found" }];
    const rest = m[2] ?? "";
    if (rest === "" && method === "GET") return [200, this.issueJson(issue)];
    if (rest === "" && method === "PATCH") {
      if (body.state) issue.state = body.state;
      if (typeof body.title === "string") issue.title = body.title;
      if (typeof body.body === "string") issue.body = body.body;
      return [200, this.issueJson(issue)];
    }
    if (rest === "/comments" && method === "GET") {
      const perPage = Number(url.searchParams.get("per_page") ?? 30);
      const page = Number(url.searchParams.get("page") ?? 1);
      return [200, issue.comments.slice((page - 1) * perPage, page * perPage).map((c) => this.commentJson(c))];
    }
    if (rest === "/comments" && method === "POST") {
      const comment: FakeComment = {
        id: this.nextId++,
        body: body.body,
        user: { login: BOT_LOGIN, type: "Bot" },
        performed_via_github_app: { id: APP_IDENTITY.appId ?? 0, slug: APP_IDENTITY.slug ?? "converge" },
        created_at: "2026-11-25T10:00:00Z",
      };
      issue.comments.push(comment);
      return [201, this.commentJson(comment)];
    }
    if (rest === "/labels" && method === "POST") {
      for (const name of body.labels as string[]) {
        if (issue.labels.some((l) => l.toLowerCase() === name.toLowerCase())) continue;
        issue.labels.push(name);
        issue.timeline.push(this.labelEvent("labeled", name)); // GitHub records who added it: the app
      }
      return [200, issue.labels.map(labelJson)];
    }
    const label = /^\/labels\/(.+)$/.exec(rest);
    if (label && method === "DELETE") {
      const before = issue.labels.length;
      issue.labels = issue.labels.filter((l) => l.toLowerCase() !== label[1]!.toLowerCase());
      if (before !== issue.labels.length) issue.timeline.push(this.labelEvent("unlabeled", label[1]!));
      return before === issue.labels.length ? [404, { message: "Label does not exist" }] : [200, issue.labels.map(labelJson)];
    }
    if (rest === "/timeline" && method === "GET") return [200, issue.timeline];
    if (rest === "/sub_issues" && method === "GET") {
      const children = (this.subIssues.get(issue.number) ?? []).map((n) => this.issues.get(n)).filter((i): i is FakeIssue => i !== undefined);
      return [200, this.page(url, children.map((i) => this.issueJson(i)))];
    }
    if (rest === "/sub_issues" && method === "POST") return this.addSubIssue(issue, body);
    return [404, { message: `fake GitHub has no route ${method} ${path}` }];
  }

  private graphql(body: { query: string; variables: Record<string, any> }): [number, unknown] {
    assertValidGithubQuery(body.query);
    this.graphqlQueries.push(body.query);
    if (body.query.includes("removeLabelsFromLabelable")) {
      const issue = [...this.issues.values()].find((i) => i.node_id === body.variables.labelableId);
      if (!issue) return [200, { data: null, errors: [{ type: "NOT_FOUND", message: "no such node" }] }];
      const ids: string[] = body.variables.labelIds;
      issue.labels = issue.labels.filter((l) => !ids.includes(`LA_${l}`));
      return [200, { data: { removeLabelsFromLabelable: { clientMutationId: null } } }];
    }
    // The batched initiative lookup: i<k> → repository(owner: o<k>, name: r<k>) { issue(number: n<k>) … }.
    const data: Record<string, unknown> = {};
    const errors: unknown[] = [];
    for (let i = 0; body.variables[`n${i}`] !== undefined; i++) {
      const found = body.variables[`o${i}`] === this.owner && body.variables[`r${i}`] === this.repo ? this.issues.get(body.variables[`n${i}`]) : undefined;
      if (!found) {
        data[`i${i}`] = { issue: null };
        errors.push({ type: "NOT_FOUND", path: [`i${i}`, "issue"], message: "Could not resolve to an Issue" });
        continue;
      }
      data[`i${i}`] = {
        issue: {
          number: found.number,
          title: found.title,
          url: `https://github.com/${this.owner}/${this.repo}/issues/${found.number}`,
          state: found.state.toUpperCase(),
          issueLabels: { nodes: found.labels.map((name) => ({ name })) },
          comments: {
            totalCount: found.comments.length,
            nodes: found.comments.map((c) => ({ databaseId: c.id, body: c.body, viewerDidAuthor: c.user.login === BOT_LOGIN, author: { login: c.user.login } })),
          },
        },
      };
    }
    return [200, errors.length > 0 ? { data, errors } : { data }];
  }

  /** Labels the app writes show in the timeline as the app's own events, as on GitHub. */
  now = "2026-11-25T10:00:00Z";
  private labelEvent(event: "labeled" | "unlabeled", name: string) {
    return { event, label: { name, color: "ededed" }, actor: { login: BOT_LOGIN, type: "Bot" }, performed_via_github_app: { id: APP_IDENTITY.appId, slug: "converge" }, created_at: this.now };
  }

  /** POST /repos/{o}/{r}/issues as the app: the bot is the author. */
  private createIssue(body: Record<string, any>): [number, unknown] {
    if (typeof body.title !== "string" || body.title === "") return [422, { message: "Validation Failed", errors: [{ field: "title", code: "missing_field" }] }];
    const number = Math.max(0, ...this.issues.keys()) + 1;
    const issue = this.addIssue({
      number,
      title: body.title,
      body: body.body ?? "",
      labels: body.labels ?? [],
      created_at: this.now,
      updated_at: this.now,
      user: { login: BOT_LOGIN, type: "Bot" },
      performed_via_github_app: { id: APP_IDENTITY.appId ?? 0, slug: APP_IDENTITY.slug ?? "converge" },
    });
    return [201, this.issueJson(issue)];
  }

  /** GET /repos/{o}/{r}/issues: state (default open) and since (updated at or after) filters, newest first, paged. */
  private listIssues(url: URL): [number, unknown] {
    const state = url.searchParams.get("state") ?? "open";
    const since = url.searchParams.get("since");
    const labels = url.searchParams.get("labels")?.split(",").filter(Boolean) ?? [];
    const issues = [...this.issues.values()]
      .filter((i) => state === "all" || i.state === state)
      .filter((i) => labels.every((l) => i.labels.some((have) => have.toLowerCase() === l.toLowerCase())))
      .filter((i) => since === null || i.updated_at >= since)
      .sort((a, b) => b.number - a.number);
    return [200, this.page(url, issues.map((i) => this.issueJson(i)))];
  }

  /** POST …/sub_issues: by the child's numeric id, not its number; 100 children at most; one parent per child. */
  private addSubIssue(parent: FakeIssue, body: Record<string, any>): [number, unknown] {
    const child = [...this.issues.values()].find((i) => i.number * 100 === body.sub_issue_id);
    if (!child) return [422, { message: "Validation Failed", errors: [{ resource: "Issue", field: "sub_issue_id", code: "invalid" }] }];
    const children = this.subIssues.get(parent.number) ?? [];
    if ([...this.subIssues.values()].some((list) => list.includes(child.number))) return [422, { message: "Validation Failed: Issue may not contain duplicate sub-issues and Sub issue may only have one parent" }];
    if (children.length >= 100) return [422, { message: "Validation Failed: Parent cannot have more than 100 sub-issues" }];
    this.subIssues.set(parent.number, [...children, child.number]);
    return [201, this.issueJson(parent)];
  }

  private page(url: URL, items: unknown[]): unknown[] {
    const perPage = Number(url.searchParams.get("per_page") ?? 30);
    const page = Number(url.searchParams.get("page") ?? 1);
    return items.slice((page - 1) * perPage, page * perPage);
  }

  private issueJson(issue: FakeIssue) {
    return {
      id: issue.number * 100,
      node_id: issue.node_id,
      number: issue.number,
      title: issue.title,
      body: issue.body,
      state: issue.state,
      state_reason: null,
      labels: issue.labels.map(labelJson),
      assignees: issue.assignees.map((login, i) => ({ login, id: i + 1, type: "User" })),
      user: issue.user ?? { login: "mara-schmidt", type: "User" },
      performed_via_github_app: issue.performed_via_github_app ?? null,
      created_at: issue.created_at,
      updated_at: issue.updated_at,
      html_url: `https://github.com/${this.owner}/${this.repo}/issues/${issue.number}`,
    };
  }

  private commentJson(comment: FakeComment) {
    return { ...comment, html_url: `https://github.com/${this.owner}/${this.repo}/issues/comments/${comment.id}` };
  }
}

function labelJson(name: string) {
  return { id: name.length, node_id: `LA_${name}`, name, color: "ededed", default: false, description: null };
}

function faultReply(kind: Exclude<FaultKind, "timeout">): [number, string, Record<string, string>] {
  switch (kind) {
    case "500":
      return [500, JSON.stringify({ message: "Server Error" }), { "content-type": "application/json" }];
    case "502":
    case "applied-then-502":
      return [502, "<html><body>502 Bad Gateway</body></html>", { "content-type": "text/html" }];
    case "secondary-rate-limit":
      return [
        403,
        JSON.stringify({ message: "You have exceeded a secondary rate limit. Please wait a few minutes before you try again." }),
        { "content-type": "application/json", "retry-after": "1", "x-ratelimit-remaining": "4000" },
      ];
    case "malformed":
      return [200, '{"id": 1, "body": "trunc', { "content-type": "application/json; charset=utf-8" }];
  }
}
