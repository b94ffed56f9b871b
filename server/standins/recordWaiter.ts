/**
 * What lets tests wait on a stand-in: `waitFor` resolves once `count` of the records match, checked
 * at once and again after each `recorded()`, or rejects after `timeoutMs` saying how many came.
 * `records` is the stand-in's own list, read anew on each check.
 */
export function recordWaiter<T>(records: readonly T[], standin: string, noun: string) {
  const waiters = new Set<() => void>();

  /** Wakes the waiters: call after each new record. */
  function recorded(): void {
    for (const wake of waiters) wake();
  }

  function waitFor(filter: (record: T) => boolean, count = 1, timeoutMs = 10_000): Promise<T[]> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const matched = records.filter(filter);
        if (matched.length >= count) {
          waiters.delete(check);
          clearTimeout(timer);
          resolve(matched);
        }
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(
          new Error(`${standin}: ${records.filter(filter).length} of ${count} expected ${noun} after ${timeoutMs} ms`),
        );
      }, timeoutMs);
      waiters.add(check);
      check();
    });
  }

  return { recorded, waitFor };
}
