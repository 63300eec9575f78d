import { execFileSync, spawnSync } from "node:child_process";

/**
 * A throwaway redis-server on loopback for tests that need real Redis (BullMQ). Missing redis-server skips the test
 * with a visible reason locally, and fails in CI (CI is set), where .ci/run installs it.
 */
export const hasRedis = spawnSync("redis-server", ["--version"]).status === 0;

export function requireRedisOrSkip(file: string): void {
  if (hasRedis) return;
  if (process.env.CI) throw new Error("redis-server is missing in CI: .ci/run must install it (apt-get install -y redis-server)");
  console.warn(`SKIPPED ${file}: redis-server is not installed (apt-get install -y redis-server)`);
}

export function startRedis(port: number, dir: string): string {
  execFileSync("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "yes", "--dir", dir]);
  for (let i = 0; i < 50; i++) {
    if (spawnSync("redis-cli", ["-p", String(port), "ping"]).stdout?.toString().includes("PONG")) return `redis://127.0.0.1:${port}`;
    spawnSync("sleep", ["0.1"]);
  }
  throw new Error("redis-server did not start");
}

export function stopRedis(port: number): void {
  spawnSync("redis-cli", ["-p", String(port), "shutdown", "nosave"]);
}
