/**
 * GitHub API requests the intake makes per use-case event, against the floor: the fewest requests any correct,
 * idempotent implementation needs.
 *
 * Floor per event = 1 config read (2 when the repo has no file: Probot then tries the org's .github repo)
 *                 + 1 page of comments (to find Converge's own status comment; it must never duplicate it)
 *                 + 1 initiative lookup when the form names initiatives (any number of them, one GraphQL query)
 *                 + the writes whose content changed (labels added, labels removed, status comment, one per initiative).
 * Converge adds one read on top: it re-reads the issue, because a redelivered or late payload can carry an old body.
 *
 * Run: npm run bench:intake   (writes the "intake" section of docs/benchmarks.md)
 */
import nock from "nock";
import { API, APP_IDENTITY, BOT_LOGIN, createTestApp, mockInstallationToken } from "../test/helpers/probot.js";
import { GOOD_BODY, ISSUE_NUMBER, OWNER, REPO, issuesEvent, useCaseIssue } from "../test/fixtures/use-cases.js";
import { writeBenchSection } from "./write-section.js";

const ISSUE_PATH = `/repos/${OWNER}/${REPO}/issues/${ISSUE_NUMBER}`;

interface Scenario {
  name: string;
  initiatives: number;
  redelivery: boolean;
}

interface Measured {
  scenario: Scenario;
  requests: number;
  floor: number;
}

function bodyWith(initiatives: number): string {
  const refs = Array.from({ length: initiatives }, (_, i) => `#${100 + i}`).join(", ");
  return GOOD_BODY.replace("#12, acme/transformation-office#40", refs);
}

async function measure(scenario: Scenario): Promise<Measured> {
  nock.cleanAll();
  nock.disableNetConnect();
  mockInstallationToken();
  let requests = 0;
  let writes = 0;
  const stored: Record<string, string> = {};
  const count = (write: boolean) => () => {
    requests++;
    if (write) writes++;
    return true;
  };

  const run = async (redelivery: boolean) => {
    requests = 0;
    writes = 0;
    const labels = redelivery
      ? ["use-case", "layer/cloud-analytics", "layer/data-platform", "layer/mes", "layer/plc-edge", "plant/dresden", "plant/penang", "value-stream/maintain-to-operate"]
      : ["use-case"];
    const issue = useCaseIssue(bodyWith(scenario.initiatives), labels);
    const api = nock(API);
    api.get(/\/contents\//).times(2).reply(function () {
      count(false)();
      return [404, { message: "Not Found" }];
    });
    api.get(ISSUE_PATH).reply(function () {
      count(false)();
      return [200, issue];
    });
    api.get(`${ISSUE_PATH}/comments`).query(true).reply(function () {
      count(false)();
      const own = stored.status ? [{ id: 1, body: stored.status, user: { login: BOT_LOGIN, type: "Bot" }, performed_via_github_app: { id: APP_IDENTITY.appId } }] : [];
      return [200, own];
    });
    api.post("/graphql").reply(function (_uri, body) {
      count(false)();
      const variables = (body as { variables: Record<string, number> }).variables;
      const data: Record<string, unknown> = {};
      for (let i = 0; variables[`n${i}`] !== undefined; i++) {
        const n = variables[`n${i}`]!;
        const comment = stored[`i${n}`];
        data[`i${i}`] = {
          issue: {
            number: n,
            title: `Initiative ${n}`,
            url: `https://github.com/${OWNER}/${REPO}/issues/${n}`,
            state: "OPEN",
            issueLabels: { nodes: [{ name: "initiative" }] },
            comments: { totalCount: comment ? 1 : 0, nodes: comment ? [{ databaseId: 1000 + n, body: comment, viewerDidAuthor: true, author: { login: BOT_LOGIN } }] : [] },
          },
        };
      }
      return [200, { data }];
    });
    api.post(`${ISSUE_PATH}/labels`).reply(function () {
      count(true)();
      return [200, []];
    });
    api.post(`${ISSUE_PATH}/comments`).reply(function (_uri, body) {
      count(true)();
      stored.status = (body as { body: string }).body;
      return [201, { id: 1 }];
    });
    api.post(/\/issues\/\d+\/comments$/).times(scenario.initiatives).reply(function (uri, body) {
      count(true)();
      stored[`i${/issues\/(\d+)\/comments/.exec(uri)![1]}`] = (body as { body: string }).body;
      return [201, { id: 2 }];
    });
    const app = createTestApp();
    await app.receive("issues", issuesEvent("opened", issue), "bench");
    nock.cleanAll();
    mockInstallationToken();
    return { requests, writes };
  };

  let result = await run(false);
  if (scenario.redelivery) result = await run(true);
  const floor = 2 + 1 + (scenario.initiatives > 0 ? 1 : 0) + result.writes;
  return { scenario, requests: result.requests, floor };
}

const scenarios: Scenario[] = [
  { name: "opened, 1 initiative", initiatives: 1, redelivery: false },
  { name: "opened, 5 initiatives", initiatives: 5, redelivery: false },
  { name: "opened, 25 initiatives", initiatives: 25, redelivery: false },
  { name: "redelivered, 5 initiatives (nothing to write)", initiatives: 5, redelivery: true },
];

const rows: Measured[] = [];
for (const scenario of scenarios) rows.push(await measure(scenario));

const table = [
  "| scenario | requests | floor | ratio |",
  "|---|---:|---:|---:|",
  ...rows.map((r) => `| ${r.scenario.name} | ${r.requests} | ${r.floor} | ${(r.requests / r.floor).toFixed(2)} |`),
].join("\n");

const section = `## Intake: GitHub requests per use-case event

Command: \`npm run bench:intake\` (Node ${process.version}, ${new Date().toISOString().slice(0, 10)}). GitHub is simulated at the HTTP
boundary (nock) and every request the app makes is counted.

Floor: config read (2 requests when the repo has no file: Probot also tries the org's \`.github\` repo) + 1 page of
comments (to find Converge's own status comment) + 1 GraphQL lookup for all initiatives + the writes whose content
changed. Converge's one request above the floor is the re-read of the issue (a redelivered payload can carry an
old body). The number of initiatives does not change the number of reads: they are looked up in one query.

${table}
`;
writeBenchSection("intake", section);
console.log(table);
