import { describe, expect, it } from 'vitest';
import { SpikeDetector, type Spike } from './spikeDetector';

const T0 = Date.UTC(2025, 0, 6, 9, 0, 0);
const MIN = 60_000;
/** The time `seconds` into minute `minute` after T0. */
const at = (minute: number, seconds = 0) => T0 + minute * MIN + seconds * 1000;

/**
 * The environment's defaults: 4× the trailing hour and at least 8 matches in 10 minutes, running
 * since well before T0 (a known, quiet history unless a test adds some).
 */
const detector = (extra: Partial<ConstructorParameters<typeof SpikeDetector>[0]> = {}) =>
  new SpikeDetector({ factor: 4, minMatches: 8, knownSince: at(-120), ...extra });

/** Records `count` matches spread over one minute; returns the spikes raised. */
function burst(d: SpikeDetector, rule: string, minute: number, count: number): Spike[] {
  const spikes: Spike[] = [];
  for (let i = 0; i < count; i++) {
    const spike = d.record(rule, at(minute, Math.floor((i * 60) / count)));
    if (spike) spikes.push(spike);
  }
  return spikes;
}

/** `perMinute` matches in each minute of [from, to), seeded as history. */
function history(d: SpikeDetector, rule: string, from: number, to: number, perMinute: number) {
  for (let m = from; m < to; m++) for (let i = 0; i < perMinute; i++) d.seed(rule, at(m, i));
}

describe('SpikeDetector', () => {
  it('a burst out of a quiet hour is a spike at exactly SWITCHBOARD_SPIKE_MIN_MATCHES', () => {
    const d = detector();
    const seven = burst(d, 'guitars', 0, 7);
    expect(seven).toEqual([]);
    const spike = d.record('guitars', at(0, 59));
    expect(spike).toMatchObject({
      ruleId: 'guitars',
      matches: 8,
      baselineMatches: 0,
      expected: 1, // the quiet floor: one match per 10 minutes
      ratio: 8,
      threshold: 8,
      windowMinutes: 10,
      baselineMinutes: 60,
      windowStart: at(-9),
    });
  });

  it('above the floor, the threshold is SWITCHBOARD_SPIKE_FACTOR × the trailing hour scaled to 10 minutes', () => {
    // 60 matches in the hour before the window: 10 per 10 minutes, so 4× is 40.
    const d = detector();
    history(d, 'guitars', 0, 60, 1);
    expect(burst(d, 'guitars', 69, 39)).toEqual([]);
    const spike = d.record('guitars', at(69, 59));
    expect(spike).toMatchObject({ matches: 40, baselineMatches: 60, expected: 10, ratio: 4, threshold: 40 });
  });

  it('SWITCHBOARD_SPIKE_MIN_MATCHES still holds when 4× the hour is below it', () => {
    // 12 in the hour → 2 per 10 minutes → 4× is 8; 6 in the hour → 1 → 4× is 4, but 8 are needed.
    for (const baseline of [6, 12]) {
      const d = detector();
      for (let i = 0; i < baseline; i++) d.seed('guitars', at(i * 5));
      expect(burst(d, 'guitars', 65, 7)).toEqual([]);
      expect(d.record('guitars', at(65, 59))).toMatchObject({ matches: 8, threshold: 8 });
    }
  });

  it('a fractional factor: 2.5 × 3.5 per 10 minutes is 8.75, so the 9th match spikes', () => {
    const d = detector({ factor: 2.5 });
    for (let i = 0; i < 21; i++) d.seed('r', at(i * 2)); // 21 in the hour: 3.5 per 10 min → 8.75
    expect(burst(d, 'r', 69, 8)).toEqual([]);
    expect(d.record('r', at(69, 59))).toMatchObject({ matches: 9, expected: 3.5, threshold: 8.75 });
  });

  it('only the last 10 minutes count as the window: matches 10 minutes ago are baseline', () => {
    const d = detector();
    // 7 at minute 0, then 7 at minute 10: never 8 within one 10-minute window.
    expect(burst(d, 'r', 0, 7)).toEqual([]);
    expect(burst(d, 'r', 10, 7)).toEqual([]);
    // One more at minute 10 makes 8 in the window (minutes 1–10); the 7 of minute 0 are now the hour: 7/6 → 4.67.
    expect(d.record('r', at(10, 59))).toMatchObject({ matches: 8, baselineMatches: 7 });
  });

  it('a steady rate never spikes once its hour is known', () => {
    const d = detector();
    history(d, 'steady', 0, 60, 3);
    const spikes: Spike[] = [];
    for (let m = 60; m < 60 + 6 * 60; m++) spikes.push(...burst(d, 'steady', m, 3));
    expect(spikes).toEqual([]);
  });

  it('one alert per spike: none while the rule stays above its threshold, a new one after it came back under', () => {
    const d = detector();
    expect(burst(d, 'r', 0, 20)).toHaveLength(1);
    // Still climbing for five more minutes: no second alert.
    for (let m = 1; m <= 5; m++) expect(burst(d, 'r', m, 20)).toEqual([]);
    // Quiet until minute 80, when the 120 matches are behind the window and the hour before it: a
    // match then finds the rule under its threshold, so the next burst alerts again.
    expect(d.record('r', at(80))).toBeNull();
    const again = burst(d, 'r', 81, 10);
    expect(again).toHaveLength(1);
    expect(again[0]).toMatchObject({ matches: 8, baselineMatches: 0 });
  });

  it('a whole window under the threshold re-arms the rule even while it is busy', () => {
    // 24 matches in the hour: 4 per 10 minutes, 4× is 16.
    const d = detector();
    for (let i = 0; i < 24; i++) d.seed('r', at(i * 2 + 1));
    expect(burst(d, 'r', 60, 16)).toHaveLength(1); // the 16th at 60:56
    // Busy again in minute 70 while the first alert holds: over the threshold, no new alert.
    d.record('r', at(70, 30));
    expect(burst(d, 'r', 70, 30)).toEqual([]);
    // By 90:00 every window of the last 10 minutes is past minute 70: under for a whole window.
    expect(d.record('r', at(90))).toBeNull();
    // A burst in minute 91 spikes again, against a baseline (minutes 22–81) that holds both bursts:
    // 13 seeded + 16 + 31 = 60 → 10 per 10 minutes → 40.
    const second = burst(d, 'r', 91, 45);
    expect(second).toHaveLength(1);
    expect(second[0]).toMatchObject({ matches: 40, baselineMatches: 60, threshold: 40 });
  });

  it('a rate hovering at the threshold is one spike, not one per crossing', () => {
    const d = detector();
    expect(burst(d, 'r', 0, 8)).toHaveLength(1); // 8 from a quiet hour, the 8th at 0:52
    // Minute 10: the first 8 leave the window and 8 more arrive: under, then over again, within a window.
    expect(burst(d, 'r', 10, 8)).toEqual([]);
    // Under the threshold from minute 20 on; at 30:00 that is a whole window, so the next crossing is
    // a new spike. The hour before it holds 16: 2.67 per 10 minutes → 10.7.
    expect(d.record('r', at(30))).toBeNull();
    const next = burst(d, 'r', 31, 12);
    expect(next.map((s) => [s.matches, s.baselineMatches])).toEqual([[11, 16]]);
  });

  it('alerts nothing until half an hour of baseline has been seen, then takes the rate over the part seen', () => {
    // Started at T0 with no history: a burst at minute 38 has 29 minutes of baseline behind its window.
    const fresh = new SpikeDetector({ factor: 4, minMatches: 8, knownSince: T0 });
    expect(burst(fresh, 'r', 38, 20)).toEqual([]);
    // At minute 39 the baseline (minutes 0–29) is 30 minutes long: the burst is still on, and alerts.
    expect(fresh.record('r', at(39))).toMatchObject({
      matches: 21,
      baselineMinutes: 30,
      baselineMatches: 0,
      threshold: 8,
    });

    // 12 matches in the 30 minutes seen: 4 per 10 minutes, so 4× is 16 (not 8 from 12 in a whole hour).
    const busy = new SpikeDetector({ factor: 4, minMatches: 8, knownSince: T0 });
    history(busy, 'r', 0, 12, 1);
    expect(burst(busy, 'r', 39, 15)).toEqual([]);
    expect(busy.record('r', at(39, 59))).toMatchObject({
      matches: 16,
      baselineMinutes: 30,
      expected: 4,
      threshold: 16,
    });

    // Without knownSince, the first match starts the clock.
    const unset = new SpikeDetector({ factor: 4, minMatches: 8 });
    expect(burst(unset, 'r', 0, 30)).toEqual([]);
    // History rebuilt back to minute −60: the baseline behind minute 1's window is minutes −60 to −9.
    unset.knownFrom(at(-60));
    expect(unset.record('r', at(1))).toMatchObject({ matches: 31, baselineMinutes: 52, baselineMatches: 0 });
  });

  it('a spike still going after realertAfterMs (an hour by default) alerts again', () => {
    const d = detector({ realertAfterMs: 5 * MIN });
    expect(burst(d, 'r', 0, 10)).toHaveLength(1); // at the 8th match, second 42 of minute 0
    expect(burst(d, 'r', 1, 10)).toEqual([]);
    expect(burst(d, 'r', 4, 10)).toEqual([]);
    // Minute 5, second 42: five minutes after the first alert, and still 40+ matches from a quiet hour.
    const later = burst(d, 'r', 5, 10);
    expect(later).toHaveLength(1);
    expect(later[0]!.at - at(0, 42)).toBe(5 * MIN);
  });

  it('several rules are independent: one spiking neither raises nor silences another', () => {
    const d = detector();
    history(d, 'refunds', 0, 60, 2); // a busy rule: 20 per 10 minutes → 80 to spike
    history(d, 'guitars', 0, 60, 0);
    const spikes: Spike[] = [];
    for (let m = 60; m < 70; m++) {
      spikes.push(...burst(d, 'refunds', m, 2));
      if (m === 62) spikes.push(...burst(d, 'guitars', m, 12));
    }
    expect(spikes.map((s) => [s.ruleId, s.matches])).toEqual([['guitars', 8]]);
    // Refunds spikes on its own figures while guitars is still in its cooldown.
    const refunds = burst(d, 'refunds', 70, 80);
    expect(refunds.map((s) => [s.ruleId, s.matches, s.threshold])).toEqual([['refunds', 80, 80]]);
    expect(burst(d, 'guitars', 70, 5)).toEqual([]);
  });

  it('memory stays bounded: at most 70 minute buckets per rule, and quiet rules are dropped', () => {
    const d = detector();
    let most = 0;
    for (let m = 0; m < 24 * 60; m++) {
      for (const rule of ['a', 'b', 'c']) d.record(rule, at(m, 30));
      if (m < 100) d.record('short-lived', at(m, 31));
      most = Math.max(most, d.size().buckets);
    }
    expect(most).toBeLessThanOrEqual(4 * 70);
    // 'short-lived' stopped at minute 99: gone 70 minutes later; the others hold exactly 70 buckets.
    expect(d.size()).toEqual({ rules: 3, buckets: 3 * 70 });
  });

  it('history seeded out of order lands in its minute, and a restored alert keeps the rule quiet', () => {
    const seeded = [65, 61, 63, 69, 60, 62, 64, 66];
    const fresh = detector();
    for (const m of seeded) fresh.seed('r', at(m));
    expect(fresh.record('r', at(69, 30))).toMatchObject({ matches: 9, baselineMatches: 0 });
    expect(fresh.size()).toEqual({ rules: 1, buckets: 8 });
    // The same history with the spike's alert raised before the restart: no second alert.
    const restarted = detector();
    for (const m of seeded) restarted.seed('r', at(m));
    restarted.markAlerted('r', at(69));
    expect(restarted.record('r', at(69, 30))).toBeNull();
  });

  it('refuses a window, baseline or floor that is not positive', () => {
    expect(() => detector({ windowMinutes: 0 })).toThrow(/must be positive/);
    expect(() => detector({ quietFloor: 0 })).toThrow(/must be positive/);
  });
});
