/**
 * Spacing of content-creating writes (issues, sub-issue links) under GitHub's secondary limits: about 80 per minute
 * and 500 per hour per app installation (github-facts.md). Writes for one key (the installation's account) run one
 * after another at least `intervalMs` apart, across every use case being handled at the time. Probot's throttling
 * plugin paces writes as well; this keeps Converge under the limit even where that plugin is switched off, and is
 * what a bulk operation such as a use case with many criteria relies on. Module-level, like the throttling queues.
 */

export interface PacingSettings {
  intervalMs: number;
  sleep: (ms: number) => Promise<void>;
  now: () => number;
}

const defaults = (): PacingSettings => ({
  intervalMs: 1000,
  sleep: (ms) => new Promise<void>((resolve) => setTimeout(resolve, ms)),
  now: () => Date.now(),
});

let settings: PacingSettings = defaults();
const lastWrite = new Map<string, number>();
const tails = new Map<string, Promise<void>>();

/** Tests replace the clock and the sleep (and reset between cases); `{}` restores the defaults. */
export function configurePacing(overrides: Partial<PacingSettings>): void {
  settings = { ...defaults(), ...overrides };
  lastWrite.clear();
  tails.clear();
}

export function pacingSleep(ms: number): Promise<void> {
  return settings.sleep(ms);
}

/** Wait until this key may write again, then claim the slot. */
export function paceWrite(key: string): Promise<void> {
  const previous = tails.get(key) ?? Promise.resolve();
  const turn = previous.then(async () => {
    const last = lastWrite.get(key);
    if (last !== undefined) {
      const wait = last + settings.intervalMs - settings.now();
      if (wait > 0) await settings.sleep(wait);
    }
    lastWrite.set(key, settings.now());
  });
  tails.set(key, turn.catch(() => undefined));
  return turn;
}
