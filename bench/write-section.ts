import { existsSync, readFileSync, writeFileSync } from "node:fs";

export const BENCHMARKS_FILE = new URL("../docs/benchmarks.md", import.meta.url);

/**
 * Each benchmark owns one section of docs/benchmarks.md, between `<!-- bench:<id> -->` and `<!-- /bench:<id> -->`,
 * so running one benchmark never erases another's results.
 */
export function writeBenchSection(id: string, markdown: string): void {
  const start = `<!-- bench:${id} -->`;
  const end = `<!-- /bench:${id} -->`;
  const block = `${start}\n${markdown.trim()}\n${end}`;
  const current = existsSync(BENCHMARKS_FILE) ? readFileSync(BENCHMARKS_FILE, "utf8") : "# Benchmarks\n\nEach section says the command that produced it, the machine, and the floor its ratios are measured against.\n";
  const pattern = new RegExp(`${start}[\\s\\S]*?${end}`);
  const next = pattern.test(current) ? current.replace(pattern, block) : `${current.trimEnd()}\n\n${block}\n`;
  writeFileSync(BENCHMARKS_FILE, next);
}
