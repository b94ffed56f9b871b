/**
 * Spike detection on listening-rule matches: pure, no I/O, the time of each match passed in.
 *
 * Per rule, matches are counted in minute buckets. At a match, the rule is over its threshold when
 * the matches of the last `windowMinutes` reach both `minMatches` and `factor` × what the
 * `baselineMinutes` before that window give in one window. A quiet baseline counts as `quietFloor`
 * matches per window, so a burst out of a quiet hour is a spike once it reaches `minMatches`.
 * Minute buckets make the window between `windowMinutes - 1` and `windowMinutes` long: precise
 * enough for "several times the trailing hour", and memory stays at most
 * `windowMinutes + baselineMinutes` buckets per rule.
 *
 * A rate is not known from nothing: until `minBaselineMinutes` of baseline have been seen (since
 * `knownSince`) nothing alerts, and until the whole baseline has been seen its rate is taken over
 * the part seen.
 *
 * One alert per spike: after a rule alerts it stays quiet until its rate has been back under the
 * threshold for a whole window (so a rate hovering at the threshold is one spike, not several), or
 * until `realertAfterMs` has passed (a spike still going after an hour is worth saying again).
 */

export interface SpikeSettings {
  /** SWITCHBOARD_SPIKE_FACTOR: how many times the trailing rate. */
  factor: number;
  /** SWITCHBOARD_SPIKE_MIN_MATCHES: so three posts on a quiet night are not a spike. */
  minMatches: number;
  windowMinutes?: number;
  baselineMinutes?: number;
  /** Matches per window a quiet baseline counts as (default 1). */
  quietFloor?: number;
  realertAfterMs?: number;
  /** Baseline minutes seen before anything alerts (default half the baseline). */
  minBaselineMinutes?: number;
  /** Since when matches are known (epoch ms): the detector's start. Default: the first match. */
  knownSince?: number;
}

export interface Spike {
  ruleId: string;
  /** When the match that made it a spike happened (epoch ms). */
  at: number;
  /** Start of the window's oldest minute (epoch ms). */
  windowStart: number;
  windowMinutes: number;
  /** Matches in the window, this one included. */
  matches: number;
  /** Minutes of baseline seen (`baselineMinutes` once the detector has run that long). */
  baselineMinutes: number;
  /** Matches in those minutes. */
  baselineMatches: number;
  /** The baseline scaled to one window, at least `quietFloor`. */
  expected: number;
  /** matches / expected. */
  ratio: number;
  /** What the window had to reach: max(minMatches, factor × expected). */
  threshold: number;
}

interface RuleState {
  /** [minute since epoch, matches], oldest first, at most windowMinutes + baselineMinutes. */
  buckets: [number, number][];
  /** When this rule last alerted; null once it may alert again. */
  alertedAt: number | null;
}

interface Evaluation extends Spike {
  over: boolean;
  warmingUp: boolean;
}

const MINUTE_MS = 60_000;
/** Rounding slack: 4 × (7 × 10 / 60) must not miss a window of exactly that many matches. */
const EPSILON = 1e-9;

export class SpikeDetector {
  private readonly rules = new Map<string, RuleState>();
  private readonly factor: number;
  private readonly minMatches: number;
  private readonly windowMinutes: number;
  private readonly baselineMinutes: number;
  private readonly quietFloor: number;
  private readonly realertAfterMs: number;
  private readonly minBaselineMinutes: number;
  private knownSinceMinute: number | null;
  private lastSweepMinute = -Infinity;

  constructor(settings: SpikeSettings) {
    this.factor = settings.factor;
    this.minMatches = settings.minMatches;
    this.windowMinutes = settings.windowMinutes ?? 10;
    this.baselineMinutes = settings.baselineMinutes ?? 60;
    this.quietFloor = settings.quietFloor ?? 1;
    this.realertAfterMs = settings.realertAfterMs ?? 3600_000;
    this.minBaselineMinutes = Math.min(settings.minBaselineMinutes ?? this.baselineMinutes / 2, this.baselineMinutes);
    this.knownSinceMinute = settings.knownSince === undefined ? null : Math.floor(settings.knownSince / MINUTE_MS);
    if (this.windowMinutes < 1 || this.baselineMinutes < 1 || this.quietFloor <= 0)
      throw new Error('Spike detector: the window, the baseline and the quiet floor must be positive.');
  }

  /** Counts one match of `ruleId` at `at`; returns the spike when this match starts one. */
  record(ruleId: string, at: number): Spike | null {
    this.knownSinceMinute ??= Math.floor(at / MINUTE_MS);
    const state = this.state(ruleId);
    if (state.alertedAt !== null && (this.underForAWindow(state, at) || at - state.alertedAt >= this.realertAfterMs))
      state.alertedAt = null;
    this.add(state, at, 1);
    this.sweep(at);
    const { over, warmingUp, ...spike } = this.evaluate(ruleId, state, at);
    if (!over || warmingUp || state.alertedAt !== null) return null;
    state.alertedAt = at;
    return spike;
  }

  /** Counts matches from before this process started (rebuilt from storage), without alerting. */
  seed(ruleId: string, at: number, count = 1): void {
    this.add(this.state(ruleId), at, count);
  }

  /** Matches are known from `at` on (history rebuilt from storage reaches back that far). */
  knownFrom(at: number): void {
    const minute = Math.floor(at / MINUTE_MS);
    this.knownSinceMinute = Math.min(this.knownSinceMinute ?? minute, minute);
  }

  /** Restores "already alerted at `at`" for a rule (an alert raised before a restart). */
  markAlerted(ruleId: string, at: number): void {
    const state = this.state(ruleId);
    state.alertedAt = Math.max(state.alertedAt ?? -Infinity, at);
  }

  /** What the detector holds, to check memory stays bounded. */
  size(): { rules: number; buckets: number } {
    let buckets = 0;
    for (const s of this.rules.values()) buckets += s.buckets.length;
    return { rules: this.rules.size, buckets };
  }

  private state(ruleId: string): RuleState {
    let state = this.rules.get(ruleId);
    if (!state) {
      state = { buckets: [], alertedAt: null };
      this.rules.set(ruleId, state);
    }
    return state;
  }

  private get horizon(): number {
    return this.windowMinutes + this.baselineMinutes;
  }

  private add(state: RuleState, at: number, count: number): void {
    const minute = Math.floor(at / MINUTE_MS);
    const { buckets } = state;
    // Matches arrive in time order; a late one (a rebuild, a clock step back) is placed by walking back.
    let i = buckets.length;
    while (i > 0 && buckets[i - 1]![0] > minute) i--;
    if (i > 0 && buckets[i - 1]![0] === minute) buckets[i - 1]![1] += count;
    else buckets.splice(i, 0, [minute, count]);
    const newest = buckets[buckets.length - 1]![0];
    let stale = 0;
    while (stale < buckets.length && buckets[stale]![0] <= newest - this.horizon) stale++;
    if (stale) buckets.splice(0, stale);
  }

  /** Drops rules with nothing in the horizon (a rule deleted or gone quiet), at most once a minute. */
  private sweep(at: number): void {
    const minute = Math.floor(at / MINUTE_MS);
    if (minute === this.lastSweepMinute) return;
    this.lastSweepMinute = minute;
    for (const [ruleId, state] of this.rules) {
      const newest = state.buckets[state.buckets.length - 1]?.[0] ?? -Infinity;
      // Nothing in the horizon: under its threshold for far longer than a window, so nothing to keep.
      if (newest <= minute - this.horizon) this.rules.delete(ruleId);
    }
  }

  /**
   * Under the threshold at the end of each of the last `windowMinutes` minutes (this one so far):
   * a window's count only grows within a minute and its threshold moves only between minutes, so
   * that is under it all along.
   */
  private underForAWindow(state: RuleState, at: number): boolean {
    const minute = Math.floor(at / MINUTE_MS);
    for (let m = minute - this.windowMinutes + 1; m <= minute; m++) {
      if (this.evaluate('', state, m === minute ? at : (m + 1) * MINUTE_MS - 1).over) return false;
    }
    return true;
  }

  private evaluate(ruleId: string, state: RuleState, at: number): Evaluation {
    const minute = Math.floor(at / MINUTE_MS);
    const windowFrom = minute - this.windowMinutes + 1;
    const baselineFrom = Math.max(windowFrom - this.baselineMinutes, this.knownSinceMinute ?? minute);
    const baselineMinutes = Math.max(0, windowFrom - baselineFrom);
    let matches = 0;
    let baselineMatches = 0;
    for (const [m, n] of state.buckets) {
      if (m > minute) continue;
      if (m >= windowFrom) matches += n;
      else if (m >= baselineFrom) baselineMatches += n;
    }
    const rate = baselineMinutes > 0 ? (baselineMatches * this.windowMinutes) / baselineMinutes : 0;
    const expected = Math.max(rate, this.quietFloor);
    const threshold = Math.max(this.minMatches, this.factor * expected);
    return {
      ruleId,
      at,
      windowStart: windowFrom * MINUTE_MS,
      windowMinutes: this.windowMinutes,
      matches,
      baselineMinutes,
      baselineMatches,
      expected,
      ratio: matches / expected,
      threshold,
      over: matches >= threshold - EPSILON,
      warmingUp: baselineMinutes < this.minBaselineMinutes,
    };
  }
}
