/**
 * Serialise work per key inside this process (e.g. one issue, one initiative), so two deliveries for the same object
 * (issues.opened racing issues.edited, or two use cases linking one initiative) never read-modify-write at once.
 * Across instances the reconciliation job repairs the rare race (roadmap: periodic reconciliation).
 */
const tails = new Map<string, Promise<unknown>>();

export async function withKeyLock<T>(key: string, work: () => Promise<T>): Promise<T> {
  const previous = tails.get(key) ?? Promise.resolve();
  const run = previous.then(work, work);
  const tail = run.catch(() => undefined);
  tails.set(key, tail);
  try {
    return await run;
  } finally {
    if (tails.get(key) === tail) tails.delete(key);
  }
}
