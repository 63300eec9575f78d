/**
 * Colour for people, plain text for machines: colour only when the stream is a terminal, `NO_COLOR` is not set
 * (https://no-color.org) and TERM is not "dumb"; `FORCE_COLOR` (not "0") forces it, e.g. in CI logs that render ANSI.
 * Output piped to a file or another program is always plain, so scripts never see escape codes.
 */

export interface Stream {
  isTTY?: boolean;
}

export function colorEnabled(stream: Stream, env: Record<string, string | undefined> = process.env): boolean {
  if (env.NO_COLOR) return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== "0" && env.FORCE_COLOR !== "false") return true;
  if (env.FORCE_COLOR === "0" || env.FORCE_COLOR === "false") return false;
  return Boolean(stream.isTTY) && env.TERM !== "dumb";
}

export interface Painter {
  red(text: string): string;
  green(text: string): string;
  yellow(text: string): string;
  dim(text: string): string;
  bold(text: string): string;
}

const sgr = (open: number, close: number) => (text: string) => `\u001b[${open}m${text}\u001b[${close}m`;
const plain = (text: string) => text;

export function painter(stream: Stream, env: Record<string, string | undefined> = process.env): Painter {
  if (!colorEnabled(stream, env)) return { red: plain, green: plain, yellow: plain, dim: plain, bold: plain };
  return { red: sgr(31, 39), green: sgr(32, 39), yellow: sgr(33, 39), dim: sgr(2, 22), bold: sgr(1, 22) };
}
