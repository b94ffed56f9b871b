/** Runs async steps one at a time, in call order, on any runtime. */
export interface OneAtATime {
  <T>(step: () => Promise<T>): Promise<T>;
  /** Settles once every step queued so far has run. */
  idle(): Promise<void>;
}

/**
 * A queue of turns: each step starts when the one before it has settled. A failed step rejects its
 * own caller only; the next step still runs. The chain itself never rejects, so a caller that does
 * not await (`void turns(...)`) leaves no unhandled rejection behind.
 */
export function oneAtATime(): OneAtATime {
  let last: Promise<unknown> = Promise.resolve();
  const turns = <T>(step: () => Promise<T>): Promise<T> => {
    const run = last.then(() => step());
    last = run.catch(() => undefined);
    return run;
  };
  return Object.assign(turns, { idle: () => last.then(() => undefined) });
}
