import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { promisify } from "node:util";
import { expect, it } from "vitest";
import { SCENARIOS } from "../../bench/webhook-scenarios.js";

const run = promisify(execFile);
const root = new URL("../../", import.meta.url);

/**
 * Smoke run of `npm run bench:webhooks -- --quick` (CI): the bench runs end to end through a real Probot and prints
 * its table. No timing is asserted (a shared CI machine varies too much); the request counts are: they are
 * deterministic, and an ignored event that made a call would be a regression the bench exists to show.
 */
it("bench:webhooks --quick delivers every scenario, prints the table and leaves docs/benchmarks.md alone", async () => {
  const before = readFileSync(new URL("docs/benchmarks.md", root), "utf8");
  const { stdout } = await run(process.execPath, ["--import", "tsx/esm", "bench/webhooks.bench.ts", "--quick"], { cwd: root, timeout: 120_000 });
  expect(readFileSync(new URL("docs/benchmarks.md", root), "utf8")).toBe(before);

  // The concurrent burst ran and its correctness check held (the bench exits non-zero otherwise).
  expect(stdout).toMatch(/Burst: 10 use cases filed at once.*every use case has one status comment, the initiative one comment listing all 10/);
  const rows = stdout.split("\n").filter((line) => /^\| `/.test(line)).map((line) => line.split("|").map((cell) => cell.trim()));
  expect(rows.map((cells) => cells[2])).toEqual(SCENARIOS.map((s) => s.name));
  for (const cells of rows) {
    const [calls, floor] = [Number(cells[3]), Number(cells[4])];
    const [labelWrites, labelFloor] = /^(\d+) \((\d+)\)$/.exec(cells[6]!)!.slice(1).map(Number);
    expect(calls, cells[2]).toBeGreaterThanOrEqual(floor);
    if (floor === 0) expect(calls, `${cells[2]} should make no request`).toBe(0);
    expect(labelWrites, `${cells[2]}: labels are written in one batched call`).toBe(labelFloor);
    expect(Number(cells[7]), "events/s is a number").toBeGreaterThan(0);
  }
}, 150_000);
