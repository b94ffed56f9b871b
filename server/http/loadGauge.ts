/**
 * Event-loop lag, sampled every 50 ms: how late a timer fires is how long a new request would
 * wait before anything reads it. PGlite runs on this loop, so a busy database shows up here.
 */
export function startLoadGauge(maxLagMs: number, everyMs = 50): { overloaded(): boolean; stop(): void } {
  let lag = 0;
  let expected = performance.now() + everyMs;
  const timer = setInterval(() => {
    const now = performance.now();
    lag = Math.max(0, now - expected);
    expected = now + everyMs;
  }, everyMs);
  timer.unref();
  return { overloaded: () => lag > maxLagMs, stop: () => clearInterval(timer) };
}
