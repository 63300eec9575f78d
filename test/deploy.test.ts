import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

/** The deployment files keep their promises (docs/deploy.md): non-root image with a health check, a valid workflow. */

describe("Dockerfile", () => {
  const lines = readFileSync("Dockerfile", "utf8").split("\n");
  const final = lines.slice(lines.map((l) => l.startsWith("FROM ")).lastIndexOf(true));

  it("runs as the unprivileged node user, with a HEALTHCHECK on /health, and starts the built app with Probot", () => {
    const user = final.find((l) => l.startsWith("USER "));
    expect(user).toBe("USER node");
    expect(final.some((l) => l.startsWith("HEALTHCHECK "))).toBe(true);
    expect(final.join("\n")).toMatch(/\/health'/);
    const cmd = JSON.parse(final.find((l) => l.startsWith("CMD "))!.slice(4)) as string[];
    expect(cmd.slice(0, 4)).toEqual(["node", "node_modules/probot/bin/probot.js", "run", "./lib/index.js"]);
    expect(existsSync(cmd[1]!)).toBe(true);
    expect(existsSync("src/index.ts")).toBe(true); // built to lib/index.js by tsconfig.build.json (rootDir src)
  });

  it("copies what the built app reads at run time (templates, app.yml) and no dev dependencies", () => {
    const text = final.join("\n");
    for (const path of ["templates", "app.yml", "/app/lib", "/app/node_modules"]) expect(text).toContain(path);
    expect(lines.join("\n")).toContain("npm prune --omit=dev");
  });
});

describe("the GitHub Actions workflow example", () => {
  const workflow = parse(readFileSync("docs/examples/converge-workflow.yml", "utf8")) as {
    on: Record<string, unknown>;
    jobs: Record<string, { steps: Array<{ run?: string; env?: Record<string, string> }> }>;
  };

  it("covers events and a weekly schedule, and runs the adapter script this package defines", () => {
    expect(Object.keys(workflow.on)).toEqual(expect.arrayContaining(["issues", "issue_comment", "schedule", "workflow_dispatch"]));
    const steps = Object.values(workflow.jobs).flatMap((j) => j.steps);
    const run = steps.find((s) => s.run?.includes("npm run -s actions"));
    expect(run?.env?.GITHUB_TOKEN).toBeDefined();
    const pkg = JSON.parse(readFileSync("package.json", "utf8")) as { scripts: Record<string, string> };
    expect(pkg.scripts.actions).toContain("src/actions.ts");
  });
});
