import { afterEach, beforeEach, vi } from "vitest";
import nock from "nock";
import { main } from "../../src/cli/main.js";

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run the CLI's main() in process (the same entry `npm run -s cli` and the `converge` bin use), capturing output. */
export async function runCli(args: string[]): Promise<CliRun> {
  let stdout = "";
  let stderr = "";
  const out = vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  const err = vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  });
  const previousExitCode = process.exitCode;
  try {
    const code = await main(args);
    return { code, stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
    process.exitCode = previousExitCode;
  }
}

/** Environment variables that choose GitHub credentials or hosts: a CLI test starts without any of them. */
export const GITHUB_ENV_KEYS = ["GITHUB_TOKEN", "GH_TOKEN", "APP_ID", "PRIVATE_KEY", "INSTALLATION_ID", "GITHUB_API_URL", "APP_SLUG"] as const;

/**
 * Hooks for CLI tests that talk to (a mocked) GitHub: no network but nock, no credentials from the developer's shell,
 * `extra` set for each test, and the environment and exit code restored afterwards.
 */
export function isolateCliFromGitHub(extra: Record<string, string> = {}): void {
  const saved = { ...process.env };
  beforeEach(() => {
    nock.disableNetConnect();
    for (const key of GITHUB_ENV_KEYS) delete process.env[key];
    Object.assign(process.env, extra);
    process.exitCode = undefined;
  });
  afterEach(() => {
    nock.cleanAll();
    nock.enableNetConnect();
    process.env = { ...saved };
    process.exitCode = undefined;
  });
}
