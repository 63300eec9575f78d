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

/**
 * Hold several keys at once until the returned release is called: for work whose keys are only known half-way (the
 * initiatives a use case names are known once its body and status comment are read). Keys are taken in sorted
 * order, so two holders of overlapping sets never wait on each other in a cycle.
 */
export async function acquireKeys(keys: readonly string[]): Promise<() => void> {
  const releases: Array<() => void> = [];
  for (const key of [...new Set(keys)].sort()) {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const previous = tails.get(key) ?? Promise.resolve();
    const tail = previous.then(() => held);
    tails.set(key, tail);
    await previous;
    releases.push(() => {
      release();
      if (tails.get(key) === tail) tails.delete(key);
    });
  }
  let done = false;
  return () => {
    if (done) return;
    done = true;
    for (const release of releases.reverse()) release();
  };
}
