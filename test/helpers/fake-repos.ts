import { createHash } from "node:crypto";
import nock from "nock";
import { API, INSTALLATION_ID } from "./probot.js";

/**
 * A small stateful GitHub organisation at the HTTP boundary (nock), for file proposals: repositories with branches
 * of files (Git data API: refs, commits, trees), the contents API (raw files and folder listings with blob ids), and
 * pull requests. Writes change the state, so a second run sees what the first one committed and opened, as on
 * GitHub. Every call is recorded in `calls` ("VERB /path"), writes also in `writes`.
 */

export interface FakeRepo {
  name: string;
  defaultBranch: string;
  archived: boolean;
  fork: boolean;
  /** Branch → commit sha. */
  branches: Record<string, string>;
  pulls: FakePull[];
}

export interface FakePull {
  number: number;
  head: string;
  base: string;
  title: string;
  body: string;
  state: "open" | "closed";
  merged_at: string | null;
  html_url: string;
}

const blobSha = (text: string) => createHash("sha1").update(`blob ${Buffer.byteLength(text)}\0`).update(text).digest("hex");

export class FakeOrg {
  readonly repos = new Map<string, FakeRepo>();
  readonly calls: string[] = [];
  readonly writes: string[] = [];
  /** Commit sha → the files of its tree. */
  private readonly commits = new Map<string, Record<string, string>>();
  private readonly trees = new Map<string, Record<string, string>>();
  private next = 1;
  /** Answer these "VERB /path" calls with this status instead (e.g. a 403 on one repository's pull requests). */
  readonly refuse = new Map<string, number>();

  constructor(readonly org = "acme") {}

  addRepo(name: string, files: Record<string, string>, options: Partial<Pick<FakeRepo, "archived" | "fork" | "defaultBranch">> = {}): FakeRepo {
    const sha = this.commit({ ...files });
    const repo: FakeRepo = { name, defaultBranch: options.defaultBranch ?? "main", archived: options.archived ?? false, fork: options.fork ?? false, branches: {}, pulls: [] };
    repo.branches[repo.defaultBranch] = sha;
    this.repos.set(name, repo);
    return repo;
  }

  /** The files on a branch (default branch when omitted). */
  files(repo: string, branch?: string): Record<string, string> {
    const r = this.repos.get(repo)!;
    return this.commits.get(r.branches[branch ?? r.defaultBranch]!)!;
  }

  /** Merge an open pull request: its head's files become the base's, as a merge would leave them. */
  merge(repo: string, number: number): void {
    const r = this.repos.get(repo)!;
    const pull = r.pulls.find((p) => p.number === number)!;
    r.branches[pull.base] = r.branches[pull.head]!;
    pull.state = "closed";
    pull.merged_at = "2026-11-26T10:00:00Z";
  }

  /** Close an open pull request without merging it (declined). The branch stays. */
  close(repo: string, number: number): void {
    this.repos.get(repo)!.pulls.find((p) => p.number === number)!.state = "closed";
  }

  private commit(files: Record<string, string>): string {
    const sha = `c${this.next++}`;
    this.commits.set(sha, files);
    return sha;
  }

  install(): void {
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const fake = this;
    nock(API)
      .persist()
      .post(`/app/installations/${INSTALLATION_ID}/access_tokens`)
      .reply(201, { token: "ghs_org", expires_at: "2099-01-01T00:00:00Z" });
    for (const method of ["GET", "POST", "PATCH"] as const) {
      nock(API)
        .persist()
        .intercept((path) => !path.includes("/access_tokens"), method)
        .query(true)
        .reply(function (uri, body) {
          const url = new URL(uri, API);
          const path = decodeURIComponent(url.pathname);
          fake.calls.push(`${method} ${path}`);
          if (method !== "GET") fake.writes.push(`${method} ${path}`);
          const refused = fake.refuse.get(`${method} ${path}`);
          if (refused) return [refused, { message: "Resource not accessible by integration" }];
          const raw = String(this.req.headers.accept ?? "").includes("raw");
          return fake.answer(method, path, url.searchParams, (body ?? {}) as Record<string, any>, raw) as [number, string];
        });
    }
  }

  private repoJson(r: FakeRepo) {
    return { name: r.name, full_name: `${this.org}/${r.name}`, owner: { login: this.org }, default_branch: r.defaultBranch, archived: r.archived, fork: r.fork, private: false };
  }

  private answer(method: string, path: string, query: URLSearchParams, body: Record<string, any>, raw: boolean): [number, unknown, Record<string, string>?] {
    if (method === "GET" && path === "/installation/repositories") {
      const repos = [...this.repos.values()].map((r) => this.repoJson(r));
      return [200, { total_count: repos.length, repositories: repos }];
    }
    if (method === "GET" && path === `/orgs/${this.org}/repos`) return [200, [...this.repos.values()].map((r) => this.repoJson(r))];
    const m = new RegExp(`^/repos/${this.org}/([^/]+)(/.*)?$`).exec(path);
    const repo = m ? this.repos.get(m[1]!) : undefined;
    if (!m || !repo) return [404, { message: "Not Found" }];
    const rest = m[2] ?? "";
    if (rest === "" && method === "GET") return [200, this.repoJson(repo)];
    const contents = /^\/contents\/(.+)$/.exec(rest);
    if (contents && method === "GET") {
      const ref = query.get("ref") ?? repo.defaultBranch;
      const sha = repo.branches[ref];
      if (!sha) return [404, { message: `No commit found for the ref ${ref}` }];
      const files = this.commits.get(sha)!;
      const file = contents[1]!;
      if (files[file] !== undefined) {
        if (raw) return [200, files[file], { "content-type": "text/plain; charset=utf-8" }];
        return [200, { type: "file", name: file.split("/").pop(), path: file, sha: blobSha(files[file]!), encoding: "base64", content: Buffer.from(files[file]!).toString("base64") }];
      }
      const inside = Object.keys(files).filter((p) => p.startsWith(`${file}/`) && !p.slice(file.length + 1).includes("/"));
      if (inside.length === 0) return [404, { message: "Not Found" }];
      return [200, inside.map((p) => ({ type: "file", name: p.split("/").pop(), path: p, sha: blobSha(files[p]!) }))];
    }
    const ref = /^\/git\/ref\/heads\/(.+)$/.exec(rest);
    if (ref && method === "GET") {
      const sha = repo.branches[ref[1]!];
      return sha ? [200, { ref: `refs/heads/${ref[1]}`, object: { sha, type: "commit" } }] : [404, { message: "Not Found" }];
    }
    const commit = /^\/git\/commits\/(.+)$/.exec(rest);
    if (commit && method === "GET") return this.commits.has(commit[1]!) ? [200, { sha: commit[1], tree: { sha: `t-${commit[1]}` } }] : [404, { message: "Not Found" }];
    if (rest === "/git/trees" && method === "POST") {
      const base = this.commits.get(String(body.base_tree).replace(/^t-/, "")) ?? {};
      const files = { ...base };
      for (const entry of body.tree as Array<{ path: string; content: string }>) files[entry.path] = entry.content;
      const sha = `t${this.next++}`;
      this.trees.set(sha, files);
      return [201, { sha }];
    }
    if (rest === "/git/commits" && method === "POST") {
      const files = this.trees.get(body.tree);
      if (!files) return [422, { message: "Tree not found" }];
      return [201, { sha: this.commit(files) }];
    }
    if (rest === "/git/refs" && method === "POST") {
      const name = String(body.ref).replace(/^refs\/heads\//, "");
      if (repo.branches[name]) return [422, { message: "Reference already exists" }];
      repo.branches[name] = body.sha;
      return [201, { ref: body.ref, object: { sha: body.sha } }];
    }
    const patchRef = /^\/git\/refs\/heads\/(.+)$/.exec(rest);
    if (patchRef && method === "PATCH") {
      repo.branches[patchRef[1]!] = body.sha;
      return [200, { ref: `refs/heads/${patchRef[1]}`, object: { sha: body.sha } }];
    }
    if (rest === "/pulls" && method === "GET") {
      const head = query.get("head")?.replace(`${this.org}:`, "");
      const state = query.get("state") ?? "open";
      return [200, repo.pulls.filter((p) => (!head || p.head === head) && (state === "all" || p.state === state))];
    }
    if (rest === "/pulls" && method === "POST") {
      if (repo.pulls.some((p) => p.head === body.head && p.state === "open")) return [422, { message: "A pull request already exists" }];
      if (!repo.branches[body.head]) return [422, { message: "head branch not found" }];
      const number = this.next++;
      const pull: FakePull = { number, head: body.head, base: body.base, title: body.title, body: body.body, state: "open", merged_at: null, html_url: `https://github.com/${this.org}/${repo.name}/pull/${number}` };
      repo.pulls.push(pull);
      return [201, pull];
    }
    const pull = /^\/pulls\/(\d+)$/.exec(rest);
    if (pull && method === "PATCH") {
      const found = repo.pulls.find((p) => p.number === Number(pull[1]));
      if (!found) return [404, { message: "Not Found" }];
      if (body.body !== undefined) found.body = body.body;
      return [200, found];
    }
    return [404, { message: `fake org has no route ${method} ${path}` }];
  }
}
