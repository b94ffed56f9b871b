/**
 * A token bucket per key (a visitor, a socket): `perSecond` refill, up to `burst` at once. In
 * memory, per server process; idle keys are dropped once the map grows, so a flood of fresh
 * visitor ids cannot grow it without bound.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Takes one token; false when the key has none left (the caller refuses the request). */
  take(key: string): boolean {
    const at = this.now();
    const bucket = this.buckets.get(key) ?? { tokens: this.burst, at };
    bucket.tokens = Math.min(this.burst, bucket.tokens + ((at - bucket.at) / 1000) * this.perSecond);
    bucket.at = at;
    this.buckets.set(key, bucket);
    if (this.buckets.size > 10_000) this.sweep(at);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  /** Forgets keys whose bucket has refilled: they behave the same as unknown keys. */
  private sweep(at: number): void {
    const full = (this.burst / this.perSecond) * 1000;
    for (const [key, bucket] of this.buckets) if (at - bucket.at >= full) this.buckets.delete(key);
  }
}
