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

/**
 * Progress of a long run on stderr: one bar rewritten in place on a terminal, one plain line per phase otherwise
 * (CI logs, pipes), and nothing but the final summary when NO_PROGRESS is set. stdout stays clean for the data.
 */
export interface PhaseProgress {
  update: (p: { phase: string; done: number; total?: number }) => void;
  done: () => void;
}

export function progressReporter(stream: NodeJS.WriteStream, env: NodeJS.ProcessEnv = process.env): PhaseProgress {
  if (env.NO_PROGRESS) return { update: () => undefined, done: () => undefined };
  const tty = Boolean(stream.isTTY) && env.TERM !== "dumb";
  let phase: string | undefined;
  let last = { phase: "", done: 0, total: undefined as number | undefined };
  let drawn = false;
  const line = (p: typeof last): string => {
    if (p.total === undefined || p.total === 0) return `${p.phase}: ${p.done}`;
    const width = 24;
    const filled = Math.min(width, Math.round((p.done / p.total) * width));
    return `${p.phase} [${"#".repeat(filled)}${"-".repeat(width - filled)}] ${p.done}/${p.total}`;
  };
  return {
    update(p) {
      const previous = last;
      last = { phase: p.phase, done: p.done, total: p.total };
      if (tty) {
        stream.write(`\r\x1b[2K${line(last)}`);
        drawn = true;
      } else if (p.phase !== phase) {
        if (phase !== undefined) stream.write(`converge: ${line(previous)}\n`);
        phase = p.phase;
      }
    },
    done() {
      if (!tty && phase !== undefined) stream.write(`converge: ${line(last)}\n`);
      phase = undefined;
      if (tty && drawn) stream.write("\r\x1b[2K");
      drawn = false;
    },
  };
}
