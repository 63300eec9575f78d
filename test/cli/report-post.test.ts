import { afterEach, beforeEach, describe, expect, it } from "vitest";
import nock from "nock";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { serializeSnapshot } from "../../src/domain/snapshot/generate.js";
import { runCli as run } from "../helpers/cli.js";
import { oneCycleSample } from "../helpers/sample.js";
import { API, BOT_LOGIN, mockConfig, teardownNock } from "../helpers/probot.js";

/**
 * `converge report --org <org> --post` (issue 12): the weekly report job run from a terminal or CI, GitHub mocked at
 * the HTTP boundary. The org-wide config comes from acme/.github; the report lands in acme/office.
 */

// One cycle of the sample's generator: a report of one issue body, the posting being what is tested here.
const SAMPLE = join(mkdtempSync(join(tmpdir(), "converge-report-post-")), "portfolio.json");
writeFileSync(SAMPLE, serializeSnapshot(oneCycleSample()));
const OFFICE = "/repos/acme/office";
const CONFIG = "delivery:\n  repository: office\n  schedule:\n    timeZone: Europe/Berlin\n";
const bot = { login: BOT_LOGIN, type: "Bot" };

function serveOrgConfig(scope: nock.Scope, yaml: string | null = CONFIG): nock.Scope {
  if (yaml === null) return scope.get(`/repos/acme/.github/contents/${encodeURIComponent(".github/converge.yml")}`).reply(404, { message: "Not Found" });
  return mockConfig(scope, "acme", ".github", yaml);
}

describe("converge report --org --post", () => {
  const saved = { ...process.env };
  beforeEach(() => {
    nock.disableNetConnect();
    nock.cleanAll();
    for (const key of ["GITHUB_TOKEN", "GH_TOKEN", "APP_ID", "PRIVATE_KEY", "INSTALLATION_ID", "GITHUB_API_URL", "APP_SLUG", "GITHUB_ACTIONS"]) delete process.env[key];
    process.env.GITHUB_TOKEN = "ghs_installation";
    process.env.APP_SLUG = "converge";
  });
  afterEach(() => {
    process.env = { ...saved };
    teardownNock();
  });

  it("posts this ISO week's report as a new issue in the office repository and says where", async () => {
    let posted = "";
    let labels: string[] = [];
    const scope = serveOrgConfig(nock(API, { reqheaders: { authorization: "token ghs_installation" } }))
      .get(`${OFFICE}/issues`)
      .query({ labels: "converge-report", state: "all", sort: "created", direction: "desc", per_page: 100 })
      .reply(200, [])
      .post(`${OFFICE}/issues`, (body: { body: string; labels: string[] }) => {
        posted = body.body;
        labels = body.labels;
        return true;
      })
      .reply(201, () => ({ number: 12, html_url: "https://github.com/acme/office/issues/12", state: "open", body: posted, user: bot }))
      .get(`${OFFICE}/issues/12`)
      .reply(200, () => ({ number: 12, html_url: "https://github.com/acme/office/issues/12", state: "open", body: posted, user: bot }))
      .get(`${OFFICE}/issues/12/comments`)
      .query(true)
      .reply(200, []);
    const result = await run(["report", "--org", "acme", "--snapshot", SAMPLE, "--now", "2026-11-30", "--post"]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toBe("created the 2026-W49 report in acme/office: https://github.com/acme/office/issues/12 (1 part)\n");
    expect(posted.startsWith("<!-- converge:weekly-report week=2026-W49 -->")).toBe(true);
    expect(labels).toEqual(["converge-report"]);
    expect(scope.isDone()).toBe(true);
  });

  it("re-running the same week edits nothing when the report is the same, and a new week closes last week's issue", async () => {
    // First run: find the week-49 report Converge already posted with exactly this text → unchanged.
    let body = "";
    const capture = serveOrgConfig(nock(API))
      .get(`${OFFICE}/issues`)
      .query(true)
      .reply(200, [])
      .post(`${OFFICE}/issues`, (b: { body: string }) => {
        body = b.body;
        return true;
      })
      .reply(201, () => ({ number: 12, html_url: "https://github.com/acme/office/issues/12", state: "open", body, user: bot }))
      .get(`${OFFICE}/issues/12`)
      .reply(200, () => ({ number: 12, html_url: "u", state: "open", body }))
      .get(`${OFFICE}/issues/12/comments`)
      .query(true)
      .reply(200, []);
    expect((await run(["report", "--org", "acme", "--snapshot", SAMPLE, "--now", "2026-11-30", "--post"])).code).toBe(0);
    expect(capture.isDone()).toBe(true);

    const week49 = { number: 12, html_url: "https://github.com/acme/office/issues/12", state: "open", body, user: bot };
    const again = serveOrgConfig(nock(API))
      .get(`${OFFICE}/issues`)
      .query(true)
      .reply(200, [week49])
      .get(`${OFFICE}/issues/12/comments`)
      .query(true)
      .times(2)
      .reply(200, [])
      .get(`${OFFICE}/issues/12`)
      .reply(200, week49);
    const rerun = await run(["report", "--org", "acme", "--snapshot", SAMPLE, "--now", "2026-11-30", "--post"]);
    expect(rerun.stdout).toMatch(/^unchanged the 2026-W49 report in acme\/office/);
    expect(again.isDone()).toBe(true);

    // A week later: a new issue linking #12, and #12 closed as completed.
    let next = "";
    const rollover = serveOrgConfig(nock(API))
      .get(`${OFFICE}/issues`)
      .query(true)
      .reply(200, [week49])
      .get(`${OFFICE}/issues/12/comments`)
      .query(true)
      .reply(200, [])
      .post(`${OFFICE}/issues`, (b: { body: string }) => {
        next = b.body;
        return true;
      })
      .reply(201, () => ({ number: 13, html_url: "https://github.com/acme/office/issues/13", state: "open", body: next, user: bot }))
      .get(`${OFFICE}/issues/13`)
      .reply(200, () => ({ number: 13, html_url: "u", state: "open", body: next }))
      .get(`${OFFICE}/issues/13/comments`)
      .query(true)
      .reply(200, [])
      .patch(`${OFFICE}/issues/12`, { state: "closed", state_reason: "completed" })
      .reply(200, { ...week49, state: "closed" });
    const weekLater = await run(["report", "--org", "acme", "--snapshot", SAMPLE, "--now", "2026-12-07", "--post"]);
    expect(weekLater.stdout).toMatch(/^created the 2026-W50 report in acme\/office: .*issues\/13 \(1 part\); closed last week's report #12\n$/);
    expect(next.startsWith("<!-- converge:weekly-report week=2026-W50 -->")).toBe(true);
    expect(next).toContain("#12");
    expect(rollover.isDone()).toBe(true);
  });

  it("without --snapshot the portfolio is fetched from GitHub, and a failed fetch is said clearly (exit 3), posting nothing", async () => {
    // Today's build has a placeholder fetch; once the real one is merged its GraphQL call fails here with a 502.
    serveOrgConfig(nock(API)).get(`${OFFICE}/issues`).query(true).reply(200, []);
    nock(API).post("/graphql").optionally().reply(502, { message: "Bad Gateway" });
    const result = await run(["report", "--org", "acme", "--post"]);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/^converge: could not fetch the portfolio snapshot of acme from GitHub: /);
    expect(result.stdout).toBe("");
  });

  it("a missing Issues permission is a clear message naming the permission (exit 3)", async () => {
    serveOrgConfig(nock(API))
      .get(`${OFFICE}/issues`)
      .query(true)
      .reply(200, [])
      .post(`${OFFICE}/issues`)
      .reply(403, { message: "Resource not accessible by integration" });
    const result = await run(["report", "--org", "acme", "--snapshot", SAMPLE, "--now", "2026-11-30", "--post"]);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('"Issues: Read and write"');
    expect(result.stderr).toContain("acme/office");
  });

  it("without delivery.repository in the org config it says what to set and writes nothing", async () => {
    serveOrgConfig(nock(API), null);
    const result = await run(["report", "--org", "acme", "--snapshot", SAMPLE, "--post"]);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/set delivery.repository .* in acme\/.github\/.github\/converge.yml/);
  });

  it("an invalid org config lists its problems (exit 1)", async () => {
    serveOrgConfig(nock(API), "delivery:\n  repository: office\n  schedule:\n    timeZone: Mars/Olympus\n");
    const result = await run(["report", "--org", "acme", "--snapshot", SAMPLE, "--post"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("acme's configuration is not usable");
    expect(result.stderr).toContain("IANA");
  });

  it.each([
    ["--post without --org", ["report", "--snapshot", SAMPLE, "--post"], /--post needs --org/],
    ["--post with --format html", ["report", "--org", "acme", "--snapshot", SAMPLE, "--post", "--format", "html"], /--format does not go with --post/],
    ["--post with --out", ["report", "--org", "acme", "--snapshot", SAMPLE, "--post", "--out", "x.md"], /--out does not go with --post/],
    ["a bad org login", ["report", "--org", "acme/x", "--post"], /--org must be an organisation login/],
    ["neither --snapshot nor --org", ["report"], /missing --snapshot <file> \(or --org/],
  ])("%s is a usage error before any request", async (_name, args, message) => {
    const result = await run(args);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
  });

  it("refuses a personal token for --post (Converge finds its reports by their author) and asks for the app's credentials", async () => {
    delete process.env.APP_SLUG;
    serveOrgConfig(nock(API));
    const result = await run(["report", "--org", "acme", "--snapshot", SAMPLE, "--post"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("APP_ID + PRIVATE_KEY");
  });

  it("without credentials it says which to set", async () => {
    delete process.env.GITHUB_TOKEN;
    const result = await run(["report", "--org", "acme", "--snapshot", SAMPLE, "--post"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("no GitHub credentials");
  });

  it("report without --org still renders a snapshot file locally, calling GitHub not at all", async () => {
    const result = await run(["report", "--snapshot", SAMPLE]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("# Converge weekly report");
  });
});
