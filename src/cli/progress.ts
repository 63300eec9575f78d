import { colorEnabled, type Stream } from "./style.js";

/**
 * A one-line progress bar on stderr for long runs (one step per repository), redrawn in place. Only on a terminal:
 * piped or redirected output, CI logs and `--json` consumers get no progress lines at all (stdout stays the result).
 */
export interface Progress {
  tick(label: string): void;
  done(): void;
}

export function progressBar(total: number, what: string, stream: Stream & { write(text: string): unknown } = process.stderr, env = process.env): Progress {
  if (!stream.isTTY || env.TERM === "dumb" || total === 0) return { tick: () => {}, done: () => {} };
  const width = 24;
  const color = colorEnabled(stream, env);
  let count = 0;
  return {
    tick(label) {
      count++;
      const filled = Math.round((count / total) * width);
      const bar = `${"█".repeat(filled)}${"░".repeat(width - filled)}`;
      const text = `${what} ${color ? `\u001b[36m${bar}\u001b[39m` : bar} ${count}/${total} ${label}`.slice(0, 100);
      stream.write(`\r\u001b[2K${text}`);
    },
    done() {
      stream.write("\r\u001b[2K");
    },
  };
}
