import { readFile, writeFile, mkdir } from "node:fs/promises";
import { dirname } from "node:path";
import { CliError } from "./errors.js";
import { parseSnapshotText, type SnapshotResult } from "../domain/snapshot/load.js";

/** Read a file the user named, turning "no such file" into an actionable message. */
export async function readUserFile(path: string, what: string): Promise<string> {
  try {
    return await readFile(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new CliError(`${what} not found: ${path}`, 2);
    if (code === "EISDIR") throw new CliError(`${what} is a directory, expected a file: ${path}`, 2);
    throw new CliError(`cannot read ${what} ${path}: ${(error as Error).message}`, 2);
  }
}

export async function writeOutput(path: string, content: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, content, "utf8");
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** `converge report … | head` closes stdout early: stop quietly instead of crashing with EPIPE. */
export function exitQuietlyOnClosedPipe(): void {
  process.stdout.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE") process.exit(0);
    throw error;
  });
}

/**
 * Read, parse and validate a snapshot file the user named. Its text (as large as the snapshot) lives only in this
 * function's frame: an async function's frame keeps every value it awaited until it returns, so a command that
 * awaited the text itself would hold it for the whole report. Call `releaseParsedText()` once this has returned.
 */
export async function readSnapshotFile(path: string, what: string): Promise<SnapshotResult> {
  return parseSnapshotText(await readUserFile(path, what));
}

/**
 * Once a large input (a snapshot) is parsed, its text is garbage as large as the parsed data, but V8 frees it only
 * at its next full collection, which under a heap limit comes in the middle of the report: the process's peak then
 * holds both. When the process runs with `--expose-gc` (README, "Running in production"), collect right away; without
 * it this does nothing (ADR 0035). The text must be unreachable by then (see readSnapshotFile).
 */
export function releaseParsedText(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (typeof gc === "function") gc();
}
