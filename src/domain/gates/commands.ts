import { commandLines } from "../markdown/command-lines.js";

/**
 * `/gate` slash commands in issue comments, for people who prefer typing to labelling:
 *   /gate pass <gate>   — same authorization and requirements as adding the gate label
 *   /gate status        — refresh the gates section of the status comment
 * Only a line that starts with `/gate` counts; lines inside code fences or quotes are ignored, so pasting an
 * example does not trigger anything. The first command in a comment wins.
 */
export type GateCommand = { kind: "pass"; gate: string } | { kind: "status" } | { kind: "invalid"; message: string };

export function parseGateCommand(body: string | null | undefined): GateCommand | undefined {
  if (!body) return undefined;
  for (const line of commandLines(body)) {
    const match = /^\/gate(?:\s+(.*))?$/i.exec(line);
    if (!match) continue;
    const args = (match[1] ?? "").trim().split(/\s+/).filter(Boolean);
    const sub = args[0]?.toLowerCase();
    if (sub === "status" && args.length === 1) return { kind: "status" };
    if (sub === "pass") {
      if (args.length === 2 && args[1]) return { kind: "pass", gate: args[1] };
      return { kind: "invalid", message: "usage: `/gate pass <gate>` with one gate id, label or number" };
    }
    return { kind: "invalid", message: "unknown command: use `/gate pass <gate>` or `/gate status`" };
  }
  return undefined;
}
