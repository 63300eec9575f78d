import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { createApp } from "../src/index.js";
import { APP_IDENTITY } from "./helpers/probot.js";

const manifest = parse(readFileSync(new URL("../app.yml", import.meta.url), "utf8")) as {
  name: string;
  default_events: string[];
  default_permissions: Record<string, string>;
};

/** Which permission GitHub requires for each webhook event Converge subscribes to (../shared/github-facts.md). */
const PERMISSION_FOR_EVENT: Record<string, [string, string[]]> = {
  issues: ["issues", ["read", "write"]],
  issue_comment: ["issues", ["read", "write"]],
  push: ["contents", ["read", "write"]],
  pull_request: ["pull_requests", ["read", "write"]],
  check_suite: ["checks", ["read", "write"]],
  check_run: ["checks", ["read", "write"]],
  projects_v2_item: ["organization_projects", ["read", "write"]],
};

function registeredEvents(): string[] {
  const events: string[] = [];
  const fakeApp = {
    on: (names: string | string[]) => events.push(...(Array.isArray(names) ? names : [names])),
    onAny: () => undefined,
    log: { info: () => undefined, warn: () => undefined, debug: () => undefined, error: () => undefined, child: () => fakeApp.log },
    auth: async () => ({}),
  };
  createApp({ identity: async () => APP_IDENTITY, now: () => new Date() })(fakeApp as never, {} as never);
  return events;
}

describe("app.yml (the GitHub App manifest)", () => {
  it("subscribes to every event family a handler is registered for, and to nothing unused", () => {
    const families = [...new Set(registeredEvents().map((e) => e.split(".")[0]!))].sort();
    expect([...manifest.default_events].sort()).toEqual(families);
  });

  it("grants the permission each subscribed event needs", () => {
    for (const event of manifest.default_events) {
      const [permission, levels] = PERMISSION_FOR_EVENT[event] ?? ["(unknown)", []];
      expect(levels, `${event} needs ${permission}`).toContain(manifest.default_permissions[permission]);
    }
  });

  it("is served by Probot's setup flow when the app has no credentials", async () => {
    const port = await freePort();
    const child = spawn(process.execPath, ["--import", "tsx/esm", "node_modules/probot/bin/probot.js", "run", "./src/index.ts"], {
      env: { ...process.env, APP_ID: "", PRIVATE_KEY: "", NO_SMEE_SETUP: "true", PORT: String(port), NODE_ENV: "development", LOG_LEVEL: "error" },
      stdio: "ignore",
    });
    try {
      const page = await poll(`http://localhost:${port}/probot`, 15_000);
      const value = /name="manifest" id="manifest" value='([^']+)'/.exec(page)?.[1];
      expect(value).toBeDefined();
      const served = JSON.parse(value!);
      expect(served.name).toBe(manifest.name);
      expect(served.default_permissions).toEqual(manifest.default_permissions);
    } finally {
      child.kill();
    }
  }, 30_000);
});

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function poll(url: string, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const response = await fetch(url);
      if (response.ok) return await response.text();
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${url} did not answer within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
