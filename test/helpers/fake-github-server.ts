import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A fake GitHub as a real HTTP server on loopback, for tests that span processes (several Converge workers): the app
 * installations, each org's `.github/converge.yml`, and the office repository's issues and comments, with state.
 * `hold` keeps one kind of request unanswered (to kill the worker that made it mid-job); every request is recorded
 * with the user agent of the process that made it.
 */

export interface ServedIssue {
  number: number;
  title: string;
  body: string;
  state: "open" | "closed";
  labels: string[];
  org: string;
}

export interface Hold {
  /** e.g. /^GET \/repos\/acme\/office\/issues\/\d+$/ */
  match: RegExp;
  /** Called with the user agent of the process whose request is held. */
  onHeld: (userAgent: string) => void;
}

export class FakeGitHubServer {
  readonly issues: ServedIssue[] = [];
  readonly calls: Array<{ line: string; agent: string; at: number }> = [];
  hold: Hold | undefined;
  private server: Server | undefined;
  private nextNumber = 1;
  private readonly held: ServerResponse[] = [];

  constructor(
    readonly installations: Array<{ id: number; org: string }>,
    readonly configs: Record<string, string>,
    readonly app = { id: 1001, slug: "converge" },
  ) {}

  get url(): string {
    const address = this.server?.address() as AddressInfo;
    return `http://127.0.0.1:${address.port}`;
  }

  reportsOf(org: string): ServedIssue[] {
    return this.issues.filter((i) => i.org === org);
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
  }

  async stop(): Promise<void> {
    for (const res of this.held.splice(0)) res.destroy();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = chunks.length ? (JSON.parse(Buffer.concat(chunks).toString("utf8")) as Record<string, unknown>) : {};
    const url = new URL(req.url ?? "/", "http://x");
    const line = `${req.method} ${decodeURIComponent(url.pathname)}`;
    const agent = String(req.headers["user-agent"] ?? "");
    this.calls.push({ line, agent, at: Date.now() });
    if (this.hold && this.hold.match.test(line)) {
      const hold = this.hold;
      this.hold = undefined; // one request only
      this.held.push(res);
      hold.onHeld(agent);
      return;
    }
    const send = (status: number, data: unknown, type = "application/json; charset=utf-8") => {
      res.writeHead(status, { "content-type": type });
      res.end(typeof data === "string" ? data : JSON.stringify(data));
    };
    let m: RegExpExecArray | null;
    if ((m = /^POST \/app\/installations\/(\d+)\/access_tokens$/.exec(line))) return send(201, { token: `ghs_fake${m[1]}`, expires_at: "2099-01-01T00:00:00Z", permissions: { issues: "write" } });
    if (line === "GET /app/installations") return send(200, this.installations.map((i) => ({ id: i.id, account: { login: i.org, type: "Organization" }, suspended_at: null })));
    if (line === "GET /app") return send(200, this.app);
    if ((m = /^GET \/repos\/([^/]+)\/\.github\/contents\/\.github\/converge\.yml$/.exec(line))) {
      const yaml = this.configs[m[1]!];
      return yaml === undefined ? send(404, { message: "Not Found" }) : send(200, yaml, "text/plain; charset=utf-8");
    }
    if ((m = /^GET \/repos\/([^/]+)\/[^/]+\/contents\//.exec(line))) return send(404, { message: "Not Found" });
    const author = { user: { login: `${this.app.slug}[bot]`, type: "Bot" }, performed_via_github_app: { id: this.app.id, slug: this.app.slug } };
    const view = (i: ServedIssue) => ({ number: i.number, title: i.title, body: i.body, state: i.state, html_url: `https://github.com/${i.org}/office/issues/${i.number}`, labels: i.labels.map((name) => ({ name })), ...author });
    if ((m = /^GET \/repos\/([^/]+)\/office\/issues$/.exec(line))) {
      const label = url.searchParams.get("labels");
      return send(200, this.reportsOf(m[1]!).filter((i) => !label || i.labels.includes(label)).sort((a, b) => b.number - a.number).map(view));
    }
    if ((m = /^POST \/repos\/([^/]+)\/office\/issues$/.exec(line))) {
      const issue: ServedIssue = { number: this.nextNumber++, title: String(body.title), body: String(body.body), state: "open", labels: (body.labels as string[]) ?? [], org: m[1]! };
      this.issues.push(issue);
      return send(201, view(issue));
    }
    if ((m = /^(GET|PATCH) \/repos\/([^/]+)\/office\/issues\/(\d+)$/.exec(line))) {
      const issue = this.reportsOf(m[2]!).find((i) => i.number === Number(m![3]));
      if (!issue) return send(404, { message: "Not Found" });
      if (m[1] === "PATCH") {
        if (typeof body.body === "string") issue.body = body.body;
        if (typeof body.title === "string") issue.title = body.title;
        if (body.state === "open" || body.state === "closed") issue.state = body.state;
      }
      return send(200, view(issue));
    }
    if (/^GET \/repos\/[^/]+\/office\/issues\/\d+\/comments$/.test(line)) return send(200, []);
    send(404, { message: `fake GitHub: no route for ${line}` });
  }
}
