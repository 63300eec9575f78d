/**
 * Progress of a long run on stderr: one bar rewritten in place on a terminal, one plain line per phase otherwise
 * (CI logs, pipes), and nothing but the final summary when NO_PROGRESS is set. stdout stays clean for the data.
 */
export interface Progress {
  update: (p: { phase: string; done: number; total?: number }) => void;
  done: () => void;
}

export function progressReporter(stream: NodeJS.WriteStream, env: NodeJS.ProcessEnv = process.env): Progress {
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
